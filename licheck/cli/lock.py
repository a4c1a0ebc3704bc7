"""`licheck lock`: pin the lineages of a manifest's models in `licheck.lock` (docs/lock.md)."""

from __future__ import annotations

import os

import click

from licheck.check import exit_code
from licheck.cli._env import command_env, config_option
from licheck.cli.check import write_report
from licheck.errors import InputError
from licheck.formats import FORMAT_NAMES, render, strip_controls
from licheck.locking import check_drift, lock_manifest
from licheck.severity import FAIL_ON_CHOICES
from licheck.sources.registry import standard_sources


@click.command()
@click.argument("args", nargs=-1, metavar="[MANIFEST] [MODEL]...")
@click.option("--check", "check_only", is_flag=True, default=False,
              help="Compare the lock with upstream now and report drift; writes nothing.")
@click.option("--update", is_flag=True, default=False,
              help="Resolve entries afresh: every entry, or only the MODELs given (as written "
                   "in the manifest, or their ids).")
@config_option
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default=None,
              help="--check output format (default: text).")
@click.option("--output", "-o", "output", metavar="FILE", help="--check: write the report to FILE.")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False), default=None,
              help="--check: lowest severity that fails (default: error, i.e. a licence changed).")
@click.option("--offline", is_flag=True, default=False,
              help="Resolve with the built-in catalogue and local files only (no network).")
def lock(args: tuple[str, ...], check_only: bool, update: bool, config_path: str | None, fmt: str | None, output: str | None, fail_on: str | None,
         offline: bool) -> int:
    """Write licheck.lock beside MANIFEST: the lineage of every model as resolved now.

    MANIFEST is a manifest file (default: the config's, else licheck.yaml or models.yaml
    here). Without --update, only entries the lock does not hold yet are resolved (the others stay
    as locked); entries the manifest no longer lists are dropped. The file is rewritten only
    when its content changes. `licheck check` then reads lineages from the lock, with no
    network and no cache. The Hub is always asked afresh here (the cache is not used).

    \b
    Exit codes: 0 written (or already up to date); with --check, 0 no drift at or above
                --fail-on, 1 drift at or above it; 2 could not run (bad input, bad lock).
    """
    manifest, models = _split(args)
    if models and not update:
        raise InputError(f"unexpected argument '{models[0]}': MODELs go with --update "
                         "(which entries to refresh)")
    if check_only and update:
        raise InputError("--check compares and writes nothing: give either --check or --update")
    offline = offline or os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    env = command_env(config_path, offline=offline, sources=standard_sources)
    if check_only:
        report = check_drift(env, manifest)
        text = strip_controls(render(report, fmt or "text", color=False))
        if output is None:
            click.echo(text, nl=False)
        else:
            write_report(output, text)
        return exit_code(report, fail_on or env.config.fail_on or "error")
    if fmt or output or fail_on:
        raise InputError("--format, --output and --fail-on go with --check")
    result = lock_manifest(env, manifest, update=(list(models) if update else None))
    state = "wrote" if result.written else "up to date:"
    click.echo(f"licheck: {state} {result.path} ({result.resolved} model(s) resolved, "
               f"{result.kept} kept as locked)", err=True)
    for line in result.unresolved:
        click.echo(f"licheck: locked as unresolved: {line}", err=True)
    if result.unresolved:
        click.echo("licheck: re-run 'licheck lock --update' once they can be reached", err=True)
    return 0


def _split(args: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """`[MANIFEST] [MODEL]...`: the first argument is the manifest when it names a file."""
    if args and (os.path.isfile(args[0]) or args[0].lower().endswith((".yaml", ".yml"))):
        return args[0], list(args[1:])
    return None, list(args)
