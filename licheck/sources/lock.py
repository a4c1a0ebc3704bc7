"""Lineage from lock files: a registry that answers Hub and Ollama references from what
`licheck lock` recorded, and nothing else.

Local directories and GGUF files are the repository's own files: they are read as always
(no network either way). A reference the locks do not hold is a *miss*: recorded (a stale
lock is reported by `check`), then answered by the fallback registry when there is one
(`check` without `--locked`), or left unresolved (`--locked`, which then stops the run).
The facts in a lock are final: they were enriched from the catalogue when locked, so they
are not enriched again (a newer catalogue must not change a locked lineage).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from licheck.lockfile import LOCK_NAME, LockFile, LockNode, ref_key
from licheck.model import ModelFacts, ModelRef, Unresolved
from licheck.sources.registry import SourceRegistry

_LIVE_KINDS = ("path", "gguf")


class LockedRegistry(SourceRegistry):
    """Answers from `locks` (the first that holds a reference wins), else from `fallback`;
    local files from `live`."""

    def __init__(self, locks: Sequence[LockFile], *, live: SourceRegistry,
                 fallback: SourceRegistry | None) -> None:
        super().__init__([], catalogue=None, offline=fallback is None or fallback.offline)
        self.locks = list(locks)
        self.live = live
        self.fallback = fallback
        self.misses: list[ModelRef] = []
        self._misses_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LockedRegistry({[lock.path for lock in self.locks]}, fallback={self.fallback!r})"

    def set_deadline(self, deadline_at: float | None) -> None:
        for registry in {id(r): r for r in (self.live, self.fallback) if r is not None}.values():
            registry.set_deadline(deadline_at)

    def locked(self, ref: ModelRef) -> LockNode | None:
        key = ref_key(ref)
        for lock in self.locks:
            node = lock.node(key)
            if node is not None:
                return node
        return None

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        if ref.kind in _LIVE_KINDS:
            return self.live.fetch(ref)
        node = self.locked(ref)
        if node is not None:
            result = node.result
            if isinstance(result, ModelFacts):   # a copy: a run may not change the lock's facts
                return ModelFacts(**{**vars(result), "parents": list(result.parents),
                                     "notes": list(result.notes), "modalities": list(result.modalities),
                                     "licence_files": dict(result.licence_files),
                                     "documents": dict(result.documents),
                                     "unknown_parents": list(result.unknown_parents), "ref": ref})
            return Unresolved(ref, f"{result.reason} (when {LOCK_NAME} was written)")
        with self._misses_lock:
            self.misses.append(ref)
        if self.fallback is None:
            return Unresolved(ref, "not in licheck.lock (--locked); run 'licheck lock'")
        return self.fallback.fetch(ref)
