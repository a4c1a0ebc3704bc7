"""`licheck identify` (being built)."""

from __future__ import annotations

import click

from licheck.cli._stub import not_yet


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def identify(args: tuple[str, ...]) -> int:
    """Identify which licence a text file is."""
    return not_yet("identify")
