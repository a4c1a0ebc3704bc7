"""docs/schema/commands-output.schema.json describes the JSON of `models` and `diff`.

Every such document a test makes is validated by the autouse hook of tests/conftest.py
(json_schema.HOOKS); here, explicitly: the golden outputs, the whole catalogue under each
fixture context, every licence pair and the report diff, and documents the schema must refuse.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cmd_helpers import FIXTURES, GOLDEN, run
from envs import corpus as bundled_corpus
from envs import rulebook as bundled_rulebook
from json_schema import commands_schema, violations
from jsonschema import Draft202012Validator

from licheck.diff_render import to_json
from licheck.licence_diff import compare


def _json(*args: str) -> Any:
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(commands_schema())


@pytest.mark.parametrize(("name", "command"), [("models-distributes-meta.json", "models"),
                                               ("diff-llama3-llama3.1.json", "diff"),
                                               ("diff-reports.json", "diff")])
def test_the_golden_documents_match(name: str, command: str) -> None:
    assert violations(json.loads((GOLDEN / name).read_text(encoding="utf-8")), command) == []


@pytest.mark.parametrize("context", ["internal.yaml", "distributes.yaml"])
def test_the_whole_catalogue_matches(work: Path, context: str) -> None:
    doc = _json("models", "--context", str(FIXTURES / context))
    assert violations(doc, "models") == []
    assert {m["verdict"] for m in doc["models"]} >= {"obligations", "review", "blocked"}
    tasked = _json("models", "--task", "embeddings", "--sort", "verdict")
    assert violations(tasked, "models") == [] and tasked["left_out_without_task"] > 0


def test_every_licence_pair_and_the_report_diff_match(work: Path) -> None:
    corpus, rulebook = bundled_corpus(), bundled_rulebook()
    ids = corpus.ids()
    for a, b in zip(ids, ids[1:] + ids[:1], strict=True):
        assert violations(to_json(compare(a, b, rulebook, corpus)), "diff") == [], (a, b)
    doc = _json("diff", str(FIXTURES / "review-old.json"), str(FIXTURES / "review-new.json"))
    assert doc["diff"] == "reports" and violations(doc, "diff") == []


def _model() -> dict[str, Any]:
    """A valid `models` document whose first model has obligations and a catalogue task."""
    doc: dict[str, Any] = json.loads((GOLDEN / "models-distributes-meta.json").read_text(encoding="utf-8"))
    doc["models"][0].update(tasks=["text-generation"], task_source="catalogue")
    assert doc["models"][0]["verdict"] == "obligations" and violations(doc, "models") == []
    return doc


def _broken(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    *parents, last = path.split("/")
    node: Any = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[int(last) if isinstance(node, list) else last] = value
    return out


@pytest.mark.parametrize(("path", "value", "where"), [
    ("models/0/verdict", "fine", "models/0/verdict"),
    ("models/0/tasks", ["chat"], "models/0/tasks/0"),
    ("models/0/task_source", None, "models/0/tasks"),     # tasks given but "not classified"
    ("models/0/blocked_by", ["llama2/naming"], "models/0/blocked_by"),   # a usable model blocked
    ("models/0/obligations", [], "models/0/obligations"),   # "with obligations" and none listed
    ("summary/review", -1, "summary/review"),
    ("query/sort", "date", "query/sort"),
])
def test_the_schema_refuses_inconsistent_models_documents(path: str, value: Any, where: str) -> None:
    found = violations(_broken(_model(), path, value), "models")
    assert any(v.startswith(where + ":") for v in found), found


def test_the_schema_refuses_inconsistent_diff_documents() -> None:
    lic = json.loads((GOLDEN / "diff-llama3-llama3.1.json").read_text(encoding="utf-8"))
    removed = next(i for i, r in enumerate(lic["rules"]) if r["status"] == "removed")
    assert violations(_broken(lic, f"rules/{removed}/b", lic["rules"][removed]["a"]), "diff")
    assert violations(_broken(lic, "text/0/ops/0", ["~", "x"]), "diff")
    rep = json.loads((GOLDEN / "diff-reports.json").read_text(encoding="utf-8"))
    new = next(i for i, f in enumerate(rep["findings"]) if f["status"] == "new")
    assert violations(_broken(rep, f"findings/{new}/old_severity", "error"), "diff")
    assert violations(_broken(rep, "diff", "licences"), "diff")
