"""What every source records for the lock: the SHA-256 of each document its facts came from."""

from __future__ import annotations

import hashlib
from pathlib import Path

import gguf
from envs import bundled

from licheck.model import ModelFacts, ModelRef
from licheck.sources.catalogue import CatalogueSource
from licheck.sources.gguf import GgufSource
from licheck.sources.hub import facts_from_json, facts_to_json
from licheck.sources.local import LocalDirSource


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write_gguf(path: Path, licence: str) -> Path:
    w = gguf.GGUFWriter(str(path), arch="llama")
    w.add_name("Some Model")
    w.add_license(licence)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_gguf_metadata_digest_follows_the_metadata(tmp_path: Path) -> None:
    def digest(name: str, licence: str) -> str:
        facts = GgufSource().fetch(ModelRef("gguf", str(write_gguf(tmp_path / name, licence))))
        assert isinstance(facts, ModelFacts)
        return facts.documents["GGUF metadata"]

    assert digest("a.gguf", "llama3.1") == digest("b.gguf", "llama3.1")
    assert digest("a.gguf", "llama3.1") != digest("c.gguf", "apache-2.0")


def test_local_directory_digests_are_of_the_files_bytes(tmp_path: Path) -> None:
    card = b"---\nlicense: other\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Mine\n"
    licence = b"Some licence text\n"
    adapter = b'{"base_model_name_or_path": "meta-llama/Llama-3.1-8B", "peft_type": "LORA"}'
    (tmp_path / "README.md").write_bytes(card)
    (tmp_path / "LICENSE").write_bytes(licence)
    (tmp_path / "adapter_config.json").write_bytes(adapter)
    facts = LocalDirSource().fetch(ModelRef("path", str(tmp_path)))
    assert isinstance(facts, ModelFacts)
    assert facts.documents == {"README.md": sha(card), "LICENSE": sha(licence),
                               "adapter_config.json": sha(adapter)}


def test_catalogue_entry_digest() -> None:
    facts = CatalogueSource(bundled().catalogue).fetch(ModelRef("hub", "meta-llama/Llama-3.1-8B-Instruct"))
    assert isinstance(facts, ModelFacts)
    [(name, digest)] = facts.documents.items()
    assert name == "catalogue entry meta-llama/Llama-3.1-8B-Instruct" and digest.startswith("sha256:")


def test_hub_facts_keep_commit_and_digests_through_the_cache() -> None:
    facts = ModelFacts(ref=ModelRef("hub", "a/b"), id="a/b", source="hub", commit="c" * 40,
                       documents={"cardData": "sha256:" + "0" * 64})
    again = facts_from_json(facts_to_json(facts))
    assert (again.commit, again.documents) == (facts.commit, facts.documents)
