"""The wheel's build step for the bundled data: check every file, keep what the loaders made.

`hatch_build.py` calls `build` with the folder the wheel carries as `licheck/_data/parsed/`.
Every bundled YAML file is parsed (`licheck.data.build_parsed`) and then read by the loader
that reads it at run time, with every check a run would make: the licences, every rule file
(quotes against the licence texts), the whole catalogue (no id twice across files), the
fingerprint table and the vocabularies. The first problem stops the build with its
`file:line` error, so no wheel is built with a bad data file. What each loader made of each
file is written beside its parse (`licheck.data.write_proven`), for an installed licheck to
take instead of checking the same bytes again.
"""

from __future__ import annotations

from pathlib import Path

from licheck import licences, uses
from licheck.catalogue import load_catalogue
from licheck.data import FOLDERS, Kept, build_parsed, data_dir, keeping, write_proven, yaml_files
from licheck.errors import DataError
from licheck.fingerprints import load_fingerprints
from licheck.rules.loader import Rulebook


def check_bundled() -> Kept:
    """Read and check every bundled data file as a run would; what the loaders kept, by file
    name (`rules/llama3.1.yml`). Raises the first problem found."""
    licences._bundled.cache_clear()   # read the files now, not a corpus read earlier
    with keeping() as kept:
        corpus = licences.load_corpus()
        list(Rulebook(corpus))   # every licence's rule file, and each named for its licence
        load_catalogue(licences=corpus, whole=True)
        load_fingerprints(licences=corpus)
        for name in uses.VOCABULARIES:
            uses.load_vocabulary(data_dir("vocabularies") / f"{name}.yml")
        # A data file no loader reads would be shipped unchecked: refuse it.
        for folder in FOLDERS:
            for path in yaml_files(data_dir(folder)):
                name = f"{folder}/{path.relative_to(data_dir(folder)).as_posix()}"
                if name not in kept:
                    raise DataError("no loader reads this file, so nothing checks it", path=path)
    licences._bundled.cache_clear()
    return kept


def build(out: Path) -> int:
    """Write the parse and the checked objects of every bundled YAML file into `out`; returns
    how many files. Raises the first problem in the data (its `file:line`)."""
    count = build_parsed([data_dir(name) for name in FOLDERS], out)
    write_proven(check_bundled(), out)
    return count
