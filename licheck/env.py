"""The environment of one run: everything a command needs to know, built once, passed down.

The command line builds it (`build_env`) from the user's config; every stage below receives
what it needs from it and never reaches for a global. Tests build one the same way, with
their own config, clock or sources.

The data is read when first used and then kept for the run: a command that never looks at
the catalogue (`licences`, `explain`) never parses it, and the rulebook reads the rule file
of a licence only when a lineage carries that licence.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from licheck.cache import Cache
from licheck.config import DEFAULT_CONFIG, Config
from licheck.errors import ConfigError
from licheck.licences import Corpus, default_corpus, load_corpus

# The catalogue, fingerprint and rule modules (with the model vocabulary they build on)
# are imported when first used: `licences` and `identify` need none of them, and creating
# their dataclasses is most of what those commands would otherwise pay at start-up.
if TYPE_CHECKING:
    from licheck.catalogue import Catalogue
    from licheck.fingerprints import FingerprintTable
    from licheck.rules.loader import Rulebook
    from licheck.sources.registry import SourceRegistry

SourcesFactory = Callable[["Env"], "SourceRegistry"]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Env:
    """One run's configuration and data.

    `corpus` is the bundled licences plus the config's `extra_licences`; `rulebook` the
    bundled rules plus `extra_rules`; `catalogue` the bundled catalogue plus
    `extra_catalogue` (read on first use); `fingerprints` the table of base-model shapes,
    bundled plus the `fingerprints.yml` of each `extra_catalogue` folder (on first use);
    `ollama_models` the Ollama store the config names (read by the Ollama source);
    `sources` the model sources `sources_factory`
    builds from this environment (on first use; commands that resolve no model give none);
    `clock` gives the time a report is generated at, and `today` the date waivers expire by.
    """

    config: Config
    corpus: Corpus
    cache: Cache
    offline: bool = False
    clock: Callable[[], dt.datetime] = _utc_now
    sources_factory: SourcesFactory | None = field(default=None, repr=False)

    @property
    def today(self) -> dt.date:
        """The date here (waivers are valid through their `expires` day where the user is)."""
        return self.clock().astimezone().date()

    @property
    def ollama_models(self) -> str | None:
        """Ollama's local store, when the config names one (else it is never read)."""
        return self.config.ollama_models

    @cached_property
    def rulebook(self) -> Rulebook:
        from licheck.rules.loader import Rulebook  # heavy, see the imports
        return Rulebook(self.corpus, self.config.extra_rules)

    @cached_property
    def catalogue(self) -> Catalogue:
        from licheck.catalogue import default_catalogue, load_catalogue  # see the imports
        if not self.config.extra_catalogue and self.corpus is default_corpus():
            return default_catalogue()
        return load_catalogue(self.config.extra_catalogue, licences=self.corpus)

    @cached_property
    def fingerprints(self) -> FingerprintTable:
        from licheck.fingerprints import default_fingerprints, load_fingerprints  # see the imports
        if not self.config.extra_catalogue and self.corpus is default_corpus():
            return default_fingerprints()
        return load_fingerprints(self.config.extra_catalogue, licences=self.corpus)

    @cached_property
    def sources(self) -> SourceRegistry:
        if self.sources_factory is None:
            raise RuntimeError("this environment was built without model sources")
        return self.sources_factory(self)


def build_env(config: Config = DEFAULT_CONFIG, *, offline: bool = False,
              clock: Callable[[], dt.datetime] | None = None,
              sources: SourcesFactory | None = None,
              licence_dirs: Sequence[str] = ()) -> Env:
    """The environment for `config`. `offline` adds to the config's own `offline`;
    `sources` builds the model sources (`licheck.sources.registry.standard_sources` for
    the usual ones); `licence_dirs` adds licence folders to its `extra_licences`
    (`rules validate --licences`).

    A folder the config names that does not exist is a ConfigError (exit 2); the user's
    licence files, catalogue folders and fingerprint tables are read and checked now, so a
    mistake in them stops any command (rule files are read when first needed:
    `Rulebook.user_rules`; the bundled catalogue one organisation file at a time).
    """
    named = [(key, folder) for key in ("extra_licences", "extra_rules", "extra_catalogue")
             for folder in getattr(config, key)]
    if config.ollama_models is not None:
        named.append(("ollama_models", config.ollama_models))
    for key, folder in named:
        if not os.path.isdir(folder):
            raise ConfigError(f"'{key}' folder not found: {folder}", path=config.path,
                              line=config.line(key))
    extra_licences = (*config.extra_licences, *licence_dirs)
    corpus = load_corpus(extra_licences) if extra_licences else default_corpus()
    env = Env(
        config=config,
        corpus=corpus,
        cache=Cache(config.cache_dir) if config.cache_dir else Cache(),
        offline=offline or bool(config.offline),
        clock=clock or _utc_now,
        sources_factory=sources,
    )
    if config.extra_catalogue:   # a mistake in a user's catalogue or fingerprint table stops any command
        from licheck.fingerprints import FILE_NAME  # see the imports
        _ = env.catalogue   # the user's folders are read whole
        if any(os.path.isfile(os.path.join(folder, FILE_NAME)) for folder in config.extra_catalogue):
            _ = env.fingerprints
    return env
