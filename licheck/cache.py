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
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licheck.files import write_atomically

FORMAT_VERSION = 1
DEFAULT_TTL = 24 * 3600.0
MAX_ENTRY_BYTES = 4 * 1024 * 1024


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
        return float(os.environ.get("LICHECK_CACHE_TTL", "")) if os.environ.get("LICHECK_CACHE_TTL") \
            else DEFAULT_TTL
    except ValueError:
        return DEFAULT_TTL


@dataclass(frozen=True)
class CacheEntry:
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
            size = os.stat(file).st_size
        except FileNotFoundError:
            return None
        except OSError:
            size = 0   # not readable as a file: the read below fails and drops it
        path = Path(file)
        try:
            if size > MAX_ENTRY_BYTES:
                raise ValueError("oversized entry")
            doc = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION or doc.get("key") != key:
                raise ValueError("foreign entry")
            stored_at = float(doc["stored_at"])
            value = doc["value"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            # Corrupt, truncated by a crash, or not ours: drop it and refetch.
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        stale = (time.time() - stored_at) > self.ttl
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
            try:
                if path.stat().st_size > MAX_ENTRY_BYTES:
                    continue
                key = json.loads(path.read_text(encoding="utf-8")).get("key")
            except (OSError, ValueError, AttributeError, RecursionError):
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
                if path.stat().st_size > MAX_ENTRY_BYTES:
                    raise ValueError("oversized entry")
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError, RecursionError) as exc:
                found.append(f"{path.name}: {type(exc).__name__}")
                continue
            keys = {"version", "key", "stored_at", "value"}
            if not (isinstance(doc, dict) and keys <= set(doc)):
                found.append(f"{path.name}: not a cache entry")
        return found
