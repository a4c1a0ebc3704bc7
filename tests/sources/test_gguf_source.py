"""GGUF headers: facts from metadata-only files, and corrupt files refused with bounds."""

from __future__ import annotations

import struct
import tracemalloc
from pathlib import Path

import gguf  # a test extra: writes the fixture files
import pytest

from licheck.errors import InputError
from licheck.gguf_header import MAX_STRING_BYTES, read_gguf_header
from licheck.model import ModelRef, Unresolved
from licheck.sources.gguf import GgufSource


def write_gguf(path: Path, *, source_repo: str | None = None, bases: tuple[str, ...] = (),
               licence: str | None = "llama3.1", adapter: bool = False, big_tokens: int = 0) -> Path:
    """A metadata-only GGUF written by the reference implementation (ggml's GGUF specification)."""
    w = gguf.GGUFWriter(str(path), arch="llama")
    w.add_type("adapter" if adapter else gguf.GGUFType.MODEL)
    if adapter:
        w.add_string("adapter.type", "lora")
    w.add_name("Meta Llama 3.1 8B Instruct")
    w.add_basename("Meta-Llama-3.1")
    w.add_finetune("Instruct")
    w.add_size_label("8B")
    w.add_quantized_by("bartowski")
    if licence:
        w.add_license(licence)
        w.add_license_name(licence)
        w.add_license_link("https://huggingface.co/meta-llama/Meta-Llama-3.1-8B/blob/main/LICENSE")
    if source_repo:
        w.add_source_repo_url(f"https://huggingface.co/{source_repo}")
    if bases:
        w.add_base_model_count(len(bases))
        for i, base in enumerate(bases):
            w.add_base_model_name(i, base.split("/")[-1])
            w.add_base_model_organization(i, base.split("/")[0].title())
            w.add_base_model_repo_url(i, f"https://huggingface.co/{base}")
    w.add_tags(["facebook", "meta", "llama-3"])
    if big_tokens:   # a tokenizer-sized array that must be skipped, not kept
        w.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(big_tokens)])
    w.add_uint32("general.quantization_version", 2)
    w.add_file_type(15)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_metadata_only_file_gives_declared_licence_and_parent(tmp_path):
    path = write_gguf(tmp_path / "m.gguf", source_repo="meta-llama/Llama-3.1-8B-Instruct",
                      bases=("meta-llama/Llama-3.1-8B",))
    src = GgufSource()
    ref = ModelRef("gguf", str(path))
    assert src.accepts(ref) and src.accepts(ModelRef("path", str(path)))
    assert not src.accepts(ModelRef("path", str(tmp_path)))
    facts = src.fetch(ref)
    assert facts.source == "gguf" and facts.id == str(path)
    assert facts.declared_licence == "llama3.1" and facts.licence_name == "llama3.1"
    assert facts.licence_link.endswith("/LICENSE")
    assert facts.name == "Meta Llama 3.1 8B Instruct"
    assert [(p.ref.kind, p.ref.name, p.relation) for p in facts.parents] == \
        [("hub", "meta-llama/Llama-3.1-8B-Instruct", "quantized")]
    assert facts.relation == "quantized"
    # the base_model entries describe the parent's parents, so they are only noted
    assert any("meta-llama/Llama-3.1-8B" in n for n in facts.notes)


def test_base_models_without_source_are_ancestors_of_unknown_relation(tmp_path):
    path = write_gguf(tmp_path / "m.gguf", bases=("meta-llama/Llama-3.1-8B", "Qwen/Qwen2.5-7B"))
    facts = GgufSource().fetch(ModelRef("gguf", str(path)))
    assert [(p.ref.name, p.relation) for p in facts.parents] == \
        [("meta-llama/Llama-3.1-8B", "unknown"), ("Qwen/Qwen2.5-7B", "unknown")]
    assert any("does not record" in n for n in facts.notes)


def test_lora_gguf_is_an_adapter_of_its_base(tmp_path):
    path = write_gguf(tmp_path / "lora.gguf", adapter=True, bases=("meta-llama/Llama-3.1-8B",))
    facts = GgufSource().fetch(ModelRef("gguf", str(path)))
    assert facts.relation == "adapter"
    assert [(p.ref.name, p.relation) for p in facts.parents] == [("meta-llama/Llama-3.1-8B", "adapter")]


def test_old_file_without_licence_keys(tmp_path):
    path = write_gguf(tmp_path / "old.gguf", licence=None)
    facts = GgufSource().fetch(ModelRef("gguf", str(path)))
    assert facts.declared_licence is None and facts.parents == []
    assert any("declares no licence" in n for n in facts.notes)


