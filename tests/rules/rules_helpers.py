"""Helpers for the rule tests: hand-built lineages and contexts (no Hub, no lineage code).

Imported by the test modules of this folder as `rules_helpers` (pytest puts the folder on
sys.path); conftest.py turns them into fixtures."""

from __future__ import annotations

from licheck.context import Context, context_from_mapping
from licheck.model import Lineage, LineageNode
from licheck.yamlload import parse_yaml


def make_context(yaml_text: str = "{}") -> Context:
    return context_from_mapping(parse_yaml(yaml_text, "ctx.yml"), "ctx.yml")


def make_lineage(licence: str | None, *, modalities: tuple[str, ...] = (), origin: str | None = None,
                 model_id: str = "acme/model", base: LineageNode | None = None) -> Lineage:
    """One model carrying `licence`, optionally above a base node."""
    top = LineageNode(id=model_id, licence=licence, modalities=list(modalities), origin=origin,
                      source="hub", parents=[base.id] if base else [])
    return Lineage(ref=model_id, nodes=[top, base] if base else [top])
