"""Waivers: accepted findings, each with a reason, an approver and an expiry date.

A waiver names a finding by `rule:` (a finding id, glob allowed: `llama3*/attribution`) or
by `kind:`, and the models it covers by `model:` (a glob over the finding's `model`,
default every model). Waived findings stay in every report, marked; they just stop
failing the gate. Waivers cannot go stale quietly:

* an expired waiver waives nothing; the finding it covered is reported again, and a
  `waiver/expired` warning says so;
* a waiver that matched no finding gives a `waiver/unused` warning.

A waiver is valid up to and including its `expires` date.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from licheck.errors import ConfigError
from licheck.kinds import BUILTIN_FINDINGS, KINDS
from licheck.model import Finding, Location, Severity
from licheck.schema import Field, Schema, suggest
from licheck.yamlload import YamlMap, line_of, load_yaml

_TEXT = Field((str,), nonempty=True)
WAIVER_SCHEMA = Schema("a waiver", {
    "rule": _TEXT,
    # A stale waiver must be fixed in the file, so `waiver` findings cannot be waived.
    "kind": Field((str,), choices=tuple(k for k in KINDS if k != "waiver")),
    "model": _TEXT,
    "reason": Field((str,), required=True, nonempty=True),
    "approved_by": Field((str,), required=True, nonempty=True),
    "expires": Field((str, dt.date), required=True, expect="a date YYYY-MM-DD"),
    "comment": _TEXT,
    "ticket": _TEXT,
})
WAIVERS_FILE_SCHEMA = Schema("a waivers file", {"waivers": Field((list,), nullable=True)})


@dataclass(frozen=True)
class Waiver:
    reason: str
    approved_by: str
    expires: dt.date
    rule: str | None = None
    kind: str | None = None
    model: str = "*"
    comment: str | None = None
    ticket: str | None = None
    location: Location | None = None

    @property
    def target(self) -> str:
        return f"rule '{self.rule}'" if self.rule else f"kind '{self.kind}'"

    def where(self) -> str:
        if self.location is None:
            return "waiver"
        loc = self.location
        return loc.file if loc.line is None else f"{loc.file}:{loc.line}"

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def matches(self, finding: Finding) -> bool:
        if self.rule is not None and not fnmatch.fnmatchcase(finding.id, self.rule):
            return False
        if self.kind is not None and finding.kind != self.kind:
            return False
        return fnmatch.fnmatchcase(finding.model, self.model)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "kind": self.kind,
            "model": self.model,
            "reason": self.reason,
            "approved_by": self.approved_by,
            "expires": self.expires.isoformat(),
        }
        if self.comment:
            out["comment"] = self.comment
        if self.ticket:
            out["ticket"] = self.ticket
        if self.location is not None:
            out["location"] = self.location.to_json()
        return out


def load_waivers(path: str | os.PathLike[str]) -> list[Waiver]:
    """A waivers file: a YAML list of waivers, or a mapping with a `waivers:` list."""
    data = load_yaml(path)
    if data is None:
        return []
    if isinstance(data, dict):
        WAIVERS_FILE_SCHEMA.check(data, os.fspath(path))
        data = data.get("waivers") or []
    return parse_waivers(data, os.fspath(path))


def parse_waivers(entries: Any, path: str) -> list[Waiver]:
    """Validate a list of waiver mappings (from a manifest, a config or a waivers file)."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ConfigError("'waivers' must be a list of waivers", path=path, line=line_of(entries))
    return [_parse_one(entry, path, line_of(entries, i)) for i, entry in enumerate(entries)]


def _parse_one(entry: Any, path: str, item_line: int | None) -> Waiver:
    if not isinstance(entry, dict):
        raise ConfigError("a waiver must be a mapping with rule: or kind:, reason:, approved_by:, "
                          "expires:", path=path, line=item_line)

    def at(key: str | None = None) -> int | None:
        if key is not None and isinstance(entry, YamlMap) and key in entry:
            return entry.line_of(key)
        return item_line if item_line is not None else line_of(entry)

    WAIVER_SCHEMA.check(entry, path, line=item_line)
    rule, kind = entry.get("rule"), entry.get("kind")
    if (rule is None) == (kind is None):
        raise ConfigError("a waiver needs exactly one of 'rule' (a finding id) or 'kind'",
                          path=path, line=at())
    if rule is not None and _covers_everything(rule):
        raise ConfigError(f"waiver rule '{rule}' matches every finding: a waiver must name what "
                          "it accepts, a rule (e.g. llama3.1/attribution, llama3*/attribution) "
                          "or a kind", path=path, line=at("rule"))
    return Waiver(
        rule=rule,
        kind=kind,
        model=entry.get("model") or "*",
        reason=entry["reason"].strip(),
        approved_by=entry["approved_by"].strip(),
        expires=_parse_date(entry["expires"], path, at("expires")),
        comment=entry.get("comment"),
        ticket=entry.get("ticket"),
        location=Location(path, at()),
    )


