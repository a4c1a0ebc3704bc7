"""Which source answers for which reference, and how their answers are combined.

A `SourceRegistry` holds sources in order. For a reference it asks, in order, every source
that `accepts` it until one returns `ModelFacts`; if none does, the first `Unresolved`
reason is kept (it is usually the most telling: "not found on the Hub"), with the others'.

Hub facts are enriched from the catalogue (publisher and origin from the org defaults,
modalities, release date, and parents when the card names none, e.g. DeepSeek R1 distills
or an official instruct model and its base) and the catalogue's licence is kept only as a
hint of last resort. When the Hub cannot answer (offline, down, gated without card data),
the catalogue source answers instead, marked `source: "catalogue"`.

`standard_sources` builds the usual registry from what the run's environment holds
(`licheck.env`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from licheck.cache import Cache
from licheck.catalogue import Catalogue
from licheck.errors import LicheckError
from licheck.licences import Corpus
from licheck.model import ModelFacts, ModelRef, ParentLink, Unresolved
from licheck.sources.base import Source
from licheck.sources.catalogue import CatalogueSource, catalogue_parents, policies_note
from licheck.sources.gguf import GgufSource
from licheck.sources.hub import HubSource, env_offline
from licheck.sources.local import LocalDirSource
from licheck.sources.modelfile import ModelfileSource
from licheck.sources.ollama import OllamaSource

if TYPE_CHECKING:
    from licheck.fingerprints import FingerprintTable


class RunData(Protocol):
    """What the standard sources need from a run's environment (`licheck.env.Env`)."""

    @property
    def offline(self) -> bool: ...
    @property
    def cache(self) -> Cache: ...
    @property
    def catalogue(self) -> Catalogue: ...
    @property
    def corpus(self) -> Corpus: ...
    @property
    def fingerprints(self) -> FingerprintTable: ...
    @property
    def ollama_models(self) -> str | None: ...


class SourceRegistry:
    """Sources in the order they are asked, plus an optional catalogue for enrichment."""

    def __init__(self, sources: Iterable[Source], *, catalogue: Any | None = None,
                 offline: bool = False) -> None:
        self.sources: list[Source] = list(sources)
        self.catalogue = catalogue
        self.offline = offline
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SourceRegistry({[getattr(s, 'name', type(s).__name__) for s in self.sources]})"

    def pick(self, ref: ModelRef) -> list[Source]:
        """The sources to ask for `ref`, in order."""
        return [s for s in self.sources if _accepts(s, ref)]

    def set_deadline(self, deadline_at: float | None) -> None:
        for source in self.sources:
            setter = getattr(source, "set_deadline", None)
            if callable(setter):
                setter(deadline_at)

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        picked = self.pick(ref)
        if not picked:
            return Unresolved(ref, f"no source can read a {ref.kind} reference"
                                   + (" (the module for it is not installed)" if ref.kind != "hub" else ""))
        failures: list[Unresolved] = []
        for source in picked:
            try:
                result = source.fetch(ref)
            except LicheckError as exc:   # unreadable or invalid input behind this reference
                result = Unresolved(ref, str(exc), error=exc)
            if isinstance(result, ModelFacts):
                if failures and result.source == "catalogue":
                    result.notes.append(f"used the catalogue because: {failures[0].reason}")
                return self.enrich(result)
            failures.append(result)
        first = failures[0]
        if len(failures) > 1:
            others = "; ".join(f.reason for f in failures[1:] if f.reason != first.reason)
            if others:
                return Unresolved(ref, f"{first.reason} ({others})", first.source, first.error,
                                  timed_out=any(f.timed_out for f in failures),
                                  missing=first.missing)
        return first

    def enrich(self, facts: ModelFacts) -> ModelFacts:
        """Fill gaps in Hub/local facts from the catalogue; never overrides what a source said."""
        cat = self.catalogue
        if cat is None or facts.source == "catalogue":
            return facts
        entry = _safe(cat, "model", facts.id)
        if entry is None and facts.ref.kind == "hub" and facts.ref.name != facts.id:
            entry = _safe(cat, "model", facts.ref.name)
        if entry is not None:
            facts.publisher = facts.publisher or getattr(entry, "publisher", None)
            facts.origin = facts.origin or getattr(entry, "origin", None)
            if not facts.modalities:
                facts.modalities = list(getattr(entry, "modalities", None) or [])
            facts.release_date = facts.release_date or getattr(entry, "release_date", None)
            facts.licence_hint = facts.licence_hint or getattr(entry, "licence", None)
            if not facts.policies and getattr(entry, "policies", None):
                facts.policies = list(entry.policies)
                facts.notes.append(policies_note(entry))
            if not facts.parents:
                links = catalogue_parents(entry)
                if links:
                    facts.parents = links
                    facts.relation = facts.relation or _single_relation(links)
                    facts.notes.append("parents from licheck's catalogue")
        if (facts.publisher is None or facts.origin is None) and "/" in facts.id:
            org = _safe(cat, "org", facts.id.split("/", 1)[0])
            if org is not None:
                facts.publisher = facts.publisher or getattr(org, "publisher", None)
                facts.origin = facts.origin or getattr(org, "origin", None)
        return facts


def _single_relation(links: Sequence[ParentLink]) -> str | None:
    rels = {link.relation for link in links if link.relation != "unknown"}
    return rels.pop() if len(rels) == 1 else None


def _accepts(source: Source, ref: ModelRef) -> bool:
    return bool(source.accepts(ref))


def _safe(obj: Any, method: str, arg: str) -> Any:
    """`obj.method(arg)` when the catalogue in use offers that method (user catalogues may not)."""
    fn = getattr(obj, method, None)
    return fn(arg) if callable(fn) else None


def standard_sources(env: RunData, *, cached: bool = True) -> SourceRegistry:
    """The standard sources of an environment: local directory, GGUF, Ollama, the Hub, then
    the catalogue (with the environment's cache, catalogue and corpus, and the Ollama store
    when the config names one; the Hub source reads the fingerprint table only when a card
    leaves a model's base open). `cached=False`: the Hub is asked afresh and its answers are
    not stored (`licheck lock`)."""
    offline = env.offline or env_offline()
    catalogue = env.catalogue
    sources: list[Source] = [
        ModelfileSource(),   # before LocalDirSource: a Modelfile is a file, not a folder
        LocalDirSource(),
        GgufSource(),
        OllamaSource(catalogue, models_dir=env.ollama_models),
        HubSource(cache=env.cache if cached else None, offline=offline, corpus=env.corpus,
                  fingerprints=lambda: env.fingerprints),
        CatalogueSource(catalogue),
    ]
    return SourceRegistry(sources, catalogue=catalogue, offline=offline)
