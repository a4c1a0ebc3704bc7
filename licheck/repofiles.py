"""What a model repository's own files say about its parents, for every source that reads
repositories (the Hub and a local directory): the PEFT `adapter_config.json` and mergekit
recipes. Sources read and parse the files (I/O and its errors are theirs); this module says
what the parsed documents mean, the same way for both.

* `adapter_config.json`: `base_model_name_or_path` is a parent, relation `adapter`. Without
  one the adapter's base is unknown: the model is an adapter with a parent that cannot be
  named, recorded in `ModelFacts.unknown_parents` (an `unresolved` finding in the lineage),
  never skipped and never an exception.
* mergekit recipes: `base_model`, `models[].model`, `slices[].sources[].model` and
  mergekit-moe `experts[].source_model` are parents, relation `merge`; in `model+lora` (or
  `{model: ..., lora: ...}`) the LoRA is an `adapter` parent.

A reference is turned into a `ModelRef` by the caller's `to_ref` (a local directory also
accepts paths relative to itself; the Hub only Hub ids), which returns None for text that
names no model it can follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from licheck.model import ModelFacts, ModelRef, ParentLink

MAX_MERGE_INPUTS = 256

ToRef = Callable[[str], "ModelRef | None"]


def apply_adapter_config(facts: ModelFacts, doc: Any, where: str, to_ref: ToRef) -> None:
    """Record the base model a parsed `adapter_config.json` names (`where` names the file)."""
    base = doc.get("base_model_name_or_path") if isinstance(doc, dict) else None
    parent = to_ref(base) if isinstance(base, str) and base.strip() else None
    facts.relation = "adapter"
    if parent is None:
        said = f" ({base!r})" if isinstance(base, str) and base.strip() else ""
        facts.unknown_parents.append(f"{where} names no base model it can be followed to in "
                                     f"base_model_name_or_path{said}: the adapter's base model "
                                     "is unknown")
        return
    add_parent(facts, parent, "adapter")
    peft = doc.get("peft_type") if isinstance(doc, dict) else None
    facts.notes.append(f"{where}: {peft if isinstance(peft, str) and peft else 'PEFT'} adapter "
                       f"of {parent.name}")


def apply_merge_recipe(facts: ModelFacts, doc: Any, where: str, to_ref: ToRef) -> None:
    """Record every input model of a parsed mergekit recipe."""
    found = merge_inputs(doc, to_ref)
    if not found:
        facts.notes.append(f"{where}: a merge recipe naming no models")
        return
    for ref, relation in found:
        add_parent(facts, ref, relation)
    facts.relation = "merge"
    facts.notes.append(f"merge recipe {where}: {len(found)} inputs")


def add_parent(facts: ModelFacts, ref: ModelRef, relation: str) -> None:
    """Add a parent once; a repository file says how exactly a listed parent relates."""
    for i, link in enumerate(facts.parents):
        if link.ref.kind == ref.kind and link.ref.name.lower() == ref.name.lower():
            # The adapter or merge config says how exactly; the card's relation is a hint for
            # the whole model. Only an adapter link is not demoted to a merge input.
            if not (link.relation == "adapter" and relation == "merge"):
                facts.parents[i] = ParentLink(link.ref, relation)
            return
    facts.parents.append(ParentLink(ref, relation))


def merge_inputs(doc: Any, to_ref: ToRef) -> list[tuple[ModelRef, str]]:
    """(ref, relation) for every model a mergekit recipe names, in order, without repeats."""
    if not isinstance(doc, dict):
        return []
    specs: list[Any] = [doc.get("base_model")]
    for entry in _as_list(doc.get("models")):
        specs.append(entry.get("model") if isinstance(entry, dict) else entry)
    for sl in _as_list(doc.get("slices")):
        for src in _as_list(sl.get("sources") if isinstance(sl, dict) else None):
            specs.append(src.get("model") if isinstance(src, dict) else src)
    for expert in _as_list(doc.get("experts")):            # mergekit-moe
        if isinstance(expert, dict):
            specs.append(expert.get("source_model"))
    out: list[tuple[ModelRef, str]] = []
    seen: set[tuple[str, str]] = set()
    for spec in specs[:MAX_MERGE_INPUTS]:
        for ref, relation in _model_spec(spec, to_ref):
            key = (ref.kind, ref.name.lower())
            if key not in seen:
                seen.add(key)
                out.append((ref, relation))
    return out


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _model_spec(spec: Any, to_ref: ToRef) -> list[tuple[ModelRef, str]]:
    """A mergekit model reference: `path[@rev][+lora[@rev]]`, or {model: {path}, lora: {path}}."""
    pairs: list[tuple[Any, str]]
    if isinstance(spec, dict):
        model = spec.get("model", spec.get("path"))
        if isinstance(model, dict):
            model = model.get("path")
        lora = spec.get("lora")
        if isinstance(lora, dict):
            lora = lora.get("path")
        out = _model_spec(model, to_ref) if isinstance(model, str) else []
        pairs = [(lora, "adapter")]
    elif isinstance(spec, str) and spec.strip():
        model, plus, lora = spec.strip().partition("+")
        out = []
        pairs = [(model, "merge"), (lora if plus else None, "adapter")]
    else:
        return []
    for text, relation in pairs:
        ref = to_ref(text) if isinstance(text, str) and text.strip() else None
        if ref is not None:
            out.append((ref, relation))
    return out
