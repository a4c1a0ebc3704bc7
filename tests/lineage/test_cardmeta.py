from __future__ import annotations

import pytest

from licheck.cardmeta import card_facts, parse_base_models, read_card, split_front_matter
from licheck.errors import ConfigError
from licheck.model import ModelRef

REF = ModelRef("hub", "acme/model")


def test_split_front_matter_follows_the_hub_regex() -> None:
    assert split_front_matter("---\nlicense: mit\n---\n# x") == ("license: mit", 1)
    assert split_front_matter("\n\n---\r\nlicense: mit\r\n---\r\n") == ("license: mit", 3)
    assert split_front_matter("# no front matter\n---\na: 1\n---\n") == (None, 0)
    assert split_front_matter("---\nlicense: mit\n") == (None, 0)   # never closed


def test_read_card_shifts_lines_to_the_file() -> None:
    card = read_card("\n---\nlicense: mit\nbase_model:\n  - a/b\n---\nbody\n", "README.md")
    assert card["license"] == "mit"
    assert card.line_of("license") == 3
    assert card["base_model"].line_of(0) == 5
    assert read_card("no card", "README.md") == {}
    assert read_card("---\n---\n", "README.md") == {}


@pytest.mark.parametrize("text", ["---\nlicense: [mit\n---\n", "---\n- a\n- b\n---\n",
                                  "---\na: 1\na: 2\n---\n"])
def test_read_card_errors_name_file_and_line(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        read_card(text, "cards/README.md")
    assert str(info.value).startswith("cards/README.md:")


def test_parse_base_models_normalises_messy_values() -> None:
    names = lambda v: [(r.name, r.revision) for r in parse_base_models(v)]  # noqa: E731
    assert names("meta-llama/Llama-3.1-8B") == [("meta-llama/Llama-3.1-8B", None)]
    assert names(["a/b", "c/d", "a/b"]) == [("a/b", None), ("c/d", None)]
    assert names("https://huggingface.co/meta-llama/Llama-2-7b-chat-hf") == [("meta-llama/Llama-2-7b-chat-hf", None)]
    assert names("org/name@v2") == [("org/name", "v2")]
    assert names([]) == [] and names(None) == [] and names(42) == []
    assert names(["./local/merge-input", "/abs/path", "../x", "not an id at all", 3, {"model": "e/f"}]) == [("e/f", None)]


def test_card_facts_relation_from_tags_and_legacy_keys() -> None:
    facts = card_facts({"license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B", "model_name": "Acme 8B"},
                       REF, source="hub", tags=["base_model:adapter:meta-llama/Llama-3.1-8B"])
    assert facts.declared_licence == "llama3.1" and facts.name == "Acme 8B"
    assert facts.relation == "adapter"
    assert [(p.ref.name, p.relation) for p in facts.parents] == [("meta-llama/Llama-3.1-8B", "adapter")]

    explicit = card_facts({"base_model": ["a/b", "c/d"], "base_model_relation": "merge"}, REF, source="local")
    assert explicit.relation == "merge" and len(explicit.parents) == 2

    legacy = card_facts({"finetuned_from": "a/b"}, REF, source="hub")
    assert legacy.relation == "finetune" and legacy.parents[0].ref.name == "a/b"
    link = card_facts({"model_link": "https://huggingface.co/meta-llama/Llama-2-7b-hf"}, REF, source="hub")
    assert link.parents[0].ref.name == "meta-llama/Llama-2-7b-hf"
    lm = card_facts({"lm_studio": {"base_model": "gemma", "original_repo": "google/gemma-2-2b-it"}}, REF, source="hub")
    assert [p.ref.name for p in lm.parents] == ["google/gemma-2-2b-it"]
    several = card_facts({"base_models": ["x/y"]}, REF, source="hub")
    assert several.parents[0].ref.name == "x/y" and several.relation is None


def test_card_facts_licence_fields_and_tag_fallback() -> None:
    other = card_facts({"license": "other", "license_name": "qwen", "license_link": "LICENSE"}, REF, source="hub")
    assert (other.declared_licence, other.licence_name, other.licence_link) == ("other", "qwen", "LICENSE")
    from_tag = card_facts({}, REF, source="hub", tags=["license:apache-2.0", "llama"])
    assert from_tag.declared_licence == "apache-2.0"
    assert card_facts({"base_model": "acme/model"}, REF, source="hub").parents == []   # names itself
