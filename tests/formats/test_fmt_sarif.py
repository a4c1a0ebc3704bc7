"""`--format sarif`: valid against the official SARIF 2.1.0 schema, and what GitHub needs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fmt_sample import replace_finding

from licheck.formats import render
from licheck.model import Location
from licheck.report import Report

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def sarif(report: Report) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render(report, "sarif"))
    return doc


def assert_valid(validator: jsonschema.Draft4Validator, doc: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_validates_against_the_official_schema(report: Report, validator: jsonschema.Draft4Validator) -> None:
    doc = sarif(report)
    assert doc["version"] == "2.1.0" and doc["$schema"]
    assert_valid(validator, doc)


def test_the_schema_catches_a_broken_log(report: Report, validator: jsonschema.Draft4Validator) -> None:
    doc = sarif(report)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(doc))


def test_clean_run_is_valid_with_empty_arrays(empty_report: Report, validator: jsonschema.Draft4Validator) -> None:
    doc = sarif(empty_report)
    assert_valid(validator, doc)
    run = doc["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_one_rule_per_rule_id_with_nonempty_descriptions(report: Report) -> None:
    run = sarif(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) == len({f.id for f in report.findings})
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"].strip() and len(rule[key]["text"]) <= 1024, (rule["id"], key)
        assert rule["properties"]["tags"]
    naming = next(r for r in rules if r["id"] == "llama3.1/naming")
    assert "section 1.b.i" in naming["fullDescription"]["text"]
    assert naming["help"]["text"].startswith("Rename the model")
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_results_are_located_at_the_manifest_line(report: Report) -> None:
    results = sarif(report)["runs"][0]["results"]
    assert len(results) == len(report.findings)
    for result in results:
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "deploy/licheck.yaml"
        assert loc["region"]["startLine"] >= 1
    naming = next(r for r in results if r["ruleId"] == "llama3.1/naming")
    assert naming["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_levels_follow_severity(report: Report) -> None:
    levels = {r["ruleId"]: r["level"] for r in sarif(report)["runs"][0]["results"]}
    assert levels["llama3.1/naming"] == "error"
    assert levels["lineage/licence_mismatch"] == "warning"
    assert levels["llama3.1/attribution"] == "note"
    assert levels["llama3.1/mau_cap"] == "note"


def test_waived_finding_has_an_external_suppression(report: Report) -> None:
    results = sarif(report)["runs"][0]["results"]
    waived = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in waived] == ["llama3.1/notice"]
    sup = waived[0]["suppressions"][0]
    assert sup["kind"] == "external"
    assert sup["justification"] == "The Notice file ships in the release tarball"
    assert sup["properties"]["expires"] == "2027-06-30"


def test_fingerprints_are_stable_and_distinct(report: Report) -> None:
    def prints(r: Report) -> dict[str, str]:
        return {f"{x['ruleId']} {x['message']['text']}": x["partialFingerprints"]["licheckFinding/v1"]
                for x in sarif(r)["runs"][0]["results"]}

    first = prints(report)
    assert len(set(first.values())) == len(first)
    # Moving the model in the manifest and re-running keeps every fingerprint.
    for f in list(report.findings):
        if f.location is not None:
            replace_finding(report, f, location=Location(f.location.file, (f.location.line or 1) + 10))
    assert prints(report) == first


def test_uri_is_relative_and_encoded(report: Report, validator: jsonschema.Draft4Validator) -> None:
    replace_finding(report, report.models[0].findings[0], location=Location("my deploy\\models.yaml", 3))
    doc = sarif(report)
    assert_valid(validator, doc)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert "my%20deploy/models.yaml" in uris


def test_finding_with_no_file_anywhere_is_still_valid(empty_report: Report, report: Report,
                                                      validator: jsonschema.Draft4Validator) -> None:
    empty_report.findings = [dataclasses.replace(report.models[0].findings[0], location=None)]
    doc = sarif(empty_report)
    assert_valid(validator, doc)
    (location,) = doc["runs"][0]["results"][0]["locations"]
    assert location["logicalLocations"][0]["name"] == "acme/AcmeChat-8B"
    assert location["physicalLocation"]["artifactLocation"]["uri"] == ".licheck.yaml"


def github_ingestion_problems(doc: dict[str, Any]) -> list[str]:
    """GitHub code scanning's documented rule: every result needs a physical location."""
    return [f"result {i} ({r.get('ruleId')}) has no physicalLocation.artifactLocation.uri"
            for i, r in enumerate(doc["runs"][0]["results"])
            if not any(loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
                       for loc in r.get("locations") or [])]


def test_github_rule_catches_a_result_without_a_file() -> None:
    broken = {"runs": [{"results": [{"ruleId": "x", "locations": [{"logicalLocations": [{"name": "m"}]}]}]}]}
    assert github_ingestion_problems(broken)


def test_bare_ids_on_the_command_line_point_at_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          validator: jsonschema.Draft4Validator) -> None:
    from click.testing import CliRunner

    from licheck.cli import main

    monkeypatch.chdir(tmp_path)
    for config, uri in ((None, ".licheck.yaml"), ("pyproject.toml", "pyproject.toml")):
        if config:
            (tmp_path / config).write_text("[tool.licheck]\noffline = true\n")
        with CliRunner().isolation() as (out, _, _):
            main(["check", "--offline", "--format", "sarif", "meta-llama/Llama-3.1-8B-Instruct",
                  "acme/nowhere"])
            doc = json.loads(out.getvalue().decode())
        assert_valid(validator, doc)
        assert github_ingestion_problems(doc) == []
        assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in doc["runs"][0]["results"]} == {uri}


def test_the_examples_meet_githubs_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       validator: jsonschema.Draft4Validator) -> None:
    from click.testing import CliRunner

    from licheck.cli import main

    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    with CliRunner().isolation() as (out, _, _):
        main(["check", "--offline", "--format", "sarif", "examples/licheck.yaml",
              "examples/model-card/README.md", "mistralai/Mistral-7B-v0.1"])
        doc = json.loads(out.getvalue().decode())
    assert_valid(validator, doc)
    assert doc["runs"][0]["results"] and github_ingestion_problems(doc) == []


def test_notes_become_tool_notifications(report: Report) -> None:
    inv = sarif(report)["runs"][0]["invocations"][0]
    assert [n["message"]["text"] for n in inv["toolExecutionNotifications"]] == report.notes
