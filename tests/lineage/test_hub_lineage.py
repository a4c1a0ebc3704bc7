"""The real huggingface_hub client against the loopback mock Hub: lineage and licences."""

from __future__ import annotations

import pytest
from envs import resolve, resolve_many
from mockhub import MockHub

from licheck.model import Severity
from licheck.sources.registry import SourceRegistry


def kinds(lineage, kind: str):
    return [f for f in lineage.findings if f.kind == kind]


def test_finetune_to_base(hub_registry: SourceRegistry) -> None:
    lin = resolve("meta-llama/Llama-3.1-8B-Instruct", sources=hub_registry)
    assert [n.id for n in lin.nodes] == ["meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B"]
    top, base = lin.nodes
    assert (top.relation, top.parents, top.licence) == ("finetune", ["meta-llama/Llama-3.1-8B"], "llama3.1")
    assert (base.relation, base.parents, base.source) == ("base", [], "hub")
    assert "card license: llama3.1" in base.evidence
    assert lin.licences == ["llama3.1"] and lin.findings == []


def test_gated_repo_uses_card_data_not_files(hub_registry: SourceRegistry, mock_hub: MockHub) -> None:
    lin = resolve("meta-llama/Llama-3.1-8B", sources=hub_registry)
    assert lin.model.licence == "llama3.1"
    assert mock_hub.count("/meta-llama/Llama-3.1-8B/resolve/") == 0   # the gated LICENSE was never needed


def test_laundering_fine_tune_keeps_the_llama_licence(hub_registry: SourceRegistry) -> None:
    lin = resolve("acme/laundered-8b", sources=hub_registry)
    assert lin.model.licence == "apache-2.0"
    assert lin.licences == ["apache-2.0", "llama3.1"]
    [mismatch] = kinds(lin, "licence_mismatch")
    assert mismatch.id == "lineage/licence_mismatch" and mismatch.severity is Severity.WARNING
    assert mismatch.licence == "llama3.1" and mismatch.model == "acme/laundered-8b"
    assert mismatch.via == ["acme/laundered-8b", "meta-llama/Llama-3.1-8B-Instruct"]


def test_adapter_found_through_adapter_config(hub_registry: SourceRegistry, mock_hub: MockHub) -> None:
    lin = resolve("acme/llama-lora", sources=hub_registry)
    assert lin.model.relation == "adapter"
    assert lin.model.parents == ["meta-llama/Llama-3.1-8B"]
    assert "adapter_config.json" in lin.model.evidence
    assert mock_hub.count("/acme/llama-lora/resolve/main/adapter_config.json") == 1


def test_merge_with_a_non_commercial_parent(hub_registry: SourceRegistry) -> None:
    lin = resolve("acme/merge-nc", sources=hub_registry)
    assert lin.model.relation == "merge"
    assert set(lin.model.parents) == {"mistralai/Mistral-7B-v0.1", "acme/nc-model"}
    assert [n.id for n in lin.nodes].count("mistralai/Mistral-7B-v0.1") == 1
    assert lin.licences == ["apache-2.0", "cc-by-nc-4.0"]
    warnings = [f for f in kinds(lin, "licence_mismatch") if f.severity is Severity.WARNING]
    assert [(f.licence, f.via[-1]) for f in warnings] == [("cc-by-nc-4.0", "acme/nc-model")]


def test_gguf_quant_to_fine_tune_to_base(hub_registry: SourceRegistry) -> None:
    lin = resolve("bartowski/Hermes-3-Llama-3.1-8B-GGUF", sources=hub_registry)
    assert [(n.id, n.relation) for n in lin.nodes] == [
        ("bartowski/Hermes-3-Llama-3.1-8B-GGUF", "quantized"),
        ("NousResearch/Hermes-3-Llama-3.1-8B", "finetune"),
        ("meta-llama/Llama-3.1-8B", "base"),
    ]
    assert lin.licences == ["llama3", "llama3.1"]
    assert {f.severity for f in kinds(lin, "licence_mismatch")} == {Severity.WARNING}


def test_card_without_licence_inherits_its_base(hub_registry: SourceRegistry) -> None:
    lin = resolve("acme/nolicence-ft", sources=hub_registry)
    assert lin.model.licence is None
    assert lin.licences == ["llama3.1"]
    [mismatch] = kinds(lin, "licence_mismatch")
    assert "declares no licence" in mismatch.message and mismatch.severity is Severity.WARNING
    assert kinds(lin, "licence_unknown") == []

    permissive = resolve("acme/nolicence-apache-ft", sources=hub_registry)
    assert permissive.licences == ["apache-2.0"]
    assert [f.severity for f in permissive.findings] == [Severity.INFO]


