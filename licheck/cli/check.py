"""`licheck check` (being built)."""

from __future__ import annotations

import click

from licheck.cli._stub import not_yet


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def check(args: tuple[str, ...]) -> int:
    """Check models against their licences and your deployment context."""
    return not_yet("check")
