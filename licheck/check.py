"""The `check` pipeline: targets -> model references -> lineage -> rules -> waivers -> Report.

Pure logic (no click, no printing): the CLI builds the run's environment (`licheck.env`),
reads arguments, calls `run_check`, renders the Report and turns it into an exit code with
`exit_code`. `run_check` reads as its steps: read the targets, pick each model's context,
resolve the lineages, evaluate, then apply `--strict` and the waivers (each gives new
findings: findings are values) and assemble the report.

Where each model's context comes from, strongest first (docs/contract.md section 1): `--context
FILE`, the manifest's `context:`, the config's `context`, the defaults. A manifest entry's
`use:` overrides apply to that model only. A model card target is a model about to be
published under the card's name, so that name becomes `use.derived_model_name` with
`use.distributes_weights: true`, unless the context sets those fields itself (the entry's
own `use:` overrides win over both).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from licheck import __version__
from licheck.config import Config
from licheck.context import DEFAULT_CONTEXT, Context, context_from_mapping, load_context
from licheck.data import data_dir
from licheck.env import Env
from licheck.errors import ConfigError
from licheck.kinds import KINDS, STRICT_FINDINGS, default_severity
from licheck.lineage import declared_mismatch, resolve_many
from licheck.lockfile import LOCK_NAME, LockFile, entry_key, lock_path, read_lock, stale_reason
from licheck.model import Finding, Lineage, ModelFacts, ModelRef, Severity
from licheck.report import ModelReport, Report, sort_findings
from licheck.rules.evaluate import evaluate
from licheck.schema import suggest
from licheck.severity import fail_threshold
from licheck.sources.lock import LockedRegistry
from licheck.sources.registry import SourceRegistry
from licheck.targets import ModelEntry, Target, discover
from licheck.targets.ignore import head_commit
from licheck.waivers import (
    Waiver,
    WaiverOutcome,
    apply_waivers,
    check_waiver_licences,
    load_waivers,
    parse_waivers,
)
from licheck.yamlload import load_yaml

_OWN_CARD_ADVICE = ("Correct your card's `license:` to the licence that binds the model (you may "
                    "not publish it under looser terms), and comply with every inherited licence.")
STRICT_KINDS = tuple(k.name for k in KINDS.values() if k.strict)


# The run's private records are named tuples: immutable, and far cheaper to define at
# import than dataclasses (each of which compiles its methods when the module loads).
class _Ctx(NamedTuple):
    """A context and the `use:` keys it set explicitly (the defaults are not 'saying so')."""

    context: Context
    explicit_use: frozenset[str] = frozenset()


class _Contexts(NamedTuple):
    """The contexts that do not depend on a target: `--context FILE` and the config's."""

    cli: _Ctx | None
    config: _Ctx | None


class _Evaluated(NamedTuple):
    """What evaluating every target gave, before `--strict` and waivers."""

    models: list[ModelReport]
    findings: list[Finding]
    owners: list[int]        # for each finding, the index of the target it came from
    notes: list[str]
    context: _Ctx


