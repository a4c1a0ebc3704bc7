"""`--format cyclonedx`: a CycloneDX 1.6 ML-BOM, validated by cyclonedx-python-lib."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from fmt_sample import BASE_SHA

import licheck.formats
from licheck.formats import render
from licheck.formats.cyclonedx import SPDX_IDS
from licheck.model import Lineage, LineageNode
from licheck.report import ModelReport, Report


def bom(report: Report) -> tuple[str, dict[str, Any]]:
    text = render(report, "cyclonedx")
    return text, json.loads(text)


def assert_valid(text: str) -> None:
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, str(error)


def walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for c in components:
        yield c
        yield from walk(c.get("pedigree", {}).get("ancestors", []))


def test_valid_cyclonedx_1_6(report: Report, empty_report: Report) -> None:
    for r in (report, empty_report):
        text, doc = bom(r)
        assert_valid(text)
        assert (doc["bomFormat"], doc["specVersion"]) == ("CycloneDX", "1.6")


def test_the_validator_catches_a_broken_bom(report: Report) -> None:
    _, doc = bom(report)
    doc["components"][0]["licenses"][0]["license"]["id"] = "llama3.1"   # not an SPDX id
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(doc)) is not None


def test_models_and_lineage(report: Report) -> None:
    _, doc = bom(report)
    tops = doc["components"]
    assert [(c["group"], c["name"]) for c in tops] == [("acme", "AcmeChat-8B"), ("acme", "Merge-8B")]
    everything = list(walk(tops))
    assert {c["type"] for c in everything} == {"machine-learning-model"}
    base = tops[0]["pedigree"]["ancestors"][0]
    assert (base["group"], base["name"], base["publisher"]) == ("meta-llama", "Llama-3.1-8B", "Meta")
    assert base["purl"] == f"pkg:huggingface/meta-llama/Llama-3.1-8B@{BASE_SHA.lower()}"
    merge_parents = [f"{c['group']}/{c['name']}" for c in tops[1]["pedigree"]["ancestors"]]
    assert merge_parents == ["NousResearch/Hermes-3-Llama-3.1-8B", "private/missing-model"]
    missing = tops[1]["pedigree"]["ancestors"][1]
    assert "licenses" not in missing and "purl" not in missing        # never a guessed licence
    assert doc["metadata"]["tools"]["components"][0]["name"] == "licheck"


def test_bom_refs_are_unique_and_dependencies_resolve(report: Report) -> None:
    _, doc = bom(report)
    refs = [c["bom-ref"] for c in walk(doc["components"]) if "bom-ref" in c]
    assert len(refs) == len(set(refs))
    for dep in doc["dependencies"]:
        assert dep["ref"] in refs and set(dep["dependsOn"]) <= set(refs)


def test_licences_spdx_id_only_for_spdx_licences(report: Report) -> None:
    _, doc = bom(report)
    top = doc["components"][0]
    entries = [e["license"] for e in top["licenses"]]
    concluded = [e for e in entries if e["acknowledgement"] == "concluded"]
    assert {"id": "Apache-2.0", "acknowledgement": "concluded"} in concluded
    llama = next(e for e in concluded if "name" in e)
    assert llama["name"] == "Llama 3.1 Community License Agreement" and llama["url"].startswith("https://")
    assert "id" not in llama
    declared = [e for e in entries if e["acknowledgement"] == "declared"]
    assert declared == [{"id": "Apache-2.0", "acknowledgement": "declared"}]
    for c in walk(doc["components"]):
        for e in c.get("licenses", []):
            assert "id" not in e["license"] or e["license"]["id"] in SPDX_IDS.values()


@pytest.mark.parametrize("licence", sorted(SPDX_IDS))
def test_every_mapped_spdx_id_validates(licence: str, empty_report: Report) -> None:
    node = LineageNode(id="org/m", relation="base", declared_licence=licence, licence=licence, source="hub")
    empty_report.models = [ModelReport("org/m", Lineage("org/m", [node]), None, [])]
    text, doc = bom(empty_report)
    assert_valid(text)
    assert doc["components"][0]["licenses"][0]["license"]["id"] == SPDX_IDS[licence]


def test_adapter_depends_on_its_base(empty_report: Report) -> None:
    nodes = [LineageNode(id="org/lora", relation="adapter", parents=["org/base"], licence="mit", source="hub"),
             LineageNode(id="org/base", relation="base", licence="apache-2.0", source="hub")]
    empty_report.models = [ModelReport("org/lora", Lineage("org/lora", nodes), None, [])]
    text, doc = bom(empty_report)
    assert_valid(text)
    assert doc["dependencies"] == [{"ref": "model-1:org/lora", "dependsOn": ["model-1:org/base"]}]


def test_same_output_for_same_report(report: Report) -> None:
    assert render(report, "cyclonedx") == render(report, "cyclonedx")


def test_no_runtime_dependency_on_validation_libraries() -> None:
    folder = Path(licheck.formats.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in ("cyclonedx", "jsonschema") for n in names), path.name


def test_non_hub_ids_are_kept_whole(empty_report: Report) -> None:
    nodes = [LineageNode(id="./models/acme-chat", relation="finetune", parents=["ollama:llama3.3:70b"],
                         licence="llama3.3", source="local"),
             LineageNode(id="ollama:llama3.3:70b", relation="base", licence="llama3.3", source="ollama")]
    empty_report.models = [ModelReport("./models/acme-chat", Lineage("./models/acme-chat", nodes), None, [])]
    text, doc = bom(empty_report)
    assert_valid(text)
    top = doc["components"][0]
    assert "group" not in top and top["name"] == "./models/acme-chat" and "purl" not in top
    assert top["pedigree"]["ancestors"][0]["name"] == "ollama:llama3.3:70b"


def test_a_licence_that_does_not_carry_down_is_not_concluded_for_the_model(empty_report: Report) -> None:
    # DeepSeek-R1 (MIT) over DeepSeek's own V3 base: the lineage decided the base's licence
    # does not bind R1's users, so the BOM must not conclude it for R1 (the base keeps it).
    nodes = [LineageNode(id="deepseek-ai/DeepSeek-R1", relation="finetune", parents=["deepseek-ai/DeepSeek-V3-Base"],
                         licence="mit", source="catalogue"),
             LineageNode(id="deepseek-ai/DeepSeek-V3-Base", relation="base", licence="deepseek", source="catalogue",
                         not_inherited="published by DeepSeek, which also published deepseek-ai/DeepSeek-R1")]
    empty_report.models = [ModelReport(nodes[0].id, Lineage(nodes[0].id, nodes), None, [])]
    text, doc = bom(empty_report)
    assert_valid(text)
    top = doc["components"][0]

    def concluded(component: dict[str, Any]) -> list[str]:
        return [entry["license"].get("id") or entry["license"]["name"] for entry in component["licenses"]
                if entry["license"].get("acknowledgement") == "concluded"]

    assert concluded(top) == ["MIT"]
    assert concluded(top["pedigree"]["ancestors"][0]) == ["DEEPSEEK LICENSE AGREEMENT"]
