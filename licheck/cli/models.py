"""`licheck models`: which catalogue models may be used under a deployment context."""

from __future__ import annotations

import json
from pathlib import Path

import click

from licheck.cli._env import command_env, config_option
from licheck.errors import InputError
from licheck.formats._common import strip_controls
from licheck.models_query import (
    catalogue_sources,
    check_query,
    evaluate_models,
    preselect,
    render_markdown,
    render_text,
    to_json,
    verdicts,
)


@click.command()
@click.option("--context", "context_path", metavar="FILE", help="Deployment context (YAML); default: "
              "a commercial production deployment with no other facts.")
@config_option
@click.option("--task", "tasks", multiple=True, metavar="T",
              help="text-generation, embeddings, vision, speech or image-generation (repeatable); "
              "models not classified by task are left out, and counted.")
@click.option("--modality", "modalities", multiple=True, metavar="M", help="text, image, audio or video (repeatable).")
@click.option("--publisher", "publishers", multiple=True, metavar="P", help="Publisher, e.g. Meta (repeatable).")
@click.option("--origin", "origins", multiple=True, metavar="C",
              help="Publisher country, ISO 3166-1 alpha-2, e.g. US (repeatable).")
@click.option("--licence", "licences", multiple=True, metavar="L",
              help="Only models bound by this licence id or alias (repeatable).")
@click.option("--sort", "sort", default="name", show_default=True, metavar="KEY",
              help="name, verdict, publisher, release (newest first) or licence.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format.")
def models(context_path: str | None, config_path: str | None, tasks: tuple[str, ...], modalities: tuple[str, ...],
           publishers: tuple[str, ...], origins: tuple[str, ...], licences: tuple[str, ...],
           sort: str, fmt: str) -> int:
    """Every catalogue model with its verdict under your context: usable, usable with
    obligations (listed), needs review, or blocked (by which rules).

    The verdicts are those `licheck check` gives each model, from licheck's catalogue
    alone (no network), with the config's context, rules and catalogue folders. Filters of the same option are alternatives; different options
    must all hold.

    \b
    Exit codes: 0 listed (verdicts are shown, not judged); 2 bad arguments or context.
    """
    if context_path is not None and not Path(context_path).is_file():
        raise InputError("context file not found", path=context_path)
    env = command_env(config_path, offline=True, sources=catalogue_sources)
    entries = env.catalogue.entries()
    query = check_query(entries, env.corpus, tasks=tasks, modalities=modalities,
                        publishers=publishers, origins=origins, licences=licences, sort=sort)
    chosen, untasked = preselect(entries, query)
    report = evaluate_models(env, [e.id for e in chosen], context_path=context_path)
    items = verdicts(chosen, report, query)
    if fmt == "json":
        text = json.dumps(to_json(items, query, report.get("context") or {}, untasked), indent=2,
                          ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = render_markdown(items, untasked)
    else:
        text = render_text(items, untasked)
    click.echo(strip_controls(text), nl=False)
    return 0
