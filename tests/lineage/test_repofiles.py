"""One reading of repository files for the Hub and for a local directory (licheck.repofiles):
an adapter whose config names no base model is an `unresolved` finding from either source."""

from __future__ import annotations

from pathlib import Path

from envs import corpus, resolve
from mockhub import MockHub

from licheck.cache import Cache
from licheck.model import ModelFacts, ModelRef
from licheck.repofiles import apply_adapter_config, merge_inputs
from licheck.sources.hub import HubSource
from licheck.sources.local import LocalDirSource
from licheck.sources.registry import SourceRegistry

NO_BASE = '{"peft_type": "LORA", "r": 8}'


def _unresolved(findings: list) -> list[str]:
    return [f.message for f in findings if f.kind == "unresolved"]


def test_an_adapter_without_its_base_is_unresolved_locally(tmp_path: Path) -> None:
    (tmp_path / "adapter_config.json").write_text(NO_BASE)
    lin = resolve(str(tmp_path), sources=SourceRegistry([LocalDirSource()]))
    assert lin.model.relation == "adapter" and lin.model.parents == []
    [message] = _unresolved(lin.findings)
    assert "a parent could not be resolved" in message and "base model is unknown" in message


def test_an_adapter_without_its_base_is_unresolved_on_the_hub(mock_hub: MockHub,  # noqa: F811
                                                              cache: Cache) -> None:
    mock_hub.add_repo("acme/lost-lora", {"license": "apache-2.0"},
                      files={"adapter_config.json": NO_BASE})
    registry = SourceRegistry([HubSource(corpus=corpus(), cache=cache, timeout=5.0)])
    lin = resolve("acme/lost-lora", sources=registry)
    assert lin.model.relation == "adapter" and lin.model.parents == []
    [message] = _unresolved(lin.findings)
    assert "a parent could not be resolved" in message and "base model is unknown" in message


def test_both_sources_read_an_adapter_config_alike(tmp_path: Path) -> None:
    doc = {"base_model_name_or_path": "meta-llama/Llama-3.1-8B", "peft_type": "LORA"}
    hub = ModelFacts(ref=ModelRef("hub", "a/b"), id="a/b", source="hub")
    local = ModelFacts(ref=ModelRef("path", str(tmp_path)), id=str(tmp_path), source="local")
    for facts in (hub, local):
        apply_adapter_config(facts, doc, "adapter_config.json", lambda t: ModelRef("hub", t))
    assert hub.parents == local.parents and hub.relation == local.relation == "adapter"
    assert hub.notes == local.notes == ["adapter_config.json: LORA adapter of meta-llama/Llama-3.1-8B"]


def test_merge_inputs_include_a_lora_as_an_adapter() -> None:
    doc = {"merge_method": "slerp", "base_model": "org/a",
           "models": [{"model": "org/b+org/b-lora"}, {"model": "org/a"}]}
    found = merge_inputs(doc, lambda t: ModelRef("hub", t))
    assert [(r.name, rel) for r, rel in found] == [("org/a", "merge"), ("org/b", "merge"),
                                                   ("org/b-lora", "adapter")]
