"""Structural facts about a model's weights, read cheaply and within fixed bounds.

A model card can omit its base and a GGUF can lose its `general.base_model.*` keys, but the
weights keep their shape: depth, width, attention heads, vocabulary and tokenizer markers.
This module reads those facts from what a model folder or file already carries, never the
weights themselves:

* `config.json` (the architecture's hyper-parameters; `text_config` for multimodal models);
* `tokenizer_config.json` and the head of `tokenizer.json` (special tokens);
* a safetensors header (the JSON before the weights: tensor names and shapes), and for a
  sharded checkpoint `model.safetensors.index.json` plus one shard's header;
* a GGUF key/value block (`<arch>.block_count`, ..., the vocabulary's size and its special
  tokens), stopped before the tokenizer merges.

Every read has a byte limit checked before reading. `licheck.fingerprints` matches the facts
against the table of known base models.
"""

from __future__ import annotations

import json
import os
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from licheck.errors import InputError
from licheck.files import input_error, read_capped, read_head
from licheck.gguf_header import (
    ARRAY,
    MAX_ARRAY_ITEMS,
    STRING,
    GgufHeader,
    find_length_prefixed,
    parse_gguf_header,
)
from licheck.model import StructuralFacts

MAX_CONFIG_BYTES = 1024 * 1024                 # config.json is a few KB
MAX_TOKENIZER_CONFIG_BYTES = 8 * 1024 * 1024   # added_tokens_decoder can list thousands
TOKENIZER_JSON_HEAD_BYTES = 1024 * 1024        # added_tokens come first; the vocabulary after
MAX_SAFETENSORS_HEADER = 16 * 1024 * 1024      # real headers are well under 2 MB
MAX_INDEX_BYTES = 32 * 1024 * 1024             # model.safetensors.index.json of a 671B model: ~9 MB
MAX_SPECIAL_TOKENS = 4096
MAX_TOKEN_WINDOW = 8 * 1024 * 1024             # bytes of a GGUF token list scanned for specials
_BYTES_PER_TOKEN = 32                          # length prefix + a generous average token

# A token that looks like a control token: <...>, <|...|>, <｜...｜>, or [INST]-style: printable,
# no spaces (a GGUF match also has to be preceded by its own length). Two patterns, because
# each alone is a fast scan and their alternation is ten times slower.
_ANGLE = re.compile(rb"<[\x21-\x3b\x3d\x3f-\x7e\x80-\xff]{1,80}>")
_SQUARE = re.compile(rb"\[[/A-Z_]{2,41}\]")
_SPECIAL = re.compile(_ANGLE.pattern + rb"|" + _SQUARE.pattern)
_NOT_TEXT = re.compile(r"vision|visual|audio|image|mm_projector|multi_modal")
_SHARD = re.compile(r"-\d+-of-\d+\.safetensors$")
_LAYER = re.compile(r"(?:^|\.)(?:layers|h|blocks|blk)\.(\d+)\.")


# --- config.json -------------------------------------------------------------------------------

# HF config key aliases, first found wins (GPT-2/Falcon/MPT-style names after the Llama ones).
_CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "layers": ("num_hidden_layers", "n_layer", "num_layers", "n_layers"),
    "hidden": ("hidden_size", "n_embd", "d_model", "dim"),
    "intermediate": ("intermediate_size", "ffn_hidden_size", "n_inner"),
    "heads": ("num_attention_heads", "n_head", "num_heads", "n_heads"),
    "kv_heads": ("num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num"),
    "head_dim": ("head_dim",),
    "vocab": ("vocab_size", "padded_vocab_size"),
    "experts": ("num_local_experts", "n_routed_experts", "num_experts"),
    "context_length": ("max_position_embeddings", "n_positions", "seq_length", "max_seq_len"),
}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _rope(config: Mapping[str, Any]) -> str | None:
    if "rope_scaling" not in config and "rope_parameters" not in config:
        return None
    scaling = config.get("rope_scaling") or config.get("rope_parameters")
    if scaling is None:
        return "default"
    if isinstance(scaling, Mapping):
        kind = scaling.get("rope_type", scaling.get("type"))
        return str(kind) if isinstance(kind, str) else None
    return None


