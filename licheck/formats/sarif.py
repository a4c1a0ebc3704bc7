"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (docs/formats.md section 5).

One rule per finding id (the ids waivers name, stable across runs), waived findings kept
with an external suppression. Every result has a physical location, as GitHub code scanning
refuses an upload where one lacks it: the manifest or card line that named the model; for a
model named on the command line, the config file, else `FALLBACK_URI` line 1 (the file
licheck's config would be in; docs/contract.md section 5), with the model as a logical
location beside it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from licheck.formats._common import (
    advice,
    kind_meaning,
    kind_title,
    model_of,
    summary_line,
    where,
)
from licheck.model import Finding, Location, Severity
from licheck.report import Report, jsonable, sort_findings

FALLBACK_URI = ".licheck.yaml"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning",
          Severity.OBLIGATION: "note", Severity.INFO: "note"}
_PROBLEM = {Severity.ERROR: "error", Severity.WARNING: "warning",
            Severity.OBLIGATION: "recommendation", Severity.INFO: "recommendation"}
_MAX_DESCRIPTION = 1024   # GitHub's limit for short and full descriptions
_MAX_NAME = 255


def _cut(text: str, limit: int = _MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _rule_name(rule_id: str) -> str:
    """PascalCase of the id, as SARIF viewers show `name` (`llama3.1/naming` -> `Llama31Naming`)."""
    words = "".join(c if c.isalnum() else " " for c in rule_id).split()
    return _cut("".join(w[:1].upper() + w[1:] for w in words) or "LicheckRule", _MAX_NAME)


def _rule(rule_id: str, findings: list[Finding], report: Report) -> dict[str, Any]:
    first = findings[0]
    lic = report.licence(first.licence)
    lic_name = lic.name if lic else first.licence
    short = kind_title(first.kind) + (f" ({lic_name})" if lic_name else "")
    full = kind_meaning(first.kind)
    clause = next((f.clause for f in findings if f.clause), None)
    if clause is not None:
        full += f" Licence {clause.licence}, section {clause.section}: \u201c{clause.quote}\u201d"
    help_text = advice(first)
    help_md = help_text
    if clause is not None:
        quoted = "\n".join("> " + line for line in clause.quote.splitlines() or [""])
        help_md += f"\n\n**{clause.licence}, section {clause.section}:**\n\n{quoted}"
    if lic is not None and lic.url:
        help_md += f"\n\nLicence text: <{lic.url}>"
    tags = ["licence", "compliance", "ai-model", first.kind]
    if first.licence:
        tags.append(first.licence)
    verified = all(f.confidence == "verified" for f in findings)
    return {
        "id": rule_id,
        "name": _rule_name(rule_id),
        "shortDescription": {"text": _cut(short)},
        "fullDescription": {"text": _cut(full)},
        "help": {"text": help_text or "Review this finding with legal.", "markdown": help_md or "Review."},
        "defaultConfiguration": {"level": _LEVEL[max(f.severity for f in findings)]},
        "properties": {
            "tags": tags,
            "precision": "high" if verified else "medium",
            "problem.severity": _PROBLEM[max(f.severity for f in findings)],
        },
    }


def _uri(path: str) -> str:
    """A relative URI reference for a file path (forward slashes, percent-encoded)."""
    if PureWindowsPath(path).is_absolute() and not PurePath(path).is_absolute():
        return PureWindowsPath(path).as_uri()
    if PurePath(path).is_absolute():
        return PurePath(path).as_uri()
    return quote(path.replace("\\", "/"), safe="/-._~")


def _location(loc: Location) -> dict[str, Any]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": _uri(loc.file)},
        "region": {"startLine": max(1, loc.line or 1)},
    }}


def fingerprint(finding: Finding) -> str:
    """Stable across runs and line moves: what the finding is about, not where or how it is worded."""
    key = "\x1f".join([finding.id, finding.kind, finding.model, finding.licence or "", *finding.via])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(finding: Finding, rule_index: int, report: Report,
            fallback: Location) -> dict[str, Any]:
    model = model_of(report, finding)
    loc = where(finding, model)
    text = finding.message.strip() or kind_title(finding.kind)
    if finding.model and finding.model not in text:
        text = f"{finding.model}: {text}"
    result: dict[str, Any] = {
        "ruleId": finding.id,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [_location(loc or fallback)],
        "partialFingerprints": {"licheckFinding/v1": fingerprint(finding)},
        "properties": jsonable({k: v for k, v in finding.to_json().items() if k not in ("message",)}),
    }
    if loc is None:  # written nowhere (a bare reference on the command line): name the model too
        result["locations"][0]["logicalLocations"] = [{"name": finding.model or finding.id,
                                                       "kind": "module"}]
    if finding.waived:
        waiver = jsonable(finding.waiver or {})
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted",
                                       "justification": str(waiver.get("reason") or "waived")}
        suppression["properties"] = {k: waiver[k] for k in ("approved_by", "expires", "rule", "kind", "model")
                                     if k in waiver}
        result["suppressions"] = [suppression]
    return result


def build(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict (rendered by `render`)."""
    findings = sort_findings(report.findings)
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.id, []).append(f)
    rule_ids = sorted(by_rule)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    # A finding with no file of its own or of its model points at the config, else the
    # documented fallback.
    fallback = Location(report.config_path or FALLBACK_URI, 1)
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "endTimeUtc": jsonable(report.generated_at),
        "toolExecutionNotifications": [
            {"level": "note", "message": {"text": note}} for note in report.notes
        ],
    }
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "licheck",
            "semanticVersion": report.licheck_version,
            "version": report.licheck_version,
            "rules": [_rule(r, by_rule[r], report) for r in rule_ids],
        }},
        "invocations": [invocation],
        "results": [_result(f, index[f.id], report, fallback) for f in findings],
        "properties": jsonable({
            "summary": report.summary(),
            "summaryText": summary_line(report),
            "context": report.context,
            "dataVersions": report.data_versions,
        }),
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, *, color: bool = False) -> str:
    return json.dumps(build(report), indent=2) + "\n"
