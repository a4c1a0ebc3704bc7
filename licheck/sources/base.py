"""The one small interface every model source implements (its vocabulary, `ModelRef`,
`ModelFacts`, `Unresolved`, lives in `licheck.model`).

A source turns a `ModelRef` into `ModelFacts` (what it knows about that one model) or an
`Unresolved` result carrying the reason: "could not check" is a result, not an exception.
Adding a registry means adding one module that implements `Source`.
"""

from __future__ import annotations

from typing import Protocol

from licheck.model import ModelFacts, ModelRef, Unresolved


class Source(Protocol):
    """A place licheck learns about models from."""

    name: str

    def accepts(self, ref: ModelRef) -> bool:
        """Whether this source can say anything about `ref` at all."""
        ...

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        """Everything this source knows about `ref`, or why it could not tell."""
        ...
