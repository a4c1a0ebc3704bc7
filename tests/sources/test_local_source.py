"""A local model directory: card, licence files, config.json, adapters and merges."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from licheck.errors import ConfigError, InputError
from licheck.model import ModelFacts, ModelRef, Unresolved
from licheck.sources.local import LocalDirSource  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "local"


def fetch(path: Path) -> ModelFacts:
    facts = LocalDirSource().fetch(ModelRef("path", str(path)))
    assert isinstance(facts, ModelFacts), facts
    return facts


def parents(facts: ModelFacts) -> list[tuple[str, str, str]]:
    return [(p.ref.kind, p.ref.name, p.relation) for p in facts.parents]


def test_accepts_directories_not_gguf():
    src = LocalDirSource()
    assert src.accepts(ModelRef("path", str(FIXTURES / "finetune")))
    assert not src.accepts(ModelRef("path", "model.Q4_K_M.gguf"))
    assert not src.accepts(ModelRef("hub", "org/name"))


def test_card_licence_file_and_config(tmp_path):
    facts = fetch(FIXTURES / "finetune")
    assert facts.source == "local" and facts.id == str(FIXTURES / "finetune")
    assert facts.declared_licence == "llama3.1"
    assert parents(facts) == [("hub", "meta-llama/Llama-3.1-8B", "finetune")]
    assert facts.relation == "finetune"
    assert list(facts.licence_files) == ["LICENSE"]
    assert facts.licence_files["LICENSE"].startswith("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT")
    assert any("model_type='llama'" in n and "nothing about the licence" in n for n in facts.notes)


def test_config_name_or_path_is_a_parent_only_without_other_lineage(tmp_path):
    (tmp_path / "config.json").write_text('{"_name_or_path": "Qwen/Qwen2.5-7B", "model_type": "qwen2"}')
    facts = fetch(tmp_path)
    assert parents(facts) == [("hub", "Qwen/Qwen2.5-7B", "unknown")]
    assert facts.declared_licence is None
    (tmp_path / "config.json").write_text('{"_name_or_path": "/home/me/ckpt/step-100"}')
    assert fetch(tmp_path).parents == []


def test_broken_config_json_is_a_note(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "llama",,}')
    facts = fetch(tmp_path)
    assert any(n.startswith("config.json ignored: not valid JSON (line 1") for n in facts.notes)


def test_oversized_json_is_not_read(tmp_path, monkeypatch):
    import licheck.sources.local as local

    monkeypatch.setattr(local, "MAX_JSON_BYTES", 64)
    (tmp_path / "config.json").write_text('{"_name_or_path": "Qwen/Qwen2.5-7B", "pad": "' + "x" * 100 + '"}')
    facts = fetch(tmp_path)
    assert facts.parents == [] and any("more than the 64" in n for n in facts.notes)


def test_adapter_config():
    facts = fetch(FIXTURES / "adapter")
    assert parents(facts) == [("hub", "Qwen/Qwen2.5-3B-Instruct", "adapter")]
    assert facts.relation == "adapter"
    assert any("LORA adapter of Qwen/Qwen2.5-3B-Instruct" in n for n in facts.notes)


def test_adapter_with_local_base_path(tmp_path):
    (tmp_path / "adapter_config.json").write_text('{"base_model_name_or_path": "../base"}')
    facts = fetch(tmp_path)
    assert parents(facts) == [("path", str(tmp_path.parent / "base"), "adapter")]


@pytest.mark.parametrize(("content", "words"), [
    ("{broken", "not valid JSON"),
])
def test_broken_adapter_config_is_an_input_error(tmp_path, content, words):
    (tmp_path / "adapter_config.json").write_text(content)
    with pytest.raises(InputError) as info:
        fetch(tmp_path)
    assert info.value.path.endswith("adapter_config.json") and words in info.value.message


def test_mergekit_with_model_plus_lora():
    facts = fetch(FIXTURES / "merge")
    assert facts.relation == "merge"
    assert parents(facts) == [
        ("hub", "meta-llama/Llama-3.1-8B", "merge"),
        ("hub", "NousResearch/Hermes-3-Llama-3.1-8B", "merge"),
        ("hub", "meta-llama/Llama-3.1-8B-Instruct", "merge"),
        ("hub", "acme/llama-3.1-8b-sql-lora", "adapter"),
    ]


def test_mergekit_slices_dict_refs_and_readme_block(tmp_path):
    (tmp_path / "README.md").write_text(
        "---\nlicense: apache-2.0\n---\n# merged\n\n```yaml\nslices:\n  - sources:\n"
        "      - model: Qwen/Qwen2.5-7B-Instruct\n        layer_range: [0, 28]\n"
        "      - model: {model: {path: Qwen/Qwen2.5-Math-7B}, lora: {path: ./math-lora}}\n"
        "        layer_range: [0, 28]\nmerge_method: passthrough\n```\n")
    facts = fetch(tmp_path)
    assert parents(facts) == [
        ("hub", "Qwen/Qwen2.5-7B-Instruct", "merge"),
        ("hub", "Qwen/Qwen2.5-Math-7B", "merge"),
        ("path", str(tmp_path / "math-lora"), "adapter"),
    ]


def test_broken_merge_recipe_is_an_error_with_line(tmp_path):
    (tmp_path / "mergekit_config.yml").write_text("models:\n  - model: a/b\n  bad: [\n")
    with pytest.raises(ConfigError) as info:
        fetch(tmp_path)
    assert info.value.path.endswith("mergekit_config.yml") and info.value.line is not None


def test_unrelated_broken_yaml_is_ignored(tmp_path):
    (tmp_path / "notes.yaml").write_text("a: [\n")
    assert fetch(tmp_path).parents == []


def test_broken_card_is_a_config_error_with_line(tmp_path):
    (tmp_path / "README.md").write_text("---\nlicense: mit\nbase_model: [a/b\n---\n# x\n")
    with pytest.raises(ConfigError) as info:
        fetch(tmp_path)
    assert info.value.path.endswith("README.md") and info.value.line in (3, 4)


def test_licence_files_are_capped(tmp_path, monkeypatch):
    import licheck.sources.local as local

    monkeypatch.setattr(local, "MAX_LICENCE_FILE_BYTES", 10)
    (tmp_path / "LICENSE-MODEL").write_text("x" * 50)
    (tmp_path / "NOTICE").write_text("short")
    facts = fetch(tmp_path)
    assert list(facts.licence_files) == ["NOTICE"]
    assert any("LICENSE-MODEL skipped" in n for n in facts.notes)


def test_missing_directory_is_unresolved(tmp_path):
    result = LocalDirSource().fetch(ModelRef("path", str(tmp_path / "gone")))
    assert isinstance(result, Unresolved) and "no such directory" in result.reason


def test_fixture_copy_is_independent_of_location(tmp_path):
    shutil.copytree(FIXTURES / "finetune", tmp_path / "copy")
    assert fetch(tmp_path / "copy").declared_licence == "llama3.1"


def test_hf_cache_snapshot_names_the_repo(tmp_path):
    sha = "0123456789abcdef0123456789abcdef01234567"
    snap = tmp_path / "hub" / "models--Qwen--Qwen2.5-7B-Instruct" / "snapshots" / sha
    snap.mkdir(parents=True)
    facts = fetch(snap)
    assert (facts.name, facts.revision) == ("Qwen/Qwen2.5-7B-Instruct", sha)
    assert any("cache snapshot of Qwen/Qwen2.5-7B-Instruct" in n for n in facts.notes)


def test_recipe_relation_beats_the_card_hint(tmp_path):
    (tmp_path / "README.md").write_text(
        "---\nbase_model:\n- Qwen/Qwen2.5-7B\n- Qwen/Qwen2.5-Math-7B\nbase_model_relation: finetune\n---\n")
    (tmp_path / "mergekit_config.yml").write_text(
        "merge_method: slerp\nbase_model: Qwen/Qwen2.5-7B\nmodels:\n  - model: Qwen/Qwen2.5-Math-7B\n")
    facts = fetch(tmp_path)
    assert facts.relation == "merge"
    assert parents(facts) == [("hub", "Qwen/Qwen2.5-7B", "merge"), ("hub", "Qwen/Qwen2.5-Math-7B", "merge")]
