"""The real command line in click's isolation, for tests that check what a user sees."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from licheck.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """`licheck ARGS` in process: (exit code, stdout, stderr).

    Read inside the block: click 8.2.0-8.2.1 close the captured streams on leaving it.
    """
    with CliRunner(env=env).isolation(env=env) as (out, err, _):
        code = main(list(args))
        return code, out.getvalue().decode(), err.getvalue().decode()


def write(path: Path, text: str) -> Path:
    """Write `text` to `path`, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
