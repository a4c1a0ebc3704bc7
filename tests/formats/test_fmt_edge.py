"""Inputs every format must survive: cycles, absent parents, user licences, hostile metadata."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from fmt_sample import replace_finding

from licheck.formats import FORMAT_NAMES, render
from licheck.licences import Corpus, default_corpus
from licheck.model import Lineage, LineageNode
from licheck.report import ModelReport, Report

SARIF_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "sarif-schema-2.1.0.json"


def cyclic(empty_report: Report) -> Report:
    nodes = [LineageNode(id="a/x", relation="finetune", parents=["b/y"], licence="mit", source="hub"),
             LineageNode(id="b/y", relation="finetune", parents=["a/x", "c/absent"], licence=None,
                         declared_licence="other", source="hub")]
    empty_report.models = [ModelReport("a/x", Lineage("a/x", nodes), None, [])]
    return empty_report


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_cycle_and_absent_parent_render(fmt: str, empty_report: Report) -> None:
    out = render(cyclic(empty_report), fmt)
    if fmt in ("github", "sarif"):   # they list findings only, and there are none
        assert "1 model checked" in out
    else:
        assert "b/y" in out


def test_cycle_in_text_and_markdown(empty_report: Report) -> None:
    report = cyclic(empty_report)
    text = render(report, "text")
    assert "(shown above)" in text and "c/absent [not in lineage]" in text
    md = render(report, "markdown")
    assert "licheck could not determine the licence of b/y (it declares 'other')" in md


def test_cycle_cyclonedx_is_finite_and_valid(empty_report: Report) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = render(cyclic(empty_report), "cyclonedx")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None


def test_user_licence_with_a_script_url_gets_no_link(report: Report) -> None:
    base = default_corpus()
    evil = dataclasses.replace(base["llama3.1"], url="javascript:alert(1)", name="Llama <b>3.1</b>")
    report.corpus = Corpus([*(lic for lic in base if lic.id != "llama3.1"), evil])
    page = render(report, "html")
    assert "javascript:" not in page and "<b>3.1</b>" not in page and "Llama &lt;b&gt;3.1&lt;/b&gt;" in page
    assert "javascript:" not in render(report, "markdown")


def test_licence_not_in_the_corpus(report: Report) -> None:
    node = report.models[0].lineage.nodes[0]
    node.licence = "acme-internal"
    md = render(report, "markdown")
    assert "Licence 'acme-internal' is not in licheck's corpus" in md
    cdx = json.loads(render(report, "cyclonedx"))
    names = [e["license"].get("name") for e in cdx["components"][0]["licenses"]]
    assert "acme-internal" in names


def test_sarif_valid_with_unicode_paths(report: Report) -> None:
    from licheck.model import Location

    replace_finding(report, report.models[0].findings[0], location=Location("déploiement/modèles.yaml", 2))
    doc = json.loads(render(report, "sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "d%C3%A9ploiement/mod%C3%A8les.yaml"
