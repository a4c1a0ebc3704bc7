"""A small persistent cache of what licheck fetched, so warm and offline runs need no network.

* Location: `$LICHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/licheck`, else `~/.cache/licheck`.
* Entries are JSON files named by the SHA-256 of their key, so no key (a hostile model id
  included) can make a path that leaves the cache folder.
* Writes go to a temporary file in the same folder, then `os.replace`: readers in other
  licheck processes see the old entry or the new one, never half of one.
* A corrupt or foreign entry is a miss (and is removed), never an error.
* Entries older than the TTL (default 24 h, `LICHECK_CACHE_TTL` seconds) are stale: `get`
  ignores them unless asked for stale data (offline runs and an unreachable Hub use them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import time
from pathlib import Path
from typing import Any, NamedTuple

from licheck.errors import InputError
from licheck.files import read_capped, write_atomically

FORMAT_VERSION = 1
DEFAULT_TTL = 24 * 3600.0
MAX_ENTRY_BYTES = 4 * 1024 * 1024
FUTURE_SKEW = 300.0   # seconds an entry may seem to come from the future (clocks differ)


def default_cache_dir() -> Path:
    env = os.environ.get("LICHECK_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    try:
        base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    except (RuntimeError, KeyError):
        # No HOME and no passwd entry (a container run under an arbitrary uid): no cache,
        # rather than a shared folder others could write. Reads miss and writes fail quietly.
        return Path(os.devnull) / "licheck"
    return base / "licheck"


def default_ttl() -> float:
    try:
        ttl = float(os.environ.get("LICHECK_CACHE_TTL") or DEFAULT_TTL)
    except ValueError:
        return DEFAULT_TTL
    # NaN or infinity would make every entry fresh for ever.
    return ttl if math.isfinite(ttl) and ttl >= 0 else DEFAULT_TTL


class CacheEntry(NamedTuple):
    value: Any
    stored_at: float
    stale: bool


class Cache:
    """Key -> JSON value, on disk, safe under concurrent processes."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, ttl: float | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.ttl = default_ttl() if ttl is None else float(ttl)

    def _file(self, key: str) -> str:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return os.path.join(self.directory, "v1", digest[:2], f"{digest}.json")

    def _path(self, key: str) -> Path:
        return Path(self._file(key))

    def get(self, key: str, *, allow_stale: bool = False) -> CacheEntry | None:
        file = self._file(key)
        try:   # a miss (most lookups offline) costs one stat of a string path, no Path objects
            os.stat(file)
        except FileNotFoundError:
            return None
        except OSError:
            pass   # not readable as a file: the capped read below refuses it and drops it
        path = Path(file)
        try:
            doc = json.loads(read_capped(path, MAX_ENTRY_BYTES))
            if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION or doc.get("key") != key:
                raise ValueError("foreign entry")
            stored_at = doc["stored_at"]
            if isinstance(stored_at, bool) or not isinstance(stored_at, (int, float)) \
                    or not math.isfinite(stored_at):
                raise ValueError("no time of storing")   # NaN would never be stale
            value = doc["value"]
        except InputError:
            # Missing (a plain miss), or a FIFO, a device, a symlink to one, oversized: read
            # through the one capped reader, which refuses all of those without blocking.
            if os.path.lexists(path):
                self.delete(key)
            return None
        except (ValueError, KeyError, TypeError, RecursionError):
            # Corrupt, truncated by a crash, or not ours: drop it and refetch.
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        age = time.time() - stored_at
        # An entry from the future (a planted one, or a clock set back) is stale: otherwise
        # it would never expire.
        stale = age > self.ttl or age < -FUTURE_SKEW
        if stale and not allow_stale:
            return None
        return CacheEntry(value=value, stored_at=stored_at, stale=stale)

    def put(self, key: str, value: Any) -> bool:
        """Store `value` (JSON-serialisable). Returns False if the cache could not be written."""
        path = self._path(key)
        doc = {"version": FORMAT_VERSION, "key": key, "stored_at": time.time(), "value": value}
        try:
            data = json.dumps(doc, ensure_ascii=False, sort_keys=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data)
        except (OSError, TypeError, ValueError):
            return False   # a read-only or full cache never stops a run
        return True

    def delete(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self._path(key).unlink()

    def keys(self, prefix: str = "") -> list[str]:
        """The keys of the entries stored, those starting with `prefix` (for suggestions: it
        reads every entry, so it is for the rare run that needs it)."""
        found: list[str] = []
        folder = self.directory / "v1"
        if not folder.is_dir():
            return found
        for path in folder.glob("*/*.json"):
            try:   # one capped reader: a FIFO or a device planted here is skipped, never read
                key = json.loads(read_capped(path, MAX_ENTRY_BYTES)).get("key")
            except (InputError, ValueError, AttributeError, RecursionError):
                continue
            if isinstance(key, str) and key.startswith(prefix):
                found.append(key)
        return found

    def problems(self) -> list[str]:
        """Why the cache folder is not intact, if it is not: a temporary file left by a writer
        that died, or a file that is not a whole entry. Empty when every file is sound."""
        found: list[str] = []
        if not self.directory.exists():
            return found
        for path in sorted(p for p in self.directory.rglob("*") if p.is_file()):
            if path.name.startswith(".") and path.name.endswith(".tmp"):   # see write_atomically
                found.append(f"temporary file left: {path.name}")
                continue
            try:
                doc = json.loads(read_capped(path, MAX_ENTRY_BYTES))
            except (InputError, ValueError, RecursionError) as exc:
                found.append(f"{path.name}: {type(exc).__name__}")
                continue
            keys = {"version", "key", "stored_at", "value"}
            if not (isinstance(doc, dict) and keys <= set(doc)):
                found.append(f"{path.name}: not a cache entry")
        return found
