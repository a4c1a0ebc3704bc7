"""`licheck check`: the CI gate. Reads targets, runs the pipeline, renders, exits 0/1/2."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from licheck.check import exit_code, run_check
from licheck.cli._env import command_env, config_option
from licheck.errors import InputError
from licheck.files import user_file_mode, write_atomically
from licheck.formats import FORMAT_NAMES, render, strip_controls
from licheck.report import Report
from licheck.schema import did_you_mean
from licheck.severity import FAIL_ON_CHOICES
from licheck.sources.registry import standard_sources


@click.command()
@click.argument("targets", nargs=-1, metavar="[TARGET]...")
@click.option("--context", "context_path", metavar="FILE",
              help="Deployment context (YAML); overrides the manifest's and the config's.")
@config_option
@click.option("--format", "-f", "fmt", type=click.Choice(FORMAT_NAMES), default=None,
              help="Output format (default: text).")
@click.option("--output", "-o", "outputs", metavar="[FORMAT=]PATH", multiple=True,
              help="Write the report to PATH (atomically; '-' is stdout), in FORMAT or --format. "
                   "Repeat for several outputs from one run: -o sarif=r.sarif -o github=-.")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False), default=None,
              help="Lowest severity that fails the run (default: error).")
@click.option("--offline", is_flag=True, default=False,
              help="No network: use the cache, local files and the built-in catalogue.")
@click.option("--strict", is_flag=True, default=False,
              help="Unresolved models and unknown licences are errors, not warnings.")
@click.option("--locked", is_flag=True, default=False,
              help="Every model must come from the manifest's licheck.lock; a stale or missing "
                   "lock is an input error (exit 2).")
@click.option("--quiet", "-q", is_flag=True, default=False,
              help="Text: one line per finding (file:line: severity id message).")
@click.option("--verbose", "-v", is_flag=True, default=False,
              help="Text: every detail of every finding, advice repeated where it applies.")
@click.option("--color", "color_mode", type=click.Choice(("auto", "always", "never")), default="auto",
              help="Colour text output (auto: on a terminal, unless NO_COLOR or TERM=dumb; "
                   "FORCE_COLOR forces it).")
def check(targets: tuple[str, ...], context_path: str | None, config_path: str | None,
          fmt: str | None, outputs: tuple[str, ...], fail_on: str | None, offline: bool,
          strict: bool, locked: bool, quiet: bool, verbose: bool, color_mode: str) -> int:
    """Check models against their licences and your deployment context.

    A TARGET is a licheck manifest, a model card (README.md), an Ollama Modelfile, a
    LiteLLM config.yaml, a model directory, a .gguf file or a model id (org/name,
    org/name@rev, ollama:NAME). A folder that is none of these is searched for manifests
    and model cards. With none, the config's manifest, else licheck.yaml or models.yaml here.

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
    plan = plan_outputs(outputs, fmt or "text")
    refuse_inputs(plan, [*targets, *filter(None, (context_path, env.config.path))])

    with _progress(sys.stderr) as progress:
        report = run_check(env, list(targets), context_path=context_path, strict=strict,
                           progress=progress, locked=locked)
    if report.hub_unreachable:
        click.echo(f"licheck: {report.hub_unreachable}", err=True)
    refuse_inputs(plan, report_inputs(report))

    for out_fmt, path in plan:
        to_stdout = path == "-"
        color = out_fmt == "text" and to_stdout and use_color(color_mode, sys.stdout)
        if out_fmt == "text":
            from licheck.formats.text import render_text  # formats load only when used

            text = render_text(report, color=color, quiet=quiet, verbose=verbose,
                               width=terminal_width() if to_stdout and _isatty(sys.stdout) else None)
        else:
            text = render(report, out_fmt, color=color)
        if not color:   # coloured text cleans its data itself, then adds its own escapes
            text = strip_controls(text)
        if to_stdout:
            click.echo(text, nl=False, color=color)
            continue
        write_report(path, text)
        counts = report.summary()
        click.echo(f"licheck: wrote {path} ({counts['models']} model(s): {counts['error']} error(s), "
                   f"{counts['warning']} warning(s), {counts['obligation']} obligation(s), "
                   f"{counts['waived']} waived)", err=True)
    return exit_code(report, fail_on or env.config.fail_on or "error")


def plan_outputs(outputs: Sequence[str], default_fmt: str) -> list[tuple[str, str]]:
    """(format, path) of every output; '-' is stdout, and stdout is the default."""
    plan: list[tuple[str, str]] = []
    for value in outputs:
        name, sep, path = value.partition("=")
        if sep and name in FORMAT_NAMES:
            plan.append((name, path))
        elif sep and name and "/" not in name and "\\" not in name and "." not in name:
            raise click.UsageError(f"--output {value}: unknown format '{name}'"
                                   f"{did_you_mean(name, FORMAT_NAMES)}")
        else:
            plan.append((default_fmt, value))
    if not plan:
        plan.append((default_fmt, "-"))
    for _fmt, path in plan:
        if not path:
            raise click.UsageError("--output: empty path (use '-' for stdout)")
    if sum(path == "-" for _fmt, path in plan) > 1:
        raise click.UsageError("--output: only one output can go to stdout ('-')")
    paths = [os.path.abspath(p) for _f, p in plan if p != "-"]
    if len(paths) != len(set(paths)):
        raise click.UsageError("--output: the same file is named twice")
    return plan


def refuse_inputs(plan: Sequence[tuple[str, str]], inputs: Sequence[str]) -> None:
    """An output that would overwrite one of the run's inputs is an input error (exit 2)."""
    for _fmt, path in plan:
        if path == "-" or not os.path.exists(path):
            continue
        for given in inputs:
            try:
                same = os.path.exists(given) and os.path.samefile(path, given)
            except OSError:
                same = False
            if same:
                raise InputError(f"--output would overwrite an input of this run ({given})", path=path)


def report_inputs(report: Report) -> list[str]:
    """The files the run read: where models were written, waivers, the context file."""
    files = {m.location.file for m in report.models if m.location is not None}
    files |= {w["location"]["file"] for w in report.waivers if isinstance(w.get("location"), dict)}
    files |= {lock["path"] for lock in report.locks if lock.get("path")}
    source = report.context.get("source") if isinstance(report.context, dict) else None
    if isinstance(source, str):
        files.add(source)
    return sorted(files)


def use_color(mode: str, stream: TextIO) -> bool:
    """--color, then the conventions: NO_COLOR (https://no-color.org) and TERM=dumb turn
    colour off, FORCE_COLOR turns it on, else colour on a terminal."""
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def terminal_width() -> int:
    import shutil  # it loads the compression modules: only output to a terminal needs it

    return max(40, shutil.get_terminal_size((100, 24)).columns)


def write_report(path: str, text: str) -> None:
    """Write the report to `path` whole or not at all (see files.write_atomically)."""
    target = Path(path)
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise InputError("cannot write the report: the folder does not exist", path=path)
    try:
        write_atomically(target, text, mode=user_file_mode(target))
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", path=path) from None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def _progress(stream: TextIO, delay: float = 1.0) -> Iterator[Callable[[int], None] | None]:
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