def test_license_other_with_license_name(hub_registry: SourceRegistry, mock_hub: MockHub) -> None:
    lin = resolve("mirror/qwen-mirror", sources=hub_registry)
    assert lin.model.licence == "qwen" and lin.model.declared_licence == "other"
    assert "license_name: qwen" in lin.model.evidence
    assert mock_hub.count("/mirror/qwen-mirror/resolve/") == 0   # the name sufficed


@pytest.mark.parametrize(("repo", "licence"), [
    ("mirror/kimi-k2-mirror", "kimi-k2-modified-mit"),        # license_name: modified-mit
    ("mirror/minimax-m2-mirror", "minimax-m2-modified-mit"),  # license: modified-mit
])
def test_a_name_publishers_share_is_decided_by_the_licence_text(
        hub_registry: SourceRegistry, mock_hub: MockHub, repo: str, licence: str) -> None:
    # Moonshot and MiniMax both call their licences `modified-mit`: never a guess from the name.
    lin = resolve(repo, sources=hub_registry)
    assert lin.model.licence == licence
    assert lin.model.evidence.startswith(f"LICENSE identified as {licence}")
    assert mock_hub.count(f"/{repo}/resolve/main/LICENSE") == 1


def test_a_shared_name_without_a_licence_text_stays_unknown(hub_registry: SourceRegistry) -> None:
    lin = resolve("mirror/modified-mit-nolicence", sources=hub_registry)
    assert lin.model.licence is None and lin.licences == []
    [unknown] = kinds(lin, "licence_unknown")
    assert "several licences share" in lin.model.evidence
    assert "kimi-k2-modified-mit" in lin.model.evidence and "minimax-m2-modified-mit" in lin.model.evidence


def test_mirror_whose_licence_text_is_the_only_evidence(hub_registry: SourceRegistry, mock_hub: MockHub) -> None:
    lin = resolve("mirror/yi-34b", sources=hub_registry)
    assert lin.model.licence == "yi"
    assert lin.model.evidence.startswith("LICENSE identified as yi")
    assert "matcher" in lin.model.evidence
    assert mock_hub.count("/mirror/yi-34b/resolve/main/LICENSE") == 1


def test_url_valued_base_model(hub_registry: SourceRegistry) -> None:
    lin = resolve("TheBloke/Llama-2-7b-Chat-GPTQ", sources=hub_registry)
    assert lin.model.parents == ["meta-llama/Llama-2-7b-chat-hf"]
    assert lin.model.name == "Llama 2 7B Chat"
    assert lin.licences == ["llama2"]


def test_architecture_never_implies_a_licence(hub_registry: SourceRegistry) -> None:
    tiny = resolve("TinyLlama/TinyLlama-1.1B-Chat-v1.0", sources=hub_registry)
    assert tiny.licences == ["apache-2.0"] and tiny.findings == []
    bare = resolve("acme/llama-arch-nolicence", sources=hub_registry)
    assert bare.licences == [] and bare.model.licence is None
    [unknown] = kinds(bare, "licence_unknown")
    assert "llama" not in (unknown.licence or "")


def test_declared_id_outside_the_corpus_is_unknown_not_guessed(hub_registry: SourceRegistry) -> None:
    lin = resolve("acme/bsd-model", sources=hub_registry)
    assert lin.model.licence is None and lin.model.declared_licence == "bsd-3-clause"
    [unknown] = kinds(lin, "licence_unknown")
    assert "bsd-3-clause" in unknown.message and "not checked" in unknown.message


def test_cycle_is_reported_and_each_node_appears_once(hub_registry: SourceRegistry) -> None:
    lin = resolve("cyc/a", sources=hub_registry)
    assert [n.id for n in lin.nodes] == ["cyc/a", "cyc/b"]
    [cycle] = kinds(lin, "unresolved")
    assert "cycle" in cycle.message and "cyc/a -> cyc/b -> cyc/a" in cycle.message


def test_forty_deep_chain_stops_at_the_depth_cap(hub_registry: SourceRegistry, mock_hub: MockHub) -> None:
    for i in range(40):
        mock_hub.add_repo(f"deep/m{i}", {"license": "mit", "base_model": f"deep/m{i + 1}"})
    mock_hub.add_repo("deep/m40", {"license": "mit"})
    lin = resolve("deep/m0", sources=hub_registry)
    resolved = [n for n in lin.nodes if n.resolved]
    assert len(resolved) == 17                     # depths 0..16
    last = lin.nodes[-1]
    assert last.id == "deep/m17" and last.source == "unresolved" and last.licence is None
    assert last.relation == "unknown"
    [too_deep] = kinds(lin, "unresolved")
    assert "deeper than 16" in too_deep.message
    assert mock_hub.count("/api/models/deep/") == 17


