"""`licheck notice`: write NOTICE, LICENSES/ and CHECKLIST.md for the declared context."""

from __future__ import annotations

import os
from pathlib import Path

import click

from licheck.cli._env import command_env, config_option
from licheck.errors import InputError
from licheck.formats._common import strip_controls
from licheck.notice import (
    build,
    check_output_dir,
    evaluate_targets,
    render_text,
    shipped_notices,
    write_bundle,
)
from licheck.sources.registry import standard_sources


@click.command()
@click.argument("targets", nargs=-1, metavar="[TARGET]...")
@click.option("--context", "context_path", metavar="FILE",
              help="Deployment context (YAML); overrides the manifest's and the config's.")
@config_option
@click.option("--output", "-o", "output", metavar="DIR",
              help="Write the files into DIR (replaced whole); without it they are printed.")
@click.option("--offline", is_flag=True, default=False,
              help="No network: use the cache, local files and the built-in catalogue.")
def notice(targets: tuple[str, ...], context_path: str | None, config_path: str | None,
           output: str | None, offline: bool) -> int:
    """The files the binding licences require for your context, and only those.

    NOTICE holds every notice sentence the licences require, verbatim; LICENSES/<id>.txt
    a copy of each licence (and incorporated policy) to ship with distributed weights;
    CHECKLIST.md what to display and where, and every other duty with its rule and clause.
    TARGETs are those of `licheck check`.

    \b
    Exit codes: 0 the files are complete for this context; 1 they are written but a
                conflict remains, a model could not be checked, or a text licheck does
                not have verbatim is missing (see CHECKLIST.md); 2 could not run.
    """
    if context_path is not None and not Path(context_path).is_file():
        raise InputError("context file not found", path=context_path)
    target_dir = None
    if output is not None:
        target_dir = check_output_dir(output, [*targets, context_path or "", config_path or ""])
    offline = offline or os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    env = command_env(config_path, offline=offline, sources=standard_sources)
    report = evaluate_targets(env, list(targets), context_path=context_path)
    bundle = build(report, env.rulebook, env.corpus, shipped=shipped_notices(report))
    if target_dir is None:
        click.echo(strip_controls(render_text(bundle)), nl=False)
    else:
        try:
            write_bundle(target_dir, bundle.files)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", path=output) from None
        click.echo(f"licheck: wrote {output}: {len(bundle.notices)} notice sentence(s), "
                   f"{len(bundle.licences)} licence text(s), {len(bundle.displays)} display(s), "
                   f"{sum(1 for _d, _w, done in bundle.duties if not done) + len(bundle.conflicts)} "
                   "open item(s) in CHECKLIST.md", err=True)
    if not bundle.complete:
        click.echo("licheck: not complete: "
                   + "; ".join(x for x in (
                       f"{len(bundle.conflicts)} conflict(s) to resolve" if bundle.conflicts else "",
                       f"{len(bundle.unchecked)} model problem(s) not checked" if bundle.unchecked else "",
                       f"{len(bundle.unverified) + len(bundle.missing_texts)} text(s) licheck does not have "
                       "verbatim" if bundle.unverified or bundle.missing_texts else "")
                       if x), err=True)
        return 1
    return 0
