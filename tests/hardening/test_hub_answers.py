"""Hardening round 2: what a hostile or broken Hub can do to a run (defects 12, 15, 16 and
the dead-host LICENSE), driven through the real client against the loopback mock Hub."""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner
from envs import corpus
from mockhub import MockHub, closed_port_url

from licheck.cache import Cache
from licheck.cli import main
from licheck.model import ModelFacts, ModelRef, Unresolved
from licheck.sources.hub import HubSource

# What licheck decides to ask: model metadata, and files of a repo.
OUR_ROUTES = (r"^/api/models/[^/]+/[^/]+(/revision/[^/]+)?$", r"^/[^/]+/[^/]+/resolve/[^/]+/.+$")


def _cli(args: list[str]) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main(args)
        return code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")


def _source(**kw: object) -> HubSource:
    return HubSource(corpus=corpus(), timeout=5.0, **kw)   # type: ignore[arg-type]


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _as_a_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Path, Path, Path]:
    """HOME, HF_HOME and licheck's cache under `tmp_path`, telemetry on and an agent named,
    as on a user's machine; the client's agent registry starts afresh."""
    home, hf_home, cache = tmp_path / "home", tmp_path / "hf-home", tmp_path / "licheck-cache"
    for name, value in (("HOME", home), ("HF_HOME", hf_home), ("LICHECK_CACHE_DIR", cache),
                        ("XDG_CACHE_HOME", home / ".cache")):
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("HF_HUB_DISABLE_TELEMETRY", raising=False)   # as on a user's machine
    monkeypatch.setenv("AI_AGENT", "some-harness")
    try:   # the client keeps the registry in-process once fetched: start afresh
        from huggingface_hub.utils import _detect_agent
        monkeypatch.setattr(_detect_agent, "_registry", None)
        monkeypatch.setattr(_detect_agent.constants, "HF_HUB_DISABLE_TELEMETRY", False)
        monkeypatch.setattr(_detect_agent.constants, "AGENT_HARNESSES_PATH",
                            str(hf_home / ".agent_harnesses.json"))
    except ImportError:
        pass   # a client without agent detection
    return home, hf_home, cache


def test_a_run_makes_only_the_requests_licheck_decides_and_writes_only_its_cache(
        mock_hub: MockHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 12: huggingface_hub asked the endpoint for /api/agent-harnesses on every run
    (building its user agent) and wrote $HF_HOME/.agent_harnesses.json."""
    import re

    home, hf_home, cache = _as_a_user(monkeypatch, tmp_path)
    mock_hub.add_repo("acme/tuned", {"license": "other", "base_model": "acme/base"},
                      files={"LICENSE": "MIT License\n\nPermission is hereby granted"})
    mock_hub.add_repo("acme/base", {"license": "apache-2.0"})
    code, out, err = _cli(["check", "acme/tuned", "--format", "json"])
    assert code in (0, 1), err
    paths = [path for _method, path in mock_hub.requests]
    assert paths and all(any(re.match(r, p) for r in OUR_ROUTES) for p in paths), paths
    assert _files_under(hf_home) == [] and _files_under(home) == []
    assert _files_under(cache)   # the answers were cached where licheck keeps them


def test_fingerprint_fetches_take_the_same_request_path_and_a_lock_then_asks_nothing(
        mock_hub: MockHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The structure files a card that names no base leads to (config.json, then
    tokenizer_config.json) are asked with licheck's own headers like every other request,
    and a check from the lock written from them makes no request at all."""
    import re

    home, hf_home, _cache = _as_a_user(monkeypatch, tmp_path)
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8192,
              "intermediate_size": 28672, "num_hidden_layers": 80, "num_attention_heads": 64,
              "num_key_value_heads": 8, "vocab_size": 128256, "rope_theta": 500000.0}
    mock_hub.add_repo("acme/laundered", {"license": "apache-2.0", "tags": ["chat"]}, files={
        "config.json": json.dumps(config), "tokenizer_config.json": json.dumps({}),
        "model-00001-of-00030.safetensors": b"\0" * 64})
    project = tmp_path / "project"
    project.mkdir()
    (project / "licheck.yaml").write_text("models:\n  - acme/laundered\n", encoding="utf-8")
    monkeypatch.chdir(project)
    mock_hub.reset_counts()
    mock_hub.seen_agents.clear()
    code, live, err = _cli(["check", "--format", "json", "--fail-on", "never"])
    assert code == 0, err
    files = [p.rsplit("/", 1)[-1] for _m, p in mock_hub.requests if "/resolve/" in p]
    assert files == ["config.json", "tokenizer_config.json"]   # the structure, never weights
    paths = [path for _method, path in mock_hub.requests]
    assert all(any(re.match(r, p) for r in OUR_ROUTES) for p in paths), paths
    assert mock_hub.seen_agents and all((ua or "").startswith("licheck/") for ua in mock_hub.seen_agents)
    assert _files_under(hf_home) == [] and _files_under(home) == []
    [node] = json.loads(live)["models"][0]["lineage"]
    assert node.get("structure") is not None   # the structure was read and matched

    assert _cli(["lock"])[0] == 0
    mock_hub.reset_counts()
    code, locked, err = _cli(["check", "--format", "json", "--fail-on", "never", "--locked"])
    assert code == 0, err
    assert mock_hub.requests == []
    for key in ("models", "findings", "summary"):
        assert json.loads(locked)[key] == json.loads(live)[key], key


