"""The rule-file format: which keys a rule may have, their types, and the Rule record.

A rule file is `rules/<licence id>.yml`:

    licence: llama3.1
    rules:
      - id: llama3.1/naming
        kind: naming
        ...

Every rule has the common keys below; each kind adds its own typed parameters
(`licheck.kinds`). Conditions are data read by one checker per kind (`licheck.rules.checkers`);
nothing in a rule file is ever evaluated as code. docs/rules.md describes the format for
people who write rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from licheck.kinds import KINDS, RULE_KINDS
from licheck.model import Clause
from licheck.schema import Field, Schema
from licheck.severity import Severity

CONFIDENCES = ("verified", "secondary")

# Placeholders a `message` may use, filled in by the checker with the facts it compared.
MESSAGE_FIELDS = frozenset({
    "licence", "model", "holder", "threshold", "value", "month", "assumption", "name", "prefix",
    "display", "notice", "matched", "field", "country", "region", "period", "target",
})

_STR = (str,)
_WORDS = Field((list,), items=str)

# The keys of a rule file, and the keys every rule has (a kind adds its own parameters,
# `licheck.kinds.Kind.params`). Conditions (triggered_by / only_if) are names of
# `licheck.kinds.TRIGGERS`.
FILE_SCHEMA = Schema("a rule file", {
    "licence": Field(_STR, required=True, nonempty=True),
    "rules": Field((list,), required=True),
    "notes": Field(_STR),
})

RULE_SCHEMA = Schema("a rule", {
    "id": Field(_STR, required=True),
    "kind": Field(_STR, required=True, choices=RULE_KINDS),
    "title": Field(_STR, required=True),
    "section": Field(_STR, required=True),
    "quote": Field(_STR, required=True),
    "message": Field(_STR, required=True),
    "how_to_comply": Field(_STR, required=True),
    "severity": Field(_STR, choices=tuple(str(s) for s in Severity)),
    "confidence": Field(_STR, choices=CONFIDENCES),
    "source": Field(_STR),            # where a secondary quote comes from (required then)
    "triggered_by": _WORDS,
    "only_if": _WORDS,
    "models_matching": _WORDS,        # only models whose id or name has one of these words
    "notes": Field(_STR),
})


def rule_schema(kind: object) -> Schema:
    """The keys a rule of `kind` may have: the common ones plus the kind's parameters."""
    if isinstance(kind, str) and kind in RULE_KINDS:
        return RULE_SCHEMA.extended(KINDS[kind].params, what=f"a '{kind}' rule")
    return RULE_SCHEMA


@dataclass(frozen=True)
class Rule:
    """One obligation or restriction of one licence, as data."""

    id: str
    licence: str
    kind: str
    title: str
    section: str
    quote: str
    message: str
    how_to_comply: str
    severity: Severity
    confidence: str = "verified"
    source: str | None = None
    triggered_by: tuple[str, ...] = ()
    only_if: tuple[str, ...] = ()
    models_matching: tuple[str, ...] = ()
    notes: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    line: int | None = None

    def param(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    @cached_property
    def clause(self) -> Clause:
        """The clause the rule rests on: one value for every finding it gives."""
        return Clause(licence=self.licence, section=self.section, quote=self.quote)
