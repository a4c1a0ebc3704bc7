"""`licheck check` end to end through the CLI: every target type, format and exit code.

Offline throughout (the built-in catalogue knows the models), except one test against the
loopback mock Hub. `licheck.cli.main` is driven inside click's CliRunner isolation, so the
exit-code mapping under test is the real one (LicheckError -> 2, one line, no traceback).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from envs import run_check

from licheck.cli import main
from licheck.formats import FORMAT_NAMES
from licheck.kinds import KINDS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    with runner.isolation() as (out, err, _):  # read inside: click 8.2.0-8.2.1 close on exit
        code = main(["check", *args])
        return code, out.getvalue().decode(), err.getvalue().decode()


def run_json(*args: str) -> tuple[int, dict]:
    code, out, err = run(*args, "--format", "json")
    assert code in (0, 1), err
    return code, json.loads(out)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def kinds(doc: dict, *, waived: bool | None = None) -> set[str]:
    return {f["kind"] for f in doc["findings"] if waived is None or f["waived"] is waived}


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text, text


# --- the examples: every finding kind -------------------------------------------------------

@pytest.fixture
def examples(work: Path) -> Path:
    shutil.copytree(EXAMPLES, work / "examples")
    return work / "examples"


def test_examples_show_every_finding_kind(examples: Path) -> None:
    code, doc = run_json("--offline", "examples/licheck.yaml")
    assert code == 1
    # `drift` comes from `lock --check` only, which has no example yet.
    expected = set(KINDS) - {"drift"}
    assert kinds(doc) == expected, f"missing: {expected - kinds(doc)}"
    for finding in doc["findings"]:
        if finding["clause"]:
            assert finding["clause"]["quote"]
    assert all(m["location"]["file"] == "examples/licheck.yaml" for m in doc["models"])


def test_examples_waivers_valid_expired_unused(examples: Path) -> None:
    # The date is fixed so that the example's valid waiver (2027-06-30) stays valid here.
    report = run_check(["examples/licheck.yaml"], offline=True, today=dt.date(2026, 6, 1))
    assert sorted(w["status"] for w in report.waivers) == ["active", "expired", "unused"]
    assert {f.id for f in report.findings if f.kind == "waiver"} == {"waiver/expired", "waiver/unused"}
    (waived,) = [f for f in report.findings if f.waived]
    assert waived.id == "llama3.1/attribution" and waived.waiver["approved_by"] == "legal@acme.example"
    provenance = [f for f in report.findings if f.kind == "provenance"]
    assert provenance and not any(f.waived for f in provenance)   # its waiver expired


def test_examples_directory_target_is_its_manifest(examples: Path) -> None:
    _, by_file = run_json("--offline", "examples/licheck.yaml")
    _, by_dir = run_json("--offline", "examples")
    assert [m["ref"] for m in by_dir["models"]] == [m["ref"] for m in by_file["models"]]


def test_example_card_alone(examples: Path) -> None:
    code, doc = run_json("--offline", "examples/model-card/README.md")
    assert code == 1
    (model,) = doc["models"]
    assert "llama3.1" in model["licences"] and "apache-2.0" in model["licences"]
    by_kind = {f["kind"]: f for f in doc["findings"]}
    assert by_kind["licence_mismatch"]["severity"] == "error"   # your own card (contract section 3)
    assert by_kind["naming"]["severity"] == "error"
    assert "AcmeChat-8B" in by_kind["naming"]["message"]
    assert doc["context"]["use"]["derived_model_name"] == "AcmeChat-8B" or \
        doc["context"]["use"]["derived_model_name"] is None   # per-model override, not the run's


@pytest.mark.parametrize("target, expected", [
    ("examples/litellm/config.yaml", 0),
    ("examples/ollama/Modelfile", 0),
    ("examples/model-card/README.md", 1),
    ("examples/models/support-classifier", 0),
])
def test_each_example_target_runs(examples: Path, target: str, expected: int) -> None:
    code, out, err = run("--offline", target)
    assert code == expected, out + err
    no_traceback(err)


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_every_format_renders_the_examples(examples: Path, fmt: str) -> None:
    code, out, err = run("--offline", "examples/licheck.yaml", "--format", fmt)
    assert code == 1, err
    assert out.strip()
    no_traceback(err)
    if fmt in ("json", "sarif", "cyclonedx"):
        json.loads(out)


# --- card on a Llama base (the team checking its own fine-tune) ------------------------------

CARD = """\
---
license: apache-2.0
base_model: meta-llama/Llama-3.1-8B-Instruct
---
# {name}
"""


def test_card_licence_mismatch_and_naming(work: Path) -> None:
    write(work / "bad/README.md", CARD.format(name="AcmeChat-8B"))
    code, doc = run_json("--offline", "bad/README.md")
    assert code == 1
    assert {"licence_mismatch", "naming"} <= kinds(doc)
    write(work / "good/README.md", CARD.format(name="Llama-AcmeChat-8B"))
    _, doc = run_json("--offline", "good/README.md")
    assert "naming" not in kinds(doc) and "licence_mismatch" in kinds(doc)


def test_card_name_gives_way_to_the_context(work: Path) -> None:
    write(work / "c/README.md", CARD.format(name="AcmeChat-8B"))
    write(work / "ctx.yaml", "use: {derived_model_name: Llama-Acme, distributes_weights: false}\n")
    _, doc = run_json("--offline", "--context", "ctx.yaml", "c/README.md")
    assert "naming" not in kinds(doc)
    assert "notice" not in kinds(doc)   # the context says the weights are not distributed


def test_card_without_base_model(work: Path) -> None:
    write(work / "c/README.md", "---\nlicense: apache-2.0\n---\n# Acme\n")
    code, doc = run_json("--offline", "c/README.md")
    assert code == 0
    assert [f["id"] for f in doc["findings"] if f["kind"] == "unresolved"] == ["card/no-base-model"]
    code, _ = run_json("--offline", "--strict", "c/README.md")
    assert code == 1


def test_project_readme_is_skipped(work: Path) -> None:
    write(work / "README.md", "# A project\n")
    code, doc = run_json("--offline", "README.md")
    assert code == 0 and doc["models"] == [] and any("not a model card" in n for n in doc["notes"])


# --- other target types -------------------------------------------------------------------------

LITELLM = """\
model_list:
  - model_name: gpt
    litellm_params: {model: gpt-4o}
  - model_name: claude
    litellm_params: {model: anthropic/claude-3-5-sonnet-20240620}
  - model_name: gemini
    litellm_params: {model: gemini/gemini-1.5-pro}
  - model_name: command-r
    litellm_params:
      model: openai/CohereForAI/c4ai-command-r-v01
      api_base: http://vllm.internal:8000/v1
  - model_name: llama
    litellm_params: {model: huggingface/meta-llama/Llama-3.3-70B-Instruct}