def _gzip_bomb(size: int) -> bytes:
    return gzip.compress(b" " * size, compresslevel=9)


def _answer(body: bytes, headers: dict[str, str]):
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        for key, value in {"Content-Length": str(len(body)), **headers}.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)
    return answer


@pytest.mark.slow
def test_a_gzip_bomb_answer_is_not_inflated_whole(mock_hub: MockHub) -> None:
    """Defect 15: a 2 MB gzip answer was inflated whole to 2 GiB. The cap holds after
    decompression, for the API answer and for a file."""
    bomb = _gzip_bomb(256 * 1024 * 1024)   # 256 MiB of JSON whitespace in ~250 KB
    mock_hub.serve(r"^/api/models/acme/bomb$", _answer(bomb, {"Content-Encoding": "gzip",
                                                              "Content-Type": "application/json"}))
    tracemalloc.start()
    try:
        result = _source().fetch(ModelRef("hub", "acme/bomb"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(result, Unresolved) and "larger than" in result.reason
    assert peak < 64 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"


def test_a_gzip_bomb_licence_file_is_cut_at_the_cap(mock_hub: MockHub) -> None:
    mock_hub.add_repo("acme/model", {"license": "other"}, files={"LICENSE": "x"})
    licence = b"MIT License\n" + b" " * (32 * 1024 * 1024)
    mock_hub.serve(r"^/acme/model/resolve/main/LICENSE$",
                   _answer(gzip.compress(licence), {"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        facts = _source().fetch(ModelRef("hub", "acme/model"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(facts, ModelFacts) and facts.licence_files["LICENSE"].startswith("MIT License")
    assert len(facts.licence_files["LICENSE"]) <= 512 * 1024
    assert peak < 24 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"


def test_an_answer_in_an_encoding_not_asked_for_is_malformed(mock_hub: MockHub) -> None:
    mock_hub.serve(r"^/api/models/acme/br$", _answer(b"\x00" * 64, {"Content-Encoding": "br"}))
    result = _source().fetch(ModelRef("hub", "acme/br"))
    assert isinstance(result, Unresolved) and "malformed" in result.reason


def _redirect(location: str, status: int = 302):
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return answer


def test_a_licence_on_a_dead_host_does_not_take_the_hub_down_for_the_run(mock_hub: MockHub) -> None:
    """Also noticed: one repo whose LICENSE redirected to a dead host tripped the circuit
    breaker, and every later Hub model of the run was unresolved."""
    dead = closed_port_url()
    for i in range(3):   # two licence files each: two failures in a row
        mock_hub.add_repo(f"acme/dead{i}", {"license": "other"}, files={"LICENSE": "x", "LICENSE.md": "x"})
        mock_hub.serve(rf"^/acme/dead{i}/resolve/main/LICENSE(\.md)?$", _redirect(f"{dead}/LICENSE"))
    mock_hub.add_repo("acme/later", {"license": "mit"})
    source = _source(cache=Cache(mock_hub_cache := Path(os.environ["LICHECK_CACHE_DIR"])))
    for i in range(3):
        facts = source.fetch(ModelRef("hub", f"acme/dead{i}"))
        assert isinstance(facts, ModelFacts)
        assert any("LICENSE could not be read" in n for n in facts.notes), facts.notes
    later = source.fetch(ModelRef("hub", "acme/later"))
    assert isinstance(later, ModelFacts) and later.declared_licence == "mit"
    # An answer missing its LICENSE for a transient reason is not cached as complete.
    assert not Cache(mock_hub_cache).get(source.cache_key(ModelRef("hub", "acme/dead0")))


@pytest.mark.parametrize("where", ["api", "file"])
def test_a_redirect_loop_is_a_finding_not_a_traceback(mock_hub: MockHub, where: str) -> None:
    """Defect 16: a redirect loop on the API or on a file download."""
    if where == "api":
        mock_hub.serve(r"^/api/models/acme/loop$", _redirect("/api/models/acme/loop"))
    else:
        mock_hub.add_repo("acme/loop", {"license": "other"}, files={"LICENSE": "x"})
        mock_hub.serve(r"^/acme/loop/resolve/main/LICENSE$", _redirect("/acme/loop/resolve/main/LICENSE"))
    code, out, err = _cli(["check", "acme/loop", "--format", "json"])
    assert code in (0, 1) and "Traceback" not in err, err
    doc = json.loads(out)
    assert doc["models"], doc
    if where == "api":
        assert any(f["kind"] == "unresolved" and "loop" in f["message"] for f in doc["findings"])


def _api_answer(doc: object):
    return _answer(json.dumps(doc).encode(), {"Content-Type": "application/json"})


@pytest.mark.parametrize("answer", [
    {"id": "../../../etc/evil", "cardData": {"license": "mit"}, "siblings": [{"rfilename": "LICENSE"}]},
    {"id": "acme/model", "cardData": ["license", "mit"]},
    {"id": "acme/model", "cardData": "license: mit"},
    {"id": ["acme/model"], "cardData": {"license": "other"}},
    {"id": "acme/model", "cardData": {"license": "other"},
     "siblings": [{"rfilename": "../../api/models/x/LICENSE"}, {"rfilename": "/etc/LICENSE"}, {"rfilename": 7}]},
    {"id": "acme/model", "baseModels": {"models": [{"id": "../../x"}, "y"], "relation": ["merge"]}},
    ["acme/model"],
    None,
], ids=["traversal-id", "cardData-list", "cardData-string", "id-list", "hostile-siblings",
        "hostile-baseModels", "a-list", "null"])
def test_hostile_answer_shapes_are_findings_not_tracebacks(mock_hub: MockHub, answer: object) -> None:
    """Defect 16: the Hub answering with `../../../etc/evil` as the id (it reached the URL
    builder), `cardData` as a list, and other shapes the client does not expect."""
    mock_hub.serve(r"^/api/models/acme/model$", _api_answer(answer))
    code, out, err = _cli(["check", "acme/model", "--format", "json"])
    assert code in (0, 1) and "internal error" not in err, err
    paths = [path for _m, path in mock_hub.requests]
    assert all(path.startswith(("/api/models/acme/model", "/acme/model/resolve/")) for path in paths), paths
    assert all(".." not in path for path in paths), paths


def test_a_config_naming_itself_or_another_in_a_loop_is_an_input_error(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 16: a config that names itself as the manifest (or two naming each other)."""
    monkeypatch.chdir(tmp_path)
    Path(".licheck.yaml").write_text("offline: true\nmanifest: .licheck.yaml\n")
    code, _out, err = _cli(["check"])
    assert code == 2 and "licheck: .licheck.yaml:2: " in err and "Traceback" not in err, err
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    Path("a/.licheck.yaml").write_text("manifest: ../b/.licheck.yaml\n")
    Path("b/.licheck.yaml").write_text("manifest: ../a/.licheck.yaml\n")
    code, _out, err = _cli(["check", "--offline", "a/.licheck.yaml"])
    assert code == 2 and ".licheck.yaml:1: " in err and "Traceback" not in err, err


@pytest.mark.parametrize("encoding, body", [("br", b"\x00" * 64), ("gzip", b"not gzip"),
                                            ("gzip", gzip.compress(b"x" * (1024 * 1024)))])
def test_an_error_answer_of_any_encoding_or_size_is_an_answer(mock_hub: MockHub, encoding: str,
                                                              body: bytes) -> None:
    """A 404 with a body licheck cannot or will not read whole is still a 404."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(404)
        for key, value in {"Content-Length": str(len(body)), "Content-Encoding": encoding,
                           "X-Error-Code": "RepoNotFound"}.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)

    mock_hub.serve(r"^/api/models/acme/gone$", answer)
    result = _source().fetch(ModelRef("hub", "acme/gone"))
    assert isinstance(result, Unresolved) and "not found" in result.reason
