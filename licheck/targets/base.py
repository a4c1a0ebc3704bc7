"""What a target yields: model references with where they were written, plus the
context, waivers, notes and findings the target itself carries."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licheck.errors import ConfigError, LicheckError
from licheck.model import Finding, Location, ModelRef
from licheck.waivers import Waiver

# A target file type, by how it was recognised.
TARGET_KINDS = ("manifest", "card", "modelfile", "litellm", "directory", "gguf", "ref")


@dataclass
class ModelEntry:
    """One model reference found in a target."""

    ref: ModelRef
    written: str                         # as the user wrote it (ModelReport.ref)
    location: Location | None = None
    use: Mapping[str, Any] | None = None  # per-model `use:` overrides (manifest entries)
    use_path: str | None = None          # the file those overrides were written in
    card_name: str | None = None         # a model card's name: the derived model's name
    card_path: str | None = None
    findings: list[Finding] = field(default_factory=list)  # about this entry (model filled later)


@dataclass
class Target:
    """A thing given to `licheck check`, read into model entries."""

    kind: str                                       # one of TARGET_KINDS
    path: str | None                                # None for a bare reference
    entries: list[ModelEntry] = field(default_factory=list)
    context: str | Mapping[str, Any] | None = None  # a context file path, or an inline mapping
    context_origin: str | None = None               # the file an inline context was written in
    waivers: list[Waiver] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # not about one model
    notes: list[str] = field(default_factory=list)


def display_path(path: str | os.PathLike[str]) -> str:
    """`path` relative to the current directory when it is below it, else absolute.

    Reports name files the way a user (or pre-commit, which passes repo-relative paths)
    would; a path outside the working tree stays absolute rather than `../../..`.
    """
    p = os.path.normpath(os.path.abspath(path))
    try:
        rel = os.path.relpath(p)
    except ValueError:   # another drive on Windows
        return p
    return p if rel == ".." or rel.startswith(".." + os.sep) else rel


def at_line(error: LicheckError, path: str, line: int | None) -> ConfigError:
    """Re-home an error raised about a value (e.g. a hostile model id) to where it was written."""
    return ConfigError(error.message, path=path, line=line)


def local_ref(value: str, base: Path, path: str, line: int | None, *, want: str) -> ModelRef:
    """A `path`/`gguf` ref for a local file or folder written relative to `base`."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"'{want}' must be a non-empty path", path=path, line=line)
    full = Path(os.path.expanduser(value.strip()))
    if not full.is_absolute():
        full = base / full
    if want == "gguf":
        if not full.is_file():
            raise ConfigError(f"GGUF file not found: {value}", path=path, line=line)
        return ModelRef(kind="gguf", name=display_path(full))
    if not full.exists():
        raise ConfigError(f"no such model directory: {value}", path=path, line=line)
    if full.is_file():
        if full.suffix.lower() == ".gguf":
            return ModelRef(kind="gguf", name=display_path(full))
        raise ConfigError(f"'{want}' must be a model directory (README.md, config.json, ...) or a "
                          f".gguf file: {value}", path=path, line=line)
    return ModelRef(kind="path", name=display_path(full))
