"""Fixture writers for structural fingerprints: model folders, safetensors headers, GGUFs.

Shapes come from real configs (`data/real_configs.json`, each with its source). Weights are
never written: a safetensors file is its real header followed by a sparse hole of the size
the header declares, and a GGUF carries only its key/value block.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from envs import corpus as bundled_corpus

from licheck.fingerprints import FingerprintTable, StructureMatch, default_fingerprints
from licheck.licences import Corpus
from licheck.model import Finding
from licheck.structure_findings import structure_findings as _structure_findings

DATA = Path(__file__).resolve().parent / "data"

# Special tokens of each tokenizer family as their tokenizer_config.json lists them (the few
# that matter here; real files list many more).
SPECIALS: dict[str, dict[int, str]] = {
    "llama3": {128000: "<|begin_of_text|>", 128001: "<|end_of_text|>",
               128006: "<|start_header_id|>", 128009: "<|eot_id|>"},
    "llama2": {0: "<unk>", 1: "<s>", 2: "</s>"},
    "qwen": {151643: "<|endoftext|>", 151644: "<|im_start|>", 151645: "<|im_end|>"},
    "deepseek-r1": {151643: "<｜end▁of▁sentence｜>", 151646: "<｜begin▁of▁sentence｜>"},
    "gemma": {0: "<pad>", 1: "<eos>", 2: "<bos>", 3: "<unk>", 106: "<start_of_turn>",
              107: "<end_of_turn>"},
}


def structure_findings(model: str, match: StructureMatch, *, table: FingerprintTable | None = None,
                       corpus: Corpus | None = None, **kwargs: Any) -> list[Finding]:
    """`licheck.structure_findings.structure_findings` with the bundled table and corpus."""
    return _structure_findings(model, match, table=table or default_fingerprints(),
                               corpus=corpus or bundled_corpus(), **kwargs)


def without(licence_id: str) -> Corpus:
    """The bundled corpus less one licence (an id the run does not know)."""
    return Corpus(lic for lic in bundled_corpus() if lic.id != licence_id)


def load_real_configs() -> dict[str, dict[str, Any]]:
    doc = json.loads((DATA / "real_configs.json").read_text(encoding="utf-8"))
    return dict(doc["configs"])


def hf_tensors(*, layers: int, hidden: int, intermediate: int, heads: int, kv_heads: int,
               vocab: int, head_dim: int | None = None, tie: bool = False,
               dtype: str = "BF16") -> dict[str, tuple[str, list[int]]]:
    """The tensor names and shapes transformers writes for a Llama-style decoder."""
    hd = head_dim or hidden // heads
    out: dict[str, tuple[str, list[int]]] = {"model.embed_tokens.weight": (dtype, [vocab, hidden])}
    for i in range(layers):
        p = f"model.layers.{i}."
        out.update({
            p + "input_layernorm.weight": (dtype, [hidden]),
            p + "self_attn.q_proj.weight": (dtype, [heads * hd, hidden]),
            p + "self_attn.k_proj.weight": (dtype, [kv_heads * hd, hidden]),
            p + "self_attn.v_proj.weight": (dtype, [kv_heads * hd, hidden]),
            p + "self_attn.o_proj.weight": (dtype, [hidden, heads * hd]),
            p + "post_attention_layernorm.weight": (dtype, [hidden]),
            p + "mlp.gate_proj.weight": (dtype, [intermediate, hidden]),
            p + "mlp.up_proj.weight": (dtype, [intermediate, hidden]),
            p + "mlp.down_proj.weight": (dtype, [hidden, intermediate]),
        })
    out["model.norm.weight"] = (dtype, [hidden])
    if not tie:
        out["lm_head.weight"] = (dtype, [vocab, hidden])
    return out


_ITEM = {"BF16": 2, "F16": 2, "F32": 4, "I8": 1, "U8": 1}


def write_safetensors(path: Path, tensors: Mapping[str, tuple[str, Sequence[int]]]) -> int:
    """Write a real safetensors header; the data region is a sparse hole. Returns the size."""
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = _ITEM[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as fh:
        fh.write(len(raw).to_bytes(8, "little"))
        fh.write(raw)
    total = 8 + len(raw) + offset
    os.truncate(path, total)
    return total


def write_folder(folder: Path, config: Mapping[str, Any], *, specials: Mapping[int, str] | None = None,
                 tensors: Mapping[str, tuple[str, Sequence[int]]] | None = None,
                 tokenizer_json_added: Mapping[int, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if specials is not None:
        tok = {"added_tokens_decoder": {str(i): {"content": t, "special": True}
                                        for i, t in specials.items()},
               "tokenizer_class": "PreTrainedTokenizerFast"}
        (folder / "tokenizer_config.json").write_text(json.dumps(tok), encoding="utf-8")
    if tokenizer_json_added is not None:
        doc = {"version": "1.0", "truncation": None, "padding": None,
               "added_tokens": [{"id": i, "content": t, "special": True}
                                for i, t in tokenizer_json_added.items()],
               "model": {"type": "BPE", "vocab": {f"tok{i}": i for i in range(50_000)}}}
        (folder / "tokenizer.json").write_text(json.dumps(doc), encoding="utf-8")
    if tensors is not None:
        write_safetensors(folder / "model.safetensors", tensors)
    return folder


def write_gguf(path: Path, arch: str, *, layers: int, hidden: int, intermediate: int | None,
               heads: int, kv_heads: int, context: int | None = None,
               vocab: int, specials: Mapping[int, str] | None = None,
               pre: str | None = None, merges: int = 0, general: Mapping[str, str | int] | None = None,
               tokens_first: bool = False) -> Path:
    """A metadata-only GGUF (no tensors) with a token list of `vocab` entries."""
    import gguf

    w = gguf.GGUFWriter(str(path), arch=arch)
    tokens = [f"t{i}" for i in range(vocab)]
    for i, t in (specials or {}).items():
        tokens[i] = t

    def tokenizer() -> None:
        w.add_tokenizer_model("gpt2")
        if pre:
            w.add_tokenizer_pre(pre)
        w.add_token_list(tokens)
        w.add_token_types([1] * vocab)
        if merges:
            w.add_token_merges([f"t{i} t{i + 1}" for i in range(merges)])

    if tokens_first:
        tokenizer()
    for key, value in (general or {}).items():
        if isinstance(value, int):
            w.add_uint32(key, value)
        else:
            w.add_string(key, value)
    w.add_block_count(layers)
    w.add_embedding_length(hidden)
    if intermediate:
        w.add_feed_forward_length(intermediate)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    if context:
        w.add_context_length(context)
    if not tokens_first:
        tokenizer()
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
