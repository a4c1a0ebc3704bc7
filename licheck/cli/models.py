"""`licheck models`: which catalogue models may be used under a deployment context."""

from __future__ import annotations

from pathlib import Path

import click

from licheck.errors import InputError


@click.command()
@click.option("--context", "context_path", metavar="FILE", help="Deployment context (YAML); default: "
              "a commercial production deployment with no other facts.")
@click.option("--config", "config_path", metavar="FILE",
              help="Config file (default: .licheck.yaml or [tool.licheck] in pyproject.toml).")
@click.option("--task", "tasks", multiple=True, metavar="T",
              help="text-generation, embeddings, vision, speech or image-generation (repeatable).")
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
    import json

    from licheck.formats._common import strip_controls
    from licheck.models_query import (
        check_query,
        evaluate_models,
        load_models_catalogue,
        models_corpus,
        preselect,
        render_markdown,
        render_text,
        to_json,
        verdicts,
    )

    if context_path is not None and not Path(context_path).is_file():
        raise InputError("context file not found", path=context_path)
    entries = load_models_catalogue(config_path).entries()
    query = check_query(entries, models_corpus(config_path), tasks=tasks, modalities=modalities,
                        publishers=publishers, origins=origins, licences=licences, sort=sort)
    chosen, untasked = preselect(entries, query)
    report = evaluate_models([e.id for e in chosen], context_path=context_path, config_path=config_path)
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
