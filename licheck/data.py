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

It also carries what the loaders made of each bundled file when the build checked it
(`licheck.databuild`: every loader over every file, so a wheel is never built with a bad data
file): the licence, the rules, the catalogue entries, in a JSON form (`<digest>.kept.json`). A
loader asks `proven` first and, for exactly the bytes the build checked (and the same bytes of
each file the check read beside it, such as a licence's texts for the quotes of its rules),
takes those objects instead of checking the file again. Anything else, a user's file, an
edited one or a source checkout, is read and checked in full, with the same messages.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from licheck.errors import InputError
from licheck.files import decode_text, read_capped, write_atomically
from licheck.yamldoc import from_json, from_json_object, to_json
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


# --- what the loaders made of the bundled files, checked at build time -----------------------

# What a loader made of a file, by the file's name under the data folders: its path at build
# time, the objects, and the digests of the files its check read beside it.
Kept = dict[str, tuple[Path, Any, list[str]]]
_kept: Kept | None = None   # only while the build runs the loaders (`keeping`)


def bundled_name(path: str | os.PathLike[str]) -> str | None:
    """`rules/llama3.1.yml` for a file of a bundled folder (as `data_dir` finds it), else None."""
    text = os.fspath(path)
    for name in FOLDERS:
        base = os.path.join(data_dir(name), "")
        if text.startswith(base):
            return f"{name}/{text[len(base):].replace(os.sep, '/')}"
    return None


def _digest(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(read_capped(path, MAX_YAML_BYTES)).hexdigest()


def proven(path: str | os.PathLike[str], types: Iterable[type],
           depends: Iterable[str | os.PathLike[str]] = ()) -> Any:
    """What the loader made of the bundled file `path` when the wheel's build checked it (made
    of `types` and plain values), or None: in a source checkout, for a user's file, when the
    file's bytes (or those of a file in `depends`, which the check read beside it) are not
    those the build checked, or when the entry is damaged. Then the caller reads and checks
    the file in full."""
    parsed = _parsed_dir()
    name = bundled_name(path) if parsed is not None and _kept is None else None
    if parsed is None or name is None:
        return None
    try:
        entry = read_capped(os.path.join(parsed, f"{_digest(path)}.kept.json"), 4 * MAX_YAML_BYTES)
        header_line, _, body = entry.partition(b"\n")
        header = json.loads(header_line)
        if (header.get("source") != name or header.get("body") != hashlib.sha256(body).hexdigest()
                or header.get("depends") != [_digest(p) for p in depends]):
            return None
        return _from_kept(body, path, {cls.__name__: cls for cls in types})
    except (InputError, ValueError, KeyError, TypeError, AttributeError):
        return None


def keep(path: str | os.PathLike[str], products: Any,
         depends: Iterable[str | os.PathLike[str]] = ()) -> None:
    """At build time (`keeping`), what a loader made of the bundled file `path` once it has
    checked it, and the files the check read beside it; elsewhere nothing."""
    if _kept is not None and (name := bundled_name(path)) is not None:
        _kept[name] = (Path(path), products, [_digest(p) for p in depends])


@contextmanager
def keeping() -> Iterator[Kept]:
    """Collect what the loaders `keep` (and serve nothing `proven`) while the build runs them."""
    global _kept
    _kept = {}
    try:
        yield _kept
    finally:
        _kept = None


def write_proven(kept: Kept, out: Path) -> None:
    """Write each kept product as `<SHA-256 of its file>.kept.json` in `out`: a JSON header
    line (the file's digest and name, the digests of the files its check read, the body's
    digest), then the objects in their JSON form."""
    out.mkdir(parents=True, exist_ok=True)
    for name, (path, products, depends) in kept.items():
        body = json.dumps(_to_kept(products, os.fspath(path), path.parent), ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        digest = _digest(path)
        header = {"sha256": digest, "source": name, "depends": depends,
                  "body": hashlib.sha256(body).hexdigest()}
        (out / f"{digest}.kept.json").write_bytes(json.dumps(header).encode("utf-8") + b"\n" + body)


# The JSON form of what a loader made: frozen dataclasses and enums of tuples, strings, numbers,
# dicts and YAML values (no plain lists, so that every array is a tuple), kept exactly by a few
# tagged objects that json's own pass rebuilds:
#   tuple -> array; dict -> {"D": [[key, value], ...]};
#   dataclass -> {"@": class name, "f": [its fields in order]}; enum -> {"@": name, "v": value};
#   the file's own path -> {"here": 0}; a path beside it (a licence's text) -> {"p": its name};
#   a YAML value (a rule's parameters) -> its `licheck.yamldoc` form.
# The paths are rebuilt where the wheel is installed; only the classes a loader names are made.
_PLAIN = (str, int, float, bool, type(None))


def _to_kept(obj: Any, here: str, folder: Path) -> Any:
    kind = type(obj)
    if kind is str and obj == here:
        return {"here": 0}
    if kind in _PLAIN:
        return obj
    if kind is tuple:
        return [_to_kept(item, here, folder) for item in obj]
    if kind is list:
        raise TypeError(f"{here}: a list among its objects (keep a tuple: arrays are tuples)")
    if kind is dict:
        return {"D": [[_to_kept(key, here, folder), _to_kept(value, here, folder)]
                      for key, value in obj.items()]}
    if isinstance(obj, PurePath):
        if obj.parent != folder:
            raise TypeError(f"{here}: its objects name {obj}, which is not beside it")
        return {"p": obj.name}
    if isinstance(obj, Enum):
        return {"@": kind.__name__, "v": obj.value}
    if is_dataclass(obj):
        if not all(f.init and not f.kw_only for f in fields(obj)):
            raise TypeError(f"{kind.__name__} is not made from its fields in order")
        return {"@": kind.__name__,
                "f": [_to_kept(getattr(obj, f.name), here, folder) for f in fields(obj)]}
    return to_json(obj)   # a YAML value, or TypeError


def _from_kept(body: bytes, path: str | os.PathLike[str], types: dict[str, type]) -> Any:
    here, folder = os.fspath(path), Path(path).parent

    def tuples(items: list[Any]) -> tuple[Any, ...]:
        return tuple([tuples(item) if type(item) is list else item for item in items])

    def rebuild(obj: dict[str, Any]) -> Any:
        if "@" in obj:
            cls = types[obj["@"]]
            if "v" in obj:
                return cls(obj["v"])
            return cls(*tuples(obj["f"]))
        if "D" in obj:
            return dict(tuples(obj["D"]))
        if "p" in obj:
            return folder / obj["p"]
        if "here" in obj:
            return here
        return from_json_object(obj)

    found = json.loads(body, object_hook=rebuild)
    return tuples(found) if type(found) is list else found