def test_not_found_and_gated_api_are_unresolved_nodes(hub_registry: SourceRegistry) -> None:
    missing = resolve("nope/missing", sources=hub_registry)
    node = missing.model
    assert (node.id, node.source, node.licence, node.relation) == ("nope/missing", "unresolved", None, "unknown")
    assert "not found" in kinds(missing, "unresolved")[0].message
    gated = resolve("gated/secret", sources=hub_registry)
    assert "gated" in kinds(gated, "unresolved")[0].message


def test_rename_gives_the_canonical_id(hub_registry: SourceRegistry) -> None:
    lin = resolve("oldowner/old-name", sources=hub_registry)
    assert lin.model.id == "newowner/renamed-model" and lin.ref == "oldowner/old-name"


def test_redirect_is_followed_to_the_canonical_id(hub_registry: SourceRegistry, mock_hub: MockHub) -> None:
    mock_hub.rename("mistral-old/Mistral-7B", "mistralai/Mistral-7B-v0.1", redirect=True)
    lin = resolve("mistral-old/Mistral-7B", sources=hub_registry)
    assert lin.model.id == "mistralai/Mistral-7B-v0.1" and lin.model.licence == "apache-2.0"
    assert mock_hub.count("/api/models/mistral-old/Mistral-7B") == 1


def test_revision_is_sent_to_the_hub(hub_registry: SourceRegistry, mock_hub: MockHub) -> None:
    assert resolve("mistralai/Mistral-7B-v0.1@main", sources=hub_registry).model.licence == "apache-2.0"
    assert mock_hub.count("/api/models/mistralai/Mistral-7B-v0.1/revision/main") == 1
    bad = resolve("mistralai/Mistral-7B-v0.1@nope", sources=hub_registry)
    assert "revision 'nope' not found" in bad.findings[0].message


def test_resolve_many_fetches_every_ancestor_once(hub_registry: SourceRegistry, mock_hub: MockHub) -> None:
    refs = ["acme/laundered-8b", "acme/nolicence-ft", "bartowski/Hermes-3-Llama-3.1-8B-GGUF",
            "meta-llama/Llama-3.1-8B", "acme/llama-lora"]
    lineages = resolve_many(refs, sources=hub_registry)
    assert [lin.ref for lin in lineages] == refs
    assert mock_hub.count("/api/models/meta-llama/Llama-3.1-8B") == 2   # the base and -Instruct, once each
    api_calls = mock_hub.count("/api/models/")
    nodes = {n.id for lin in lineages for n in lin.nodes}
    assert api_calls == len(nodes)
    assert mock_hub.count() <= 2 * len(nodes)


def test_token_is_sent_but_never_shown(hub_registry: SourceRegistry, mock_hub: MockHub,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "hf_SeCrEtToKeN0123456789"
    monkeypatch.setenv("HF_TOKEN", secret)
    lin = resolve("gated/secret", sources=hub_registry)
    assert f"Bearer {secret}" in mock_hub.seen_auth
    text = repr(lin) + " ".join(f.message for f in lin.findings) + repr(hub_registry)
    assert secret not in text
    mock_hub.tokens.add(secret)
    assert resolve("gated/secret", sources=hub_registry).model.licence == "llama3.1"   # access granted


def test_a_publishers_own_relicensing_on_the_hub(mock_hub: MockHub, cache) -> None:
    # The Hub's cards, with the catalogue's organisations telling who published what.
    from envs import bundled

    from licheck.sources.hub import HubSource

    registry = SourceRegistry([HubSource(corpus=bundled().corpus, cache=cache, timeout=5.0)],
                              catalogue=bundled().catalogue)
    lin = resolve("deepseek-ai/DeepSeek-R1", sources=registry)
    top, base = lin.nodes
    assert (top.source, top.licence, base.source, base.licence) == ("hub", "mit", "hub", "deepseek")
    assert "card license: mit" in top.evidence and not base.binds
    assert lin.licences == ["mit"]
    assert [f.severity for f in kinds(lin, "licence_mismatch")] == [Severity.INFO]
    # Without the organisations nobody is known to have published both: the base binds.
    plain = resolve("deepseek-ai/DeepSeek-R1", sources=SourceRegistry(
        [HubSource(corpus=bundled().corpus, cache=cache, timeout=5.0)]))
    assert plain.licences == ["deepseek", "mit"]
