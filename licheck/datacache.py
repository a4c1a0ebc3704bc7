"""licheck's data files (licences, rules, catalogue), parsed once and kept between runs.

Parsing YAML is most of the time a run spends on its own data: about a hundred files of
licence metadata, rules and catalogue, ~60 ms on a 2-core machine. The first run parses each
file as any YAML file is parsed (`licheck.yamlload`: safe, bounded, with line numbers) and
keeps the documents, line numbers and all, in one JSON file in the cache folder, keyed by the
SHA-256 of each file's bytes. Later runs read the bytes, hash them and rebuild the documents
from that file. An edited file has another digest and is parsed afresh: no modification
times to trust.

The store is read once per process and written once per `batch()` (the loaders load a whole
folder in one), whole, through a temporary file and a rename, so concurrent runs never see
half of it; the last writer wins, and what it lacks is parsed again next time. A missing,
damaged or foreign store is empty; one that cannot be written costs only speed. A file that
fails to parse raises exactly what `load_yaml` raises, and nothing is kept for it.

PyYAML is imported on a miss only, so on a warm cache a command that reads no YAML of the
user's (`licences`, `explain`, `resolve`) never loads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from licheck.cache import MAX_STORE_BYTES, default_cache_dir
from licheck.errors import InputError
from licheck.files import MAX_TEXT_BYTES, decode_text, read_capped, read_head, write_atomically
from licheck.yamldoc import NoJsonForm, from_json, to_json

# Part of the store's name and contents: bump it when parsing changes what a document is.
PARSED_FORMAT = "yaml-1"
# Room for the bundled data (~100 documents) and a few projects' own folders. Beyond it the
# documents this run did not use go first, so edits to a user's rule file cannot grow the
# store (read on every run) without bound.
MAX_STORE_DOCS = 512
MISSING = object()


class _Store:
    """Parsed documents by the SHA-256 of their file's bytes, as kept in one cache folder."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / f"parsed-{PARSED_FORMAT}.json"
        self.docs = self._read()
        self.used: set[str] = set()
        self.changed = False
        self.lock = threading.Lock()

    def _read(self) -> dict[str, Any]:
        try:
            raw = read_head(self.path, MAX_STORE_BYTES)
            doc = json.loads(raw) if len(raw) <= MAX_STORE_BYTES else None
        except (InputError, ValueError, RecursionError):
            return {}
        if isinstance(doc, dict) and doc.get("format") == PARSED_FORMAT and isinstance(doc.get("docs"), dict):
            return doc["docs"]
        return {}

    def get(self, digest: str) -> Any:
        """The document, rebuilt (a new object each time), or MISSING."""
        with self.lock:
            encoded = self.docs.get(digest, MISSING)
        if encoded is MISSING:
            return MISSING
        try:
            doc = from_json(encoded)
        except (ValueError, TypeError, KeyError, IndexError):   # not something we wrote
            with self.lock:
                self.docs.pop(digest, None)
                self.changed = True
            return MISSING
        with self.lock:
            self.used.add(digest)
        return doc

    def add(self, digest: str, encoded: Any) -> None:
        with self.lock:
            self.docs[digest] = encoded
            self.used.add(digest)
            self.changed = True

    def save(self) -> None:
        with self.lock:
            if not self.changed:
                return
            # Used ones first: the next run reads this order as "most recently used first".
            keep = {d: e for d, e in self.docs.items() if d in self.used}
            for digest, encoded in self.docs.items():
                if len(keep) >= MAX_STORE_DOCS:
                    break
                keep.setdefault(digest, encoded)
            text = json.dumps({"format": PARSED_FORMAT, "docs": keep}, ensure_ascii=False,
                              separators=(",", ":"))
            self.changed = False
        with contextlib.suppress(OSError):   # a read-only or full cache never stops a run
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, text)


_stores: dict[Path, _Store] = {}
_batches = 0
_lock = threading.Lock()


def _store() -> _Store:
    # Looked up on every call, so that LICHECK_CACHE_DIR applies as it is now.
    directory = default_cache_dir()
    with _lock:
        store = _stores.get(directory)
        if store is None:
            store = _stores[directory] = _Store(directory)
        return store


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Load many files, then write the store once (rather than once per new file)."""
    global _batches
    with _lock:
        _batches += 1
    try:
        yield
    finally:
        with _lock:
            _batches -= 1
            done = _batches == 0
            stores = list(_stores.values())
        if done:
            for store in stores:
                store.save()


def load_data_yaml(path: str | os.PathLike[str]) -> Any:
    """`load_yaml(path)`, rebuilt from the store when these bytes were parsed before."""
    data = read_capped(path, MAX_TEXT_BYTES)
    digest = hashlib.sha256(data).hexdigest()
    store = _store()
    doc = store.get(digest)
    if doc is not MISSING:
        return doc

    from licheck.yamlload import parse_yaml

    doc = parse_yaml(decode_text(data, path), path)
    try:
        store.add(digest, to_json(doc))
    except NoJsonForm:
        return doc   # e.g. a !!binary value: right, just not kept
    with _lock:
        alone = _batches == 0
    if alone:
        store.save()
    return doc


def forget() -> None:
    """Drop the stores this process holds, so the next load reads the cache folder again."""
    with _lock:
        _stores.clear()
