"""Environments for tests, built as the command line builds them (`licheck.env`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

from licheck import check, lineage
from licheck.config import DEFAULT_CONFIG, Config
from licheck.env import Env, build_env
from licheck.licences import Corpus
from licheck.model import Lineage, ModelRef
from licheck.report import Report
from licheck.rules.loader import Rulebook
from licheck.sources.registry import SourceRegistry, standard_sources
from licheck.targets import Target


@cache
def bundled() -> Env:
    """The bundled data, no config (shared: its rulebook keeps what it has read)."""
    return build_env(sources=standard_sources)


def corpus() -> Corpus:
    return bundled().corpus


def rulebook() -> Rulebook:
    return bundled().rulebook


def env_for(config: Config = DEFAULT_CONFIG, *, offline: bool = False,
            today: dt.date | None = None, sources: SourceRegistry | None = None) -> Env:
    """An environment for `config`, optionally with a fixed date and given sources."""
    clock = None
    if today is not None:
        noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.timezone.utc)
        clock = lambda: noon  # noqa: E731
    return build_env(config, offline=offline, clock=clock,
                     sources=(lambda _env: sources) if sources is not None else standard_sources)


def resolve(ref: str | ModelRef, *, sources: SourceRegistry | None = None, offline: bool = False,
            corpus: Corpus | None = None, **kwargs: Any) -> Lineage:
    """`licheck.lineage.resolve` with the bundled corpus and standard sources unless given."""
    return resolve_many([ref], sources=sources, offline=offline, corpus=corpus, **kwargs)[0]


def resolve_many(refs: Sequence[str | ModelRef], *, sources: SourceRegistry | None = None,
                 offline: bool = False, corpus: Corpus | None = None,
                 **kwargs: Any) -> list[Lineage]:
    env = env_for(offline=offline)
    kwargs.setdefault("fingerprints", lambda: env.fingerprints)
    return lineage.resolve_many(refs, sources=sources if sources is not None else env.sources,
                                corpus=corpus if corpus is not None else env.corpus, **kwargs)


def run_check(targets: Sequence[str | Target], *, config: Config = DEFAULT_CONFIG,
              offline: bool = False, today: dt.date | None = None,
              sources: SourceRegistry | None = None, context_path: str | None = None,
              strict: bool = False) -> Report:
    """`licheck.check.run_check` in the environment these arguments describe."""
    env = env_for(config, offline=offline, today=today, sources=sources)
    return check.run_check(env, targets, context_path=context_path, strict=strict)
