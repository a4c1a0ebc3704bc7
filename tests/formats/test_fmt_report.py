"""The report model and `--format json`: docs/contract.md section 5, every key."""

from __future__ import annotations

import datetime as dt
import json

from fmt_sample import ATTRIBUTION_QUOTE, NAMING_QUOTE, NOTICE_QUOTE, replace_finding

from licheck.formats import render
from licheck.licences import default_corpus
from licheck.model import Finding, Severity
from licheck.report import Report, sort_findings

TOP_KEYS = {"schema_version", "licheck_version", "context", "models", "findings", "summary"}
MODEL_KEYS = {"ref", "id", "location", "lineage", "licences"}
NODE_KEYS = {"id", "relation", "parents", "declared_licence", "licence", "publisher", "origin",
             "source", "evidence"}
FINDING_KEYS = {"id", "kind", "severity", "licence", "model", "via", "message", "clause",
                "context_field", "waived", "waiver"}
SUMMARY_KEYS = ["models", "error", "warning", "obligation", "info", "waived", "unresolved"]


def test_fixture_quotes_are_verbatim_licence_text() -> None:
    text = " ".join(default_corpus()["llama3.1"].read_text().split())
    for quote in (NAMING_QUOTE, ATTRIBUTION_QUOTE, NOTICE_QUOTE):
        assert " ".join(quote.split()) in text


def test_json_has_every_contract_key(report: Report) -> None:
    doc = json.loads(render(report, "json"))
    assert TOP_KEYS <= doc.keys()
    assert doc["schema_version"] == 1
    assert doc["licheck_version"] == "0.1.0"
    assert doc["context"]["organisation"]["country"] == "FR"
    assert len(doc["models"]) == 2
    for model in doc["models"]:
        assert set(model) == MODEL_KEYS
        assert model["location"] == {"file": "deploy/licheck.yaml", "line": model["location"]["line"]}
        for node in model["lineage"]:
            assert NODE_KEYS <= node.keys()
    for finding in doc["findings"]:
        assert FINDING_KEYS <= finding.keys()
        assert finding["severity"] in ("error", "warning", "obligation", "info")
    assert list(doc["summary"]) == SUMMARY_KEYS


def test_model_entry_values(report: Report) -> None:
    merge = report.to_json()["models"][1]
    assert merge["ref"] == "./models/merge"
    assert merge["id"] == "acme/Merge-8B"                       # lineage[0]'s id, not the ref
    assert merge["lineage"][0]["id"] == merge["id"]
    assert merge["licences"] == ["llama3", "llama3.1"]           # sorted, inherited included
    missing = next(n for n in merge["lineage"] if n["id"] == "private/missing-model")
    assert (missing["source"], missing["licence"], missing["relation"]) == ("unresolved", None, "unknown")


def test_summary_counts_unwaived_findings_only(report: Report) -> None:
    assert report.summary() == {"models": 2, "error": 1, "warning": 3, "obligation": 1, "info": 1,
                                "waived": 1, "unresolved": 1}
    # Waiving the only error moves it from `error` to `waived`.
    naming = next(f for f in report.findings if f.kind == "naming")
    replace_finding(report, naming, waived=True, waiver={"rule": naming.id, "reason": "renamed in v2"})
    summary = report.summary()
    assert (summary["error"], summary["waived"]) == (0, 2)


def test_dates_in_waivers_become_iso_strings(report: Report) -> None:
    doc = json.loads(render(report, "json"))
    waived = next(f for f in doc["findings"] if f["waived"])
    assert waived["waiver"]["expires"] == "2027-06-30"
    assert doc["waivers"][0]["expires"] == "2027-06-30"
    assert doc["generated_at"] == "2026-11-22T01:30:00Z"


def test_json_output_is_exactly_to_json(report: Report) -> None:
    assert render(report, "json") == json.dumps(report.to_json(), indent=2) + "\n"


def test_naive_generated_at_is_taken_as_utc(empty_report: Report) -> None:
    empty_report.generated_at = dt.datetime(2026, 1, 2, 3, 4, 5)
    assert empty_report.to_json()["generated_at"] == "2026-01-02T03:04:05Z"


def test_empty_report(empty_report: Report) -> None:
    doc = empty_report.to_json()
    assert doc["models"] == [] and doc["findings"] == []
    assert doc["summary"] == dict.fromkeys(SUMMARY_KEYS, 0)


def test_sort_findings_most_severe_first_waived_last() -> None:
    def f(sev: Severity, waived: bool = False, kind: str = "naming") -> Finding:
        return Finding(id=f"x/{kind}", kind=kind, severity=sev, model="m", message="", waived=waived)

    items = [f(Severity.INFO), f(Severity.ERROR, waived=True), f(Severity.OBLIGATION), f(Severity.ERROR)]
    ordered = sort_findings(items)
    assert [(x.severity, x.waived) for x in ordered] == [
        (Severity.ERROR, False), (Severity.OBLIGATION, False), (Severity.INFO, False), (Severity.ERROR, True)]


def test_unassigned_findings_are_those_no_model_lists(report: Report) -> None:
    assert [f.id for f in report.unassigned_findings()] == ["waiver/unused"]
