"""`licheck check`: the CI gate. Reads targets, runs the pipeline, renders, exits 0/1/2."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from licheck.check import exit_code, run_check
from licheck.cli._env import command_env, config_option
from licheck.errors import InputError
from licheck.files import write_atomically
from licheck.formats import FORMAT_NAMES, render, strip_controls
from licheck.severity import FAIL_ON_CHOICES
from licheck.sources.registry import standard_sources


@click.command()
@click.argument("targets", nargs=-1, metavar="[TARGET]...")
@click.option("--context", "context_path", metavar="FILE",
              help="Deployment context (YAML); overrides the manifest's and the config's.")
@config_option
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default=None,
              help="Output format (default: text).")
@click.option("--output", "-o", "output", metavar="FILE",
              help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False), default=None,
              help="Lowest severity that fails the run (default: error).")
@click.option("--offline", is_flag=True, default=False,
              help="No network: use the cache, local files and the built-in catalogue.")
@click.option("--strict", is_flag=True, default=False,
              help="Unresolved models and unknown licences are errors, not warnings.")
@click.option("--locked", is_flag=True, default=False,
              help="Every model must come from the manifest's licheck.lock; a stale or missing "
                   "lock is an input error (exit 2).")
def check(targets: tuple[str, ...], context_path: str | None, config_path: str | None,
          fmt: str | None, output: str | None, fail_on: str | None, offline: bool,
          strict: bool, locked: bool) -> int:
    """Check models against their licences and your deployment context.

    A TARGET is a licheck manifest, a model card (README.md), an Ollama Modelfile, a
    LiteLLM config.yaml, a model directory, a .gguf file or a model id (org/name,
    org/name@rev, ollama:NAME). With none, the config's manifest, else licheck.yaml or
    models.yaml here.

    A manifest with a licheck.lock beside it is checked against the lineages in the lock
    (no network, no cache); see `licheck lock`.

    \b
    Exit codes: 0 nothing unwaived at or above --fail-on; 1 something is;
                2 could not run (bad arguments, input, config or context;
                  with --locked, a lock that does not hold every model).
    """
    offline = offline or os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    env = command_env(config_path, offline=offline, sources=standard_sources)
    if context_path is not None and not Path(context_path).is_file():
        raise InputError("context file not found", path=context_path)

    with _progress(sys.stderr) as progress:
        report = run_check(env, list(targets), context_path=context_path, strict=strict,
                           progress=progress, locked=locked)

    fmt = fmt or "text"
    to_terminal = output is None and _isatty(sys.stdout)
    color = fmt == "text" and to_terminal and "NO_COLOR" not in os.environ
    text = render(report, fmt, color=color)
    if not color:   # coloured text cleans its data itself, then adds its own escapes
        text = strip_controls(text)
    if output is None:
        click.echo(text, nl=False, color=color)
    else:
        write_report(output, text)
        counts = report.summary()
        click.echo(f"licheck: wrote {output} ({counts['models']} model(s): {counts['error']} error(s), "
                   f"{counts['warning']} warning(s), {counts['obligation']} obligation(s), "
                   f"{counts['waived']} waived)", err=True)
    return exit_code(report, fail_on or env.config.fail_on or "error")


def write_report(path: str, text: str) -> None:
    """Write the report to `path` whole or not at all (see files.write_atomically)."""
    target = Path(path)
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise InputError("cannot write the report: the folder does not exist", path=path)
    try:
        write_atomically(target, text)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", path=path) from None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def _progress(stream: TextIO, delay: float = 0.8) -> Iterator[Callable[[int], None] | None]:
    """A spinner on a terminal's stderr, shown only when resolving takes more than `delay`."""
    if not _isatty(stream):
        yield None
        return
    done = threading.Event()
    count: list[int] = [0]

    def spin() -> None:
        if done.wait(delay):
            return
        frames = "|/-\\"
        i = 0
        while not done.wait(0.12):
            stream.write(f"\rlicheck: resolving {count[0]} model(s) {frames[i % 4]}")
            stream.flush()
            i += 1
        stream.write("\r\033[K")
        stream.flush()

    def progress(n: int) -> None:
        count[0] = n

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield progress
    finally:
        done.set()
        thread.join(timeout=1)