def run_check(
    env: Env,
    targets: Sequence[str | Target],
    *,
    context_path: str | None = None,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
    locked: bool = False,
) -> Report:
    """Check every model the targets name; raise LicheckError when the input is invalid.

    `env` holds the config, data, sources and clock of the run; `progress(n)` is called
    before resolving `n` models. A manifest with a lock file beside it (`licheck.lock`) has
    its lineages read from the lock; `locked`: a lock that does not hold every model the
    run needs is an input error (`--locked`), instead of a `drift/lock-stale` warning.
    """
    env.rulebook.user_rules()   # a bad rule file of the user's stops the run, models or not
    read = _read_targets(targets, env.config)
    locks = _read_locks(read, locked)
    contexts = _Contexts(
        cli=_context_file(context_path) if context_path else None,
        config=(_context_value(env.config.context, env.config.path)
                if env.config.context is not None else None))
    for given in (contexts.cli, contexts.config):
        if given is not None:
            given.context.policy.check_licences(env.corpus)
    refs = _unique_refs(read)
    if progress is not None:
        progress(len(refs))
    lineages = _resolve(env, refs, locks, read, locked)
    locked_ids = [n.result.id for lock in locks.values() for n in lock.nodes
                  if isinstance(n.result, ModelFacts) and n.result.source == "hub"]
    done = _evaluate(env, read, dict(zip(refs, lineages, strict=True)), contexts, locked_ids)
    done.notes.extend(f"lineages of {path} read from {lock.path} ({lock.digest})"
                      for path, lock in locks.items())
    findings = done.findings
    if env.config.levels:   # the config's level per kind, before --strict (the flag wins)
        findings = [_level(f, env.config.levels) for f in findings]
    if strict or env.config.strict:
        findings = [_strict(f) for f in findings]
    config_waivers = _config_waivers(env.config)
    check_waiver_licences(config_waivers + [w for t in read for w in t.waivers], env.corpus.ids())
    findings, extra, outcomes = _waive(findings, done.owners, config_waivers, read, env.today)
    hub = _hub_unreachable(env, lineages)
    if hub is not None:
        done.notes.insert(0, hub)
    report = _report(env, done, findings, extra,
                     [{**o.waiver.to_json(), "status": o.status} for o in outcomes])
    report.locks = [{"path": lock.path or LOCK_NAME, "digest": lock.digest} for lock in locks.values()]
    return dataclasses.replace(report, hub_unreachable=hub, config_path=env.config.path,
                               scope=_scope(read))


def exit_code(report: Report, fail_on: str = "error") -> int:
    """docs/contract.md section 1: 1 when an unwaived finding is at or above `fail_on`, else 0."""
    try:
        threshold = fail_threshold(fail_on)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if threshold is None:
        return 0
    return int(any(not f.waived and f.severity >= threshold for f in report.findings))


# --- the steps ---------------------------------------------------------------------------


def _read_targets(targets: Sequence[str | Target], config: Config) -> list[Target]:
    read = [t for t in targets if isinstance(t, Target)]
    names = [_manifest_of_lock(t) for t in targets if not isinstance(t, Target)]
    if names or not targets:
        read += discover(names, config)
    return read


def _unique_refs(read: Sequence[Target]) -> list[ModelRef]:
    """Each distinct reference once, in first-seen order."""
    return list(dict.fromkeys(entry.ref for target in read for entry in target.entries))


def _manifest_of_lock(name: str) -> str:
    """A lock file given as a target (pre-commit passes it when it changes) stands for its
    manifest."""
    if os.path.basename(name) != LOCK_NAME:
        return name
    lock = read_lock(name)
    return os.path.join(os.path.dirname(name), lock.manifest or "licheck.yaml")


def _read_locks(read: Sequence[Target], locked: bool) -> dict[str, LockFile]:
    """The lock file beside each manifest target that has one, by manifest path."""
    out: dict[str, LockFile] = {}
    for target in read:
        if target.kind != "manifest" or target.path is None:
            continue
        path = lock_path(target.path)
        lock = read_lock(path) if path.is_file() else None
        if lock is not None and lock.manifest not in ("", os.path.basename(target.path)):
            if locked:   # another manifest's lock, in the same folder
                raise ConfigError(f"--locked: {path} is the lock of {lock.manifest}, not of this "
                                  "manifest", path=target.path)
            continue
        if lock is not None:
            out[target.path] = lock
        elif locked:
            raise ConfigError(f"--locked: there is no {LOCK_NAME} beside this manifest; "
                              "run 'licheck lock'", path=target.path)
    if locked and not out:
        raise ConfigError("--locked: no manifest with a lock file among the targets")
    return out


