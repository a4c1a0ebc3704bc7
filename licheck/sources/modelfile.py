"""An Ollama `Modelfile` with a `LICENSE` as a model: the model `ollama create` builds from it.

Ollama carries a model's licence as the text of the Modelfile's `LICENSE` (in triple quotes) (it
becomes the model's licence layer), so that text is identified as a LICENSE file is. The
model is the `FROM` weights plus that licence:

* `FROM` a local GGUF file or model directory: one model, the file's or folder's own facts
  (header licence, base models, structure) with the Modelfile's licence texts added, as the
  Ollama store's licence layers are added to a model blob's facts;
* `FROM` a model name (Ollama library, `hf.co/...`): the Modelfile's model, whose parent is
  that model (relation `quantized`: the same weights, packaged by Ollama), so both licences
  show and bind.

The target names the Modelfile itself (a `path` reference) only when it has a `LICENSE`;
otherwise its `FROM` model is checked directly.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from licheck.errors import InputError
from licheck.model import ModelFacts, ModelRef, ParentLink, Unresolved, sha256_digest
from licheck.modelfile import MAX_MODELFILE_BYTES, ModelfileDirective, parse_modelfile
from licheck.refs import hub_ref, parse_ref
from licheck.sources.gguf import GgufSource
from licheck.sources.local import LocalDirSource
from licheck.yamlload import read_text


def is_modelfile_name(name: str) -> bool:
    lower = os.path.basename(name).lower()
    return lower == "modelfile" or lower.startswith("modelfile.") or lower.endswith(".modelfile")


def licence_texts(directives: list[ModelfileDirective]) -> dict[str, str]:
    """The Modelfile's non-empty `LICENSE` texts, each named by its line."""
    return {f"Modelfile LICENSE (line {d.line})": d.value for d in directives
            if d.instruction == "LICENSE" and d.value.strip()}


def from_ref(directive: ModelfileDirective, folder: Path) -> ModelRef:
    """What a `FROM` names: a local file or folder (relative to the Modelfile), else a model name."""
    value = directive.value.strip()
    if directive.comment_name and "sha256" in value:
        value = directive.comment_name   # `ollama show --modelfile`: a blob path, the name above it
    full = Path(os.path.expanduser(value))
    full = full if full.is_absolute() else folder / full
    if full.exists():
        kind = "path" if full.is_dir() else "gguf"
        return ModelRef(kind, os.path.normpath(full))
    host, _, rest = value.partition("/")
    if host.lower() in ("hf.co", "huggingface.co") and rest:
        return hub_ref(rest.split(":", 1)[0], written=value)
    return parse_ref(f"ollama:{value}")


class ModelfileSource:
    """The model a Modelfile with a `LICENSE` builds."""

    name = "modelfile"

    def accepts(self, ref: ModelRef) -> bool:
        return ref.kind == "path" and is_modelfile_name(ref.name) and Path(ref.name).is_file()

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        text = read_text(ref.name, max_bytes=MAX_MODELFILE_BYTES)
        directives = parse_modelfile(text, ref.name)
        first = next(d for d in directives if d.instruction == "FROM")   # the parser requires one
        try:
            base = from_ref(first, Path(ref.name).parent)
        except InputError as exc:
            raise InputError(exc.message, path=ref.name, line=first.line) from None
        texts = licence_texts(directives)
        if base.kind in ("gguf", "path"):
            local = GgufSource() if base.kind == "gguf" else LocalDirSource()
            found = local.fetch(base)
            if isinstance(found, Unresolved):
                return Unresolved(ref, found.reason, error=found.error)
            facts = replace(found, ref=ref, id=ref.name, source="local",
                            licence_files={**found.licence_files, **texts},
                            notes=[f"the model Ollama builds from {ref.name}: FROM {base.name} "
                                   f"(line {first.line}) with its LICENSE text", *found.notes],
                            documents={**found.documents})
        else:
            facts = ModelFacts(ref=ref, id=ref.name, source="local", licence_files=dict(texts),
                               parents=[ParentLink(base, "quantized")], relation="quantized")
            facts.notes.append(f"the model Ollama builds from {ref.name}: FROM {first.value.strip()} "
                               f"(line {first.line}) with its LICENSE text")
        facts.documents["Modelfile"] = sha256_digest(text)
        return facts