"""


def test_litellm_config_mixing_hosted_and_self_hosted(work: Path) -> None:
    write(work / "proxy/config.yaml", LITELLM)
    code, doc = run_json("--offline", "proxy/config.yaml")
    assert code == 1   # CC-BY-NC-4.0 served commercially
    ids = [m["id"] for m in doc["models"]]
    assert ids == ["CohereForAI/c4ai-command-r-v01", "meta-llama/Llama-3.3-70B-Instruct"]
    assert [m["location"]["line"] for m in doc["models"]] == [10, 13]
    (note,) = [n for n in doc["notes"] if "hosted API" in n]
    assert "gpt-4o" in note and "anthropic/claude-3-5-sonnet-20240620" in note
    nc = [f for f in doc["findings"] if f["kind"] == "non_commercial"]
    assert nc and nc[0]["location"] == {"file": "proxy/config.yaml", "line": 10}


def test_modelfile_target(work: Path) -> None:
    write(work / "Modelfile", "FROM llama3.3:70b\nSYSTEM You are helpful.\n")
    code, doc = run_json("--offline", "Modelfile")
    assert code in (0, 1)
    assert doc["models"][0]["location"] == {"file": "Modelfile", "line": 1}
    assert "llama3.3" in doc["models"][0]["licences"]


def test_bare_references_and_gguf(work: Path) -> None:
    code, doc = run_json("--offline", "Qwen/Qwen2.5-7B-Instruct", "hf:google/gemma-2-9b")
    assert code == 0
    assert [m["licences"] for m in doc["models"]] == [["apache-2.0"], ["gemma"]]
    gguf = pytest.importorskip("gguf")
    writer = gguf.GGUFWriter(str(work / "m.gguf"), "llama")
    writer.add_string("general.name", "Tiny")
    writer.add_string("general.license", "apache-2.0")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.close()
    code, doc = run_json("--offline", "m.gguf")
    assert code == 0 and doc["models"][0]["licences"] == ["apache-2.0"]


def test_local_model_directory_without_licence(work: Path) -> None:
    write(work / "model/config.json", '{"model_type": "bert"}\n')
    code, doc = run_json("--offline", "model")
    assert "licence_unknown" in kinds(doc)
    assert code == 0
    code, _ = run_json("--offline", "--strict", "model")
    assert code == 1


def test_unresolved_reference_offline(work: Path) -> None:
    code, doc = run_json("--offline", "acme-internal/never-published")
    assert code == 0 and kinds(doc) == {"unresolved"}
    assert doc["summary"]["unresolved"] == 1
    assert run_json("--offline", "--strict", "acme-internal/never-published")[0] == 1


# --- exit codes, fail-on, waivers -----------------------------------------------------------------

def test_fail_on_levels(work: Path) -> None:
    write(work / "licheck.yaml", "models: [meta-llama/Llama-3.1-8B-Instruct]\n"
                                 "context: {use: {distributes_weights: true}}\n")
    code, doc = run_json("--offline")   # the default manifest name
    assert kinds(doc) >= {"notice"} and code == 0
    assert run_json("--offline", "--fail-on", "obligation")[0] == 1
    assert run_json("--offline", "--fail-on", "never")[0] == 0


def test_waivers_valid_expired_unused(work: Path) -> None:
    write(work / "licheck.yaml", """\
