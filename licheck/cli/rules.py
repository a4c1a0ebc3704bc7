"""`licheck explain` and `licheck rules validate`."""

from __future__ import annotations

import json

import click

from licheck import uses
from licheck.cli._env import command_env, config_option
from licheck.data import data_dir
from licheck.errors import InputError
from licheck.kinds import BUILTIN_FINDINGS, KINDS
from licheck.licences import Corpus
from licheck.rules.describe import licence_text, rule_json, rule_text
from licheck.rules.loader import rule_files, validate_files


@click.command()
@click.argument("target")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def explain(target: str, fmt: str, config_path: str | None) -> int:
    """Explain a rule (e.g. llama3.1/naming) or a licence (e.g. llama3.1): the clause, what
    triggers it, how to comply. `explain uses` and `explain sectors` list the ids a context's
    use.purposes and sectors may name."""
    if target.strip() in uses.VOCABULARIES:
        vocabulary = uses.vocabulary(target.strip())
        if fmt == "json":
            click.echo(json.dumps({"schema_version": 1, **uses.vocabulary_json(vocabulary)},
                                  indent=2, ensure_ascii=False))
        else:
            click.echo(uses.vocabulary_text(vocabulary))
        return 0
    env = command_env(config_path)
    corpus, book = env.corpus, env.rulebook
    rule = book.get(target.strip()) or book.get(target.strip().lower())
    if rule is not None:
        if fmt == "json":
            click.echo(json.dumps({"schema_version": 1, "rule": rule_json(rule)}, indent=2, ensure_ascii=False))
        else:
            click.echo(rule_text(rule, corpus.get(rule.licence)))
        return 0
    builtin = BUILTIN_FINDINGS.get(target.strip().lower())
    if builtin is not None:
        click.echo(_builtin_text(target.strip().lower(), *builtin), nl=False)
        return 0
    # An id names itself here even when publishers also use it for other versions (`exaone`).
    licence_id = target.strip() if target.strip() in corpus else corpus.lookup(target)
    licence = corpus.get(licence_id) if licence_id else None
    if licence is None:
        # Printed and exited here (not raised) so the exit code is 2 under any click runner.
        shared = corpus.ambiguous(target)
        problem = (f"'{target}' is a name several licences share: {', '.join(shared)}; explain one of them"
                   if shared else _unknown(target, [*book.ids(), *corpus.ids(), *uses.VOCABULARIES,
                                                    *BUILTIN_FINDINGS]))
        click.echo(f"licheck: {problem}", err=True)
        click.get_current_context().exit(2)
    rules = book.rules_for(licence.id)
    if fmt == "json":
        click.echo(json.dumps({"schema_version": 1, "licence": licence.to_json(),
                               "rules": [rule_json(r) for r in rules]}, indent=2, ensure_ascii=False))
    else:
        click.echo(licence_text(licence, rules))
    return 0


def _builtin_text(finding_id: str, kind_name: str, when: str) -> str:
    kind = KINDS[kind_name]
    return (f"{finding_id}: {kind.title}\n"
            f"  kind:          {kind.name} (default severity: {kind.severity})\n"
            f"  produced by:   licheck itself, not a licence's rule file\n"
            f"  when:          {when}\n"
            f"  meaning:       {kind.meaning}\n"
            f"  to comply:     {kind.advice}\n"
            + ("  to waive:      it cannot be waived: fix or remove the waiver\n" if kind.name == "waiver"
               else f"  to waive:      a waiver with `rule: {finding_id}` (or `kind: {kind.name}`)\n"))


def _unknown(target: str, candidates: list[str]) -> str:
    from rapidfuzz import fuzz, process

    close = [c for c, score, _ in process.extract(target, candidates, scorer=fuzz.WRatio, limit=3) if score >= 60]
    hint = f"; did you mean: {', '.join(close)}?" if close else "; see 'licheck licences' for licence ids"
    return f"unknown rule or licence id '{target}'{hint}"


@click.group()
def rules() -> None:
    """Work with rule files."""


@rules.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--licences", "licence_dirs", multiple=True, type=click.Path(),
              help="A folder of your own licences (as in the config's extra_licences) that the rules may name.")
@config_option
def validate(paths: tuple[str, ...], licence_dirs: tuple[str, ...], config_path: str | None) -> int:
    """Validate rule files or folders (the bundled rules when no PATH is given).

    The rules may name the bundled licences, the config's `extra_licences` and those of
    --licences. Problems are printed as `file:line: message`; exit 2 if there is any.
    """
    corpus = _validation_corpus(config_path, licence_dirs)
    targets = list(paths) or [str(data_dir("rules"))]
    files = rule_files(targets)
    if not files:
        raise InputError(f"no rule files (*.yml, *.yaml) in {', '.join(targets)}")
    found, errors = validate_files(files, corpus)
    for err in errors:
        click.echo(str(err), err=True)
    if errors:
        click.get_current_context().exit(2)
    licences = len({r.licence for r in found})
    click.echo(f"{len(found)} rules for {licences} licences in {len(files)} files: valid")
    return 0


def _validation_corpus(config_path: str | None, licence_dirs: tuple[str, ...]) -> Corpus:
    """The licences rule files may name (the config's and --licences folders)."""
    return command_env(config_path, licence_dirs=licence_dirs).corpus
