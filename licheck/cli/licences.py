"""`licheck licences`: list the licence corpus."""

from __future__ import annotations

import json

import click

from licheck.cli._env import command_env, config_option


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def licences(fmt: str, config_path: str | None) -> int:
    """List every licence and acceptable-use policy licheck knows (the config's
    `extra_licences` included), with its aliases."""
    corpus = command_env(config_path).corpus
    if fmt == "json":
        click.echo(json.dumps({"schema_version": 1, "licences": [lic.to_json() for lic in corpus]},
                              indent=2, ensure_ascii=False))
        return 0
    width = max(len(lic.id) for lic in corpus)
    lines = []   # printed at once: one write, not one per line
    for lic in corpus:
        flags = []
        if lic.status != "complete":
            flags.append(lic.status)
        if lic.third_party_copy:
            flags.append("third-party copy")
        extra = f"  [{', '.join(flags)}]" if flags else ""
        lines.append(f"{lic.id:<{width}}  {lic.kind:<21}  {lic.name}{extra}")
        aliases = [a for a in lic.aliases if a != lic.id]
        if lic.incorporates:
            lines.append(f"{'':<{width}}  incorporates: {', '.join(lic.incorporates)}")
        if aliases:
            lines.append(f"{'':<{width}}  aliases: {', '.join(aliases)}")
        if lic.ambiguous_aliases:   # names other licences share: they resolve to none alone
            lines.append(f"{'':<{width}}  shared names: {', '.join(lic.ambiguous_aliases)}")
    click.echo("\n".join(lines))
    return 0