def facts_from_config(config: Mapping[str, Any], *, source: str = "config.json") -> StructuralFacts:
    """The shape a transformers `config.json` declares (the text part of a multimodal one)."""
    text = config.get("text_config")
    cfg: Mapping[str, Any] = config
    if isinstance(text, Mapping) and any(k in text for k in _CONFIG_KEYS["layers"]):
        cfg = {**{k: v for k, v in config.items() if k != "text_config"}, **text}
    values: dict[str, Any] = {}
    for name, keys in _CONFIG_KEYS.items():
        for key in keys:
            if _int(cfg.get(key)) is not None:
                values[name] = cfg[key]
                break
    if values.get("kv_heads") is None and cfg.get("multi_query") is True:
        values["kv_heads"] = 1        # Falcon-7B style
    theta = cfg.get("rope_theta")
    archs = config.get("architectures")
    model_type = config.get("model_type")
    tie = cfg.get("tie_word_embeddings", config.get("tie_word_embeddings"))
    return StructuralFacts(
        architecture=model_type if isinstance(model_type, str) else None,
        architectures=tuple(a for a in archs if isinstance(a, str)) if isinstance(archs, list) else (),
        rope_type=_rope(cfg),
        rope_theta=float(theta) if isinstance(theta, (int, float)) and not isinstance(theta, bool) else None,
        tie_word_embeddings=tie if isinstance(tie, bool) else None,
        sources=(source,), **values)


def _load_json(path: Path, limit: int) -> Any:
    data = read_capped(path, limit)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not valid JSON ({exc})", path=path) from None
    except RecursionError:   # [[[[... nested past the parser's limit
        raise InputError("not valid JSON (nested too deeply)", path=path) from None


# --- tokenizer files ---------------------------------------------------------------------------

def _token_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("content"), str):
        return str(value["content"])
    return None


def special_tokens_from_tokenizer_config(doc: Mapping[str, Any]) -> frozenset[str]:
    """Added and special tokens named by a `tokenizer_config.json`."""
    out: set[str] = set()
    decoder = doc.get("added_tokens_decoder")
    if isinstance(decoder, Mapping):
        for item in decoder.values():
            text = _token_text(item)
            if text is not None:
                out.add(text)
    for key in ("bos_token", "eos_token", "unk_token", "pad_token", "additional_special_tokens"):
        value = doc.get(key)
        for item in value if isinstance(value, list) else [value]:
            text = _token_text(item)
            if text is not None:
                out.add(text)
    return frozenset(sorted(out)[:MAX_SPECIAL_TOKENS])


def special_tokens_from_tokenizer_json_head(head: bytes) -> frozenset[str] | None:
    """The `added_tokens` list of a `tokenizer.json`, from its first bytes only (it precedes
    the vocabulary in files written by `tokenizers`); None when not within `head`."""
    at = head.find(b'"added_tokens"')
    if at < 0:
        return None
    start = head.find(b"[", at)
    if start < 0:
        return None
    try:
        items, _end = json.JSONDecoder().raw_decode(head[start:].decode("utf-8", errors="ignore"))
    except json.JSONDecodeError:
        return None       # the list runs past the head we read
    except RecursionError:
        return None       # nested past the parser's limit: no token list to read
    if not isinstance(items, list):
        return None
    return frozenset(t for t in (_token_text(i) for i in items[:MAX_SPECIAL_TOKENS]) if t)


# --- safetensors -------------------------------------------------------------------------------

def read_safetensors_header(path: str | os.PathLike[str], *,
                            max_header: int = MAX_SAFETENSORS_HEADER) -> dict[str, Any]:
    """The JSON header of a safetensors file (8-byte little-endian length, then JSON); the
    declared length is checked against `max_header` and the file size before it is read."""
    shown = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            return _parse_safetensors(fh, size, shown, max_header)
    except OSError as exc:
        raise input_error(exc, shown) from None


def _parse_safetensors(fh: BinaryIO, size: int, shown: str, max_header: int) -> dict[str, Any]:
    raw = fh.read(8)
    if len(raw) != 8:
        raise InputError("not a safetensors file (shorter than its 8-byte header length)", path=shown)
    (length,) = struct.unpack("<Q", raw)
    if length > max_header:
        raise InputError(f"safetensors header claims {length} bytes; licheck reads at most "
                         f"{max_header}", path=shown)
    if length > size - 8:
        raise InputError(f"safetensors header claims {length} bytes, but the file has only "
                         f"{size - 8} after the length", path=shown)
    data = fh.read(length)
    try:
        header = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"safetensors header is not valid JSON ({exc})", path=shown) from None
    except RecursionError:
        raise InputError("safetensors header is not valid JSON (nested too deeply)",
                         path=shown) from None
    if not isinstance(header, dict):
        raise InputError("safetensors header is not a JSON object", path=shown)
    return header


