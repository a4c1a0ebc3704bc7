"""The `check` pipeline: targets -> model references -> lineage -> rules -> waivers -> Report.

Pure logic (no click, no printing): the CLI reads arguments, calls `run_check`, renders the
Report and turns it into an exit code with `exit_code`.

Where each model's context comes from, strongest first (CONTRACT.md section 1): `--context
FILE`, the manifest's `context:`, the config's `context`, the defaults. A manifest entry's
`use:` overrides apply to that model only. A model card target is a model about to be
published under the card's name, so that name becomes `use.derived_model_name` with
`use.distributes_weights: true`, unless the context sets those fields itself (the entry's
own `use:` overrides win over both).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from licheck import __version__, datacache
from licheck.config import DEFAULT_CONFIG, Config
from licheck.errors import ConfigError
from licheck.kinds import KINDS, fail_threshold
from licheck.model import Finding, Lineage, Severity
from licheck.targets import ModelEntry, Target, discover
from licheck.waivers import Waiver, apply_waivers, load_waivers, parse_waivers
from licheck.yamlload import load_yaml

if TYPE_CHECKING:
    from licheck.context import Context
    from licheck.report import Report

STRICT_KINDS = tuple(k.name for k in KINDS.values() if k.strict)


@dataclass(frozen=True)
class _Ctx:
    """A context and the `use:` keys it set explicitly (the defaults are not 'saying so')."""

    context: Context
    explicit_use: frozenset[str] = frozenset()


@datacache.batch()   # parsed data files are stored once, after the whole run
def run_check(
    targets: Sequence[str | Target],
    *,
    context_path: str | None = None,
    config: Config | None = None,
    offline: bool = False,
    strict: bool = False,
    today: dt.date | None = None,
    sources: Any = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Check every model the targets name; raise LicheckError when the input is invalid.

    `today` decides waiver expiry (injectable for tests); `sources` is passed to the lineage
    resolver (tests use fakes); `progress(n)` is called before resolving `n` models.
    """
    from licheck.lineage import resolve_many
    from licheck.report import Report, sort_findings
    from licheck.rules import evaluate, load_rulebook

    config = config or DEFAULT_CONFIG
    offline = offline or bool(config.offline)
    strict = strict or bool(config.strict)
    read: list[Target] = [t for t in targets if isinstance(t, Target)]
    names = [t for t in targets if not isinstance(t, Target)]
    if names or not targets:
        read += discover(names, config)

    cli_ctx = _context_file(context_path) if context_path else None
    config_ctx = _context_value(config.context, config.path) if config.context is not None else None
    _existing_dirs(config, "extra_rules", config.extra_rules)
    _existing_dirs(config, "extra_catalogue", config.extra_catalogue)
    corpus = _corpus(config)
    rulebook = (load_rulebook(config.extra_rules, corpus=corpus)
                if config.extra_rules or corpus is not None else None)
    if sources is None and (config.extra_catalogue or config.cache_dir):
        sources = _configured_sources(config, offline, corpus)

    # Resolve each distinct reference once, in first-seen order.
    entries = [(target, entry) for target in read for entry in target.entries]
    unique: dict[Any, int] = {}
    for _, entry in entries:
        unique.setdefault(entry.ref, len(unique))
    if progress is not None:
        progress(len(unique))
    lineages = (resolve_many(list(unique), offline=offline, sources=sources, corpus=corpus)
                if unique else [])
    if len(lineages) != len(unique):   # a contract breach upstream: never report partially
        raise RuntimeError(f"lineage returned {len(lineages)} results for {len(unique)} models")

    from licheck.report import ModelReport

    contexts: dict[int, _Ctx] = {}
    models: list[ModelReport] = []
    findings: list[Finding] = []
    notes: list[str] = []
    used: dict[str, _Ctx] = {}   # label of each context models were checked against
    for target in read:
        notes.extend(target.notes)
        own = None if cli_ctx else _target_context(target, contexts)
        tctx = cli_ctx or own or config_ctx or _default()
        if target.entries:
            used.setdefault(_label(target, own, cli_ctx, config_ctx, config), tctx)
        findings.extend(target.findings)
        for entry in target.entries:
            lineage = lineages[unique[entry.ref]]
            ctx = _entry_context(entry, tctx)
            model_findings = _findings_for(entry, lineage, ctx, evaluate, rulebook, corpus)
            models.append(ModelReport(ref=entry.written, lineage=lineage,
                                      location=entry.location, findings=model_findings))
            findings.extend(model_findings)
    if len(used) == 1:
        run_ctx = next(iter(used.values()))
    else:
        run_ctx = cli_ctx or config_ctx or _default()
        if used:
            notes.append("the targets use different contexts; each model was checked against its "
                         f"own ({'; '.join(used)}); the report's context is "
                         f"{'the config' if config_ctx else 'the default'} one")
    if not entries and not any(t.findings for t in read):
        notes.append("no models to check")

    if strict:
        for finding in findings:
            if finding.kind in STRICT_KINDS and finding.severity < Severity.ERROR:
                finding.severity = Severity.ERROR

    waivers = _config_waivers(config) + [w for t in read for w in t.waivers]
    extra, outcomes = apply_waivers(findings, waivers, today=today)
    findings.extend(extra)
    for model in models:
        model.findings = sort_findings(model.findings)

    context = run_ctx.context
    return Report(
        context=context.to_json(),
        models=models,
        findings=sort_findings(findings),
        waivers=[{**o.waiver.to_json(), "status": o.status} for o in outcomes],
        generated_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        licheck_version=__version__,
        data_versions=_data_versions(),
        notes=notes,
        corpus=corpus,
    )


