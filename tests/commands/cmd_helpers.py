"""Helpers for the `notice`, `diff` and `models` tests: the real CLI in click's isolation."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from click.testing import CliRunner

from licheck.cli import main
from licheck.env import Env, build_env
from licheck.models_query import catalogue_sources

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"


def run(*args: str) -> tuple[int, str, str]:
    """`licheck ARGS` in process: (exit code, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = main(list(args))
        return code, out.getvalue().decode(), err.getvalue().decode()  # inside: click 8.2.0-8.2.1 close on exit


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text


@cache
def catalogue_env() -> Env:
    """The environment `licheck models` builds with no config: the bundled data, sources from
    the catalogue alone (shared: its rulebook keeps what it has read)."""
    return build_env(offline=True, sources=catalogue_sources)
