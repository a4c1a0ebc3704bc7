"""docs/schema/check-output.schema.json describes every `--format json` document licheck makes.

End to end here, on the examples and fixtures, through real `licheck` processes; and in every
other test through the autouse hook in tests/conftest.py (json_schema.HOOKS).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from json_schema import HOOKS, ROOT, schema, violations
from jsonschema import Draft202012Validator
from mockhub import MockHub, mock_hub  # noqa: F401 - fixture


def _licheck(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> tuple[int, object]:
    proc = subprocess.run([sys.executable, "-m", "licheck", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_hook_of_the_conftest_still_exists() -> None:
    # conftest skips a hook whose function was renamed; this test is where that shows.
    for module_name, attribute, _command in HOOKS:
        owner: object = importlib.import_module(module_name)
        for name in attribute.split("."):
            owner = getattr(owner, name)
        assert callable(owner), f"{module_name}.{attribute}"


@pytest.mark.slow
@pytest.mark.parametrize("target", ["licheck.yaml", "model-card/README.md", "ollama/Modelfile",
                                    "litellm/config.yaml", "models/support-classifier"])
def test_check_of_each_example_matches_the_schema(target: str) -> None:
    _code, doc = _licheck("check", "--offline", "--format", "json", target, cwd=ROOT / "examples")
    assert violations(doc, "check") == []
    assert violations(doc) == []  # and the top-level oneOf picks it


@pytest.mark.slow
def test_resolve_and_check_against_the_mock_hub_match_the_schema(mock_hub: MockHub) -> None:  # noqa: F811
    env = {"HF_ENDPOINT": mock_hub.url}
    for model in ("NousResearch/Hermes-3-Llama-3.1-8B", "TheBloke/does-not-exist-7B"):
        _code, doc = _licheck("resolve", model, "--format", "json", env=env)
        assert violations(doc, "resolve") == [], model
        _code, doc = _licheck("check", model, "--format", "json", env=env)
        assert violations(doc, "check") == [], model


@pytest.mark.slow
def test_identify_matches_the_schema(tmp_path: Path) -> None:
    unknown = tmp_path / "LICENSE"
    unknown.write_text("Nothing like a licence.\n", encoding="utf-8")
    _code, doc = _licheck("identify", "--format", "json", str(ROOT / "licences" / "apache-2.0.txt"),
                          str(unknown))
    assert violations(doc, "identify") == []
    results = doc["results"]  # type: ignore[index]
    assert results[0]["licence"] == "apache-2.0" and results[1]["licence"] is None


@pytest.mark.parametrize("command, doc, where", [
    ("identify", {"schema_version": 1, "results": [{"file": "f", "licence": "mit", "confidence": 1.5,
                                                    "matcher": "exact", "candidates": []}]},
     "results/0/confidence"),
    ("resolve", {"schema_version": 1, "model": "m", "lineage": [], "licences": [], "findings": []},
     "lineage"),
    ("resolve", {"schema_version": 2, "model": "m", "lineage": [{"id": "m"}], "licences": [],
                 "findings": []}, "schema_version"),
])
def test_the_schema_refuses_what_the_contract_forbids(command: str, doc: dict[str, object],
                                                     where: str) -> None:
    assert any(v.startswith(where + ":") for v in violations(doc, command)), violations(doc, command)
