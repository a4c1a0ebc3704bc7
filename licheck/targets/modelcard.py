"""A Hugging Face model card (`README.md` with YAML front matter) as a target.

The use case: a team checks its own fine-tune before pushing it. The card's folder is the
model (the local source reads the card, LICENSE, config.json there), so the lineage finds
the declared licence and the base model's, and reports a `licence_mismatch` when the card
declares something looser than the base requires.

Publishing a card means making the model available under the card's name, so that name is
checked against the bases' naming rules: the pipeline passes it as `use.derived_model_name`
with `use.distributes_weights: true` for this model, unless the context (or a manifest
`use:` entry) already sets those fields. The name is the `model_name` key, else the
`model-index` name, else the first `# ` heading of the card body.

A card without `base_model` cannot be followed to its base: that is an `unresolved`
warning (`card/no-base-model`), since every licence it may inherit goes unchecked.

A `README.md` without front matter is not a model card (a project README matched by a
pre-commit pattern, say): it is skipped with a note, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from licheck.cardmeta import parse_base_models, read_card, split_front_matter
from licheck.model import Finding, Location, ModelRef, Severity
from licheck.targets.base import ModelEntry, Target, display_path
from licheck.yamlload import read_text

# Keys that mark front matter as Hugging Face card metadata rather than, say, a site generator's.
CARD_KEYS = ("license", "license_name", "license_link", "base_model", "base_model_relation",
             "model_name", "model-index", "library_name", "pipeline_tag", "tags", "datasets",
             "language", "finetuned_from", "base_models")
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def read_model_card(path: str) -> Target:
    text = read_text(path)
    target = Target(kind="card", path=path)
    yaml_text, offset = split_front_matter(text)
    if yaml_text is None:
        target.notes.append(f"{path}: no YAML front matter, so not a model card; skipped")
        return target
    meta = read_card(text, path)
    if not any(key in meta for key in CARD_KEYS):
        target.notes.append(f"{path}: front matter has no model-card keys (license, base_model, "
                            f"...); skipped")
        return target

    folder = display_path(Path(path).parent)
    line = _first_line(meta, ("base_model", "license", "license_name")) or offset + 1
    entry = ModelEntry(ref=ModelRef(kind="path", name=folder), written=path,
                       location=Location(path, line), card_path=path)
    entry.card_name = card_name(meta, text)
    if not _has_base(meta):
        entry.findings.append(Finding(
            id="card/no-base-model",
            kind="unresolved",
            severity=Severity.WARNING,
            model=folder,
            message="the model card names no base_model, so its lineage cannot be followed and the "
                    "licences it may inherit are not checked",
            how_to_comply="add `base_model:` (the Hub id of the model this one derives from) to the "
                          "card's front matter; for a model trained from scratch, waive this finding",
            location=Location(path, offset + 1),
        ))
    target.entries.append(entry)
    return target


def _first_line(meta: Any, keys: tuple[str, ...]) -> int | None:
    for key in keys:
        if key in meta:
            return meta.line_of(key) if hasattr(meta, "line_of") else None
    return None


def _has_base(meta: Mapping[str, Any]) -> bool:
    return any(parse_base_models(meta.get(key))
               for key in ("base_model", "base_models", "finetuned_from", "model_link"))


def card_name(meta: Mapping[str, Any], text: str) -> str | None:
    """The model's name as the card gives it: model_name, model-index name, or first H1."""
    name = meta.get("model_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    index = meta.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], Mapping):
        name = index[0].get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
    return first_heading(text)


def first_heading(text: str) -> str | None:
    """The first level-1 ATX heading of the card body (after front matter, outside code)."""

    body = text
    yaml_text, _ = split_front_matter(text)
    if yaml_text is not None:
        end = text.find(yaml_text) + len(yaml_text)
        body = text[end:].split("\n", 2)[-1] if end > 0 else text
    in_fence = False
    for raw in body.splitlines():
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = _HEADING.match(raw.strip())
        if m:
            # strip Markdown emphasis and links that often dress up titles
            title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1))
            title = title.replace("**", "").replace("`", "").strip()
            return title or None
    return None
