"""The identify index's costly part, computed when the wheel is built.

Normalising every licence text and encoding its words is most of what building the index
costs (`licheck.matching.index`). The wheel build (`hatch_build.py`, through
`licheck.matching.index.build_prebuilt`) writes, for every bundled licence text, its
normalised hash and its encoded words, filed under the SHA-256 of the text's bytes, with the
vocabulary the encoding uses and the words of each reference phrase, filed under the phrase.

The index takes a text's entry only when one exists for exactly that text's bytes, and the
file only when the matching code that wrote it is the code that reads it (the digest of the
modules below, in its first line): an edited or a user's text, a source checkout or a changed
normaliser is normalised afresh, so nothing can be stale.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from licheck.errors import InputError
from licheck.files import read_capped, write_atomically

FORMAT = 1
# Where the wheel carries it (`licheck/_data/`, beside the bundled data folders).
BUNDLED_FILE = Path(__file__).resolve().parent.parent / "_data" / "matching-index.json"
# What the entries depend on: normalisation, the word encoding, this file format.
_CODE = ("normalise.py", "index.py", "prebuilt.py")
_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Prebuilt:
    """`vocabulary`: the corpus words in the order their characters were given;
    `texts`: raw SHA-256 -> (normalised SHA-256, encoded words); `phrases`: a reference
    phrase -> its words."""

    vocabulary: tuple[str, ...] = ()
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)


NONE = Prebuilt()  # build everything from the texts


def code_digest() -> str | None:
    """SHA-256 over the sources of the matching modules that shape the entries (None when
    they cannot be read: then no pre-built entry is trusted)."""
    digest = hashlib.sha256(str(FORMAT).encode())
    folder = Path(__file__).parent
    try:
        for name in _CODE:
            digest.update((folder / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def write(prebuilt: Prebuilt, path: Path) -> None:
    header = {"format": FORMAT, "code": code_digest()}
    body = {"vocabulary": list(prebuilt.vocabulary),
            "texts": {k: list(v) for k, v in prebuilt.texts.items()},
            "phrases": {k: list(v) for k, v in prebuilt.phrases.items()}}
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
        return Prebuilt(tuple(doc["vocabulary"]),
                        {k: (v[0], v[1]) for k, v in doc["texts"].items()},
                        {k: tuple(v) for k, v in doc["phrases"].items()})
    except (InputError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return NONE


@cache
def bundled() -> Prebuilt:
    """The wheel's pre-built entries (NONE in a source checkout or an editable install)."""
    return read(BUNDLED_FILE) if BUNDLED_FILE.is_file() else NONE
