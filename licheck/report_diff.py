"""`licheck diff OLD.json NEW.json`: what changed between two `check` reports.

So a reviewer re-signs only the difference: models added and removed, licences gained or
lost per model, findings new, resolved, changed in severity or in waiver status, waivers
that expired, and context fields that changed. Pure: takes the two JSON documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from licheck.errors import InputError

_SEVERITY_ORDER = {"info": 0, "obligation": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class FindingChange:
    status: str                  # new | resolved | severity | waived | unwaived
    id: str
    model: str
    licence: str | None
    kind: str
    old_severity: str | None
    new_severity: str | None
    message: str
    clause: Mapping[str, Any] | None


@dataclass(frozen=True)
class LicenceChange:
    model: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass
class ReportDiff:
    old_name: str
    new_name: str
    models_added: list[str] = field(default_factory=list)
    models_removed: list[str] = field(default_factory=list)
    licences: list[LicenceChange] = field(default_factory=list)
    findings: list[FindingChange] = field(default_factory=list)
    waivers_expired: list[Mapping[str, Any]] = field(default_factory=list)
    context: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.models_added or self.models_removed or self.licences or self.findings
                    or self.waivers_expired or self.context)

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)


def validate(doc: Any, name: str) -> Mapping[str, Any]:
    """A `check` JSON report, or InputError naming what is missing."""
    if not isinstance(doc, Mapping) or "schema_version" not in doc:
        raise InputError("not a licheck JSON report (no 'schema_version'); make one with "
                         "`licheck check --format json --output FILE`", path=name)
    if doc.get("schema_version") != 1:
        raise InputError(f"unsupported schema_version {doc.get('schema_version')!r} (expected 1)", path=name)
    for key in ("models", "findings"):
        if not isinstance(doc.get(key), list):
            raise InputError(f"'{key}' must be a list: not a `licheck check` report", path=name)
    return doc


def _key(f: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(f.get("id")), str(f.get("model")), str(f.get("licence") or ""))


def _findings(doc: Mapping[str, Any]) -> dict[tuple[str, str, str], Mapping[str, Any]]:
    """One finding per (id, model, licence): the most severe, unwaived before waived."""
    out: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for f in doc.get("findings") or ():
        if not isinstance(f, Mapping):
            continue
        key = _key(f)
        seen = out.get(key)
        if seen is None or _rank(f) > _rank(seen):
            out[key] = f
    return out


def _rank(f: Mapping[str, Any]) -> tuple[int, int]:
    return (not f.get("waived"), _SEVERITY_ORDER.get(str(f.get("severity")), -1))


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def compare(old: Mapping[str, Any], new: Mapping[str, Any], *, old_name: str = "old",
            new_name: str = "new") -> ReportDiff:
    diff = ReportDiff(old_name, new_name)
    models_old = {str(m.get("id")): m for m in old["models"] if isinstance(m, Mapping)}
    models_new = {str(m.get("id")): m for m in new["models"] if isinstance(m, Mapping)}
    diff.models_added = sorted(set(models_new) - set(models_old))
    diff.models_removed = sorted(set(models_old) - set(models_new))
    for mid in sorted(set(models_old) & set(models_new)):
        la = set(models_old[mid].get("licences") or ())
        lb = set(models_new[mid].get("licences") or ())
        if la != lb:
            diff.licences.append(LicenceChange(mid, tuple(sorted(lb - la)), tuple(sorted(la - lb))))

    fa, fb = _findings(old), _findings(new)
    for key in sorted(set(fa) | set(fb), key=lambda k: (k[1], k[0], k[2])):
        a, b = fa.get(key), fb.get(key)
        status = None
        if a is None:
            status = "new"
        elif b is None:
            status = "resolved"
        elif a.get("severity") != b.get("severity"):
            status = "severity"
        elif bool(a.get("waived")) != bool(b.get("waived")):
            status = "waived" if b.get("waived") else "unwaived"
        if status is None:
            continue
        shown = b if b is not None else a
        assert shown is not None
        diff.findings.append(FindingChange(
            status=status, id=key[0], model=key[1], licence=key[2] or None,
            kind=str(shown.get("kind")), old_severity=a.get("severity") if a else None,
            new_severity=b.get("severity") if b else None, message=str(shown.get("message")),
            clause=shown.get("clause")))

    expired_before = {_waiver_id(w) for w in old.get("waivers") or () if _expired(w)}
    diff.waivers_expired = [w for w in new.get("waivers") or ()
                            if _expired(w) and _waiver_id(w) not in expired_before]

    # `source` names the file the context came from: where, not what, so not a change to sign.
    ca, cb = _flatten(old.get("context") or {}), _flatten(new.get("context") or {})
    diff.context = [(k, ca.get(k), cb.get(k)) for k in sorted(set(ca) | set(cb))
                    if ca.get(k) != cb.get(k) and k != "source"]
    return diff


def _expired(w: Any) -> bool:
    return isinstance(w, Mapping) and w.get("status") == "expired"


def _waiver_id(w: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(w.get(k)) for k in ("rule", "kind", "model", "expires"))
