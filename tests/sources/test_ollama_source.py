"""The Ollama source: library names through the catalogue, and the local store."""

from __future__ import annotations

import pytest
from ollama_store import blob, gguf_bytes, layer, manifest

from licheck.catalogue import default_catalogue
from licheck.model import ModelFacts, ModelRef, Unresolved
from licheck.sources.ollama import OllamaSource


@pytest.fixture
def source() -> OllamaSource:
    return OllamaSource(default_catalogue())


def test_library_name_becomes_a_quantization_of_the_hub_model(source):
    ref = ModelRef("ollama", "llama3.2-vision:11b")
    assert source.accepts(ref) and not source.accepts(ModelRef("hub", "a/b"))
    facts = source.fetch(ref)
    assert isinstance(facts, ModelFacts)
    assert facts.id == "ollama:llama3.2-vision:11b" and facts.source == "ollama"
    assert [(p.ref.kind, p.ref.name, p.relation) for p in facts.parents] == \
        [("hub", "meta-llama/Llama-3.2-11B-Vision-Instruct", "quantized")]
    assert facts.relation == "quantized"
    assert facts.licence_hint == "llama3.2"
    assert facts.modalities == ["text", "image"]


@pytest.mark.parametrize(("name", "licence"), [
    ("qwen2.5:3b", "qwen-research"), ("qwen2.5:7b", "apache-2.0"), ("qwen2.5:72b", "qwen"),
    ("deepseek-r1:8b", "mit"),
])
def test_size_tags_pick_the_licence(source, name, licence):
    assert source.fetch(ModelRef("ollama", name)).licence_hint == licence


def test_repointed_tag_carries_a_note(source):
    facts = source.fetch(ModelRef("ollama", "deepseek-r1:8b"))
    assert any("re-pointed" in n for n in facts.notes)


def test_unknown_names_are_unresolved(source):
    result = source.fetch(ModelRef("ollama", "someone/private-model:latest"))
    assert isinstance(result, Unresolved) and "user catalogue" in result.reason
    result = source.fetch(ModelRef("ollama", "qwen2.5:4b"))
    assert isinstance(result, Unresolved)


def test_hf_co_name_points_at_the_hub_repo(source):
    facts = source.fetch(ModelRef("ollama", "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M"))
    assert [(p.ref.name, p.relation) for p in facts.parents] == \
        [("bartowski/Llama-3.2-3B-Instruct-GGUF", "quantized")]
    assert facts.licence_hint is None


def test_local_store_adds_licence_layers_and_gguf_metadata(tmp_path):
    import gguf
    model = tmp_path / "src.gguf"
    w = gguf.GGUFWriter(str(model), arch="qwen3")
    w.add_license("mit")
    w.add_source_repo_url("https://huggingface.co/deepseek-ai/DeepSeek-R1-0528-Qwen3-8B")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    root = tmp_path / "ollama"
    layers = [
        {"mediaType": "application/vnd.ollama.image.model", "digest": blob(root, model.read_bytes()),
         "size": model.stat().st_size},
        {"mediaType": "application/vnd.ollama.image.license", "digest": blob(root, b"MIT License\n"),
         "size": 12},
    ]
    manifest(root, "deepseek-r1", "8b", layers)
    facts = OllamaSource(default_catalogue(), models_dir=root).fetch(ModelRef("ollama", "deepseek-r1:8b"))
    assert facts.licence_files == {"ollama-license-1": "MIT License\n"}
    assert facts.declared_licence == "mit"
    # the blob disagrees with the catalogue (a re-pointed tag): both parents are kept
    assert [p.ref.name for p in facts.parents] == [
        "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "deepseek-ai/DeepSeek-R1-0528-Qwen3-8B"]
    assert any("may have been re-pointed" in n for n in facts.notes)


def test_store_makes_an_uncatalogued_name_resolvable(tmp_path):
    root = tmp_path / "ollama"
    manifest(root, "mymodel", "latest", [
        {"mediaType": "application/vnd.ollama.image.license", "digest": blob(root, b"Acme terms\n")}])
    facts = OllamaSource(default_catalogue(), models_dir=root).fetch(ModelRef("ollama", "mymodel"))
    assert isinstance(facts, ModelFacts)
    assert facts.licence_files == {"ollama-license-1": "Acme terms\n"} and facts.parents == []


def test_broken_manifest_is_a_note_not_a_crash(tmp_path):
    root = tmp_path / "ollama"
    folder = root / "manifests" / "registry.ollama.ai" / "library" / "llama3.3"
    folder.mkdir(parents=True)
    (folder / "70b").write_text("{not json", encoding="utf-8")
    facts = OllamaSource(default_catalogue(), models_dir=root).fetch(ModelRef("ollama", "llama3.3:70b"))
    assert facts.licence_hint == "llama3.3"
    assert any("could not be read" in n for n in facts.notes)


def test_hostile_names_never_escape_the_store(tmp_path):
    root = tmp_path / "ollama"
    (root / "manifests").mkdir(parents=True)
    (tmp_path / "secret").write_text("{}", encoding="utf-8")
    result = OllamaSource(default_catalogue(), models_dir=root).fetch(
        ModelRef("ollama", "../../../secret"))
    assert isinstance(result, Unresolved)


def _built(root, tmp_path, name, parent, *extra):
    """A store model `name` built by `ollama create` on `parent` (its weights declare nothing)."""
    manifest(root, name, "latest", [
        layer(root, "model", gguf_bytes(tmp_path), parent=parent), *extra])
    return OllamaSource(default_catalogue(), models_dir=root).fetch(ModelRef("ollama", name))


def test_the_model_it_was_built_from_is_its_parent(tmp_path):
    root = tmp_path / "ollama"
    facts = _built(root, tmp_path, "acme", "llama3.3:latest")
    assert [(p.ref.kind, p.ref.name, p.relation) for p in facts.parents] == \
        [("ollama", "llama3.3:latest", "quantized")]
    assert facts.relation == "quantized"
    adapted = _built(root, tmp_path, "acme-lora", "acme:latest", layer(root, "adapter", b"lora"))
    assert [(p.ref.name, p.relation) for p in adapted.parents] == [("acme:latest", "adapter")]
    inherited = _built(root, tmp_path, "acme-2", "acme-lora:latest",
                       layer(root, "adapter", b"lora", parent="acme-lora:latest"))
    assert inherited.relation == "quantized"   # the adapter came with the parent


@pytest.mark.parametrize("parent", ["selfish", "selfish:latest", "../../secret", "/models/x.gguf", ""])
def test_a_from_naming_no_other_model_is_not_followed(tmp_path, parent):
    facts = _built(tmp_path / "ollama", tmp_path, "selfish", parent)
    assert isinstance(facts, ModelFacts) and facts.parents == []


def test_the_weights_own_lineage_comes_before_from(tmp_path):
    import gguf
    path = tmp_path / "w.gguf"
    w = gguf.GGUFWriter(str(path), arch="qwen3")
    w.add_source_repo_url("https://huggingface.co/Qwen/Qwen3-8B")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    root = tmp_path / "ollama"
    manifest(root, "acme", "latest", [layer(root, "model", path.read_bytes(), parent="qwen3:8b")])
    facts = OllamaSource(default_catalogue(), models_dir=root).fetch(ModelRef("ollama", "acme"))
    assert [p.ref.name for p in facts.parents] == ["Qwen/Qwen3-8B"]
