"""The identify index's costly parts, computed when the wheel is built.

Normalising every licence text and encoding its words is most of what building the index
costs (`licheck.matching.index`). The wheel build (`hatch_build.py`, through
`licheck.matching.build`) writes, for every bundled licence text, its normalised hash and its
encoded words, filed under the SHA-256 of the text's bytes, with the vocabulary the encoding
uses and the words of each reference phrase, filed under the phrase. It also writes the
similarity scores each corpus text gets against the corpus (what an input that is a corpus
text gets: an exact or normalised match), with the SHA-256 of each text of that corpus in
order: they are used only for exactly that corpus, and spare such an input the similarity
matcher and its rapidfuzz import.

The index takes a text's entry only when one exists for exactly that text's bytes, and the
file only when the matching code that wrote it is the code that reads it (the digest of this
package's modules, in its first line): an edited or a user's text, a source checkout or a
changed matcher is computed afresh, so nothing can be stale.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

from licheck.errors import InputError
from licheck.files import read_capped, write_atomically

FORMAT = 1
# Where the wheel carries it (`licheck/_data/`, beside the bundled data folders).
BUNDLED_FILE = Path(__file__).resolve().parent.parent / "_data" / "matching-index.json"
_MAX_BYTES = 64 * 1024 * 1024


class Prebuilt(NamedTuple):  # (a NamedTuple: a fraction of a dataclass's import cost)
    """`vocabulary`: the corpus words in the order their characters were given;
    `texts`: raw SHA-256 -> (normalised SHA-256, encoded words); `phrases`: a reference
    phrase -> its words; `corpus`: the raw SHA-256 of each text of the corpus it was built
    from, in the index's order; `scores`: for each of those texts, the similarity scores it
    gets against them (by position) as an input identified by its hash."""

    vocabulary: tuple[str, ...]
    texts: dict[str, tuple[str, str]]
    phrases: dict[str, tuple[str, ...]]
    corpus: tuple[str, ...]
    scores: tuple[dict[int, float], ...]


NONE = Prebuilt((), {}, {}, (), ())  # build everything from the texts


def code_digest() -> str | None:
    """SHA-256 over the sources of this package's modules (None when they cannot be read:
    then nothing pre-built is trusted)."""
    digest = hashlib.sha256(str(FORMAT).encode())
    try:
        for path in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(f"\0{path.name}\0".encode() + read_capped(path, _MAX_BYTES))
    except InputError:
        return None
    return digest.hexdigest()


def write(prebuilt: Prebuilt, path: Path) -> None:
    header = {"format": FORMAT, "code": code_digest()}
    body = {"vocabulary": list(prebuilt.vocabulary),
            "texts": {k: list(v) for k, v in prebuilt.texts.items()},
            "phrases": {k: list(v) for k, v in prebuilt.phrases.items()},
            "corpus": list(prebuilt.corpus),
            "scores": [list(row.items()) for row in prebuilt.scores]}  # in scoring order
    write_atomically(path, json.dumps(header) + "\n"
                     + json.dumps(body, ensure_ascii=False, separators=(",", ":")), mode=0o644)


def read(path: Path) -> Prebuilt:
    """The pre-built entries in `path`; NONE when there is no such file, it is damaged, or
    another version of the matching code wrote it."""
    try:
        head, _, body = read_capped(path, _MAX_BYTES).partition(b"\n")
        header = json.loads(head)
        digest = code_digest()
        if digest is None or header.get("format") != FORMAT or header.get("code") != digest:
            return NONE
        doc = json.loads(body)
        if len(doc["corpus"]) != len(doc["scores"]):
            return NONE
        return Prebuilt(tuple(doc["vocabulary"]),
                        {k: (v[0], v[1]) for k, v in doc["texts"].items()},
                        {k: tuple(v) for k, v in doc["phrases"].items()},
                        tuple(doc["corpus"]),
                        tuple({int(i): float(s) for i, s in row} for row in doc["scores"]))
    except (InputError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return NONE


@cache
def bundled() -> Prebuilt:
    """The wheel's pre-built entries (NONE in a source checkout or an editable install)."""
    return read(BUNDLED_FILE) if BUNDLED_FILE.is_file() else NONE
