"""Regressions for what the fuzzers found, and the blow-up inputs refused within bounds.

Each test here failed before its fix (see docs/robustness.md section 1). The
blow-up tests check the *outcome* (refused, with a one-line message); how fast and in how
much memory is measured by `fuzz/campaign.py`, never asserted here.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from envs import corpus, resolve
from fuzz_targets import ROOT, check_error, run_cli
from mockhub import MockHub, mock_hub  # noqa: F401 - fixture

from licheck.cache import Cache
from licheck.config import find_config, load_config
from licheck.errors import ConfigError, DataError, InputError, LicheckError
from licheck.gguf_header import parse_gguf_header, read_gguf_header
from licheck.licences import MAX_TEXT_BYTES, load_corpus
from licheck.model import ModelFacts, ModelRef
from licheck.refs import hub_ref
from licheck.sources.hub import HubSource
from licheck.sources.registry import SourceRegistry
from licheck.targets import read_target
from licheck.yamlload import MAX_ALIASES, MAX_DEPTH, MAX_YAML_BYTES, load_yaml, parse_yaml


def _gguf(*kvs: bytes, count: int | None = None) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs) if count is None else count) + b"".join(kvs)


def _s(raw: bytes, claimed: int | None = None) -> bytes:
    return struct.pack("<Q", len(raw) if claimed is None else claimed) + raw


# --- crashes found by the fuzzers -------------------------------------------------------------

def test_gguf_key_with_line_breaks_gives_a_one_line_error() -> None:
    # Found by the gguf target: a key "\r" with an unknown value type made a two-line message.
    data = _gguf(_s(b"evil\r\nkey\x1b[31m") + struct.pack("<I", 13))
    with pytest.raises(InputError) as info:
        parse_gguf_header(io.BytesIO(data), size=len(data), name="m.gguf")
    text = str(info.value)
    check_error(info.value)
    assert "\\r\\n" in text and "\x1b" not in text and "unknown value type 13" in text


def test_nul_in_yaml_names_the_line_on_one_line(tmp_path: Path) -> None:
    # Found by the waivers and rule-file targets: PyYAML's ReaderError printed two lines and
    # no line number.
    path = tmp_path / "waivers.yaml"
    path.write_bytes(b"- rule: x\n  reason: \x00\n")
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    check_error(info.value)
    assert info.value.line == 2 and "#x0000" in str(info.value)


def test_nul_line_counts_utf8_text_correctly() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("a: " + "\u00e9" * 40 + "\n\n\nb: \x00\n", "f.yml")
    assert info.value.line == 4


@pytest.mark.parametrize("toml", ["tool = 1\n", "tool = 'x'\n", "tool = [1]\n"])
def test_pyproject_with_a_non_table_tool_key(tmp_path: Path, toml: str) -> None:
    # Found by the config-toml target: `tool = 1` is valid TOML and crashed with AttributeError.
    path = tmp_path / "pyproject.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    check_error(info.value)
    assert find_config(tmp_path) is None


@pytest.mark.parametrize("message", ["a\nb", "a\rb", "a\u2028b", "a\x00b", "a\x1b[2Jb", "a\x85b"])
def test_error_messages_are_always_one_line(message: str) -> None:
    text = str(LicheckError(message, path="f.yml", line=3))
    assert text.startswith("f.yml:3: a") and len(text.splitlines()) == 1
    assert not any(c in text for c in "\n\r\x00\x1b\x85\u2028")


def test_cli_error_with_a_hostile_file_name_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "evil\nname.yaml"
    bad.write_text("models: [", encoding="utf-8")
    code, _out, err = run_cli(["check", str(bad), "--offline", "--format", "json"])
    assert code == 2 and len(err.strip().splitlines()) == 1, err


def test_user_licence_text_is_size_capped(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * (MAX_TEXT_BYTES + 1))
    (tmp_path / "big.yml").write_text("id: big\nname: Big\nkind: model-licence\ntexts: [big.txt]\n",
                                      encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_corpus([tmp_path])
    check_error(info.value)
    assert "larger than" in str(info.value)


# --- inputs built to blow up: refused, not expanded --------------------------------------------

def _manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "licheck.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 8) + "]" for i in range(1, 10)]
    path = _manifest(tmp_path, "\n".join(lines) + "\nmodels: *a9\n")
    with pytest.raises(ConfigError) as info:
        read_target(str(path))
    check_error(info.value)
    assert f"more than {MAX_ALIASES} aliases" in str(info.value)


def test_recursive_alias_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    # Refused as an input error on line 1, whichever of licheck's depth check or PyYAML's own
    # (6.0.4 and later) stops it first: the wording is theirs, the outcome is the contract.
    deep = MAX_DEPTH + 10  # past licheck's bound, well within PyYAML's
    for text in ("models: &x [*x]\n", "models: " + "[" * 5000 + "]" * 5000 + "\n",
                 "models: " + "[" * deep + "]" * deep + "\n"):
        path = _manifest(tmp_path, text)
        with pytest.raises(ConfigError) as info:
            read_target(str(path))
        check_error(info.value)
        assert info.value.line == 1 and str(info.value).startswith(f"{path}:1: invalid YAML: ")
        code, out, err = run_cli(["check", str(path), "--offline", "--format", "json"])
        assert code == 2 and not out, (code, out, err)
        assert len(err.strip().splitlines()) == 1 and f"{path}:1:" in err, err
        assert "Traceback" not in err


def test_oversized_single_line_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _manifest(tmp_path, "models: [" + "x" * MAX_YAML_BYTES + "]\n")
    with pytest.raises(InputError) as info:
        read_target(str(path))
    check_error(info.value)
    assert "licheck reads at most" in str(info.value)


@pytest.mark.parametrize("data, words", [
    (_gguf(_s(b"general.license") + struct.pack("<I", 8) + _s(b"x", 2**62)), "exceeds the limit"),
    (_gguf(_s(b"tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2**62)), "exceeds the limit"),
    (_gguf(count=2**64 - 1), "exceeds the limit"),
    (_gguf(_s(b"k", 2**62)), "exceeds the limit"),
    (_gguf(*[_s(b"k") + struct.pack("<I", 8) + _s(b"", 65_000)] * 50, count=60_000), "truncated"),
])
def test_gguf_that_claims_huge_sizes_is_refused(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_gguf_header(path)
    check_error(info.value)
    assert words in str(info.value)


# --- found by the hub target and the campaign: C-level stack overflows -------------------------

@pytest.mark.parametrize("shape", ["'[' * 100_000", "'- ' * 100_000 + 'x'", "'{a: ' * 60_000",
                                   "'models: ' + '[' * 60_000"])
def test_deeply_nested_yaml_is_refused_not_a_segfault(shape: str) -> None:
    # libyaml's composer recursed in C past the stack (SIGSEGV at ~25 000 levels, 50 KB of
    # input). In a subprocess, so a regression fails this test instead of killing the suite.
    code = ("from licheck.yamlload import parse_yaml\n"
            "from licheck.errors import ConfigError\n"
            f"try:\n    parse_yaml({shape}, 'x.yml')\n"
            "except ConfigError as exc:\n    print(exc)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr[-500:]
    # Refused on line 1 in one line; the sentence is licheck's or, since PyYAML 6.0.4, PyYAML's.
    (line,) = proc.stdout.splitlines()
    assert line.startswith("x.yml:1: invalid YAML: "), line


def test_deeply_nested_json_from_a_hub_repo_is_ignored(mock_hub: MockHub) -> None:  # noqa: F811
    # json.loads raises RecursionError, not ValueError, past ~1000 levels: it escaped as a bug.
    mock_hub.add_repo("evil/adapter", {"license": "apache-2.0"},
                      files={"adapter_config.json": b"[" * 100_000})
    facts = HubSource(corpus=corpus(), cache=None, timeout=5.0).fetch(hub_ref("evil/adapter"))
    assert isinstance(facts, ModelFacts) and facts.declared_licence == "apache-2.0"
    assert "adapter_config.json is not valid JSON; ignored" in facts.notes


def test_deeply_nested_api_answer_is_a_malformed_answer() -> None:
    body = b'{"id": "evil/model", "cardData": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    class Deep(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Deep)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = HubSource(corpus=corpus(), endpoint=f"http://127.0.0.1:{server.server_address[1]}", cache=None,
                           timeout=5.0)
        lineage = resolve("evil/model", sources=SourceRegistry([source]))
    finally:
        server.shutdown()
        server.server_close()
    (finding,) = [f for f in lineage.findings if f.kind == "unresolved"]
    assert "malformed answer" in finding.message


def test_deeply_nested_cache_entry_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert cache.put("k", {"v": 1})
    cache._path("k").write_text("[" * 100_000, encoding="utf-8")
    assert cache.get("k") is None and not cache._path("k").exists()


def test_only_the_first_yaml_blocks_of_a_card_are_tried(tmp_path: Path) -> None:
    # Found by the campaign's timing: a 5 MB card of 370 000 YAML blocks took 11 s to scan.
    from licheck.sources.local import MAX_CARD_YAML_BLOCKS, LocalDirSource

    recipe = "```yaml\nmerge_method: slerp\nbase_model: org/base\nmodels:\n  - model: org/other\n```\n"
    filler = "```yaml\na: 1\n```\n"
    for blocks_before, found in ((0, True), (MAX_CARD_YAML_BLOCKS, False)):
        folder = tmp_path / f"m{blocks_before}"
        folder.mkdir()
        (folder / "README.md").write_text("# m\n" + filler * blocks_before + recipe, encoding="utf-8")
        facts = LocalDirSource().fetch(ModelRef(kind="path", name=str(folder)))
        assert isinstance(facts, ModelFacts)
        assert any(p.ref.name == "org/base" for p in facts.parents) is found


@pytest.mark.parametrize("card", [{"tags": False}, {"tags": 651, "license": "mit"},
                                  {"license": "mit", "tags": None, "language": 5}])
def test_card_data_huggingface_hub_cannot_read_is_unresolved(mock_hub: MockHub,  # noqa: F811
                                                             card: dict) -> None:
    # Found by the hub target: ModelCardData(tags=False) raises TypeError inside
    # huggingface_hub's model_info, which escaped as an internal error.
    repo = mock_hub.add_repo("evil/card", {"license": "mit"})
    repo.card = card
    lineage = resolve("evil/card", sources=SourceRegistry([HubSource(corpus=corpus(), cache=None, timeout=5.0)]))
    assert all(f.kind == "unresolved" for f in lineage.findings) or lineage.model.licence == "mit"
    code, _out, err = run_cli(["check", "evil/card", "--format", "json"])
    assert code in (0, 1) and "internal error" not in err, err
