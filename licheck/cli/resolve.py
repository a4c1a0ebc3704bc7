"""`licheck resolve` (being built)."""

from __future__ import annotations

import click

from licheck.cli._stub import not_yet


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def resolve(args: tuple[str, ...]) -> int:
    """Resolve a model to its base models and the licences it inherits."""
    return not_yet("resolve")
