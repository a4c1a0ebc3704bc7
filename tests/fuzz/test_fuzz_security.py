"""Security checks: hostile model ids, cache paths, no code execution, safe YAML, capped reads,
and the Hub token never shown.

Each test names the threat it guards against; docs/robustness.md section 1 maps
threats to defences and to these tests.
"""

from __future__ import annotations

import ast
import json
import logging
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from fuzz_targets import REF_TEXT, check_error, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from mockhub import MockHub, mock_hub  # noqa: F401 - fixture

from licheck import yamlload
from licheck.cache import Cache
from licheck.errors import ConfigError, InputError
from licheck.formats import FORMAT_NAMES
from licheck.refs import hub_id_problem, parse_ref
from licheck.targets import read_target

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "licheck"
SENTINEL = "hf_SECRETSENTINEL"

# The Hub's repo-id grammar, as strict as licheck applies it: ASCII letters, digits, '-', '_',
# '.', at most one '/', each part starting and ending alphanumeric, no '..' or '--'.
_REPO_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
                      r"(?:/[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?)?")

# --- model ids: validated before any URL or cache path is built ---------------------------------

HOSTILE_IDS = [
    "../../etc/passwd", "org/../../x", "/etc/passwd", "org/na\x00me", "org/%2e%2e%2fx",
    "%2e%2e%2f%2e%2e%2fetc", "org%2fname", "org\\..\\x", "..\\..\\windows", "org\\name",
    "a" * 97 + "/b", "org/" + "n" * 97, "x" * 5000, "m\u0435ta-llama/Llama-3.1-8B",  # Cyrillic e
    "meta-llama\uff0fLlama", "meta\u2010llama/x", "org/name\u202e", "org/name\u200b",
    "hf:../secret", "hf:/etc/passwd", "hf:org/name@../../x", "hf:org/%2e%2e",
    "https://huggingface.co/org/%2e%2e/x", "https://huggingface.co/../../etc/passwd",
    "https://evil.example/org/name", "file:///etc/passwd", "https://huggingface.co.evil.example/o/n",
    "org/name@rev/../../x", "org/name@%2e%2e", "org/name.git", "org--x/name", "C:\\Windows\\x",
    "~root/x", "ollama:../../x", "ollama:/etc/passwd",
]


@pytest.mark.parametrize("text", HOSTILE_IDS)
def test_hostile_model_ids_are_refused_with_a_clear_message(text: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        parse_ref(text, base_dir=tmp_path)
    check_error(info.value, needs_path=False)
    message = str(info.value)
    assert message.startswith("invalid model reference") or "not found" in message
    assert len(message) < 400 and "\x00" not in message


@settings(max_examples=300, deadline=None)
@given(st.one_of(REF_TEXT, st.text(max_size=60)))
def test_any_hub_ref_that_is_accepted_fits_the_repo_id_grammar(text: str) -> None:
    try:
        ref = parse_ref(text)
    except InputError as exc:
        check_error(exc, needs_path=False)
        return
    if ref.kind == "hub":
        assert _REPO_ID.fullmatch(ref.name), ref.name
        assert ".." not in ref.name and "--" not in ref.name
        assert hub_id_problem(ref.name) is None
        assert ref.revision is None or (".." not in ref.revision and "%" not in ref.revision)


def test_hostile_ids_never_reach_the_hub(mock_hub: MockHub) -> None:  # noqa: F811
    for text in ("../../etc/passwd", "org/%2e%2e%2fx", "org\\name", "m\u0435ta/x", "hf:../x"):
        code, _out, err = run_cli(["resolve", text, "--format", "json"])
        assert code == 2 and len(err.strip().splitlines()) == 1, err
        assert "invalid model reference" in err
    assert mock_hub.requests == []   # refused before any URL was built


def test_hostile_id_in_a_manifest_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "licheck.yaml"
    path.write_text("models:\n  - ok/model\n  - id: ../../etc/passwd\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_target(str(path))
    check_error(info.value)
    assert info.value.line == 3


# --- cache paths never leave the cache folder ----------------------------------------------------

@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.one_of(REF_TEXT, st.text(), st.sampled_from(
    ["../../../etc/passwd", "/abs/key", "a\x00b", "\\\\server\\share", "..", "", "~", "x" * 10_000,
     "hub:../../x@main", "\ud800"])))
def test_cache_keys_are_hashed_into_the_cache_folder(key: str) -> None:
    cache = Cache("/nonexistent-cache-root")
    path = cache._path(key)
    root = Path("/nonexistent-cache-root").resolve()
    assert path.resolve().is_relative_to(root)
    assert re.fullmatch(r"[0-9a-f]{64}\.json", path.name) and path.parent.name == path.name[:2]


def test_hostile_keys_write_only_inside_the_cache(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    for key in ("../../escape", "/tmp/escape", "..\\..\\escape", "k" * 100_000):
        assert cache.put(key, {"v": key[:10]})
        assert cache.get(key).value == {"v": key[:10]}   # type: ignore[union-attr]
    # A lone surrogate cannot be stored as UTF-8 JSON: a miss, never an error or a stray file.
    assert cache.put("\ud800", 1) is False and cache.get("\ud800") is None
    outside = [p for p in tmp_path.rglob("*") if not p.is_relative_to(tmp_path / "c")]
    assert outside == [tmp_path / "c"] or outside == []


# --- no code from a model repo is ever executed ----------------------------------------------------

_BANNED_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "joblib", "marshal", "shelve",
                   "torch", "transformers", "safetensors", "numpy"}
_BANNED_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}
# (file, call) -> why it is safe.
_ALLOWED_CALLS = {("licheck/sources/hub.py", "__import__"):
                  "imports the HTTP client by a fixed name (httpx2, then httpx) for its error types"}
