"""`licheck init` (issue 13, section 4): a commented starter that checks, and never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main


def run(*args: str) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main(list(args))
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_init_writes_a_starter_that_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("init")
    assert code == 0, err
    assert "#" in (tmp_path / "licheck.yaml").read_text() and "#" in (tmp_path / "context.yaml").read_text()
    code, out, err = run("check", "--offline")
    assert code == 0, out + err
    assert "mistralai/Mistral-7B-v0.1" in out


@pytest.mark.parametrize("existing", ["licheck.yaml", "context.yaml"])
def test_init_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / existing).write_text("mine\n")
    code, _, err = run("init")
    assert code == 2 and existing in err
    assert (tmp_path / existing).read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]