def _resolve(env: Env, refs: list[ModelRef], locks: Mapping[str, LockFile] | None = None,
             read: Sequence[Target] = (), locked: bool = False) -> list[Lineage]:
    if not refs:
        return []
    sources: SourceRegistry = env.sources
    stale: dict[int, str] = {}
    if locks:
        stale = _stale_entries(read, locks, locked)
        sources = LockedRegistry(list(locks.values()), live=env.sources,
                                 fallback=None if locked else env.sources)
    lineages = resolve_many(refs, sources=sources, corpus=env.corpus,
                            fingerprints=lambda: env.fingerprints)
    if len(lineages) != len(refs):   # a contract breach upstream: never report partially
        raise RuntimeError(f"lineage returned {len(lineages)} results for {len(refs)} models")
    if isinstance(sources, LockedRegistry):
        _report_misses(sources, read, locks or {}, dict(zip(refs, lineages, strict=True)), stale, locked)
    return lineages


def _stale_entries(read: Sequence[Target], locks: Mapping[str, LockFile], locked: bool) -> dict[int, str]:
    """Manifest entries their lock does not hold (new, or their reference changed), by id()."""
    stale: dict[int, str] = {}
    for target in read:
        lock = locks.get(target.path or "")
        if lock is None:
            continue
        for entry in target.entries:
            key = entry_key(entry.ref, entry.written)
            if lock.model(key) is None:
                reason = stale_reason(lock, key, entry.written)
                if locked:
                    line = entry.location.line if entry.location else None
                    raise ConfigError(f"{reason} (--locked: the lock must hold every model)",
                                      path=target.path, line=line)
                stale[id(entry)] = reason
    return stale


def _report_misses(registry: LockedRegistry, read: Sequence[Target], locks: Mapping[str, LockFile],
                   lineages: Mapping[ModelRef, Lineage], stale: Mapping[int, str], locked: bool) -> None:
    """What the locks did not hold: an input error with `--locked`, else a `drift/lock-stale`
    warning on each locked manifest entry it concerns (the entry was resolved live)."""
    misses = {m.name.lower() if m.kind == "hub" else m.name: m for m in registry.misses}
    for target in read:
        lock = locks.get(target.path or "")
        if lock is None:
            continue
        for index, entry in enumerate(target.entries):
            lineage = lineages[entry.ref]
            reason = stale.get(id(entry))
            if reason is None:
                ids = {n.id.lower() for n in lineage.nodes}
                missed = sorted(str(m) for key, m in misses.items() if key.lower() in ids)
                if not missed:
                    continue
                reason = (f"{', '.join(missed)} (in the lineage of {entry.written}) "
                          f"{'is' if len(missed) == 1 else 'are'} not in {LOCK_NAME}; run "
                          "'licheck lock --update'")
                if locked:
                    raise ConfigError(f"{reason} (--locked: the lock must hold every model)",
                                      path=lock.path)
            finding = Finding(id="drift/lock-stale", kind="drift", severity=default_severity("drift"),
                              model="", message=f"{reason}; it was resolved without the lock",
                              location=entry.location)
            target.entries[index] = dataclasses.replace(entry, findings=[*entry.findings, finding])
    if locked and misses:   # reached from a target that has no lock (a model id, a card)
        first = sorted(str(m) for m in misses.values())[0]
        raise ConfigError(f"{first} is not in any {LOCK_NAME} (--locked: every model the run "
                          "needs must be locked)")


