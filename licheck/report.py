"""The result of `licheck check`: every model checked, every finding, and what they were checked against.

`Report.to_json()` is the `check` JSON of docs/contract.md section 5; every output format in
`licheck.formats` renders a `Report`. Pure data, no I/O.

`Report.findings` is the complete list (the JSON `findings`, what `summary()` counts and what
the exit code is decided on); `ModelReport.findings` is the subset about that one model, for
reports grouped by model. A finding about no listed model (e.g. a waiver that matched nothing)
appears only in `Report.findings`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from licheck.model import Finding, Lineage, Location, Severity

if TYPE_CHECKING:
    from licheck.licences import Corpus, Licence

SCHEMA_VERSION = 1
# What identifies a waiver; run-time extras (status, matched, location) are not compared.
_WAIVER_KEYS = ("rule", "kind", "model", "reason", "approved_by", "expires")


def jsonable(value: Any) -> Any:
    """`value` with dates as ISO strings, tuples as lists and keys as strings.

    Waivers and contexts come from YAML, where `expires: 2027-06-30` is a `date`; the JSON
    output must never fail on one.
    """
    kind = type(value)
    if kind is str or value is None or kind is int or kind is bool or kind is float:
        return value  # most values: skip the isinstance chain (the Mapping check is slow)
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if kind is list:
        return [jsonable(v) for v in value]
    if isinstance(value, _dt.datetime):
        return _iso_utc(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, Severity):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _iso_utc(moment: _dt.datetime) -> str:
    if moment.tzinfo is None:  # naive: taken as UTC, which is what the check engineer passes
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.astimezone(_dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class ModelReport:
    """One checked model: what the user wrote, its lineage, and its findings."""

    ref: str
    lineage: Lineage
    location: Location | None
    findings: list[Finding]
    # The name a model card gives the model (your own model, checked before publishing); its
    # folder is only where it lies. None for every other target.
    display_name: str | None = None

    @property
    def id(self) -> str:
        return self.lineage.nodes[0].id

    @property
    def licences(self) -> list[str]:
        return self.lineage.licences

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "id": self.id,
            "location": self.location.to_json() if self.location else None,
            "lineage": [node.to_json() for node in self.lineage.nodes],
            "licences": self.licences,
        }


@dataclass
class Report:
    """Everything `licheck check` found, ready to render."""

    context: dict[str, Any]
    models: list[ModelReport]
    findings: list[Finding]
    waivers: list[dict[str, Any]]
    generated_at: _dt.datetime
    licheck_version: str
    data_versions: dict[str, Any]
    notes: list[str]
    # The corpus the check used (bundled plus the user's folders), to name its licences.
    corpus: Corpus = field(repr=False, compare=False)
    # "Hub unreachable: ..." when the Hub could not answer and the catalogue or cache stood in
    # (also one of `notes`, so every format says it; the command line says it on stderr).
    hub_unreachable: str | None = None
    # The config file of the run, if any: where SARIF places findings about models named on
    # the command line (they were written nowhere else).
    config_path: str | None = None
    # What was checked, for the review report: ("Targets", "licheck.yaml"), ("Git commit", sha).
    scope: tuple[tuple[str, str], ...] = ()
    # The lock files the lineages were read from (`licheck.lock`): path and digest of each.
    locks: list[dict[str, str]] = field(default_factory=list)

    # -- views ---------------------------------------------------------------------------

    @property
    def unwaived(self) -> list[Finding]:
        return [f for f in self.findings if not f.waived]

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.waived]

    def unassigned_findings(self) -> list[Finding]:
        """Findings in `findings` that no `ModelReport` lists (reported on their own)."""
        listed = {id(f) for m in self.models for f in m.findings}
        return [f for f in self.findings if id(f) not in listed]

    def licence(self, licence_id: str | None) -> Licence | None:
        """The corpus metadata of a licence id, or None (unknown id, or no id)."""
        if not licence_id:
            return None
        return self.corpus.get(licence_id)

    def waiver_matches(self, waiver: Mapping[str, Any]) -> list[Finding]:
        """The findings a declared waiver covers (compared by value, as findings carry a copy)."""
        key = _waiver_key(waiver)
        return [f for f in self.findings if f.waived and f.waiver is not None and _waiver_key(f.waiver) == key]

    # -- contract ------------------------------------------------------------------------

    def summary(self) -> dict[str, int]:
        """docs/contract.md section 5: unwaived findings per severity, plus models, waived, unresolved.

        `unresolved` counts every `unresolved` finding, waived or not: a waiver accepts the
        risk, it does not make the lineage checked.
        """
        counts = {"models": len(self.models)}
        for sev in sorted(Severity, reverse=True):
            counts[str(sev)] = sum(1 for f in self.unwaived if f.severity == sev)
        counts["waived"] = len(self.waived)
        counts["unresolved"] = sum(1 for f in self.findings if f.kind == "unresolved")
        return counts

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "licheck_version": self.licheck_version,
            "context": self.context,
            "models": [m.to_json() for m in self.models],
            "findings": [f.to_json() for f in self.findings],
            "summary": self.summary(),
            # Additions beyond the contract's minimum (allowed: fields are only ever added).
            "generated_at": self.generated_at,
            "data_versions": self.data_versions,
            "waivers": self.waivers,
            "notes": list(self.notes),
        }
        if self.locks:
            out["locks"] = [dict(lock) for lock in self.locks]
        return jsonable(out)  # type: ignore[no-any-return]


def _waiver_key(waiver: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(jsonable(waiver.get(k)) for k in _WAIVER_KEYS)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Unwaived before waived, most severe first, then by kind, id and model (stable output)."""
    return sorted(findings, key=lambda f: (f.waived, -int(f.severity), f.kind, f.id, f.model))
