"""An Ollama `Modelfile` as a target: its `FROM` model and any `ADAPTER`s.

With a `LICENSE`, the `FROM` entry is the Modelfile itself: the model Ollama builds, whose
licence is that text (licheck.sources.modelfile).

`FROM x` is a local model when `x` exists relative to the Modelfile's folder (a `.gguf`
file or a model directory), else an Ollama model name (docs/formats.md section 2.2). A path
that does not exist is an error, as it is for `ollama create`. Each `ADAPTER` is a model
of its own whose licence binds too (a LoRA carries its author's terms).
"""

from __future__ import annotations

import os
from pathlib import Path

from licheck.errors import ConfigError, InputError
from licheck.model import Location, ModelRef
from licheck.modelfile import parse_modelfile
from licheck.refs import hub_ref, parse_ref
from licheck.sources.modelfile import is_modelfile_name
from licheck.targets.base import ModelEntry, Target, at_line, display_path, local_ref
from licheck.yamlload import read_text

_PATHLIKE = ("./", "../", "/", "~", ".\\", "..\\")
__all__ = ["is_modelfile_name", "modelfile_target"]


def modelfile_target(path: str) -> Target:
    """The models a Modelfile names, as a target."""
    text = read_text(path)
    target = Target(kind="modelfile", path=path)
    base = Path(path).parent
    directives = parse_modelfile(text, path)
    # A LICENSE text is the licence of the model the Modelfile builds: that model is the
    # Modelfile itself (licheck.sources.modelfile), its FROM the weights it is built from.
    licensed = any(d.instruction == "LICENSE" and d.value.strip() for d in directives)
    for directive in directives:
        command = directive.instruction.upper()
        if command not in ("FROM", "ADAPTER"):
            continue
        value, line = directive.value.strip(), directive.line
        if command == "FROM" and directive.comment_name and "sha256" in value:
            # `ollama show --modelfile` output: a blob path, the model's name in a comment
            value = directive.comment_name
        ref = _ref(command, value, base, path, line)   # checked (a missing file is an error)
        if command == "FROM" and licensed:
            ref = ModelRef(kind="path", name=display_path(path))
        target.entries.append(ModelEntry(ref=ref, written=value, location=Location(path, line)))
    if not target.entries:
        raise ConfigError("a Modelfile needs a FROM line", path=path, line=1)
    return target


def _ref(command: str, value: str, base: Path, path: str, line: int | None) -> ModelRef:
    full = Path(os.path.expanduser(value))
    full = full if full.is_absolute() else base / full
    if full.exists():
        return local_ref(value, base, path, line, want="gguf" if full.is_file() else "path")
    if command == "ADAPTER" or value.startswith(_PATHLIKE) or value.lower().endswith(".gguf"):
        raise ConfigError(f"{command} names a file that does not exist: {value}",
                          path=path, line=line)
    try:
        host, _, rest = value.partition("/")
        if host.lower() in ("hf.co", "huggingface.co") and rest:
            # Ollama pulls these GGUF repos straight from the Hub: the model is that repo.
            return hub_ref(rest.split(":", 1)[0], written=value)
        return parse_ref(f"ollama:{value}")
    except InputError as exc:
        raise at_line(exc, path, line) from None