def _evaluate(env: Env, read: Sequence[Target], lineages: Mapping[ModelRef, Lineage],
              contexts: _Contexts, locked_ids: Sequence[str] = ()) -> _Evaluated:
    """Every target's models checked against the context that applies to each."""
    own_contexts: dict[int, _Ctx] = {}
    models: list[ModelReport] = []
    findings: list[Finding] = []
    owners: list[int] = []
    notes: list[str] = []
    used: dict[str, _Ctx] = {}   # label of each context models were checked against
    for index, target in enumerate(read):
        notes.extend(target.notes)
        own = None if contexts.cli else _target_context(target, own_contexts)
        if own is not None:
            own.context.policy.check_licences(env.corpus)
        tctx = contexts.cli or own or contexts.config or _default()
        if target.entries:
            used.setdefault(_label(target, own, contexts, env.config), tctx)
        findings.extend(target.findings)
        for entry in target.entries:
            lineage = lineages[entry.ref]
            model_findings = _findings_for(entry, lineage, _entry_context(entry, tctx), env,
                                           locked_ids)
            models.append(ModelReport(ref=entry.written, lineage=lineage,
                                      location=entry.location, findings=model_findings,
                                      display_name=entry.card_name))
            findings.extend(model_findings)
        owners.extend([index] * (len(findings) - len(owners)))
    if len(used) == 1:
        run_ctx = next(iter(used.values()))
    else:
        run_ctx = contexts.cli or contexts.config or _default()
        if used:
            notes.append("the targets use different contexts; each model was checked against its "
                         f"own ({'; '.join(used)}); the report's context is "
                         f"{'the config' if contexts.config else 'the default'} one")
    if not models and not any(t.findings for t in read):
        notes.append("no models to check")
    return _Evaluated(models, findings, owners, notes, run_ctx)


def _scope(read: Sequence[Target]) -> tuple[tuple[str, str], ...]:
    """What the run checked (files, or the ids given), and the git commit they are at."""
    named = [t.path or ", ".join(e.written for e in t.entries) for t in read]
    scope = [("Checked", ", ".join(dict.fromkeys(n for n in named if n)) or "nothing")]
    folder = next((Path(t.path).parent for t in read if t.path), Path("."))
    commit = head_commit(folder)
    if commit is not None:
        scope.append(("Git commit", commit))
    return tuple(scope)


def _hub_unreachable(env: Env, lineages: Sequence[Lineage]) -> str | None:
    """"Hub unreachable: N models from the built-in catalogue, M unresolved" when the Hub
    failed to answer in this run: the verdict then rests on licheck's own data, and says so."""
    if not lineages:
        return None
    built = vars(env).get("sources")   # a run read wholly from locks built no sources
    reasons = [r for s in getattr(built, "sources", ())
               if isinstance(r := getattr(s, "unreachable", None), str)]
    if not reasons:
        return None
    nodes = {n.id: n.source for lineage in lineages for n in lineage.nodes}
    sources = list(nodes.values())
    cached = sources.count("cache")
    return (f"Hub unreachable ({reasons[0]}): {sources.count('catalogue')} model(s) from the "
            f"built-in catalogue, " + (f"{cached} from the cache, " if cached else "")
            + f"{sources.count('unresolved')} unresolved")


def _level(finding: Finding, levels: Mapping[str, str]) -> Finding:
    """The config's `levels: {kind: severity}`, like cargo-deny's lint levels."""
    level = levels.get(finding.kind)
    if level is None or str(finding.severity) == level:
        return finding
    return dataclasses.replace(finding, severity=Severity[level.upper()])


def _strict(finding: Finding) -> Finding:
    """`--strict`: what could not be checked (unresolved, unknown licence) is an error, and
    so is weights' structure pointing to a restrictive base that nothing declares."""
    if (finding.kind in STRICT_KINDS or finding.id in STRICT_FINDINGS) \
            and finding.severity < Severity.ERROR:
        return dataclasses.replace(finding, severity=Severity.ERROR)
    return finding


def _report(env: Env, done: _Evaluated, findings: list[Finding], extra: list[Finding],
            waivers: list[dict[str, Any]]) -> Report:
    """The report: each model lists its findings as they are after `--strict` and waivers.

    `findings` holds, in order, the new value of each of `done.findings`; `extra` the
    waivers' own findings."""
    now = dict(zip(map(id, done.findings), findings, strict=True))
    models = [dataclasses.replace(m, findings=sort_findings(now[id(f)] for f in m.findings))
              for m in done.models]
    return Report(
        context=done.context.context.to_json(),
        models=models,
        findings=sort_findings([*findings, *extra]),
        waivers=waivers,
        generated_at=env.clock().replace(microsecond=0),
        licheck_version=__version__,
        data_versions=data_versions(),
        notes=done.notes,
        corpus=env.corpus,
    )


