"""The rulebook and licence corpus a config asks for, as `check` builds them.

One place for the `notice`, `diff` and `models` commands (ADAPTER: the environment object of
the core refactor replaces it).
"""

from __future__ import annotations

from licheck.licences import Corpus, default_corpus
from licheck.rules import Rulebook, default_rulebook, load_rulebook


def rules_and_licences(config_path: str | None) -> tuple[Rulebook, Corpus]:
    """The bundled rules and licences plus the config's `extra_rules` and `extra_licences`."""
    from licheck.check import _corpus
    from licheck.config import load_config

    config = load_config(config_path)
    corpus = _corpus(config) or default_corpus()
    if config.extra_rules or corpus is not default_corpus():
        return load_rulebook(config.extra_rules, corpus=corpus), corpus
    return default_rulebook(), corpus
