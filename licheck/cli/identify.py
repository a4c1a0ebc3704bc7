"""`licheck identify FILE...`: which licence each file is, and why."""

from __future__ import annotations

import json

import click

from licheck.cli._env import command_env, config_option
from licheck.matching import identify_file

FORMATS = ("text", "json")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@config_option
def identify(files: tuple[str, ...], fmt: str, config_path: str | None) -> int:
    """Identify which licence each FILE is.

    Prints the licence (or "no match"), the matcher that fired (exact, normalised,
    similarity, reference), the confidence and the closest candidates. Exits 0 when it
    ran, even if nothing matched; 2 when a file cannot be read.
    """
    corpus = command_env(config_path).corpus   # the config's extra_licences are candidates too
    # Read every file before printing anything: a bad argument stops the run cleanly.
    results = [(path, identify_file(path, corpus)) for path in files]
    if fmt == "json":
        doc = {"schema_version": 1,
               "results": [{"file": path, **result.to_json()} for path, result in results]}
        click.echo(json.dumps(doc, indent=2))
        return 0
    for path, result in results:
        if result.licence is None:
            click.echo(f"{path}: no match")
        else:
            click.echo(f"{path}: {result.licence}  (matcher: {result.matcher}, "
                       f"confidence {result.confidence:.2f})")
        if result.candidates:
            closest = ", ".join(f"{lic} {score:.3f}" for lic, score in result.candidates)
            click.echo(f"  closest: {closest}")
        click.echo(f"  content hash: {result.content_hash}")
    return 0
