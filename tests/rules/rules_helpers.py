"""Helpers for the rule tests: hand-built lineages and contexts (no Hub, no lineage code).

Imported by the test modules of this folder as `rules_helpers` (pytest puts the folder on
sys.path); conftest.py turns them into fixtures."""

from __future__ import annotations

from typing import Any

from envs import rulebook

from licheck.context import Context, context_from_mapping
from licheck.model import Finding, Lineage, LineageNode, Severity
from licheck.rules.evaluate import evaluate
from licheck.yamlload import parse_yaml


def make_context(yaml_text: str = "{}") -> Context:
    return context_from_mapping(parse_yaml(yaml_text, "ctx.yml"), "ctx.yml")


def make_lineage(licence: str | None, *, modalities: tuple[str, ...] = (), origin: str | None = None,
                 model_id: str = "acme/model", base: LineageNode | None = None) -> Lineage:
    """One model carrying `licence`, optionally above a base node."""
    top = LineageNode(id=model_id, licence=licence, modalities=list(modalities), origin=origin,
                      source="hub", parents=[base.id] if base else [])
    return Lineage(ref=model_id, nodes=[top, base] if base else [top])


def has_finding(findings: list[Finding], key: str, severity: Severity | None = None) -> bool:
    """Whether a finding with this id or kind (and severity, when given) is among `findings`."""
    return any((f.id == key or f.kind == key) and (severity is None or f.severity == severity)
               for f in findings)


def assert_verdict(licence: str, ctx: str, kw: dict[str, Any], present: list[Any],
                   absent: list[Any]) -> None:
    """Evaluate `licence`'s rules for a one-node lineage under the context `ctx` (YAML) and
    check which findings are there (`(id or kind, severity)`) and which are not."""
    findings = evaluate(make_lineage(licence, **kw), make_context(ctx), rulebook())
    seen = [(f.id, str(f.severity)) for f in findings]
    for key, severity in present:
        assert has_finding(findings, key, severity), f"expected {key} ({severity}); got {seen}"
    for item in absent:
        key, severity = item if isinstance(item, tuple) else (item, None)
        assert not has_finding(findings, key, severity), f"unexpected {key}; got {seen}"
