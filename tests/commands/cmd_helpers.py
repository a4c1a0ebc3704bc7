"""Helpers for the `notice`, `diff` and `models` tests: the real CLI in click's isolation."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from licheck.cli import main

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"


def run(*args: str) -> tuple[int, str, str]:
    """`licheck ARGS` in process: (exit code, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = main(list(args))
    return code, out.getvalue().decode(), err.getvalue().decode()


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text
