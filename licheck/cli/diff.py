"""`licheck diff A B`: two licence ids (clause by clause) or two JSON reports of `check`."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import click

from licheck.cli._env import command_env, config_option
from licheck.cli.check import write_report
from licheck.diff_render import FORMATS, render
from licheck.errors import InputError
from licheck.files import read_text
from licheck.formats._common import strip_controls
from licheck.licence_diff import compare
from licheck.licences import Corpus
from licheck.report_diff import compare as compare_reports
from licheck.report_diff import validate


@click.command()
@click.argument("a")
@click.argument("b")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format (html: the review report's printable page).")
@click.option("--output", "-o", "output", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
@config_option
def diff(a: str, b: str, fmt: str, output: str | None, config_path: str | None) -> int:
    """Compare two licences (`licheck diff llama3 llama3.1`) or two `check --format json`
    reports (`licheck diff old.json new.json`).

    Licences: every rule matched by kind and subject (added, removed, changed parameters,
    with both quotes and sections), then the texts word by word, section by section.
    Reports: models added or removed, licences changed per model, findings new, resolved or
    changed in severity, waivers expired.

    \b
    Exit codes: 0 compared (differences are shown, not judged); 2 could not run.
    """
    env = command_env(config_path)   # its extra licences and rules count
    corpus = env.corpus
    kind_a, kind_b = _kind(a, corpus), _kind(b, corpus)
    if kind_a != kind_b:
        raise InputError(f"cannot compare a {kind_a} ('{a}') with a {kind_b} ('{b}'): give two licence "
                         "ids or two JSON reports")
    result: Any
    if kind_a == "licence":
        id_a, id_b = corpus.lookup(a), corpus.lookup(b)
        assert id_a is not None and id_b is not None
        result = compare(id_a, id_b, env.rulebook, corpus)
    else:
        result = compare_reports(_report(a), _report(b), old_name=a, new_name=b)
    text = strip_controls(render(result, fmt))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_report(output, text)
        click.echo(f"licheck: wrote {output}", err=True)
    return 0


def _kind(arg: str, corpus: Corpus) -> str:
    """'licence' for a known licence id or alias, 'report' for a file; else exit 2 with a hint."""
    if os.path.isfile(arg):
        return "report"
    if corpus.lookup(arg) is not None:
        return "licence"
    names = corpus.ids() + sorted({alias for lic in corpus for alias in lic.aliases})
    close = difflib.get_close_matches(arg, names, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else " (see `licheck licences`)"
    if arg.lower().endswith(".json") or os.sep in arg:
        raise InputError("no such file, and not a licence id", path=arg)
    raise InputError(f"'{arg}' is neither a licence id or alias nor a readable JSON report{hint}")


def _report(path: str) -> Any:
    text = read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", path=path, line=exc.lineno) from None
    return validate(doc, str(Path(path)))
