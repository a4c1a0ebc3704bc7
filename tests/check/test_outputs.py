"""Outputs of `licheck check` (issue 13, sections 2 and 4): several from one run, stdout,
permissions, inputs never overwritten, quiet/verbose text, colour conventions, wrapping."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from cli_run import run, write

from licheck.cli.check import use_color

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "licheck.yaml", "models:\n  - meta-llama/Llama-3.1-8B-Instruct\n  - acme/nowhere\n")
    return tmp_path


def test_several_outputs_from_one_run(work: Path) -> None:
    code, out, err = run("check", "--offline", "-o", "sarif=r.sarif", "-o", "json=r.json",
                         "-o", "markdown=summary.md", "-o", "github=-", "licheck.yaml")
    assert code == 0, err
    assert json.loads((work / "r.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((work / "r.json").read_text())["summary"]["models"] == 2
    assert (work / "summary.md").read_text().startswith("#")
    assert out.startswith("::")   # the annotations on stdout
    assert err.count("licheck: wrote") == 3


def test_plain_output_keeps_working_with_format(work: Path) -> None:
    code, out, _ = run("check", "--offline", "--format", "json", "--output", "r.json", "licheck.yaml")
    assert out == "" and json.loads((work / "r.json").read_text())["schema_version"] == 1


def test_dash_is_stdout(work: Path) -> None:
    code, out, _ = run("check", "--offline", "-f", "json", "-o", "-", "licheck.yaml")
    assert json.loads(out)["schema_version"] == 1
    assert not (work / "-").exists()


@pytest.mark.parametrize(("args", "wording"), [
    (["-o", "-", "-o", "json=-"], "only one output"),
    (["-o", "sarf=r.sarif"], "did you mean 'sarif'"),
    (["-o", "a.json", "-o", "json=a.json"], "named twice"),
])
def test_bad_outputs_are_usage_errors(work: Path, args: list[str], wording: str) -> None:
    code, _, err = run("check", "--offline", *args, "licheck.yaml")
    assert code == 2 and wording in err


@pytest.mark.parametrize("victim", ["licheck.yaml", "ctx.yaml", "waivers.yaml"])
def test_an_output_that_is_an_input_is_refused(work: Path, victim: str) -> None:
    write(work / "ctx.yaml", "sectors: []\n")
    write(work / "waivers.yaml", "- kind: attribution\n  reason: r\n  approved_by: x\n  expires: 2099-01-01\n")
    write(work / "licheck.yaml", "context: ctx.yaml\nwaivers: waivers.yaml\n"
                                 "models: [meta-llama/Llama-3.1-8B-Instruct]\n")
    before = (work / victim).read_text()
    code, _, err = run("check", "--offline", "-o", f"json={victim}", "licheck.yaml")
    assert code == 2 and "overwrite an input" in err
    assert (work / victim).read_text() == before


def test_output_files_respect_the_umask_and_keep_an_existing_mode(work: Path) -> None:
    old = os.umask(0o022)
    try:
        run("check", "--offline", "-o", "json=new.json", "licheck.yaml")
        assert stat.S_IMODE((work / "new.json").stat().st_mode) == 0o644
        write(work / "old.json", "{}")
        os.chmod(work / "old.json", 0o640)
        run("check", "--offline", "-o", "json=old.json", "licheck.yaml")
        assert stat.S_IMODE((work / "old.json").stat().st_mode) == 0o640
    finally:
        os.umask(old)


# --- reading the text ---------------------------------------------------------------------------------

def test_quiet_is_one_line_per_finding(work: Path) -> None:
    code, out, _ = run("check", "--offline", "-q", "licheck.yaml")
    _, doc, _ = run("check", "--offline", "-f", "json", "licheck.yaml")
    unwaived = [f for f in json.loads(doc)["findings"] if not f["waived"]]
    lines = out.splitlines()
    assert len(lines) == len(unwaived)
    assert all(line.startswith("licheck.yaml:") for line in lines)
    assert any(line.startswith("licheck.yaml:3: warning lineage/unresolved ") for line in lines)


def test_shared_advice_is_said_once_and_verbose_repeats_it(work: Path) -> None:
    write(work / "licheck.yaml", "models:\n  - meta-llama/Llama-3.1-8B-Instruct\n"
                                 "  - meta-llama/Llama-3.1-70B-Instruct\n")
    _, out, _ = run("check", "--offline", "licheck.yaml")
    _, verbose, _ = run("check", "--offline", "-v", "licheck.yaml")
    assert "as for llama3.1/attribution above" in out
    assert "as for" not in verbose
    assert len(out.splitlines()) == len(verbose.splitlines())


def test_text_wraps_to_the_terminal_width(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from licheck.check import run_check
    from licheck.cli._env import command_env
    from licheck.formats.text import render_text
    from licheck.sources.registry import standard_sources

    monkeypatch.chdir(ROOT / "examples")
    env = command_env(None, offline=True, sources=standard_sources)
    report = run_check(env, ["licheck.yaml"])
    wide = render_text(report)
    assert max(map(len, wide.splitlines())) > 80
    for color in (False, True):
        narrow = render_text(report, width=80, color=color)
        assert [line for line in narrow.splitlines() if len(re.sub(r"\x1b\[[0-9;]*m", "", line)) > 80] == []


@pytest.mark.parametrize(("mode", "env", "tty", "expected"), [
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {"FORCE_COLOR": "1"}, True, False),
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"TERM": "dumb"}, True, False),
    ("auto", {"FORCE_COLOR": "1"}, False, True),
])
def test_colour_conventions(monkeypatch: pytest.MonkeyPatch, mode: str, env: dict[str, str],
                            tty: bool, expected: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    class Stream:
        def isatty(self) -> bool:
            return tty

    assert use_color(mode, Stream()) is expected  # type: ignore[arg-type]


def test_color_always_colours_the_cli_output(work: Path) -> None:
    _, out, _ = run("check", "--offline", "--color", "always", "licheck.yaml")
    assert "\x1b[" in out
    _, out, _ = run("check", "--offline", "--color", "never", "licheck.yaml")
    assert "\x1b[" not in out


def test_the_models_location_is_not_repeated_under_each_finding(work: Path) -> None:
    write(work / "licheck.yaml", "models:\n  - meta-llama/Llama-3.1-8B-Instruct\n")
    _, out, _ = run("check", "--offline", "licheck.yaml")
    _, verbose, _ = run("check", "--offline", "-v", "licheck.yaml")
    assert out.count("licheck.yaml:2") == 1       # the model's heading only
    assert verbose.count("licheck.yaml:2") > 1
