"""The catalogue as a source of facts for Hub ids."""

from __future__ import annotations

import pytest

from licheck.catalogue import default_catalogue
from licheck.model import ModelFacts, ModelRef, Unresolved
from licheck.sources.catalogue import CatalogueSource


@pytest.fixture
def source() -> CatalogueSource:
    return CatalogueSource(default_catalogue())


def test_facts_from_an_entry(source):
    ref = ModelRef("hub", "deepseek-ai/deepseek-r1-distill-llama-8b", revision="main")
    assert source.accepts(ref)
    facts = source.fetch(ref)
    assert isinstance(facts, ModelFacts)
    assert facts.id == "deepseek-ai/DeepSeek-R1-Distill-Llama-8B" and facts.source == "catalogue"
    assert facts.licence_hint == "mit" and facts.declared_licence is None
    assert (facts.publisher, facts.origin) == ("DeepSeek", "CN")
    assert [(p.ref.name, p.relation) for p in facts.parents] == [("meta-llama/Llama-3.1-8B", "finetune")]
    assert facts.relation == "finetune" and facts.revision == "main"
    assert any("catalogue/models/deepseek-ai.yml:" in n for n in facts.notes)


def test_base_model_has_no_relation(source):
    facts = source.fetch(ModelRef("hub", "meta-llama/Llama-3.2-90B-Vision"))
    assert facts.parents == [] and facts.relation is None
    assert facts.modalities == ["text", "image"] and facts.release_date == "2024-09-25"


def test_unknown_and_non_hub_refs(source):
    assert not source.accepts(ModelRef("hub", "acme/unknown"))
    assert not source.accepts(ModelRef("ollama", "llama3.3"))
    assert isinstance(source.fetch(ModelRef("hub", "acme/unknown")), Unresolved)


def test_entry_without_licence_says_so(source):
    facts = source.fetch(ModelRef("hub", "Qwen/Qwen1.5-4B"))
    assert facts.licence_hint is None
    assert any("no licence" in n for n in facts.notes)


def test_official_instruct_model_is_a_finetune_of_its_base(source):
    facts = source.fetch(ModelRef("hub", "meta-llama/Llama-3.2-90B-Vision-Instruct"))
    assert [(p.ref.name, p.relation) for p in facts.parents] == [
        ("meta-llama/Llama-3.2-90B-Vision", "finetune")]