context: {use: {commercial: true}}
models: [CohereForAI/c4ai-command-r-v01]
waivers:
  - kind: non_commercial
    model: "CohereForAI/*"
    reason: commercial licence signed with Cohere
    approved_by: legal@acme.example
    expires: 2999-12-31
""")
    code, doc = run_json("--offline", "licheck.yaml")
    assert code == 0
    (nc,) = [f for f in doc["findings"] if f["kind"] == "non_commercial"]
    assert nc["waived"] and nc["waiver"]["approved_by"] == "legal@acme.example"
    assert doc["summary"]["waived"] >= 1

    text = (work / "licheck.yaml").read_text().replace("2999-12-31", "2001-01-01")
    write(work / "licheck.yaml", text)
    code, doc = run_json("--offline", "licheck.yaml")
    assert code == 1
    assert "waiver/expired" in {f["id"] for f in doc["findings"]}
    assert not any(f["waived"] for f in doc["findings"])

    text = text.replace("2001-01-01", "2999-12-31").replace("CohereForAI/*", "google/*")
    write(work / "licheck.yaml", text)
    code, doc = run_json("--offline", "licheck.yaml")
    assert code == 1
    unused = [f for f in doc["findings"] if f["id"] == "waiver/unused"]
    assert unused and unused[0]["location"] == {"file": "licheck.yaml", "line": 4}


def test_config_file_sets_fail_on_and_waivers(work: Path) -> None:
    write(work / "licheck.yaml", "models: [acme-internal/x]\n")
    write(work / ".licheck.yaml", "offline: true\nfail_on: warning\n")
    code, _, err = run("--format", "json")
    assert code == 1, err
    write(work / "pyproject.toml", '[tool.licheck]\nfail_on = "never"\n')
    code, _, _ = run("--config", "pyproject.toml", "--offline", "--format", "json")
    assert code == 0


def test_output_file_is_written_atomically(work: Path) -> None:
    code, out, _ = run("--offline", "acme-internal/x", "--format", "sarif", "--output", "r.sarif")
    assert code == 0 and out == ""
    assert json.loads((work / "r.sarif").read_text())["version"] == "2.1.0"
    assert [p.name for p in work.iterdir()] == ["r.sarif"]


# --- could not run: exit 2, one line, never a traceback ------------------------------------------

@pytest.mark.parametrize("files, args, expected", [
    ({"licheck.yaml": "models: [a/b]\nmodles: []\n"}, ["licheck.yaml"], "licheck.yaml:2: unknown key 'modles'"),
    ({"licheck.yaml": "models:\n  - id: a/b\n    use: {comercial: false}\n"}, ["licheck.yaml"],
     "licheck.yaml:3:"),
    ({"licheck.yaml": "models: [a/b\n"}, ["licheck.yaml"], "licheck.yaml:2: invalid YAML"),
    ({"licheck.yaml": "context: ctx.yaml\nmodels: []\n"}, ["licheck.yaml"], "licheck.yaml:1: context file not found"),
    ({"licheck.yaml": "models:\n  - path: ./gone\n"}, ["licheck.yaml"], "licheck.yaml:2: no such model directory"),
    ({}, ["missing.yaml"], "missing.yaml: no such file"),
    ({}, [], "nothing to check"),
    ({"ctx.yaml": "use: {commercial: maybe}\n"}, ["--context", "ctx.yaml", "a/b"], "ctx.yaml:1:"),
    ({}, ["--context", "nope.yaml", "a/b"], "nope.yaml: context file not found"),
    ({".licheck.yaml": "fail_on: error\nofline: true\n"}, ["a/b"], ".licheck.yaml:2: unknown key 'ofline'"),
    ({}, ["org/../../etc/passwd"], "invalid model reference"),
    ({"x.txt": "hello"}, ["x.txt"], "x.txt: cannot tell what this file is"),
    ({}, ["a/b", "--output", "no/such/dir/r.json"], "no/such/dir/r.json: cannot write the report"),
    ({"README.md": "---\nlicense: [unclosed\n---\n"}, ["README.md"], "invalid YAML"),
    ({"Modelfile": "FROM llama3.2\nFROOM x\n"}, ["Modelfile"], "Modelfile:2: unknown instruction"),
    ({"config.yaml": "model_list:\n  - model_name: x\n"}, ["config.yaml"], "config.yaml:2: a model_list entry needs"),
])
def test_bad_input_exits_2_with_one_line(work: Path, files: dict[str, str], args: list[str],
                                         expected: str) -> None:
    for name, text in files.items():
        write(work / name, text)
    code, out, err = run("--offline", *args)
    assert code == 2, (out, err)
    assert out == ""
    no_traceback(err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert expected in lines[0]


def test_yaml_bomb_exits_2(work: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 40)]
    write(work / "licheck.yaml", "\n".join(lines) + "\nmodels: [*a39]\n")
    code, _, err = run("--offline", "licheck.yaml")
    assert code == 2 and "licheck.yaml:" in err and "aliases" in err
    no_traceback(err)


def test_50mb_manifest_is_refused(work: Path) -> None:
    with (work / "licheck.yaml").open("wb") as fh:
        fh.write(b"models:\n")
        fh.truncate(50 * 1024 * 1024)
    code, _, err = run("--offline", "licheck.yaml")
    assert code == 2 and "licheck.yaml: file is 52428800 bytes" in err
    no_traceback(err)


def test_bad_option_value_exits_2(work: Path) -> None:
    code, _, err = run("--fail-on", "sometimes", "a/b")
    assert code == 2 and "sometimes" in err


# --- against the loopback mock Hub ---------------------------------------------------------------

def test_online_check_against_mock_hub(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mockhub = pytest.importorskip("mockhub")
    hub = mockhub.MockHub().start()
    try:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_HUB_CACHE", str(work / "hf-cache"))
        monkeypatch.setenv("HF_TOKEN_PATH", str(work / "no-token"))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        code, doc = run_json("NousResearch/Hermes-3-Llama-3.1-8B")
    finally:
        hub.stop()
    (model,) = doc["models"]
    assert model["lineage"][0]["source"] == "hub"
    assert "llama3.1" in model["licences"]
    assert "licence_mismatch" in kinds(doc)


# --- real processes --------------------------------------------------------------------------------

@pytest.mark.slow
def test_subprocess_exit_codes(examples: Path) -> None:
    env = {"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "HF_ENDPOINT": "http://127.0.0.1:9",
           "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    env["LICHECK_CACHE_DIR"] = str(examples.parent / "cache")
    done = subprocess.run([sys.executable, "-m", "licheck", "check", "examples/licheck.yaml"],
                          capture_output=True, text=True, env=env, cwd=examples.parent, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "naming" in done.stdout and done.stderr.count("Traceback") == 0
    write(examples.parent / "bad.yaml", "models: [a/b]\nextra: 1\n")
    done = subprocess.run([sys.executable, "-m", "licheck", "check", "bad.yaml"],
                          capture_output=True, text=True, env=env, cwd=examples.parent, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("licheck: bad.yaml:2: unknown key 'extra'")
    assert done.stderr.count("\n") == 1


# --- terminal behaviour: colour and progress ------------------------------------------------------

def test_colour_only_on_a_terminal_without_no_color(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import licheck.cli.check as cli_check

    args = ("--offline", "CohereForAI/c4ai-command-r-v01")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" not in run(*args)[1]                      # not a terminal
    monkeypatch.setattr(cli_check, "_isatty", lambda stream: True)
    assert "\x1b[" in run(*args)[1]                          # a terminal
    assert "\x1b[" not in run(*args, "--output", "r.txt")[1] + (work / "r.txt").read_text()
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(*args)[1]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only() -> None:
    from licheck.cli.check import _progress

    quiet = io.StringIO()
    with _progress(quiet, delay=0) as progress:
        assert progress is None
    assert quiet.getvalue() == ""

    term = _Terminal()
    with _progress(term, delay=0) as progress:
        progress(3)
        for _ in range(500):   # wait (bounded) for the spinner thread's first frame
            if "resolving 3 model(s)" in term.getvalue():
                break
            threading.Event().wait(0.01)
    assert "resolving 3 model(s)" in term.getvalue()
    assert term.getvalue().endswith("\r\x1b[K")   # the line is cleared afterwards
