"""Reading structural facts: config.json, tokenizer files, safetensors headers, GGUF headers."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

import pytest
from fpfixtures import SPECIALS, hf_tensors, write_folder, write_gguf, write_safetensors

from licheck.errors import InputError
from licheck.structure import (
    MAX_SAFETENSORS_HEADER,
    facts_from_config,
    read_folder_facts,
    read_gguf_facts,
    read_safetensors_header,
    read_structure,
    special_tokens_from_tokenizer_json_head,
)


def test_config_facts_of_a_real_llama_3_1_config(real_configs: dict[str, Any]) -> None:
    facts = facts_from_config(real_configs["meta-llama/Meta-Llama-3.1-8B"]["config"])
    assert (facts.layers, facts.hidden, facts.intermediate, facts.heads, facts.kv_heads,
            facts.vocab) == (32, 4096, 14336, 32, 8, 128256)
    assert facts.rope_type == "llama3"
    assert facts.context_length == 131072
    assert facts.architecture == "llama"


def test_multimodal_config_reads_its_text_config(real_configs: dict[str, Any]) -> None:
    facts = facts_from_config(real_configs["meta-llama/Llama-4-Scout-17B-16E-Instruct"]["config"])
    assert (facts.layers, facts.hidden, facts.experts, facts.vocab) == (48, 5120, 16, 202048)


def test_falcon_style_keys() -> None:
    facts = facts_from_config({"model_type": "falcon", "n_layer": 32, "hidden_size": 4544,
                               "n_head": 71, "multi_query": True, "vocab_size": 65024})
    assert (facts.layers, facts.heads, facts.kv_heads) == (32, 71, 1)


def test_rope_default_only_when_the_config_says_so() -> None:
    assert facts_from_config({"rope_scaling": None}).rope_type == "default"
    assert facts_from_config({}).rope_type is None
    assert facts_from_config({"rope_scaling": {"type": "linear", "factor": 2.0}}).rope_type == "linear"


def test_folder_with_config_tokenizer_and_safetensors(tmp_path: Path,
                                                      real_configs: dict[str, Any]) -> None:
    cfg = real_configs["Qwen/Qwen3-8B"]["config"]
    folder = write_folder(
        tmp_path / "m", cfg, specials=SPECIALS["qwen"],
        tensors=hf_tensors(layers=36, hidden=4096, intermediate=12288, heads=32, kv_heads=8,
                           head_dim=128, vocab=151936))
    facts = read_folder_facts(folder)
    assert (facts.layers, facts.hidden, facts.intermediate, facts.vocab) == (36, 4096, 12288, 151936)
    assert facts.q_width == 32 * 128 and facts.kv_width == 8 * 128
    assert "<|im_start|>" in facts.special_tokens
    assert facts.notes == ()
    assert "model.safetensors header" in facts.sources


def test_weights_that_disagree_with_the_config_are_noted(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "m", {"model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096},
        tensors=hf_tensors(layers=48, hidden=4096, intermediate=14336, heads=32, kv_heads=8,
                           vocab=128256))
    facts = read_folder_facts(folder)
    assert facts.layers == 32                       # the config is not silently replaced
    assert any("48" in n and "layers" in n for n in facts.notes)


def test_safetensors_only_folder_gives_the_shape(tmp_path: Path) -> None:
    folder = tmp_path / "bare"
    folder.mkdir()
    write_safetensors(folder / "model.safetensors",
                      hf_tensors(layers=32, hidden=4096, intermediate=14336, heads=32,
                                 kv_heads=8, vocab=128256))
    facts = read_structure(folder)
    assert (facts.layers, facts.hidden, facts.intermediate, facts.vocab) == (32, 4096, 14336, 128256)
    assert (facts.q_width, facts.kv_width) == (4096, 1024)


def test_sharded_checkpoint_reads_the_index_and_one_shard(tmp_path: Path) -> None:
    tensors = hf_tensors(layers=80, hidden=8192, intermediate=28672, heads=64, kv_heads=8,
                         vocab=128256)
    names = list(tensors)
    first = {n: tensors[n] for n in names if n.startswith(("model.embed", "model.layers.0."))}
    folder = tmp_path / "sharded"
    folder.mkdir()
    write_safetensors(folder / "model-00001-of-00030.safetensors", first)
    weight_map = {n: ("model-00001-of-00030.safetensors" if n in first
                      else "model-00002-of-00030.safetensors") for n in names}
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {}, "weight_map": weight_map}), encoding="utf-8")
    facts = read_folder_facts(folder)
    assert (facts.layers, facts.hidden, facts.intermediate, facts.vocab) == (80, 8192, 28672, 128256)


def test_tokenizer_json_head_only(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "m", {"model_type": "llama"},
                          tokenizer_json_added=SPECIALS["llama3"])
    assert os.path.getsize(folder / "tokenizer.json") > 500_000
    facts = read_folder_facts(folder)
    assert {"<|begin_of_text|>", "<|eot_id|>"} <= facts.special_tokens
    # added_tokens past the head we read: said, not guessed
    late = b'{"model": {"vocab": {' + b'"x": 1, ' * 200_000 + b'}}, "added_tokens": []}'
    assert special_tokens_from_tokenizer_json_head(late[:1024 * 1024]) is None


def test_safetensors_header_claiming_10_gb_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.safetensors"
    with open(path, "wb") as fh:
        fh.write((10 * 1024**3).to_bytes(8, "little"))
    os.truncate(path, 11 * 1024**3)              # sparse: the claim is plausible for the size
    with pytest.raises(InputError) as exc:
        read_safetensors_header(path)
    assert str(MAX_SAFETENSORS_HEADER) in str(exc.value)


@pytest.mark.parametrize("body", [
    (100).to_bytes(8, "little") + b"{}",                   # claims more than the file has
    (4).to_bytes(8, "little") + b"nope",                   # not JSON
    (2).to_bytes(8, "little") + b"[]",                     # not an object
    b"\x01\x02",                                           # shorter than the length field
])
def test_broken_safetensors_headers_are_input_errors(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(body)
    with pytest.raises(InputError):
        read_safetensors_header(path)


def test_gguf_header_facts_without_reading_tensors(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", "llama", layers=32, hidden=4096, intermediate=14336,
                      heads=32, kv_heads=8, context=131072, vocab=128256,
                      specials=SPECIALS["llama3"], pre="llama-bpe", merges=5000)
    facts = read_gguf_facts(path)
    assert (facts.architecture, facts.layers, facts.hidden, facts.intermediate, facts.heads,
            facts.kv_heads, facts.vocab, facts.context_length) == (
        "llama", 32, 4096, 14336, 32, 8, 128256, 131072)
    assert facts.tokenizer_pre == "llama-bpe"
    assert {"<|begin_of_text|>", "<|eot_id|>"} <= facts.special_tokens
    assert facts.special_tokens_complete


def test_gguf_with_the_token_list_before_the_architecture_keys(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", "qwen2", layers=28, hidden=3584, intermediate=18944,
                      heads=28, kv_heads=4, vocab=152064, specials=SPECIALS["qwen"],
                      pre="qwen2", merges=100, tokens_first=True)
    facts = read_gguf_facts(path)
    assert (facts.layers, facts.hidden, facts.vocab) == (28, 3584, 152064)
    assert "<|im_start|>" in facts.special_tokens


def test_gguf_token_count_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", "llama", layers=2, hidden=64, intermediate=128,
                      heads=2, kv_heads=2, vocab=16)
    data = bytearray(path.read_bytes())
    at = data.index(b"tokenizer.ggml.tokens") + len("tokenizer.ggml.tokens")
    struct.pack_into("<Q", data, at + 8, 2**40)        # after the value type and item type
    path.write_bytes(bytes(data))
    with pytest.raises(InputError):
        read_gguf_facts(path)


def test_not_a_model_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError):
        read_structure(path)


class _Counting:
    """A binary file that counts the bytes read through it."""

    def __init__(self, fh: Any, counter: list[int]) -> None:
        self._fh, self._counter = fh, counter

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._fh.read(n)
        self._counter[0] += len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> _Counting:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def test_reading_a_5_gb_gguf_reads_a_few_megabytes(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import licheck.structure as structure

    path = write_gguf(tmp_path / "big.gguf", "llama", layers=32, hidden=4096, intermediate=14336,
                      heads=32, kv_heads=8, vocab=128256, specials=SPECIALS["llama3"],
                      pre="llama-bpe", merges=100_000)
    header_size = path.stat().st_size
    os.truncate(path, 5 * 1024**3)
    counter = [0]
    monkeypatch.setattr(structure, "open",
                        lambda p, mode="r": _Counting(open(p, mode), counter), raising=False)
    facts = structure.read_gguf_facts(path)
    assert (facts.layers, facts.vocab) == (32, 128256)
    assert "<|eot_id|>" in facts.special_tokens
    assert counter[0] < 10 * 1024 * 1024
    assert counter[0] < header_size            # the merges after the token list are not read


def test_a_vision_tower_does_not_count_as_depth(tmp_path: Path) -> None:
    tensors = hf_tensors(layers=34, hidden=2560, intermediate=10240, heads=8, kv_heads=4,
                         head_dim=256, vocab=262144, tie=True)
    tensors = {n.replace("model.", "language_model.model.", 1): v for n, v in tensors.items()}
    for i in range(40):
        tensors[f"vision_tower.vision_model.encoder.layers.{i}.mlp.fc1.weight"] = ("BF16", [4304, 1152])
    path = tmp_path / "model.safetensors"
    write_safetensors(path, tensors)
    facts = read_structure(path)
    assert (facts.layers, facts.hidden, facts.vocab) == (34, 2560, 262144)


def test_fused_gate_up_projection_gives_the_intermediate_size(tmp_path: Path) -> None:
    tensors = {"model.embed_tokens.weight": ("BF16", [32064, 3072])}
    for i in range(32):
        tensors[f"model.layers.{i}.mlp.gate_up_proj.weight"] = ("BF16", [2 * 8192, 3072])
        tensors[f"model.layers.{i}.self_attn.qkv_proj.weight"] = ("BF16", [3 * 3072, 3072])
    path = tmp_path / "model.safetensors"
    write_safetensors(path, tensors)
    facts = read_structure(path)
    assert (facts.layers, facts.hidden, facts.intermediate, facts.vocab) == (32, 3072, 8192, 32064)
