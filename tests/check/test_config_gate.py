"""The config as a gate's users write it (issue 13): per-kind levels, the flags' spelling in
`[tool.licheck]`, found by walking up to the repository root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run, write

from licheck.config import find_config, load_config


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "licheck.yaml", "models: [meta-llama/Llama-3.1-8B-Instruct]\n")
    return tmp_path


def severities(out: str, kind: str) -> set[str]:
    return {f["severity"] for f in json.loads(out)["findings"] if f["kind"] == kind}


def test_levels_set_a_severity_per_kind(work: Path) -> None:
    _, out, _ = run("check", "--offline", "-f", "json", "licheck.yaml")
    assert severities(out, "attribution") == {"obligation"}
    write(work / ".licheck.yaml", "levels:\n  attribution: error\n")
    code, out, _ = run("check", "--offline", "-f", "json", "licheck.yaml")
    assert severities(out, "attribution") == {"error"} and code == 1


def test_strict_on_the_command_line_wins_over_a_level(work: Path) -> None:
    write(work / "licheck.yaml", "models: [acme/nowhere]\n")
    write(work / ".licheck.yaml", "levels: {unresolved: info}\n")
    _, out, _ = run("check", "--offline", "-f", "json", "licheck.yaml")
    assert severities(out, "unresolved") == {"info"}
    _, out, _ = run("check", "--offline", "--strict", "-f", "json", "licheck.yaml")
    assert severities(out, "unresolved") == {"error"}


@pytest.mark.parametrize(("levels", "wording"), [
    ("levels:\n  provenanc: info\n", "did you mean 'provenance'"),
    ("levels:\n  provenance: loud\n", "must be one of"),
    ("levels: [provenance]\n", "mapping of finding kind to severity"),
])
def test_bad_levels_are_exit_2_at_the_line(work: Path, levels: str, wording: str) -> None:
    write(work / ".licheck.yaml", levels)
    code, _, err = run("check", "--offline", "licheck.yaml")
    assert code == 2 and err.startswith("licheck: .licheck.yaml:") and wording in err


def test_pyproject_accepts_the_flags_spelling(work: Path) -> None:
    write(work / "pyproject.toml", "[tool.licheck]\nfail-on = 'obligation'\n")
    code, _, err = run("check", "--offline", "licheck.yaml")
    assert code == 1, err   # the attribution obligation now fails the gate
    assert load_config("pyproject.toml").fail_on == "obligation"


def test_both_spellings_at_once_is_an_error(work: Path) -> None:
    write(work / ".licheck.yaml", "fail-on: warning\nfail_on: error\n")
    code, _, err = run("check", "--offline", "licheck.yaml")
    assert code == 2 and "same setting" in err


def test_config_is_found_walking_up_to_the_repository_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / ".licheck.yaml", "fail_on: warning\n")
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) is not None and find_config(deep).resolve() == (repo / ".licheck.yaml").resolve()
    write(tmp_path / ".licheck.yaml", "fail_on: never\n")   # above the repository: never read
    (repo / ".licheck.yaml").unlink()
    assert find_config(deep) is None


def test_outside_a_repository_only_the_current_folder_counts(tmp_path: Path) -> None:
    write(tmp_path / ".licheck.yaml", "fail_on: warning\n")
    (tmp_path / "sub").mkdir()
    assert find_config(tmp_path / "sub") is None
    assert find_config(tmp_path) is not None
