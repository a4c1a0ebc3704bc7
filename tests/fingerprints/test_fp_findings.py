"""Findings from structure: licence laundering by omission, and declared bases the weights deny."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpfixtures import (
    SPECIALS,
    hf_tensors,
    structure_findings,
    without,
    write_folder,
    write_gguf,
)

from licheck.fingerprints import default_fingerprints
from licheck.model import Severity
from licheck.structure import StructuralFacts, facts_from_config, read_folder_facts, read_gguf_facts
from licheck.structure_findings import CONTRADICTED_ID, UNDECLARED_ID

TABLE = default_fingerprints()


def llama31_8b_finetune(tmp_path: Path, real_configs: dict[str, Any]) -> StructuralFacts:
    """A Llama 3.1 8B fine-tune as uploaded: real config with the changes fine-tunes make."""
    cfg = dict(real_configs["meta-llama/Meta-Llama-3.1-8B"]["config"])
    cfg.update(torch_dtype="float16", _name_or_path="/scratch/out/checkpoint-1200")
    folder = write_folder(tmp_path / "acme-chat-8b", cfg, specials=SPECIALS["llama3"],
                          tensors=hf_tensors(layers=32, hidden=4096, intermediate=14336,
                                             heads=32, kv_heads=8, vocab=128256))
    return read_folder_facts(folder)


def test_apache_labelled_llama_finetune_without_a_base_is_flagged(tmp_path: Path,
                                                                  real_configs: dict[str, Any]) -> None:
    match = TABLE.match(llama31_8b_finetune(tmp_path, real_configs))
    findings = structure_findings("acme/acme-chat-8b", match, declared_licence="apache-2.0")
    assert len(findings) == 1
    f = findings[0]
    assert (f.id, f.kind, f.severity, f.licence) == (UNDECLARED_ID, "provenance", Severity.WARNING,
                                                     "llama3.1")
    assert "Llama 3.1 8B" in f.message
    assert "32" in f.message and "4096" in f.message and "128,256" in f.message
    assert "<|begin_of_text|>" in f.message
    assert "apache-2.0" in f.message
    assert "meta-llama/Llama-3.1-8B" in (f.how_to_comply or "")
    strict = structure_findings("acme/acme-chat-8b", match, strict=True)
    assert strict[0].severity == Severity.ERROR


def test_stripped_gguf_is_flagged(tmp_path: Path) -> None:
    # a quantized Llama 3.3 70B with general.license and general.base_model.* removed
    path = write_gguf(tmp_path / "model-q4.gguf", "llama", layers=80, hidden=8192,
                      intermediate=28672, heads=64, kv_heads=8, context=131072, vocab=128256,
                      specials=SPECIALS["llama3"], pre="llama-bpe",
                      general={"general.name": "Model"})
    match = TABLE.match(read_gguf_facts(path))
    [f] = structure_findings("model-q4.gguf", match)
    assert "Llama 3.1 70B (llama3.1) or Llama 3.3 70B (llama3.3)" in f.message
    assert "either way" in f.message
    assert f.licence is None                     # two licences: the message names both


def test_permissive_family_without_a_base_gives_nothing(real_configs: dict[str, Any]) -> None:
    match = TABLE.match(facts_from_config(real_configs["Qwen/Qwen2.5-Coder-7B"]["config"]))
    assert match.matched
    assert structure_findings("acme/coder", match) == []


def test_llama_architecture_alone_implies_no_llama_licence(real_configs: dict[str, Any]) -> None:
    match = TABLE.match(facts_from_config(real_configs["mlc:tinyllama_1b_chat_v1.0"]["config"]))
    assert match.names == ("TinyLlama 1.1B",)
    assert structure_findings("acme/tiny", match) == []


def test_declared_mistral_base_shaped_like_llama_3(tmp_path: Path) -> None:
    facts = StructuralFacts(architecture="mistral", layers=32, hidden=4096, intermediate=14336,
                            heads=32, kv_heads=8, vocab=128256, rope_type="default",
                            special_tokens=frozenset(SPECIALS["llama3"].values()))
    match = TABLE.match(facts)
    [f] = structure_findings("acme/m", match, declared_bases=["mistralai/Mistral-7B-v0.1"])
    assert f.id == CONTRADICTED_ID and f.severity == Severity.WARNING
    assert "Declares mistralai/Mistral-7B-v0.1" in f.message
    assert "shaped like Llama 3 8B" in f.message
    assert f.via == ["acme/m", "mistralai/Mistral-7B-v0.1"]


def test_a_consistent_declared_base_gives_nothing(tmp_path: Path,
                                                  real_configs: dict[str, Any]) -> None:
    match = TABLE.match(llama31_8b_finetune(tmp_path, real_configs))
    assert structure_findings("acme/m", match, declared_bases=["meta-llama/Llama-3.1-8B-Instruct"]) == []


def test_a_declared_base_the_table_does_not_know_is_not_judged(tmp_path: Path,
                                                                real_configs: dict[str, Any]) -> None:
    match = TABLE.match(llama31_8b_finetune(tmp_path, real_configs))
    assert structure_findings("acme/m", match, declared_bases=["NousResearch/Hermes-3-Llama-3.1-8B"]) == []


def test_merge_of_unusual_depth_is_flagged_by_tokenizer_family(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "frankenmerge.gguf", "llama", layers=48, hidden=4096,
                      intermediate=14336, heads=32, kv_heads=8, vocab=128256,
                      specials=SPECIALS["llama3"], pre="llama-bpe")
    match = TABLE.match(read_gguf_facts(path))
    [f] = structure_findings("frankenmerge.gguf", match, declared_licence="mit")
    assert "tokenizer family only" in f.message
    assert "Llama 3 tokenizer" in f.message
    # a declared Qwen base contradicts the tokenizer too
    [c] = structure_findings("frankenmerge.gguf", match, declared_bases=["Qwen/Qwen2.5-7B"])
    assert c.id == CONTRADICTED_ID and "tokenizer of the Llama 3 tokenizer" in c.message


def test_deepseek_v3_shape_names_both_licences(real_configs: dict[str, Any]) -> None:
    match = TABLE.match(facts_from_config(real_configs["nvidia/DeepSeek-V3.1-NVFP4"]["config"]))
    assert match.names == ("DeepSeek V3 / R1 671B",)
    [f] = structure_findings("nvidia/DeepSeek-V3.1-NVFP4", match)
    assert f.licence == "deepseek"                 # the restrictive one; MIT is permissive
    assert "deepseek, mit" in f.message


def test_new_architecture_gives_no_findings(real_configs: dict[str, Any]) -> None:
    match = TABLE.match(facts_from_config(real_configs["openai/gpt-oss-20b"]["config"]))
    assert structure_findings("openai/gpt-oss-20b", match) == []
    assert structure_findings("openai/gpt-oss-20b", match, declared_bases=["meta-llama/Llama-3.1-8B"]) == []


def test_unknown_licence_counts_as_restrictive(tmp_path: Path, real_configs: dict[str, Any]) -> None:
    match = TABLE.match(facts_from_config(real_configs["Qwen/Qwen2.5-Coder-7B"]["config"]))
    findings = structure_findings("acme/coder", match, corpus=without("apache-2.0"))
    assert len(findings) == 1


def test_a_base_model_itself_or_an_honest_licence_gives_nothing(tmp_path: Path,
                                                                real_configs: dict[str, Any]) -> None:
    match = TABLE.match(llama31_8b_finetune(tmp_path, real_configs))
    # Meta's own upload names no base: it is the base.
    assert structure_findings("meta-llama/Llama-3.1-8B", match) == []
    # A fine-tune that names no base but carries the licence its shape implies hides nothing.
    assert structure_findings("acme/m", match, licence="llama3.1") == []
    assert len(structure_findings("acme/m", match, licence="apache-2.0")) == 1