def exit_code(report: Report, fail_on: str = "error") -> int:
    """CONTRACT.md section 1: 1 when an unwaived finding is at or above `fail_on`, else 0."""
    try:
        threshold = fail_threshold(fail_on)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if threshold is None:
        return 0
    return int(any(not f.waived and f.severity >= threshold for f in report.findings))


# --- findings ----------------------------------------------------------------------------


def _findings_for(entry: ModelEntry, lineage: Lineage, ctx: Context,
                  evaluate: Callable[..., list[Finding]], rulebook: Any,
                  corpus: Any) -> list[Finding]:
    """This entry's findings: the lineage's, the rules', and the target's own about it.

    Copies, because one lineage may serve several entries (each with its own location and
    waivers) and waivers mark findings in place.
    """
    model_id = lineage.nodes[0].id if lineage.nodes else str(entry.ref)
    out = [copy.copy(f) for f in lineage.findings]
    out += evaluate(lineage, ctx, rulebook=rulebook, corpus=corpus)
    for finding in entry.findings:
        own = copy.copy(finding)
        own.model = model_id
        out.append(own)
    for finding in out:
        if finding.location is None:
            finding.location = entry.location
        if not finding.model:
            finding.model = model_id
    return out


# --- contexts ----------------------------------------------------------------------------


def _label(target: Target, own: _Ctx | None, cli: _Ctx | None, cfg: _Ctx | None,
           config: Config) -> str:
    if cli is not None:
        return "--context"
    if own is not None:
        ctx = target.context
        return ctx if isinstance(ctx, str) else f"{target.context_origin}: inline context"
    if cfg is not None:
        return f"{config.path}: context"
    return "defaults"


def _default() -> _Ctx:
    from licheck.context import DEFAULT_CONTEXT

    return _Ctx(DEFAULT_CONTEXT)


def _explicit_use(mapping: Any) -> frozenset[str]:
    use = mapping.get("use") if isinstance(mapping, Mapping) else None
    return frozenset(use) if isinstance(use, Mapping) else frozenset()


def _context_file(path: str) -> _Ctx:
    from licheck.context import context_from_mapping, load_context

    doc = load_yaml(path)
    if doc is None:
        return _Ctx(load_context(path))   # raises its "empty context file" error
    return _Ctx(context_from_mapping(doc, os.fspath(path)), _explicit_use(doc))


def _context_value(value: str | Mapping[str, Any], origin: str | None) -> _Ctx:
    from licheck.context import context_from_mapping

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


def _config_waivers(config: Config) -> list[Waiver]:
    if config.waivers is None:
        return []
    if isinstance(config.waivers, str):
        if not os.path.isfile(config.waivers):
            raise ConfigError(f"waivers file not found: {config.waivers}", path=config.path,
                              line=config.line("waivers"))
        return load_waivers(config.waivers)
    return parse_waivers(config.waivers, config.path or "config")


def _corpus(config: Config) -> Any:
    """The licence corpus with the user's folders, or None for the bundled one."""
    if not config.extra_licences:
        return None
    from licheck.licences import load_corpus

    _existing_dirs(config, "extra_licences", config.extra_licences)
    return load_corpus(config.extra_licences)


def _configured_sources(config: Config, offline: bool, corpus: Any) -> Any:
    """The standard sources, with the config's cache folder and extra catalogue folders."""
    from licheck.cache import Cache
    from licheck.sources.registry import default_sources

    cache = Cache(config.cache_dir) if config.cache_dir else None
    catalogue = None
    if config.extra_catalogue:
        from licheck.catalogue import load_catalogue

        catalogue = load_catalogue(config.extra_catalogue, licences=corpus)
    registry = default_sources(offline=offline, cache=cache, catalogue=catalogue)
    return registry


def _existing_dirs(config: Config, key: str, folders: Sequence[str]) -> None:
    for folder in folders:
        if not os.path.isdir(folder):
            raise ConfigError(f"'{key}' folder not found: {folder}", path=config.path,
                              line=config.line(key))


def _data_versions() -> dict[str, Any]:
    """What data the verdicts rest on (a digest per bundled folder), so a report can be
    reproduced or compared with another one."""
    import hashlib

    from licheck.data import data_dir

    out: dict[str, Any] = {}
    for name in ("licences", "rules", "catalogue"):
        try:
            folder = data_dir(name)
        except FileNotFoundError:
            continue
        digest = hashlib.sha256()
        files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in files:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        out[name] = f"sha256:{digest.hexdigest()[:16]} ({len(files)} files)"
    return out
