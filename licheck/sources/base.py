"""The one small interface every model source implements.

A source turns a `ModelRef` into `ModelFacts` (what it knows about that one model) or an
`Unresolved` result carrying the reason: "could not check" is a result, not an exception.
Adding a registry means adding one module that implements `Source`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

REF_KINDS = ("hub", "ollama", "path", "gguf")


@dataclass(frozen=True)
class ModelRef:
    """A reference to a model as a user or a card wrote it, classified."""

    kind: str                    # one of REF_KINDS
    name: str                    # hub: "org/name"; ollama: "llama3.3:70b"; path/gguf: a path
    revision: str | None = None  # hub only

    def __str__(self) -> str:
        if self.kind == "hub":
            return self.name if not self.revision else f"{self.name}@{self.revision}"
        if self.kind == "ollama":
            return f"ollama:{self.name}"
        return self.name


@dataclass(frozen=True)
class ParentLink:
    """A parent of a model and how the model derives from it."""

    ref: ModelRef
    relation: str = "unknown"    # finetune | adapter | merge | quantized | unknown


@dataclass
class ModelFacts:
    """What one source knows about one model. Unknown facts stay None / empty."""

    ref: ModelRef
    id: str                                   # canonical id (Hub id after redirects, or a path)
    source: str                               # hub | local | gguf | ollama | catalogue | cache
    declared_licence: str | None = None       # card `license:` (or GGUF general.license), as written
    licence_name: str | None = None           # card `license_name`
    licence_link: str | None = None           # card `license_link`
    licence_files: dict[str, str] = field(default_factory=dict)  # file name -> text (LICENSE, ...)
    licence_hint: str | None = None           # a corpus id from a curated source (catalogue)
    parents: list[ParentLink] = field(default_factory=list)
    relation: str | None = None               # how this model derives from its parents
    publisher: str | None = None
    origin: str | None = None                 # publisher country, ISO 3166-1 alpha-2
    modalities: list[str] = field(default_factory=list)
    release_date: str | None = None
    name: str | None = None
    revision: str | None = None
    gated: bool = False
    notes: list[str] = field(default_factory=list)  # how the facts were obtained, for evidence


@dataclass(frozen=True)
class Unresolved:
    """A source could not learn about a model; `reason` is said to the user as is."""

    ref: ModelRef
    reason: str
    source: str = "unresolved"
    # The input error behind it, when a file could not be read: raised again (exit 2) when the
    # file is a target the user named, reported as `unresolved` when it is only an ancestor.
    error: Exception | None = field(default=None, compare=False, repr=False)


class Source(Protocol):
    """A place licheck learns about models from."""

    name: str

    def accepts(self, ref: ModelRef) -> bool:
        """Whether this source can say anything about `ref` at all."""
        ...

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        """Everything this source knows about `ref`, or why it could not tell."""
        ...