def test_big_arrays_are_skipped_not_kept(tmp_path):
    path = write_gguf(tmp_path / "tok.gguf", big_tokens=20000)
    header = read_gguf_header(path)
    assert "tokenizer.ggml.tokens" not in header.metadata
    assert header.metadata["general.tags"] == ["facebook", "meta", "llama-3"]
    assert header.metadata["general.license"] == "llama3.1"


def test_header_only_truncated_copy_still_reads(tmp_path):
    """A partial download that stops after the key/value block is enough (ggml's GGUF specification)."""
    full = write_gguf(tmp_path / "full.gguf", source_repo="meta-llama/Llama-3.1-8B-Instruct")
    end = read_gguf_header(full).end_offset
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(full.read_bytes()[:end])
    assert GgufSource().fetch(ModelRef("gguf", str(cut))).declared_licence == "llama3.1"


def test_missing_file_is_unresolved(tmp_path):
    result = GgufSource().fetch(ModelRef("gguf", str(tmp_path / "nope.gguf")))
    assert isinstance(result, Unresolved) and "not found" in result.reason


# --- corrupt and hostile files ------------------------------------------------------------------

def _header(version: int = 3, tensors: int = 0, kvs: int = 1) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, tensors, kvs)


def _key(name: str) -> bytes:
    raw = name.encode()
    return struct.pack("<Q", len(raw)) + raw


@pytest.mark.parametrize(("data", "words"), [
    (b"", "bad magic"),
    (b"GGML" + b"\0" * 60, "bad magic"),
    (_header(version=7), "unsupported GGUF version 7"),
    (_header(version=1), "unsupported GGUF version 1"),
    (_header(kvs=2**40), "key/value count 1099511627776 at offset 16 exceeds the limit"),
    (_header() + struct.pack("<Q", 2**64 - 1), "key #0 length 18446744073709551615 at offset 24 exceeds"),
    (_header() + _key("general.name") + struct.pack("<IQ", 8, 2**63),
     f"value of 'general.name' length 9223372036854775808 at offset 48 exceeds the limit ({MAX_STRING_BYTES})"),
    (_header() + _key("general.name") + struct.pack("<IQ", 8, 4294967295),
     "length 4294967295 at offset 48 exceeds the limit"),
    (_header() + _key("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2**62),
     "array count 4611686018427387904 at offset 57 exceeds the limit"),
    (_header() + _key("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 10_000_000),
     "truncated GGUF header"),
    (_header() + _key("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2)
     + struct.pack("<Q", 5) + b"abcde" + struct.pack("<Q", 1000), "truncated GGUF header"),
    (_header() + _key("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2)
     + struct.pack("<Q", 2**63) + b"\0" * 16,
     "value of 'tokenizer.ggml.tokens'[0] length 9223372036854775808 at offset 69 exceeds"),
    (_header() + _key("general.name") + struct.pack("<IQ", 8, 100) + b"short",
     "truncated GGUF header: value of 'general.name' needs 100 bytes at offset 56"),
    (_header() + _key("general.name") + struct.pack("<I", 99), "unknown value type 99"),
    (_header(kvs=3) + _key("general.name") + struct.pack("<IQ", 8, 1) + b"x",
     "truncated GGUF header"),
])
def test_corrupt_files_are_refused_clearly(tmp_path, data, words):
    path = tmp_path / "model.gguf"
    path.write_bytes(data)
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as info:
            GgufSource().fetch(ModelRef("gguf", str(path)))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.path == str(path)
    assert words in info.value.message, info.value.message
    assert str(info.value).startswith(f"{path}: ")
    assert peak < 5 * 1024 * 1024, f"reading a corrupt header allocated {peak} bytes"


def test_big_endian_file_is_read(tmp_path):
    value = b"apache-2.0"
    key = b"general.license"
    data = (b"GGUF" + struct.pack(">IQQ", 3, 0, 1) + struct.pack(">Q", len(key)) + key
            + struct.pack(">IQ", 8, len(value)) + value)
    path = tmp_path / "be.gguf"
    path.write_bytes(data)
    header = read_gguf_header(path)
    assert header.big_endian and header.metadata == {"general.license": "apache-2.0"}


def test_directory_named_gguf(tmp_path):
    folder = tmp_path / "x.gguf"
    folder.mkdir()
    with pytest.raises(InputError, match="directory"):
        read_gguf_header(folder)