def _findings_for(entry: ModelEntry, lineage: Lineage, ctx: Context, env: Env,
                  locked_ids: Sequence[str] = ()) -> list[Finding]:
    """This entry's findings: the lineage's, the rules', and the target's own about it, each
    placed at the entry (one lineage may serve several entries, each with its own location
    and waivers)."""
    model_id = lineage.nodes[0].id if lineage.nodes else str(entry.ref)
    own = [dataclasses.replace(f, model=model_id) for f in entry.findings]
    placed = [f if f.location is not None and f.model else
              dataclasses.replace(f, location=f.location or entry.location, model=f.model or model_id)
              for f in [*_suggested(entry, lineage, env, locked_ids), *own]]
    if entry.card_path and lineage.nodes:
        # Your own card declaring a licence other than one that binds the model is an error
        # (docs/contract.md section 3): you are about to publish it under the wrong terms.
        placed = [dataclasses.replace(f, severity=Severity.ERROR, how_to_comply=_OWN_CARD_ADVICE)
                  if declared_mismatch(f, lineage.nodes[0].id) else f for f in placed]
    return [*placed[:len(lineage.findings)],
            *evaluate(lineage, ctx, env.rulebook, location=entry.location),
            *placed[len(lineage.findings):]]


def _suggested(entry: ModelEntry, lineage: Lineage, env: Env,
               locked_ids: Sequence[str] = ()) -> list[Finding]:
    """The lineage's findings, where the model the user named could not be found with the
    nearest id licheck knows (catalogue, cache and the run's locks) suggested: a typo is the likeliest cause."""
    root = lineage.nodes[0] if lineage.nodes else None
    if root is None or root.resolved or entry.ref.kind != "hub":
        return lineage.findings
    known = [*env.catalogue.ids_near(entry.ref.name), *_cached_model_ids(env), *locked_ids]
    close = suggest(entry.ref.name, known)
    if close is None or close.lower() == entry.ref.name.lower():
        return lineage.findings
    return [dataclasses.replace(f, message=f"{f.message} (did you mean '{close}'?)")
            if f.kind == "unresolved" and f.via == [root.id] else f for f in lineage.findings]


_CACHED: dict[int, tuple[Env, list[str]]] = {}


def _cached_model_ids(env: Env) -> list[str]:
    """Hub ids the cache holds facts of (read once per environment: the cache is scanned,
    which is only worth it for a typo)."""
    held = _CACHED.get(id(env))
    if held is not None and held[0] is env:
        return held[1]
    ids = {key.rsplit(":", 1)[-1].split("@", 1)[0] for key in env.cache.keys("hub-facts-")}
    _CACHED.clear()   # one environment at a time: a long-lived process keeps no stale list
    _CACHED[id(env)] = (env, sorted(ids))
    return _CACHED[id(env)][1]


# --- contexts ----------------------------------------------------------------------------


def _label(target: Target, own: _Ctx | None, contexts: _Contexts, config: Config) -> str:
    if contexts.cli is not None:
        return "--context"
    if own is not None:
        ctx = target.context
        return ctx if isinstance(ctx, str) else f"{target.context_origin}: inline context"
    if contexts.config is not None:
        return f"{config.path}: context"
    return "defaults"


def _default() -> _Ctx:
    return _Ctx(DEFAULT_CONTEXT)


def _explicit_use(mapping: Any) -> frozenset[str]:
    use = mapping.get("use") if isinstance(mapping, Mapping) else None
    return frozenset(use) if isinstance(use, Mapping) else frozenset()


