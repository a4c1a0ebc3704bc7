"""Structure wired into the sources, lineage, `resolve` and `check`: local folders, metadata-only
GGUFs and mock-Hub repos, with the real huggingface_hub client against the loopback mock Hub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from envs import corpus, env_for, resolve, run_check
from fpfixtures import SPECIALS, hf_tensors, write_folder, write_gguf
from json_schema import violations
from mockhub import MockHub, mock_hub  # noqa: F401 - fixture

from licheck.cache import Cache
from licheck.cli import main
from licheck.cli.resolve import render_text, to_json
from licheck.config import load_config
from licheck.errors import LicheckError
from licheck.model import Lineage, Severity
from licheck.sources.hub import HubSource
from licheck.sources.registry import SourceRegistry
from licheck.structure_findings import CONTRADICTED_ID, UNDECLARED_ID

LLAMA31_8B = "meta-llama/Meta-Llama-3.1-8B"


def _card(licence: str, base: str | None = None) -> str:
    front = f"license: {licence}\n" + (f"base_model: {base}\n" if base else "")
    return f"---\n{front}---\n# A model\n"


def _folder(tmp_path: Path, name: str, config: dict[str, Any], *, licence: str = "apache-2.0",
            base: str | None = None, specials: str | None = "llama3") -> Path:
    cfg = dict(config)
    cfg["_name_or_path"] = "/scratch/runs/final"      # a local path: no lineage from it
    folder = write_folder(tmp_path / name, cfg,
                          specials=SPECIALS[specials] if specials else None)
    (folder / "README.md").write_text(_card(licence, base), encoding="utf-8")
    return folder


def _llama31_8b_folder(tmp_path: Path, real_configs: dict[str, Any], **kwargs: Any) -> Path:
    folder = _folder(tmp_path, "acme-chat-8b", real_configs[LLAMA31_8B]["config"], **kwargs)
    tensors = hf_tensors(layers=32, hidden=4096, intermediate=14336, heads=32, kv_heads=8,
                         vocab=128256)
    write_folder(folder, json.loads((folder / "config.json").read_text()), tensors=tensors)
    return folder


def _structure_findings(lineage: Lineage) -> list[Any]:
    return [f for f in lineage.findings if f.id.startswith("fingerprint/")]


# --- local folders -----------------------------------------------------------------------------

def test_laundered_local_folder_is_flagged_and_never_rewired(tmp_path: Path,
                                                             real_configs: dict[str, Any]) -> None:
    folder = _llama31_8b_folder(tmp_path, real_configs)
    lineage = resolve(str(folder), offline=True)
    node = lineage.model
    [finding] = _structure_findings(lineage)
    assert (finding.id, finding.kind, finding.severity) == (UNDECLARED_ID, "provenance", Severity.WARNING)
    assert "Llama 3.1 8B" in finding.message and finding.licence == "llama3.1"
    assert "apache-2.0" in finding.message
    assert finding.model == node.id and finding.via == [node.id]
    # The match is a separate, marked edge: the declared lineage and its licences are untouched.
    assert node.parents == [] and lineage.licences == ["apache-2.0"]
    assert node.structure is not None and node.structure["level"] == "shape"
    assert [e["id"] for e in node.structure_parents] == ["meta-llama/Llama-3.1-8B"]
    assert node.structure_parents[0]["via"] == "structure"


def test_strict_check_makes_the_laundering_warning_an_error(tmp_path: Path,
                                                            real_configs: dict[str, Any]) -> None:
    folder = _llama31_8b_folder(tmp_path, real_configs)
    for strict, severity in ((False, Severity.WARNING), (True, Severity.ERROR)):
        report = run_check([str(folder)], offline=True, strict=strict)
        [finding] = [f for f in report.findings if f.id == UNDECLARED_ID]
        assert finding.severity == severity


def test_strict_exit_code_from_the_command_line(tmp_path: Path, real_configs: dict[str, Any],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = _llama31_8b_folder(tmp_path, real_configs)
    assert main(["check", str(folder), "--offline", "--strict", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert violations(doc, "check") == []
    assert any(f["id"] == UNDECLARED_ID and f["severity"] == "error" for f in doc["findings"])


def test_local_folder_declaring_another_base_is_contradicted(tmp_path: Path,
                                                             real_configs: dict[str, Any]) -> None:
    folder = _llama31_8b_folder(tmp_path, real_configs, base="mistralai/Mistral-7B-v0.1")
    lineage = resolve(str(folder), offline=True)
    [finding] = _structure_findings(lineage)
    assert finding.id == CONTRADICTED_ID and finding.severity == Severity.WARNING
    assert "Declares mistralai/Mistral-7B-v0.1" in finding.message and "Llama 3.1 8B" in finding.message
    # The declared parent stays; the structure's base is beside it, marked.
    assert lineage.model.parents == ["mistralai/Mistral-7B-v0.1"]
    assert [e["id"] for e in lineage.model.structure_parents] == ["meta-llama/Llama-3.1-8B"]


def test_a_local_folder_naming_its_true_base_gives_nothing(tmp_path: Path,
                                                           real_configs: dict[str, Any]) -> None:
    folder = _llama31_8b_folder(tmp_path, real_configs, licence="llama3.1",
                                base="meta-llama/Llama-3.1-8B-Instruct")
    lineage = resolve(str(folder), offline=True)
    assert _structure_findings(lineage) == []
    assert lineage.model.structure is not None and lineage.model.structure_parents == []


def test_a_new_architecture_gives_nothing(tmp_path: Path, real_configs: dict[str, Any]) -> None:
    folder = _folder(tmp_path, "new-arch", real_configs["openai/gpt-oss-20b"]["config"], specials=None)
    lineage = resolve(str(folder), offline=True)
    assert _structure_findings(lineage) == []
    assert lineage.model.structure is not None and lineage.model.structure["level"] == "none"
    assert lineage.model.structure_parents == []


def test_a_folder_without_structure_files_has_no_structure(tmp_path: Path) -> None:
    folder = tmp_path / "card-only"
    folder.mkdir()
    (folder / "README.md").write_text(_card("apache-2.0"), encoding="utf-8")
    lineage = resolve(str(folder), offline=True)
    assert lineage.model.structure is None and _structure_findings(lineage) == []


def test_an_unreadable_structure_is_a_note_not_a_failure(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "README.md").write_text(_card("apache-2.0"), encoding="utf-8")
    (folder / "model.safetensors").write_bytes((10**12).to_bytes(8, "little") + b"{}")
    lineage = resolve(str(folder), offline=True)
    assert lineage.model.licence == "apache-2.0" and lineage.model.structure is None
    assert "structure could not be read" in lineage.model.evidence


# --- metadata-only GGUFs -----------------------------------------------------------------------

def _llama31_8b_gguf(path: Path, general: dict[str, str | int]) -> Path:
    return write_gguf(path, "llama", layers=32, hidden=4096, intermediate=14336, heads=32,
                      kv_heads=8, context=131072, vocab=128256, specials=SPECIALS["llama3"],
                      pre="llama-bpe", general=general)


def test_stripped_gguf_is_flagged(tmp_path: Path) -> None:
    path = _llama31_8b_gguf(tmp_path / "chat-q4.gguf", {"general.license": "apache-2.0",
                                                        "general.name": "Chat"})
    lineage = resolve(str(path), offline=True)
    [finding] = _structure_findings(lineage)
    assert finding.id == UNDECLARED_ID and "Llama 3.1 8B" in finding.message
    assert finding.licence == "llama3.1"
    assert lineage.model.parents == [] and lineage.licences == ["apache-2.0"]


def test_gguf_whose_declared_base_is_contradicted(tmp_path: Path) -> None:
    path = _llama31_8b_gguf(tmp_path / "m.gguf", {
        "general.license": "apache-2.0", "general.base_model.count": 1,
        "general.base_model.0.repo_url": "https://huggingface.co/mistralai/Mistral-7B-v0.1"})
    lineage = resolve(str(path), offline=True)
    [finding] = _structure_findings(lineage)
    assert finding.id == CONTRADICTED_ID and "mistralai/Mistral-7B-v0.1" in finding.message
    assert lineage.model.parents == ["mistralai/Mistral-7B-v0.1"]


def test_gguf_of_a_new_architecture_gives_nothing(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "new.gguf", "novelarch", layers=30, hidden=2880, intermediate=7777,
                      heads=40, kv_heads=5, vocab=99_000, general={"general.license": "apache-2.0"})
    lineage = resolve(str(path), offline=True)
    assert _structure_findings(lineage) == []
    assert lineage.model.structure is not None and lineage.model.structure["level"] == "none"


# --- the Hub -----------------------------------------------------------------------------------

def _tokenizer_config(family: str) -> str:
    return json.dumps({"added_tokens_decoder": {str(i): {"content": t, "special": True}
                                                for i, t in SPECIALS[family].items()}})


def _hub(cache: Cache) -> SourceRegistry:
    env = env_for()
    return SourceRegistry([HubSource(corpus=corpus(), cache=cache, timeout=5.0,
                                     fingerprints=lambda: env.fingerprints)])


def _fetched(hub: MockHub, repo: str | None = None) -> list[str]:
    """The files asked for (`/resolve/`), optionally of one repo only."""
    return [path.rsplit("/", 1)[-1] for _method, path in hub.requests
            if "/resolve/" in path and (repo is None or f"/{repo}/" in path)]


def _add_laundered(hub: MockHub, real_configs: dict[str, Any], repo: str = "acme/chat-8b",
                   card: dict[str, Any] | None = None, tags: list[str] | None = None) -> None:
    hub.add_repo(repo, card if card is not None else {"license": "apache-2.0"}, files={
        "config.json": json.dumps(real_configs[LLAMA31_8B]["config"]),
        "tokenizer_config.json": _tokenizer_config("llama3"),
        "model-00001-of-00004.safetensors": b"\0" * 64,
        "model.safetensors.index.json": "{}",
    }, extra_tags=tags or ["llama"])


def test_laundered_hub_repo_costs_two_small_requests(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                                     real_configs: dict[str, Any]) -> None:
    _add_laundered(mock_hub, real_configs)
    mock_hub.reset_counts()
    lineage = resolve("acme/chat-8b", sources=_hub(Cache(tmp_path / "c")))
    assert _fetched(mock_hub) == ["config.json", "tokenizer_config.json"]   # never a weight
    [finding] = _structure_findings(lineage)
    assert finding.id == UNDECLARED_ID and finding.severity == Severity.WARNING
    assert "Llama 3.1 8B" in finding.message and finding.licence == "llama3.1"
    assert "apache-2.0" in finding.message
    assert lineage.model.parents == [] and lineage.licences == ["apache-2.0"]


def test_structure_is_cached_with_the_hub_facts(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                                real_configs: dict[str, Any]) -> None:
    _add_laundered(mock_hub, real_configs)
    cache = Cache(tmp_path / "c")
    first = resolve("acme/chat-8b", sources=_hub(cache))
    mock_hub.reset_counts()
    again = resolve("acme/chat-8b", sources=_hub(cache))
    assert mock_hub.count() == 0
    assert [f.message for f in _structure_findings(again)] == [f.message for f in _structure_findings(first)]


def test_a_card_naming_its_base_costs_no_extra_request(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                                       real_configs: dict[str, Any]) -> None:
    _add_laundered(mock_hub, real_configs, repo="acme/honest-8b",
                   card={"license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B"})
    mock_hub.reset_counts()
    lineage = resolve("acme/honest-8b", sources=_hub(Cache(tmp_path / "c")))
    # Neither the fine-tune (its card names its base) nor the base (a base the table knows).
    assert _fetched(mock_hub) == []
    assert [n.id for n in lineage.nodes] == ["acme/honest-8b", "meta-llama/Llama-3.1-8B"]
    assert _structure_findings(lineage) == [] and all(n.structure is None for n in lineage.nodes)


def test_a_card_contradicting_itself_is_checked(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                                real_configs: dict[str, Any]) -> None:
    # The card names Qwen2.5 7B; the Hub reads the repo's config.json as `llama`.
    mock_hub.add_repo("Qwen/Qwen2.5-7B", {"license": "apache-2.0"})
    _add_laundered(mock_hub, real_configs, repo="acme/qwen-tune",
                   card={"license": "apache-2.0", "base_model": "Qwen/Qwen2.5-7B"}, tags=["llama"])
    mock_hub.reset_counts()
    lineage = resolve("acme/qwen-tune", sources=_hub(Cache(tmp_path / "c")))
    assert _fetched(mock_hub, "acme/qwen-tune") == ["config.json", "tokenizer_config.json"]
    assert _fetched(mock_hub, "Qwen/Qwen2.5-7B") == []
    [finding] = _structure_findings(lineage)
    assert finding.id == CONTRADICTED_ID
    assert "Declares Qwen/Qwen2.5-7B" in finding.message and "Llama 3.1 8B" in finding.message
    assert lineage.model.parents == ["Qwen/Qwen2.5-7B"]


def test_a_consistent_architecture_tag_costs_nothing(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                                     real_configs: dict[str, Any]) -> None:
    mock_hub.add_repo("Qwen/Qwen2.5-7B", {"license": "apache-2.0"})
    _add_laundered(mock_hub, real_configs, repo="acme/qwen-tune",
                   card={"license": "apache-2.0", "base_model": "Qwen/Qwen2.5-7B"}, tags=["qwen2"])
    mock_hub.reset_counts()
    resolve("acme/qwen-tune", sources=_hub(Cache(tmp_path / "c")))
    assert _fetched(mock_hub) == []


def test_hub_repo_of_a_new_architecture_gives_nothing(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                                      real_configs: dict[str, Any]) -> None:
    mock_hub.add_repo("acme/novel-20b", {"license": "apache-2.0"}, files={
        "config.json": json.dumps(real_configs["openai/gpt-oss-20b"]["config"]),
        "model.safetensors": b"\0" * 64})
    mock_hub.reset_counts()
    lineage = resolve("acme/novel-20b", sources=_hub(Cache(tmp_path / "c")))
    assert _fetched(mock_hub) == ["config.json"]
    assert _structure_findings(lineage) == []
    assert lineage.model.structure is not None and lineage.model.structure["level"] == "none"


def test_at_most_two_extra_requests_per_node(mock_hub: MockHub, tmp_path: Path,  # noqa: F811
                                             real_configs: dict[str, Any]) -> None:
    # A chain of two laundered models: each costs its API call and two small files, no more.
    _add_laundered(mock_hub, real_configs, repo="acme/base-8b")
    _add_laundered(mock_hub, real_configs, repo="acme/chat-8b",
                   card={"license": "apache-2.0", "base_model": "acme/base-8b"})
    mock_hub.reset_counts()
    lineage = resolve("acme/chat-8b", sources=_hub(Cache(tmp_path / "c")))
    assert _fetched(mock_hub, "acme/chat-8b") == []          # names a base: taken at its word
    assert _fetched(mock_hub, "acme/base-8b") == ["config.json", "tokenizer_config.json"]
    [finding] = _structure_findings(lineage)
    assert finding.model == "acme/chat-8b" and finding.via == ["acme/chat-8b", "acme/base-8b"]


# --- resolve: text and JSON --------------------------------------------------------------------

def test_resolve_shows_the_fingerprint_and_candidates(tmp_path: Path,
                                                      real_configs: dict[str, Any]) -> None:
    folder = _llama31_8b_folder(tmp_path, real_configs)
    lineage = resolve(str(folder), offline=True)
    text = render_text(lineage)
    assert "structure: shaped like Llama 3.1 8B" in text
    assert "candidate: Llama 3.1 8B (llama3.1)" in text
    assert "?~ meta-llama/Llama-3.1-8B  [by structure, not declared]  licence: llama3.1" in text
    doc = to_json(lineage)
    assert violations(doc, "resolve") == []
    node = doc["lineage"][0]
    assert node["structure"]["candidates"][0]["fingerprint"] == "llama-3.1-8b"
    assert node["structure_parents"][0]["id"] == "meta-llama/Llama-3.1-8B"
    assert node["parents"] == []


def test_resolve_command_json_validates(tmp_path: Path, real_configs: dict[str, Any],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = _llama31_8b_folder(tmp_path, real_configs)
    assert main(["resolve", str(folder), "--offline", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert violations(doc, "resolve") == []
    assert any(f["id"] == UNDECLARED_ID for f in doc["findings"])


# --- the table through the environment ---------------------------------------------------------

USER_TABLE = """\
tokenizers: {}
fingerprints:
  - id: acme-novel-20b
    family: Acme Novel
    size: 20B
    layers: 24
    hidden: 2880
    tokenizer: llama3
    bases: [acme/novel-20b]
    licences: [llama3.1]
    source: "acme/novel-20b config.json"
"""


def test_a_users_catalogue_folder_extends_the_table(tmp_path: Path) -> None:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "fingerprints.yml").write_text(USER_TABLE, encoding="utf-8")
    config = tmp_path / ".licheck.yaml"
    config.write_text(f"extra_catalogue: [{folder}]\n", encoding="utf-8")
    env = env_for(load_config(str(config)))
    assert env.fingerprints.get("acme-novel-20b") is not None
    assert env.fingerprints.get("llama-3.1-8b") is not None      # the bundled ones stay


def test_a_mistake_in_a_users_table_stops_the_command(tmp_path: Path) -> None:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "fingerprints.yml").write_text(USER_TABLE.replace("    layers: 24", "    layer: 24"),
                                             encoding="utf-8")
    config = tmp_path / ".licheck.yaml"
    config.write_text(f"extra_catalogue: [{folder}]\n", encoding="utf-8")
    with pytest.raises(LicheckError, match=r"fingerprints.yml:\d+: .*unknown key 'layer'"):
        env_for(load_config(str(config)))
