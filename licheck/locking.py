"""`licheck lock`: write a manifest's lock file, refresh it, and compare it with upstream.

* `lock_manifest` resolves what the lock does not hold yet (every entry with `--update`, or
  the named ones) with the Hub asked afresh (no cache), keeps the rest as locked (like
  `cargo` keeps locked versions), drops what the manifest no longer names, and writes the
  file only when its text changed (atomically; an unchanged world leaves it untouched).
* `check_drift` (`lock --check`) resolves every entry afresh and compares each locked node
  with what its source says now: `drift` findings with stable ids, naming old and new values
  (a licence or LICENSE text changed upstream is an error; the rest are warnings).
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from licheck import __version__
from licheck.check import data_versions
from licheck.context import DEFAULT_CONTEXT
from licheck.env import Env
from licheck.errors import InputError, LicheckError
from licheck.files import read_capped, write_atomically
from licheck.kinds import default_severity
from licheck.lineage import determine_licence, resolve_many
from licheck.lockfile import (
    LOCK_NAME,
    MAX_LOCK_BYTES,
    LockedModel,
    LockFile,
    LockNode,
    entry_key,
    lock_path,
    lookup_key,
    portable,
    read_lock,
    ref_key,
    render_lock,
    stale_reason,
)
from licheck.model import Finding, Lineage, ModelFacts, ModelRef, Severity, Unresolved
from licheck.report import ModelReport, Report, sort_findings
from licheck.schema import did_you_mean
from licheck.sources.registry import SourceRegistry, standard_sources
from licheck.targets import ModelEntry, Target, discover

__all__ = ["LockResult", "check_drift", "lock_manifest", "manifest_target"]


class _Recording(SourceRegistry):
    """A registry that keeps every answer it gives, by the reference asked for."""

    def __init__(self, inner: SourceRegistry) -> None:
        super().__init__([], catalogue=None, offline=inner.offline)
        self.inner = inner
        self.results: dict[tuple[str, str, str], tuple[ModelRef, ModelFacts | Unresolved]] = {}
        self._guard = threading.Lock()

    def set_deadline(self, deadline_at: float | None) -> None:
        self.inner.set_deadline(deadline_at)

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        result = self.inner.fetch(ref)
        if isinstance(result, Unresolved) and result.timed_out:
            # The run's deadline is no fact about the model: never locked, so that a later
            # check asks again (or `--locked` stops) instead of passing on a stored warning.
            return result
        name = ref.name.lower() if ref.kind == "hub" else ref.name
        with self._guard:
            self.results[(ref.kind, name, ref.revision or "")] = (ref, result)
        return result


@dataclass(frozen=True)
class _Resolved:
    lineages: dict[str, Lineage]       # entry key -> lineage
    nodes: dict[str, LockNode]         # node key -> node


def manifest_target(env: Env, manifest: str | None) -> Target:
    """The manifest to lock (the config's, else licheck.yaml / models.yaml here)."""
    read = discover([manifest] if manifest else [], env.config)
    if len(read) != 1 or read[0].kind != "manifest" or read[0].path is None:
        raise InputError("not a licheck manifest (a YAML file with 'models:'): only a manifest "
                         "has a lock file", path=manifest or (read[0].path if read else None))
    return read[0]


def _entries(target: Target) -> dict[str, ModelEntry]:
    """The manifest's entries by key, first one kept (the same model listed twice is one)."""
    out: dict[str, ModelEntry] = {}
    for entry in target.entries:
        out.setdefault(entry_key(entry.ref, entry.written), entry)
    return out


def _fresh_sources(env: Env) -> SourceRegistry:
    return standard_sources(env, cached=False)


def _resolve(env: Env, entries: dict[str, ModelEntry], base: Path,
             sources: SourceRegistry | None = None) -> _Resolved:
    """Resolve `entries` afresh; every answer any lineage was built from, as lock nodes."""
    if not entries:
        return _Resolved({}, {})
    recording = _Recording(sources or _fresh_sources(env))
    keys = list(entries)
    lineages = resolve_many([entries[k].ref for k in keys], sources=recording, corpus=env.corpus,
                            fingerprints=lambda: env.fingerprints)
    # A model left unfetched at the run's deadline: a lock without it could never be read,
    # and one holding it as unresolved would make every later check pass on a warning.
    # Nothing is written.
    cut = sorted({lineage.model.id for lineage in lineages if lineage.timed_out})
    if cut:
        raise InputError(f"the run's deadline (LICHECK_DEADLINE) passed before the lineage of "
                         f"{', '.join(cut)} was fetched: nothing was locked; run again",
                         path=str(base / LOCK_NAME))
    nodes: dict[str, LockNode] = {}
    for ref, result in recording.results.values():
        key = ref_key(ref, base)
        if isinstance(result, ModelFacts):
            choice = determine_licence(result, env.corpus)
            nodes[key] = LockNode(key, portable(result, base), choice.licence, choice.evidence,
                                  choice.basis)
        else:
            nodes[key] = LockNode(key, result)
    return _Resolved(dict(zip(keys, lineages, strict=True)), nodes)


# --- lock / update -------------------------------------------------------------------------

@dataclass(frozen=True)
class LockResult:
    path: Path
    written: bool          # False: the file already said exactly this
    resolved: int          # entries resolved afresh
    kept: int              # entries kept as locked
    unresolved: list[str]  # locked as unresolved: keys and reasons, to tell the user


def lock_manifest(env: Env, manifest: str | None = None, *, update: Sequence[str] | None = None,
                  sources: SourceRegistry | None = None) -> LockResult:
    """Write the manifest's lock file. `update`: None resolves only what the lock lacks;
    empty re-resolves every entry; names re-resolve those entries (ref as written, or id)."""
    target = manifest_target(env, manifest)
    manifest_path = Path(target.path or "")
    path = lock_path(manifest_path)
    base = manifest_path.parent
    entries = _entries(target)
    everything = update is not None and not update
    # `--update` of every entry needs nothing from the old lock: it also replaces a broken one.
    _same_manifest(path, manifest_path)
    old = read_lock(path) if path.is_file() and not everything else None
    if old is None or everything:
        fresh = set(entries)
    elif update is None:
        fresh = {k for k in entries if old.model(k) is None}
    else:
        fresh = _named(update, entries, old)
    resolved = _resolve(env, {k: entries[k] for k in entries if k in fresh}, base, sources)
    nodes: dict[str, LockNode] = {}
    models: list[LockedModel] = []
    for key in entries:
        if key in fresh:
            continue
        locked = old.model(key) if old is not None else None
        assert locked is not None and old is not None
        models.append(locked)
        for node_key in old.closure(locked.node):
            node = old.node(node_key)
            if node is not None:
                nodes[node_key.lower() if node_key.startswith("hub:") else node_key] = node
    for node in resolved.nodes.values():   # fresh answers win over kept ones for a shared model
        nodes[node.key.lower() if node.key.startswith("hub:") else node.key] = node
    for key, lineage in resolved.lineages.items():
        entry = entries[key]
        models.append(LockedModel(ref=key, id=lineage.model.id, node=ref_key(entry.ref, base),
                                  licences=tuple(lineage.licences)))
    lock = LockFile(manifest=manifest_path.name, data=_data(), models=models, nodes=list(nodes.values()))
    # Only what some entry's lineage reaches (a parent a refreshed model no longer names goes).
    reached = {lookup_key(k) for m in models for k in lock.closure(m.node)}
    lock = dataclasses.replace(lock, nodes=[n for n in lock.nodes if lookup_key(n.key) in reached])
    text = render_lock(lock)
    written = _write_if_changed(path, text)
    unresolved = sorted(f"{n.key}: {n.result.reason}" for n in resolved.nodes.values()
                        if isinstance(n.result, Unresolved))
    return LockResult(path, written, len(fresh), len(entries) - len(fresh), unresolved)


def _same_manifest(path: Path, manifest: Path) -> None:
    """One lock per folder: never take (or overwrite) the lock of another manifest there."""
    if not path.is_file():
        return
    try:
        owner = read_lock(path).manifest
    except LicheckError:
        return   # a broken lock: reported (or replaced by --update) by the caller
    if owner and owner != manifest.name:
        raise InputError(f"{path.name} beside it is the lock of {owner}; a folder holds one "
                         "locked manifest", path=manifest)


def _named(names: Sequence[str], entries: dict[str, ModelEntry], old: LockFile) -> set[str]:
    """The entries `--update NAME...` names: as written in the manifest, its key, or its id."""
    out: set[str] = set()
    for name in names:
        wanted = name.strip().lower()
        hits = {k for k, e in entries.items()
                if wanted in (e.written.lower(), k.lower(), str(e.ref).lower(), _locked_id(old, k))}
        if not hits:
            raise InputError(f"'{name}' is not an entry of the manifest"
                             + did_you_mean(name, [e.written for e in entries.values()]))
        out |= hits
    return out


def _locked_id(lock: LockFile, key: str) -> str:
    model = lock.model(key)
    return model.id.lower() if model is not None else ""


def _data() -> dict[str, str]:
    return {k: str(v) for k, v in data_versions().items()}


def _write_if_changed(path: Path, text: str) -> bool:
    try:
        same = path.is_file() and read_capped(path, MAX_LOCK_BYTES) == text.encode("utf-8")
    except InputError:
        same = False   # unreadable or oversized: written anew
    if same:
        return False   # not even the modification time changes
    try:
        # A file others read in the repository: its old mode, or what the umask gives a new
        # file (the temporary file it is written through is private).
        mode = path.stat().st_mode & 0o777 if path.is_file() else 0o666 & ~_umask()
        write_atomically(path, text)
        os.chmod(path, mode)
    except OSError as exc:
        raise InputError(f"cannot write the lock file: {exc.strerror or exc}", path=path) from None
    return True


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- lock --check ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Drift:
    id: str
    message: str
    error: bool = False


def _declared(facts: ModelFacts) -> str:
    parts = [f"license: {facts.declared_licence or '(none)'}"]
    if facts.licence_name:
        parts.append(f"license_name: {facts.licence_name}")
    if facts.licence_link:
        parts.append(f"license_link: {facts.licence_link}")
    return ", ".join(parts)


def _parents(facts: ModelFacts) -> str:
    shown = sorted(f"{p.ref} ({p.relation})" for p in facts.parents)
    return ", ".join(shown) if shown else "(none)"


def _licence_texts(facts: ModelFacts) -> dict[str, str]:
    return {name: facts.documents.get(name, "(no digest)") for name in facts.licence_files}


def compare(old: LockNode, new: LockNode) -> list[_Drift]:
    """What changed upstream between a locked node and the same reference resolved now."""
    name = old.key.split(":", 1)[1]
    was, now = old.result, new.result
    if isinstance(was, Unresolved):
        return []
    if isinstance(now, Unresolved):
        if now.reason.startswith("gated"):
            return [_Drift("drift/gated", f"{name} is now gated on the Hub: was open, locked at "
                                          f"{was.commit or '(no commit)'}; now: {now.reason}")]
        if "not found" in now.reason:
            return [_Drift("drift/gone", f"{name} is gone from the Hub: was {was.id} at "
                                         f"{was.commit or '(no commit)'}; now: {now.reason}")]
        return [_Drift("lock/unchecked", f"{name} could not be checked for drift: {now.reason}")]
    if was.source != now.source:
        # Facts from another source (a lock written --offline from the catalogue, checked
        # against the Hub) differ in what they say at all: not a change upstream.
        return [_Drift("drift/source-changed", f"{name} was locked from {was.source} and is now read "
                                               f"from {now.source}; lock it again with 'licheck lock "
                                               "--update' to compare like with like")]
    out: list[_Drift] = []
    if now.gated and not was.gated:
        out.append(_Drift("drift/gated", f"{name} is now gated on the Hub: was open, now gated "
                                         "(its files need a granted token)"))
    if _declared(was) != _declared(now):
        out.append(_Drift("drift/licence-changed", f"{name}: the declared licence changed upstream: "
                                                   f"was {_declared(was)}; now {_declared(now)}", True))
    old_texts, new_texts = _licence_texts(was), _licence_texts(now)
    if old_texts != new_texts and (old_texts or new_texts):
        def shown(texts: dict[str, str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(texts.items())) or "(none read)"
        out.append(_Drift("drift/licence-text-changed", f"{name}: the licence text changed upstream: "
                                                        f"was {shown(old_texts)}; now {shown(new_texts)}",
                          True))
    if _parents(was) != _parents(now):
        out.append(_Drift("drift/base-changed", f"{name}: its base models changed upstream: "
                                                f"was {_parents(was)}; now {_parents(now)}"))
    if was.commit and now.commit and was.commit != now.commit:
        rev = was.ref.revision or "main"
        out.append(_Drift("drift/revision-moved", f"{name}: revision {rev} moved upstream: "
                                                  f"was {was.commit}; now {now.commit}"))
    return out


def check_drift(env: Env, manifest: str | None = None, *,
                sources: SourceRegistry | None = None) -> Report:
    """`lock --check`: every locked model compared with what its source says now."""
    target = manifest_target(env, manifest)
    manifest_path = Path(target.path or "")
    path = lock_path(manifest_path)
    if not path.is_file():
        raise InputError(f"no {path.name} beside the manifest: run 'licheck lock' first",
                         path=target.path)
    _same_manifest(path, manifest_path)
    old = read_lock(path)
    base = manifest_path.parent
    entries = _entries(target)
    resolved = _resolve(env, entries, base, sources)
    findings: dict[str, list[Finding]] = {k: [] for k in entries}
    for key, entry in entries.items():   # a change is reported at every model it reaches
        lineage = resolved.lineages[key]
        locked = old.model(key)
        if locked is None:
            findings[key].append(_finding("drift/lock-stale", stale_reason(old, key, entry.written),
                                          Severity.WARNING, lineage, entry))
            continue
        for node_key in old.closure(locked.node):
            node = old.node(node_key)
            fresh = resolved.nodes.get(node_key) or resolved.nodes.get(node_key.lower())
            if node is None or fresh is None:
                continue   # no longer reached: the change is reported at its child
            if node.facts is not None and node.facts.source in ("local", "gguf"):
                continue   # the repository's own files: not upstream
            for drift in compare(node, fresh):
                severity = Severity.ERROR if drift.error else default_severity("drift")
                if drift.id == "lock/unchecked":
                    severity = default_severity("unresolved")
                about = fresh.facts.id if fresh.facts is not None else (node.facts.id if node.facts else node_key)
                findings[key].append(_finding(drift.id, drift.message, severity, lineage, entry, about))
    models = [ModelReport(ref=e.written, lineage=resolved.lineages[k], location=e.location,
                          findings=sort_findings(findings[k])) for k, e in entries.items()]
    every = sort_findings(f for fs in findings.values() for f in fs)
    return Report(
        context=DEFAULT_CONTEXT.to_json(), models=models, findings=every, waivers=[],
        generated_at=env.clock().replace(microsecond=0), licheck_version=__version__,
        data_versions=data_versions(),
        notes=[f"lock --check: {len(entries)} model(s) of {target.path} compared with {path} "
               "as resolved now; no rules were evaluated"],
        corpus=env.corpus, locks=[{"path": str(path), "digest": old.digest}])


def _finding(fid: str, message: str, severity: Severity, lineage: Lineage, entry: ModelEntry,
             about: str | None = None) -> Finding:
    kind = "unresolved" if fid == "lock/unchecked" else "drift"
    root = lineage.model.id
    return Finding(id=fid, kind=kind, severity=severity, model=root, message=message,
                   via=lineage.path_to(about) if about else [root], location=entry.location)