def _context_file(path: str) -> _Ctx:
    doc = load_yaml(path)
    if doc is None:
        return _Ctx(load_context(path))   # raises its "empty context file" error
    return _Ctx(context_from_mapping(doc, os.fspath(path)), _explicit_use(doc))


def _context_value(value: str | Mapping[str, Any], origin: str | None) -> _Ctx:
    if isinstance(value, str):
        return _context_file(value)
    return _Ctx(context_from_mapping(value, origin or "context"), _explicit_use(value))


def _target_context(target: Target, cache: dict[int, _Ctx]) -> _Ctx | None:
    if target.context is None:
        return None
    key = id(target)
    if key not in cache:
        cache[key] = _context_value(target.context, target.context_origin or target.path)
    return cache[key]


def _entry_context(entry: ModelEntry, base: _Ctx) -> Context:
    ctx = base.context
    if entry.card_name:
        card_use: dict[str, Any] = {}
        if ctx.use.derived_model_name is None and "derived_model_name" not in base.explicit_use:
            card_use["derived_model_name"] = entry.card_name
        if "distributes_weights" not in base.explicit_use:
            card_use["distributes_weights"] = True
        if card_use:
            ctx = ctx.with_use(card_use, entry.card_path or "model card")
    if entry.use:
        ctx = ctx.with_use(entry.use, entry.use_path or "manifest")
    return ctx


# --- waivers and data --------------------------------------------------------------------


def _waive(findings: list[Finding], owners: list[int], config_waivers: list[Waiver],
           read: Sequence[Target], today: date) -> tuple[list[Finding], list[Finding], list[WaiverOutcome]]:
    """Apply the config's waivers to every finding, and each target's own waivers (a
    manifest's) only to that target's findings: one manifest cannot waive another's models
    when pre-commit passes both in one run."""
    owner_of_waiver = {id(w): i for i, t in enumerate(read) for w in t.waivers}
    owner_of_finding = {id(f): i for f, i in zip(findings, owners, strict=True)}

    def covers(waiver: Waiver, finding: Finding) -> bool:
        owner = owner_of_waiver.get(id(waiver))
        return owner is None or owner_of_finding.get(id(finding)) == owner

    return apply_waivers(findings, config_waivers + [w for t in read for w in t.waivers],
                         today=today, covers=covers)


def _config_waivers(config: Config) -> list[Waiver]:
    if config.waivers is None:
        return []
    if isinstance(config.waivers, str):
        if not os.path.isfile(config.waivers):
            raise ConfigError(f"waivers file not found: {config.waivers}", path=config.path,
                              line=config.line("waivers"))
        return load_waivers(config.waivers)
    return parse_waivers(config.waivers, config.path or "config")


def data_versions() -> dict[str, Any]:
    """What data the verdicts rest on (a digest per bundled folder), so a report can be
    reproduced or compared with another one."""
    out: dict[str, Any] = {}
    for name in ("licences", "rules", "catalogue"):
        try:
            folder = data_dir(name)
        except FileNotFoundError:
            continue
        digest = hashlib.sha256()
        files = _data_files(folder)
        for relative in files:
            digest.update("/".join(relative).encode() + b"\0")
            with open(os.path.join(folder, *relative), "rb") as handle:
                digest.update(handle.read() + b"\0")
        out[name] = f"sha256:{digest.hexdigest()[:16]} ({len(files)} files)"
    return out


def _data_files(folder: str | os.PathLike[str]) -> list[tuple[str, ...]]:
    """The files under `folder` as path parts, in path order (os.walk, not pathlib: ~300
    files on every check, where pathlib's objects were half the cost of the digest)."""
    out = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        parts = tuple(os.path.relpath(root, folder).split(os.sep)) if root != os.fspath(folder) else ()
        out += [(*parts, name) for name in names if os.path.isfile(os.path.join(root, name))]
    return sorted(out)
