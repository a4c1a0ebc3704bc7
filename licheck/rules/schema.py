"""The rule-file format: which keys a rule may have, their types, and the Rule record.

A rule file is `rules/<licence id>.yml`:

    licence: llama3.1
    rules:
      - id: llama3.1/naming
        kind: naming
        ...

Every rule has the common keys below; each kind adds its own typed parameters
(`KIND_KEYS`). Conditions are data read by one checker per kind (`licheck.rules.checkers`);
nothing in a rule file is ever evaluated as code. docs/rules.md describes the format for
people who write rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from licheck.model import KINDS, Severity

# When a rule applies, in terms of the context's `use:` (plus one derived fact).
#   triggered_by: any ONE of these makes the rule relevant (absent = always relevant)
#   only_if:      ALL of these must hold as well
TRIGGERS: dict[str, str] = {
    "distributes_weights": "you ship the model's (or a derivative's) weights to third parties",
    "offered_as_service": "you offer the model itself to third parties as an API or managed service",
    "derived_model_distributed": "you distribute or make available a model derived from it (derived_model_name is set)",
    "trains_on_outputs": "you use its outputs to create, train or improve another AI model",
    "commercial": "the use is commercial",
    "production": "the deployment is in production (not research or evaluation only)",
}

CONFIDENCES = ("verified", "secondary")

# Placeholders a `message` may use, filled in by the checker with the facts it compared.
MESSAGE_FIELDS = frozenset({
    "licence", "model", "holder", "threshold", "value", "month", "assumption", "name", "prefix",
    "display", "notice", "matched", "field", "country", "period", "target",
})

# Kinds a rule file may carry: the licence-term kinds of CONTRACT.md section 3. (Provenance,
# policy, mismatch, unknown, unresolved and waiver findings come from elsewhere.)
RULE_KINDS = ("mau_cap", "revenue_cap", "non_commercial", "non_production", "output_training",
              "naming", "attribution", "notice", "acceptable_use", "jurisdiction", "hosting",
              "registration")


@dataclass(frozen=True)
class Spec:
    """One allowed key: its type(s), whether required, and choices for a string."""

    types: tuple[type, ...]
    required: bool = False
    choices: tuple[str, ...] = ()
    item_type: type | None = None   # for lists

    def describe(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.item_type is not None:
            return f"a list of {_TYPE_NAMES[self.item_type]}s"
        return " or ".join(_TYPE_NAMES[t] for t in self.types)


_TYPE_NAMES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "list",
               dict: "mapping", type(None): "null"}

_STR = (str,)
_NUM = (int, float)

COMMON_KEYS: dict[str, Spec] = {
    "id": Spec(_STR, required=True),
    "kind": Spec(_STR, required=True, choices=RULE_KINDS),
    "title": Spec(_STR, required=True),
    "section": Spec(_STR, required=True),
    "quote": Spec(_STR, required=True),
    "message": Spec(_STR, required=True),
    "how_to_comply": Spec(_STR, required=True),
    "severity": Spec(_STR, choices=tuple(str(s) for s in Severity)),
    "confidence": Spec(_STR, choices=CONFIDENCES),
    "source": Spec(_STR),            # where a secondary quote comes from (required then)
    "triggered_by": Spec((list,), item_type=str),
    "only_if": Spec((list,), item_type=str),
    "models_matching": Spec((list,), item_type=str),   # only models whose id or name has one of these words
    "notes": Spec(_STR),
}

MEASURED_AT = ("month_before_release", "any_time")
UNKNOWN_MODALITIES = ("warn", "assume_multimodal", "skip")
DERIVED_FROM = ("materials", "outputs")

KIND_KEYS: dict[str, dict[str, Spec]] = {
    "mau_cap": {
        "threshold": Spec((int,), required=True),          # monthly active users
        "measured_at": Spec(_STR, required=True, choices=MEASURED_AT),
        "release_date": Spec(_STR),                         # YYYY-MM-DD; required for month_before_release
        "counted_over": Spec(_STR, required=True),          # whose users count, in the licence's terms
    },
    "revenue_cap": {
        "threshold_usd": Spec(_NUM, required=True),
        "period": Spec(_STR, required=True, choices=("annual", "monthly")),
        "counted_over": Spec(_STR, required=True),
    },
    "non_commercial": {"permitted_use": Spec(_STR, required=True)},
    "non_production": {"permitted_use": Spec(_STR, required=True)},
    "registration": {"register_with": Spec(_STR, required=True)},   # whom, and where
    "output_training": {
        "restricted_target": Spec(_STR, required=True),     # what may not be trained/improved
        "excluding": Spec(_STR),                            # what the licence carves out
    },
    "naming": {
        "prefix": Spec(_STR, required=True),
        "derived_from": Spec((list,), required=True, item_type=str),   # materials, outputs
    },
    "attribution": {
        "display_text": Spec((list,), required=True, item_type=str),   # any one of them
        "where": Spec(_STR),
    },
    "notice": {
        "notice_text": Spec(_STR),           # text the Notice file must contain, if any
        "requirements": Spec((list,), item_type=str),   # e.g. copy of the licence, modified-file notices
    },
    "acceptable_use": {
        "uses": Spec((list,), item_type=str),               # use ids (vocabularies/uses.yml) matched against use.purposes
        "sectors": Spec((list,), item_type=str),            # sector ids (vocabularies/sectors.yml) matched against sectors
        "sector_severity": Spec(_STR, choices=tuple(str(s) for s in Severity)),
    },
    "jurisdiction": {
        "excluded_region": Spec(_STR, required=True, choices=("EU",)),
        "models": Spec(_STR, required=True, choices=("multimodal", "all")),
        "when_modalities_unknown": Spec(_STR, choices=UNKNOWN_MODALITIES),
        "end_user_exception": Spec((bool,)),
    },
    "hosting": {},
}


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


def default_severity(kind: str) -> Severity:
    return KINDS[kind]
