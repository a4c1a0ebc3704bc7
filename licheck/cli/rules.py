"""`licheck explain` and `licheck rules` (being built)."""

from __future__ import annotations

import click

from licheck.cli._stub import not_yet


@click.command()
@click.argument("target")
def explain(target: str) -> int:
    """Explain a rule or a licence: what it says, what triggers it, how to comply."""
    return not_yet("explain")


@click.group()
def rules() -> None:
    """Work with rule files."""


@rules.command("validate")
@click.argument("paths", nargs=-1)
def validate(paths: tuple[str, ...]) -> int:
    """Validate rule files (the bundled ones when no PATH is given)."""
    return not_yet("rules validate")