def _shape(entry: Any) -> list[int] | None:
    if isinstance(entry, Mapping) and isinstance(entry.get("shape"), list):
        shape = entry["shape"]
        if all(_int(d) is not None for d in shape):
            return list(shape)
    return None


def _find(tensors: Mapping[str, Any], *suffixes: str) -> list[int] | None:
    for name, entry in tensors.items():
        if name.endswith(suffixes):
            shape = _shape(entry)
            if shape:
                return shape
    return None


def facts_from_tensor_names(names: Iterable[str]) -> StructuralFacts:
    """Depth from tensor names alone (an index file has names, not shapes); the layers of a
    multimodal model's vision or audio tower do not count."""
    layers = {int(m.group(1)) for n in names
              if not _NOT_TEXT.search(n) and (m := _LAYER.search(n))}
    return StructuralFacts(layers=max(layers) + 1 if layers else None)


def facts_from_safetensors_header(header: Mapping[str, Any], *,
                                  source: str = "safetensors header") -> StructuralFacts:
    """Shape facts from tensor names and shapes (HF naming: model.layers.N.self_attn...)."""
    tensors = {k: v for k, v in header.items() if k != "__metadata__" and not _NOT_TEXT.search(k)}
    depth = facts_from_tensor_names(tensors)
    embed = _find(tensors, "embed_tokens.weight", "wte.weight", "word_embeddings.weight",
                  "tok_embeddings.weight")
    lm_head = _find(tensors, "lm_head.weight")
    # Layer 0's projections (a shard that holds no layer 0 gives what it has).
    up = _find(tensors, "layers.0.mlp.gate_proj.weight", "layers.0.mlp.up_proj.weight",
               "layers.0.mlp.experts.0.gate_proj.weight", "layers.0.block_sparse_moe.experts.0.w1.weight")
    if up is None:      # Phi-3 style: gate and up fused into one projection
        fused = _find(tensors, "layers.0.mlp.gate_up_proj.weight")
        up = [fused[0] // 2, fused[1]] if fused and len(fused) == 2 else None
    q = _find(tensors, "layers.0.self_attn.q_proj.weight")
    k = _find(tensors, "layers.0.self_attn.k_proj.weight")
    experts = {m.group(1) for n in tensors
               if (m := re.search(r"layers\.\d+\.(?:mlp|block_sparse_moe)\.experts\.(\d+)\.", n))}
    return StructuralFacts(
        layers=depth.layers,
        hidden=embed[1] if embed and len(embed) == 2 else None,
        vocab=embed[0] if embed and len(embed) == 2 else (lm_head[0] if lm_head else None),
        intermediate=up[0] if up and len(up) == 2 else None,
        q_width=q[0] if q and len(q) == 2 else None,
        kv_width=k[0] if k and len(k) == 2 else None,
        experts=len(experts) or None,
        sources=(source,))


# --- a model folder ----------------------------------------------------------------------------

def read_folder_facts(folder: str | os.PathLike[str]) -> StructuralFacts:
    """Facts from a local model folder: config, tokenizer files and the safetensors header(s).

    Missing files are simply absent facts; an unreadable or oversized one is an InputError."""
    root = Path(folder)
    facts = StructuralFacts()
    config_path = root / "config.json"
    if config_path.is_file():
        doc = _load_json(config_path, MAX_CONFIG_BYTES)
        if isinstance(doc, Mapping):
            facts = facts_from_config(doc)
    tok_cfg = root / "tokenizer_config.json"
    specials: set[str] = set()
    if tok_cfg.is_file():
        doc = _load_json(tok_cfg, MAX_TOKENIZER_CONFIG_BYTES)
        if isinstance(doc, Mapping):
            specials |= special_tokens_from_tokenizer_config(doc)
            cls = doc.get("tokenizer_class")
            if isinstance(cls, str) and facts.tokenizer_model is None:
                facts = replace(facts, tokenizer_model=cls)
            facts = replace(facts, sources=facts.sources + ("tokenizer_config.json",))
    tok_json = root / "tokenizer.json"
    if tok_json.is_file():
        found = special_tokens_from_tokenizer_json_head(read_head(tok_json, TOKENIZER_JSON_HEAD_BYTES))
        if found is None:
            facts = replace(facts, notes=facts.notes + (
                f"tokenizer.json: no added_tokens list in its first {TOKENIZER_JSON_HEAD_BYTES} bytes",))
        else:
            specials |= found
            facts = replace(facts, sources=facts.sources + ("tokenizer.json",))
    facts = replace(facts, special_tokens=facts.special_tokens | frozenset(specials))
    weights = _weights_facts(root)
    if weights is not None:
        facts = facts.merged(weights, other_name="the safetensors header")
    return facts


def _weights_facts(root: Path) -> StructuralFacts | None:
    single = root / "model.safetensors"
    if single.is_file():
        return facts_from_safetensors_header(read_safetensors_header(single),
                                             source="model.safetensors header")
    index = root / "model.safetensors.index.json"
    if not index.is_file():
        return None
    doc = _load_json(index, MAX_INDEX_BYTES)
    weight_map = doc.get("weight_map") if isinstance(doc, Mapping) else None
    if not isinstance(weight_map, Mapping):
        raise InputError("no 'weight_map' object in the index", path=index)
    depth = facts_from_tensor_names(weight_map)
    # The shard holding the embedding usually also holds layer 0: one header read.
    shard = next((v for k, v in weight_map.items() if k.endswith("embed_tokens.weight")), None)
    if not isinstance(shard, str) or "/" in shard or "\\" in shard or not (root / shard).is_file():
        return replace(depth, sources=("model.safetensors.index.json",))
    shard_facts = facts_from_safetensors_header(read_safetensors_header(root / shard),
                                                source=f"{shard} header")
    return replace(shard_facts, layers=depth.layers,
                   sources=("model.safetensors.index.json",) + shard_facts.sources)


# --- GGUF --------------------------------------------------------------------------------------

_TOKENS = "tokenizer.ggml.tokens"
_GGUF_SCALARS = ("block_count", "embedding_length", "feed_forward_length", "attention.head_count",
                 "attention.head_count_kv", "attention.key_length", "context_length",
                 "expert_count", "vocab_size", "rope.freq_base", "rope.scaling.type")


def _keep_structure_key(key: str) -> bool:
    return (key.startswith("general.") and key != "general.alignment") or key in (
        "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.bos_token_id",
        "tokenizer.ggml.eos_token_id") or key.endswith(_GGUF_SCALARS)


def _pick_special(key: str) -> re.Pattern[bytes] | None:
    return _SPECIAL if key == _TOKENS else None


def _have_shape_keys(header: GgufHeader) -> bool:
    arch = header.metadata.get("general.architecture")
    return isinstance(arch, str) and f"{arch}.block_count" in header.metadata


def _stop_early(key: str, header: GgufHeader) -> bool:
    # Files written by llama.cpp and the gguf package put general.* and the architecture's
    # keys before the tokenizer; once those are in, the token list is read by a bounded scan
    # (`_token_window`) instead of a walk over every string, and nothing after it is needed.
    # In any other order, walk on, but stop before the merges (often the bulk of a header)
    # once both the shape and the token list are in.
    if not _have_shape_keys(header):
        return False
    return key == _TOKENS or (key == "tokenizer.ggml.merges" and _TOKENS in header.array_counts)


_NEXT_KEY_PREFIX = b"tokenizer.ggml."
_NEXT_KEY = re.compile(rb"tokenizer\.ggml\.[a-z_]{1,40}")


def _token_window(fh: BinaryIO, header: GgufHeader, size: int, name: str) -> bool:
    """Read the token list's count, and its special tokens from one bounded window.

    The window ends where the next `tokenizer.ggml.*` key starts when it is inside it (then
    the special tokens are complete: returns True); otherwise some may have been missed."""
    order = ">" if header.big_endian else "<"
    head = fh.read(16)
    if len(head) < 16:
        raise InputError(f"truncated GGUF header: '{_TOKENS}' ends at the end of the file",
                         path=name)
    vtype, item_type, count = struct.unpack(order + "IIQ", head)
    if vtype != ARRAY or item_type != STRING:
        raise InputError(f"'{_TOKENS}' is not an array of strings", path=name)
    if count > MAX_ARRAY_ITEMS:
        raise InputError(f"'{_TOKENS}' claims {count} tokens; licheck reads at most "
                         f"{MAX_ARRAY_ITEMS}", path=name)
    start = fh.tell()
    window = fh.read(max(0, min(count * _BYTES_PER_TOKEN + 64, MAX_TOKEN_WINDOW, size - start)))
    unpack = struct.Struct(order + "Q").unpack_from
    end = len(window)
    at = window.find(_NEXT_KEY_PREFIX)
    while at != -1:
        m = _NEXT_KEY.match(window, at)
        if m and at >= 8 and unpack(window, at - 8)[0] == m.end() - at:
            end = at - 8
            break
        at = window.find(_NEXT_KEY_PREFIX, at + 1)
    complete = end < len(window)
    tokens = window[:end]
    found: dict[int, str] = {}
    for pattern in (_ANGLE, _SQUARE):
        find_length_prefixed(tokens, start, pattern, unpack, found)
    header.array_counts[_TOKENS] = count
    header.picked[_TOKENS] = sorted(found.items())[:MAX_SPECIAL_TOKENS]
    return complete


def gguf_header_for_structure(fh: BinaryIO, *, size: int, name: str) -> tuple[GgufHeader, bool]:
    """The GGUF keys structure needs, the token count and the special-looking tokens, and
    whether the special tokens are complete."""
    header = parse_gguf_header(fh, size=size, name=name, keep=_keep_structure_key,
                               pick=_pick_special, stop=_stop_early)
    if header.stopped_at == _TOKENS:
        return header, _token_window(fh, header, size, name)
    return header, True


def _one_int(value: Any) -> int | None:
    """A GGUF count, which some architectures store per layer (an array)."""
    if isinstance(value, list):
        distinct = {v for v in value if _int(v) is not None}
        return distinct.pop() if len(distinct) == 1 else None
    return _int(value)


def facts_from_gguf_header(header: GgufHeader, *, source: str = "GGUF header",
                           specials_complete: bool = True) -> StructuralFacts:
    meta = header.metadata
    arch = meta.get("general.architecture")
    arch = arch if isinstance(arch, str) else None

    def get(suffix: str) -> Any:
        return meta.get(f"{arch}.{suffix}") if arch else None

    vocab = _one_int(get("vocab_size"))
    if vocab is None and _TOKENS in header.array_counts:
        vocab = header.array_counts[_TOKENS]
    theta = get("rope.freq_base")
    scaling = get("rope.scaling.type")
    specials = frozenset(text for _i, text in header.picked.get(_TOKENS, ()))
    model = meta.get("tokenizer.ggml.model")
    pre = meta.get("tokenizer.ggml.pre")
    heads = _one_int(get("attention.head_count"))
    key_length = _one_int(get("attention.key_length"))
    return StructuralFacts(
        architecture=arch,
        layers=_one_int(get("block_count")),
        hidden=_one_int(get("embedding_length")),
        intermediate=_one_int(get("feed_forward_length")),
        heads=heads,
        kv_heads=_one_int(get("attention.head_count_kv")),
        head_dim=key_length,
        vocab=vocab,
        experts=_one_int(get("expert_count")),
        context_length=_one_int(get("context_length")),
        rope_theta=float(theta) if isinstance(theta, (int, float)) else None,
        rope_type=scaling if isinstance(scaling, str) and scaling != "none" else None,
        tokenizer_model=model if isinstance(model, str) else None,
        tokenizer_pre=pre if isinstance(pre, str) else None,
        special_tokens=specials,
        special_tokens_complete=specials_complete,
        sources=(source,))


def read_gguf_facts(path: str | os.PathLike[str]) -> StructuralFacts:
    """Structural facts from a GGUF file's key/value block (never its tensors)."""
    shown = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            header, complete = gguf_header_for_structure(fh, size=size, name=shown)
    except OSError as exc:
        raise input_error(exc, shown) from None
    return facts_from_gguf_header(header, source=f"{os.path.basename(shown)} (GGUF header)",
                                  specials_complete=complete)


def read_structure(path: str | os.PathLike[str]) -> StructuralFacts:
    """Facts from a model folder, a `.gguf` file or a `.safetensors` file."""
    p = Path(path)
    if p.is_dir():
        return read_folder_facts(p)
    with_magic = read_head(p, 4)[:4]
    if with_magic == b"GGUF":
        return read_gguf_facts(p)
    if p.suffix == ".safetensors":
        facts = facts_from_safetensors_header(read_safetensors_header(p), source=f"{p.name} header")
        if _SHARD.search(p.name):
            # One shard holds some of the layers: its depth is not the model's.
            facts = replace(facts, layers=None, notes=facts.notes + (
                f"{p.name} is one shard: the depth needs model.safetensors.index.json",))
        return facts
    raise InputError("not a model folder, a GGUF file or a safetensors file", path=p)


__all__ = [
    "StructuralFacts", "facts_from_config", "facts_from_gguf_header",
    "facts_from_safetensors_header", "gguf_header_for_structure", "read_folder_facts",
    "read_gguf_facts", "read_safetensors_header", "read_structure",
    "special_tokens_from_tokenizer_config", "special_tokens_from_tokenizer_json_head",
]
