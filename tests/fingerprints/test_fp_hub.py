"""The Hub path: a laundered repo's two small files, fetched with the real huggingface_hub client
from the loopback mock Hub, are enough to name its probable base. No weight file is asked for.

This drives the readers the Hub source will call once wired (docs/fingerprints.md, "Wiring
plan"): `facts_from_config` and `special_tokens_from_tokenizer_config` on downloaded bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fpfixtures import SPECIALS, structure_findings
from mockhub import MockHub, mock_hub  # noqa: F401 - fixture

from licheck.fingerprints import default_fingerprints
from licheck.structure import (
    StructuralFacts,
    facts_from_config,
    special_tokens_from_tokenizer_config,
)
from licheck.structure_findings import UNDECLARED_ID


def _tokenizer_config(specials: dict[int, str]) -> str:
    return json.dumps({"added_tokens_decoder": {str(i): {"content": t, "special": True}
                                                for i, t in specials.items()}})


def _hub_facts(hub: MockHub, repo_id: str, tmp_path: Path) -> StructuralFacts:
    from huggingface_hub import hf_hub_download

    def fetch(name: str) -> Any:
        path = hf_hub_download(repo_id, name, endpoint=hub.url, cache_dir=str(tmp_path / "hf"))
        return json.loads(Path(path).read_text(encoding="utf-8"))

    facts = facts_from_config(fetch("config.json"), source=f"{repo_id} config.json")
    specials = special_tokens_from_tokenizer_config(fetch("tokenizer_config.json"))
    return facts.merged(StructuralFacts(special_tokens=specials), other_name="tokenizer_config.json")


def test_laundered_hub_repo_is_named_from_two_small_files(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                                          real_configs: dict[str, Any]) -> None:
    cfg = dict(real_configs["meta-llama/Meta-Llama-3.1-70B"]["config"])
    cfg["_name_or_path"] = "/data/runs/dpo-final"
    mock_hub.add_repo("acme/acme-70b-chat", {"license": "apache-2.0", "tags": ["chat"]}, files={
        "config.json": json.dumps(cfg),
        "tokenizer_config.json": _tokenizer_config(SPECIALS["llama3"]),
        "model-00001-of-00030.safetensors": b"\0" * 64,
    })
    mock_hub.reset_counts()
    facts = _hub_facts(mock_hub, "acme/acme-70b-chat", tmp_path)
    match = default_fingerprints().match(facts)
    [finding] = structure_findings("acme/acme-70b-chat", match, declared_licence="apache-2.0")
    assert finding.id == UNDECLARED_ID
    assert "Llama 3.1 70B (llama3.1) or Llama 3.3 70B (llama3.3)" in finding.message
    asked = {path.rsplit("/", 1)[-1] for _method, path in mock_hub.requests if "/resolve/" in path}
    assert asked == {"config.json", "tokenizer_config.json"}


def test_hub_repo_with_an_honest_card_gives_nothing(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                                    real_configs: dict[str, Any]) -> None:
    mock_hub.add_repo("acme/qwen-ft", {"license": "apache-2.0", "base_model": "Qwen/Qwen2.5-7B"},
                      files={"config.json": json.dumps(real_configs["mlc:qwen2_7b"]["config"]),
                             "tokenizer_config.json": _tokenizer_config(SPECIALS["qwen"])})
    match = default_fingerprints().match(_hub_facts(mock_hub, "acme/qwen-ft", tmp_path))
    assert match.fingerprints[0].id == "qwen2-7b"
    assert structure_findings("acme/qwen-ft", match, declared_bases=["Qwen/Qwen2.5-7B"]) == []
