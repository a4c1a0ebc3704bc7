"""Where licheck's data folders are, and how their files are read.

In a wheel the folders are shipped inside the package (`licheck/_data/...`); in a source
checkout or an editable install they sit at the repository root. Users add their own
folders through configuration (`extra_licences`, `extra_rules`, `extra_catalogue`), never
by editing these.

A wheel also carries every bundled YAML file pre-parsed (`licheck/_data/parsed/`, written at
build time by `build_parsed`, named by the SHA-256 of the file's bytes). `load_data_yaml`
reads a data file's bytes and uses the pre-parsed document only when one exists for those
exact bytes: an edited file, a user's file or a source checkout is parsed from YAML, so no
parse can be stale and none depends on a file's name or date.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.files import decode_text, read_capped, write_atomically
from licheck.yamldoc import from_json, to_json
from licheck.yamlload import MAX_YAML_BYTES, parse_yaml

_PACKAGE = Path(__file__).resolve().parent
FOLDERS = ("licences", "rules", "catalogue", "vocabularies")
PARSED = _PACKAGE / "_data" / "parsed"


@cache
def data_dir(name: str) -> Path:
    """The bundled folder `name` ("licences", "rules", "catalogue" or "vocabularies")."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"licheck's bundled '{name}' folder is missing from this installation")


@cache
def _parsed_dir() -> Path | None:
    return PARSED if PARSED.is_dir() else None


def load_data_yaml(path: str | os.PathLike[str]) -> Any:
    """The document of a licence, rule or catalogue file: as `licheck.yamlload.load_yaml`
    gives it (same errors, same line numbers), from its pre-parsed form when the wheel has
    one for exactly these bytes."""
    raw = read_capped(path, MAX_YAML_BYTES)
    parsed = _parsed_dir()
    if parsed is not None:
        found, doc = _read_entry(parsed / f"{hashlib.sha256(raw).hexdigest()}.json")
        if found:
            return doc
    return parse_yaml(decode_text(raw, path), path)


def _read_entry(entry: Path) -> tuple[bool, Any]:
    """(True, the document) of a pre-parsed entry whose header names the digest it is filed
    under; (False, None) when there is none (a user's file, or one edited since the build) or
    it is damaged or not ours: then the file is parsed."""
    try:
        header, _, body = read_capped(entry, 4 * MAX_YAML_BYTES).partition(b"\n")
        if json.loads(header).get("sha256") != entry.stem:
            return False, None
        return True, from_json(body)
    except (InputError, ValueError, KeyError, TypeError, AttributeError):
        return False, None


def yaml_files(folder: Path) -> list[Path]:
    """The YAML files of a data folder and its subfolders, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def build_parsed(folders: Iterable[Path], out: Path) -> int:
    """Write the pre-parsed form of every YAML file in `folders` into `out` (the wheel build
    hook, `hatch_build.py`); returns how many. A file that does not parse raises its
    `file:line` ConfigError: no wheel is built with a broken data file."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for folder in folders:
        for path in yaml_files(folder):
            raw = read_capped(path, MAX_YAML_BYTES)
            doc = parse_yaml(decode_text(raw, path), path)
            digest = hashlib.sha256(raw).hexdigest()
            header = {"sha256": digest, "source": f"{folder.name}/{path.relative_to(folder).as_posix()}"}
            write_atomically(out / f"{digest}.json", json.dumps(header) + "\n" + json.dumps(
                to_json(doc), ensure_ascii=False, separators=(",", ":")))
            count += 1
    return count
