"""Usage errors are one line (`licheck: error: ...`, exit 2); -V and -f exist (issue 13, section 4)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from licheck import __version__
from licheck.cli import main


def run(*args: str) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main(list(args))
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize("args", [
    ["check", "--bogus"], ["bogus"], ["check", "--fail-on", "sometimes", "a/b"], ["explain"],
    ["check", "--format", "pdf", "a/b"], ["check", "-o", "-", "-o", "json=-", "a/b"],
])
def test_usage_errors_are_one_line(args: list[str]) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith("licheck: error: ") and err.count("\n") == 1, err


def test_dash_capital_v_is_the_version() -> None:
    code, out, _ = run("-V")
    assert code == 0 and __version__ in out


def test_dash_f_is_the_format(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("check", "--offline", "-f", "sarif", "mistralai/Mistral-7B-v0.1")
    assert code == 0 and '"version": "2.1.0"' in out