def _covers_everything(pattern: str) -> bool:
    """Whether a rule glob names nothing literally (`*`, `*/*`, `?*`, `[a-z]*`): it would
    waive every error of every model, so nothing would fail the gate again."""
    return not re.sub(r"\[[^\]]*\]|[*?/\s]", "", pattern)


def _parse_date(value: Any, path: str, line: int | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problem = ConfigError(f"waiver 'expires' must be a date YYYY-MM-DD (got '{value}')",
                          path=path, line=line)
    if not isinstance(value, str):
        raise problem
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise problem from None


class WaiverOutcome(NamedTuple):
    """What one waiver did in a run, for reports."""

    waiver: Waiver
    status: str            # "active" | "expired" | "unused"
    matched: int

    def to_json(self) -> dict[str, Any]:
        return {**self.waiver.to_json(), "status": self.status, "matched": self.matched}


def apply_waivers(findings: Sequence[Finding], waivers: Iterable[Waiver], *, today: dt.date,
                  covers: Callable[[Waiver, Finding], bool] | None = None,
                  ) -> tuple[list[Finding], list[Finding], list[WaiverOutcome]]:
    """The findings as the waivers leave them (in the same order, a waived one replaced by a
    waived copy), the `waiver` findings to add, and each waiver's outcome.

    `covers(waiver, finding)` says whether a finding is within a waiver's reach at all (a
    manifest's waivers reach only that manifest's models); by default every finding is.

    Findings of kind `waiver` are never waived themselves: a stale waiver must be fixed
    in the file, not waived away.
    """
    waived: dict[int, dict[str, Any]] = {}   # id of a finding -> the first waiver matching it
    extra: list[Finding] = []
    outcomes: list[WaiverOutcome] = []
    subject = [f for f in findings if f.kind != "waiver"]
    for waiver in waivers:
        matched = [f for f in subject if waiver.matches(f) and (covers is None or covers(waiver, f))]
        if waiver.expired(today):
            outcomes.append(WaiverOutcome(waiver, "expired", len(matched)))
            covered = (f"; {len(matched)} finding(s) it covered are reported again" if matched
                       else "; it no longer matches any finding either")
            extra.append(_waiver_finding(
                waiver, "waiver/expired",
                f"waiver for {waiver.target} on '{waiver.model}' expired on "
                f"{waiver.expires.isoformat()} (approved by {waiver.approved_by}){covered}"))
            continue
        if not matched:
            outcomes.append(WaiverOutcome(waiver, "unused", 0))
            extra.append(_waiver_finding(
                waiver, "waiver/unused",
                f"waiver for {waiver.target} on '{waiver.model}' matched no finding; "
                f"remove it or correct its rule/kind and model"))
            continue
        outcomes.append(WaiverOutcome(waiver, "active", len(matched)))
        for finding in matched:   # the first matching waiver is the one reported
            waived.setdefault(id(finding), {**waiver.to_json(), "status": "active"})
    out = [replace(f, waived=True, waiver=waived[id(f)]) if id(f) in waived else f for f in findings]
    return out, extra, outcomes


def _waiver_finding(waiver: Waiver, finding_id: str, message: str) -> Finding:
    return Finding(
        id=finding_id,
        kind="waiver",
        severity=Severity.WARNING,
        model=waiver.model,
        message=message,
        location=waiver.location,
        how_to_comply="renew the waiver with a new expiry date after review, or remove it"
        if finding_id == "waiver/expired" else "remove the waiver, or fix its rule/kind or model glob",
    )


# Finding ids that do not start with a licence id (`lineage/unresolved`, `policy/deny`, ...).
NON_LICENCE_PREFIXES = tuple(sorted({i.split("/", 1)[0] for i in BUILTIN_FINDINGS}))


def check_waiver_licences(waivers: Iterable[Waiver], licence_ids: Sequence[str]) -> None:
    """A waiver's `rule:` starts with a licence id (`llama3.1/attribution`) or another finding
    family (`lineage/...`): one that names no licence the run knows would silently waive
    nothing. Raises ConfigError at the waiver's line, with a suggestion."""
    known = [*licence_ids, *NON_LICENCE_PREFIXES]
    for waiver in waivers:
        if waiver.rule is None or "/" not in waiver.rule:
            continue
        prefix = waiver.rule.split("/", 1)[0]
        if any(fnmatch.fnmatchcase(k, prefix) for k in known):
            continue
        close = suggest(prefix, known)
        hint = f" (did you mean '{close}/{waiver.rule.split('/', 1)[1]}'?)" if close else ""
        loc = waiver.location
        raise ConfigError(f"waiver rule '{waiver.rule}': '{prefix}' is not a licence id licheck "
                          f"knows{hint}; `licheck licences` lists them",
                          path=loc.file if loc else None, line=loc.line if loc else None)