_BANNED_ATTRS = {"load_pickle", "unsafe_load", "full_load", "UnsafeLoader", "FullLoader",
                 "Loader", "CLoader", "CUnsafeLoader", "CFullLoader", "system", "popen", "spawnl",
                 "execv", "execve", "execvp", "startfile"}


def _sources() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_source_scan_finds_no_code_execution_paths() -> None:
    problems: list[str] = []
    for path, tree in _sources():
        rel = path.relative_to(ROOT)
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                for name in names:
                    if name.split(".")[0] in _BANNED_MODULES:
                        problems.append(f"{where}: imports {name}")
            elif isinstance(node, ast.Call):
                fn = node.func
                if isinstance(fn, ast.Name) and fn.id in _BANNED_CALLS and \
                        (rel.as_posix(), fn.id) not in _ALLOWED_CALLS:
                    problems.append(f"{where}: calls {fn.id}()")
                for kw in node.keywords:
                    if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                        problems.append(f"{where}: shell= in a call")
                    if kw.arg == "trust_remote_code":
                        problems.append(f"{where}: trust_remote_code=")
                if isinstance(fn, ast.Attribute) and fn.attr == "load" and \
                        isinstance(fn.value, ast.Name) and fn.value.id == "yaml":
                    loader = next((kw.value for kw in node.keywords if kw.arg == "Loader"), None)
                    if not (isinstance(loader, ast.Name) and loader.id == "_Loader" and rel.name == "yamlload.py"):
                        problems.append(f"{where}: yaml.load without licheck's safe loader")
            elif isinstance(node, ast.Attribute):
                if node.attr in _BANNED_ATTRS and isinstance(node.value, ast.Name) and \
                        node.value.id in ("yaml", "os", "pickle", "torch", "subprocess"):
                    problems.append(f"{where}: uses {node.value.id}.{node.attr}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if "trust_remote_code" in node.value and not _is_docstring(tree, node):
                    problems.append(f"{where}: mentions trust_remote_code in code")
        if "subprocess" in path.read_text(encoding="utf-8").split("\"\"\"", 2)[-1]:
            problems.append(f"{rel}: uses subprocess")
    assert problems == []


def _is_docstring(tree: ast.AST, node: ast.Constant) -> bool:
    for parent in ast.walk(tree):
        if isinstance(parent, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            body = parent.body
            if body and isinstance(body[0], ast.Expr) and body[0].value is node:
                return True
    return False


def test_the_source_scan_would_catch_each_pattern(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The scan is only worth something if it fails on the patterns it claims to find.
    import sys

    module = sys.modules[__name__]
    bad = tmp_path / "licheck"
    bad.mkdir()
    snippets = ["import pickle\n", "from torch import load\n", "eval('1')\n", "exec('x=1')\n",
                "import yaml\nyaml.load(s, Loader=yaml.Loader)\n", "import yaml\nyaml.unsafe_load(s)\n",
                "import subprocess\nsubprocess.run('ls', shell=True)\n", "f(trust_remote_code=True)\n",
                "import os\nos.system('ls')\n"]
    monkeypatch.setattr(module, "PACKAGE", bad)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    for snippet in snippets:
        for old in bad.glob("*.py"):
            old.unlink()
        (bad / "m.py").write_text(snippet, encoding="utf-8")
        with pytest.raises(AssertionError):
            test_source_scan_finds_no_code_execution_paths()


# --- YAML: safe loader, bounded aliases ---------------------------------------------------------

def test_yaml_loader_is_a_safe_loader() -> None:
    safe = tuple(c for c in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", None)) if c)
    assert issubclass(yamlload._loader(), safe)
    assert not issubclass(yamlload._loader(), (yaml.FullLoader, yaml.UnsafeLoader))


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/module:os",
])
def test_python_tags_are_refused_not_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "licheck.yaml"
    path.write_text("models:\n  - " + tag.format(marker=marker) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_target(str(path))
    check_error(info.value)
    assert not marker.exists()


# --- every file read is capped (or the reason it need not be is written down) -------------------

# (module, enclosing function) -> why this read needs no cap of its own.
JUSTIFIED_READS = {
    ("files.py", "read_head"): "the capped reader itself: reads at most limit + 1 bytes",
    ("matching/index.py", "__init__"): "licence texts: capped at MAX_TEXT_BYTES when the corpus loads",
    ("licences.py", "read_text"): "licence texts: capped at MAX_TEXT_BYTES when the corpus loads",
    ("licences.py", "read_texts"): "licence texts: capped at MAX_TEXT_BYTES when the corpus loads",
    ("check.py", "data_versions"): "licheck's own bundled data folders, not user input",
    ("sources/local.py", "_licence_files"): "stat() against MAX_LICENCE_FILE_BYTES first",
    ("sources/local.py", "_json"): "stat() against MAX_JSON_BYTES first",
    ("sources/ollama.py", "_from_store"): "stat() against MAX_MANIFEST_BYTES first",
    ("sources/ollama.py", "_read_licence_layer"): "stat() against MAX_LICENCE_LAYER_BYTES first",
    ("cache.py", "get"): "stat() against MAX_ENTRY_BYTES first",
    ("cache.py", "problems"): "stat() against MAX_ENTRY_BYTES first",
    ("cache.py", "keys"): "stat() against MAX_ENTRY_BYTES first",
    ("gguf_header.py", "read_gguf_header"): "opens the file; the parser reads bounded fields only",
    ("structure.py", "read_gguf_facts"): "opens the file; the parser reads bounded fields only",
    ("structure.py", "_token_window"): "16 bytes, then at most MAX_TOKEN_WINDOW",
    ("structure.py", "read_safetensors_header"): "opens the file; _parse_safetensors is bounded",
    ("structure.py", "_parse_safetensors"): "8 bytes, then a length checked against the cap and the file size",
    ("sources/hub.py", "get"): "streamed; stops at MAX_FILE_BYTES (error bodies are the Hub's)",
    ("sources/hub.py", "_download"): "the streamed read in get(), above",
    ("cli/check.py", "write_report"): "writes the report (--output), reads nothing",
    ("files.py", "write_atomically"): "writes a whole file through a temporary one, reads nothing",
    ("cache.py", "put"): "writes an entry, reads nothing",
    ("licence_diff.py", "compare"): "licence texts: capped at MAX_TEXT_BYTES when the corpus loads",
    ("notice.py", "_files"): "licence texts: capped at MAX_TEXT_BYTES when the corpus loads",
    ("notice.py", "write_bundle"): "writes the output folder through a temporary one, reads nothing",
}
_READ_ATTRS = {"read_text", "read_bytes", "open", "fdopen", "read", "load", "loads"}


def _read_sites() -> set[tuple[str, str]]:
    sites: set[tuple[str, str]] = set()
    for path, tree in _sources():
        rel = path.relative_to(PACKAGE).as_posix()
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.Call):
                    continue
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
                if name in ("open", "read_text", "read_bytes", "fdopen") or (
                        name == "read" and isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name)
                        and fn.value.id in ("fh", "f", "resp")):
                    # Calls of licheck's capped yamlload.read_text are fine wherever they are.
                    if name == "read_text" and isinstance(fn, ast.Name):
                        continue
                    sites.add((rel, func.name))
    return sites


def test_every_file_read_is_capped_or_justified() -> None:
    sites = _read_sites()
    unjustified = sorted(s for s in sites if s not in JUSTIFIED_READS)
    assert unjustified == [], "new read sites: cap them, or justify them in JUSTIFIED_READS"


def test_capped_readers_refuse_oversized_files(tmp_path: Path) -> None:
    from licheck.licences import default_corpus
    from licheck.matching import MAX_FILE_BYTES, identify_file
    from licheck.model import ModelRef
    from licheck.sources.local import MAX_JSON_BYTES, LocalDirSource

    big = tmp_path / "model"
    big.mkdir()
    (big / "config.json").write_bytes(b" " * (MAX_JSON_BYTES + 1))
    (big / "LICENSE").write_bytes(b"x" * (2 * 1024 * 1024))
    facts = LocalDirSource().fetch(ModelRef(kind="path", name=str(big)))
    notes = " ".join(facts.notes)   # type: ignore[union-attr]
    assert "config.json ignored" in notes and "LICENSE skipped" in notes
    (tmp_path / "L").write_bytes(b"MIT License " * (MAX_FILE_BYTES // 6))
    identify_file(tmp_path / "L", default_corpus())   # bounded: reads at most MAX_FILE_BYTES + 1


# --- the Hub token never appears in output, errors, logs or reports -----------------------------

class _Reflector(BaseHTTPRequestHandler):
    """A misbehaving endpoint that echoes the Authorization header back in its errors."""

    def do_GET(self) -> None:
        echoed = self.headers.get("Authorization", "")
        body = json.dumps({"error": f"invalid credentials: {echoed}"}).encode()
        self.send_response(401)
        self.send_header("X-Error-Message", f"invalid credentials: {echoed}")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def reflector() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Reflector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _run_everywhere(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                    log_level: int = logging.DEBUG) -> str:
    """`check` in every format (with --output) and `resolve` in both: all they showed, and
    every log record at `log_level` or above (licheck logs nothing; its HTTP client does)."""
    seen: list[str] = []
    caplog.set_level(log_level)
    model = "acme-unknown/never-in-the-catalogue"
    for fmt in FORMAT_NAMES:
        out_file = tmp_path / f"report.{fmt}"
        code, out, err = run_cli(["check", model, "--format", fmt, "--output", str(out_file)])
        assert code in (0, 1, 2) and "Traceback" not in err, err
        seen += [out, err, out_file.read_text(encoding="utf-8") if out_file.exists() else ""]
        code, out, err = run_cli(["check", model, "--format", fmt])
        seen += [out, err]
    for fmt in ("text", "json"):
        code, out, err = run_cli(["resolve", model, "--format", fmt])
        assert code in (0, 1, 2) and "Traceback" not in err, err
        seen += [out, err]
    seen += [r.getMessage() for r in caplog.records]
    return "\n".join(seen)


def test_token_not_shown_when_the_hub_is_dead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("HF_TOKEN", SENTINEL)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("LICHECK_HUB_TIMEOUT", "2")
    shown = _run_everywhere(tmp_path, caplog)
    assert "acme-unknown/never-in-the-catalogue" in shown     # the runs did report on it
    assert SENTINEL not in shown


@pytest.mark.parametrize("status", [401, 403, 500])
def test_token_not_shown_when_the_hub_refuses(status: int, mock_hub: MockHub,  # noqa: F811
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("HF_TOKEN", SENTINEL)
    mock_hub.fail(".*", status, times=10_000, headers={"Retry-After": "0"})
    shown = _run_everywhere(tmp_path, caplog)
    assert f"Bearer {SENTINEL}" in mock_hub.seen_auth        # the token was really in play
    assert SENTINEL not in shown


def test_token_not_shown_when_the_endpoint_echoes_it(reflector: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("HF_TOKEN", SENTINEL)
    monkeypatch.setenv("HF_ENDPOINT", reflector)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # At DEBUG the HTTP client traces response headers verbatim, echo included: that is the
    # server's text, shown only to whoever turns on DEBUG logging for httpcore.
    shown = _run_everywhere(tmp_path, caplog, logging.INFO)
    assert "invalid credentials" in shown or "401" in shown   # the echo did reach licheck
    assert SENTINEL not in shown


# --- a hostile card cannot drive the terminal, forge report lines or inject markup --------------

EVIL = ("x\x1b[2J\x1b]0;title\x07\x9b31m `<img src=x onerror=alert(1)>` <script>alert(1)</script>"
        "\r\n::error::forged\n- forged")


def test_hostile_card_values_are_neutralised_in_every_format(mock_hub: MockHub,  # noqa: F811
                                                              tmp_path: Path) -> None:
    mock_hub.add_repo("evil/model", {"license": EVIL, "license_name": EVIL, "base_model": "evil/base"})
    mock_hub.add_repo("evil/base", {"license": "other", "license_name": EVIL})
    for fmt in FORMAT_NAMES:
        out_file = tmp_path / f"r.{fmt}"
        for args in (["--format", fmt], ["--format", fmt, "--output", str(out_file)]):
            code, out, err = run_cli(["check", "evil/model", *args])
            assert code in (0, 1), err
            shown = out if "--output" not in args else out_file.read_text(encoding="utf-8")
            assert "x" in shown and not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), fmt
            assert not re.search(r"^(::error::forged|- forged)", shown, re.MULTILINE), fmt
            if fmt in ("html", "markdown"):
                # Markdown shows card text in code spans (markup is literal there) or with
                # backslash escapes; HTML as entities.
                outside_code = re.sub(r"(?<!\\)(`+)(.*?[^`])\1(?!`)", "", shown) if fmt == "markdown" else shown
                assert not re.search(r"(?<!\\)<(script|img)", outside_code), fmt
    for fmt in ("text", "json"):
        code, out, err = run_cli(["resolve", "evil/model", "--format", fmt])
        assert code == 0, err
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), fmt


def test_token_not_written_to_the_cache_or_reports_on_success(mock_hub: MockHub,  # noqa: F811
                                                              tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # The token opens a gated repo; what gets cached and reported is the repo's data only.
    import os

    monkeypatch.setenv("HF_TOKEN", SENTINEL)
    mock_hub.tokens.add(SENTINEL)
    out_file = tmp_path / "report.json"
    code, out, err = run_cli(["check", "gated/secret", "--format", "json", "--output", str(out_file)])
    assert code in (0, 1), err
    assert f"Bearer {SENTINEL}" in mock_hub.seen_auth
    assert "llama3.1" in out_file.read_text(encoding="utf-8")     # access was granted
    written = [p for d in (os.environ["LICHECK_CACHE_DIR"], os.environ["HF_HOME"], str(tmp_path))
               for p in Path(d).rglob("*") if p.is_file()]
    cache_v1 = Path(os.environ["LICHECK_CACHE_DIR"]) / "v1"
    assert any(p.is_relative_to(cache_v1) for p in written)   # the Hub's answer was cached
    for path in written:
        assert SENTINEL.encode() not in path.read_bytes(), path
    assert SENTINEL not in out + err
