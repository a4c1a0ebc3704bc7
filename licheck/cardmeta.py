"""Model-card metadata: find the front matter, parse it safely, and pull out lineage facts.

Shared by the Hub source (which gets the card as the API's `cardData`) and the local
directory source (which reads `README.md`). Metadata in the wild is messy: `base_model` may
be a string, a list, a URL, an id with a revision, an empty list or a local path, and older
cards name the original under `finetuned_from`, `model_link`, `base_models` or
`lm_studio.original_repo`. Everything is normalised here; junk is skipped, never guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from licheck.errors import ConfigError, InputError
from licheck.model import ModelFacts, ModelRef, ParentLink
from licheck.refs import hub_ref, parse_ref
from licheck.yamlload import YamlList, YamlMap, parse_yaml

# The Hub server's own front-matter regex (docs/hub.md), anchored at the start.
_FRONT_MATTER = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

CARD_RELATIONS = ("finetune", "adapter", "merge", "quantized")
MAX_PARENTS = 64   # a card naming more bases than this is junk past this point
MAX_BASE_TAGS = 4 * MAX_PARENTS   # `base_model:` tags read (each names one base)


def split_front_matter(text: str) -> tuple[str | None, int]:
    """The YAML text of the card's front matter and how many lines precede it in the file.

    A YAML line n (1-based) is file line n + offset. Returns (None, 0) without front matter.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, 0
    return match.group(2), len(_LINE_BREAK.findall(match.group(1)))


def _shift_lines(obj: Any, offset: int) -> None:
    if isinstance(obj, YamlMap):
        if obj.line is not None:
            obj.line += offset
        obj.key_lines = {k: v + offset for k, v in obj.key_lines.items()}
        for value in obj.values():
            _shift_lines(value, offset)
    elif isinstance(obj, YamlList):
        if obj.line is not None:
            obj.line += offset
        obj.item_lines = [n + offset for n in obj.item_lines]
        for value in obj:
            _shift_lines(value, offset)


def read_card(text: str, path: str) -> YamlMap:
    """The card's front matter as a YamlMap with line numbers of `path`; `{}` if none."""
    yaml_text, offset = split_front_matter(text)
    if yaml_text is None:
        return YamlMap()
    data = parse_yaml(yaml_text, path, line_offset=offset)
    if data is None:
        return YamlMap()
    if not isinstance(data, YamlMap):
        raise ConfigError("model card metadata must be a mapping", path=path, line=offset + 1)
    _shift_lines(data, offset)
    return data


def _parent_from_string(value: str) -> ModelRef | None:
    text = value.strip()
    if not text or len(text) > 512:
        return None
    if text.lower().startswith(("http://", "https://")):
        try:
            return parse_ref(text)
        except InputError:
            return None
    name, _, rev = text.partition("@")
    name = name.strip().removeprefix("hf:").rstrip("/")
    if name.lower().startswith(("models/", "model/")):
        name = name.split("/", 1)[1]
    try:
        return hub_ref(name, rev or None)
    except InputError:
        return None   # local paths, free text, ids that cannot exist on the Hub


def _named_items(value: Any) -> list[str]:
    """The strings a `base_model`-like value names (one, a list, or mergekit-style mappings
    `{model: id}`), at most MAX_PARENTS of them; anything else is junk and left out."""
    if isinstance(value, str):
        items: list[Any] = [value]
    elif isinstance(value, Sequence):
        items = list(value)[:MAX_PARENTS]
    else:
        return []
    named = (item.get("model") or item.get("id") or item.get("name")
             if isinstance(item, Mapping) else item for item in items)
    return [item for item in named if isinstance(item, str)]


def parse_base_models(value: Any) -> list[ModelRef]:
    """Normalise a `base_model`-like value to Hub refs, dropping junk and duplicates."""
    out: list[ModelRef] = []
    for item in _named_items(value):
        ref = _parent_from_string(item)
        if ref is not None and ref.kind == "hub" and ref not in out:
            out.append(ref)
    return out


def _relation_tags(tags: Sequence[str]) -> tuple[dict[str, str], list[ModelRef]]:
    """`base_model:<relation>:<id>` -> {id: relation}; plain `base_model:<id>` -> refs.

    Only the first MAX_BASE_TAGS `base_model` tags are parsed: a repo with 20 000 of them
    cost 50 s before the parent cap was reached."""
    relations: dict[str, str] = {}
    plain: dict[ModelRef, None] = {}   # ordered, and membership in O(1)
    seen = 0
    for tag in tags:
        if not isinstance(tag, str) or not tag.startswith("base_model:"):
            continue
        seen += 1
        if seen > MAX_BASE_TAGS:
            break
        rest = tag[len("base_model:"):]
        head, sep, tail = rest.partition(":")
        if sep and head in CARD_RELATIONS:
            for ref in parse_base_models(tail):
                relations.setdefault(ref.name, head)
                plain.setdefault(ref)
        else:
            for ref in parse_base_models(rest):
                plain.setdefault(ref)
    return relations, list(plain)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def declared_licence(value: Any) -> str | None:
    """The `license:` value as written: a string, or the first string of a list."""
    if isinstance(value, (list, tuple)):
        texts = [t for t in (_text(v) for v in value) if t]
        return ", ".join(texts) if texts else None
    return _text(value)


def _card_parents(value: Any, key: str, local: Callable[[str], ModelRef | None] | None,
                  unknown: list[str]) -> list[ModelRef]:
    """The parents a card field names. A value that is neither a Hub id nor (for a card on
    disk) a local path is recorded in `unknown`: a parent the card names but licheck cannot
    follow must be reported, never dropped (its licence would be lost with it)."""
    out: list[ModelRef] = []
    for item in _named_items(value):
        if not item.strip():
            continue
        ref = local(item) if local is not None else None
        if ref is None:
            found = parse_base_models(item)
            ref = found[0] if found else None
        if ref is None:
            shown = item.strip() if len(item.strip()) <= 120 else item.strip()[:117] + "..."
            unknown.append(f"card {key} {shown!r} is not a Hugging Face model id"
                           + ("" if local is not None else " (a path means nothing on the Hub)"))
        elif ref not in out:
            out.append(ref)
    return out


def card_facts(meta: Mapping[str, Any], ref: ModelRef, *, source: str,
               tags: Sequence[str] = (),
               local: Callable[[str], ModelRef | None] | None = None) -> ModelFacts:
    """ModelFacts from card metadata (and the Hub's tags, which carry the effective relation).

    `local(text)` reads a `base_model` that is a path, for a card on disk (`transformers`
    writes the folder a model was trained from); it returns None for text that is not one."""
    facts = ModelFacts(ref=ref, id=ref.name, source=source, revision=ref.revision)
    facts.declared_licence = declared_licence(meta.get("license"))
    if facts.declared_licence is None:   # the Hub's `license:<id>` tags mirror the card's field
        hub_tags = [t[len("license:"):] for t in tags if isinstance(t, str) and t.startswith("license:")]
        if hub_tags:
            facts.declared_licence = ", ".join(hub_tags)
            facts.notes.append("licence from the Hub's license: tags")
    facts.licence_name = _text(meta.get("license_name"))
    facts.licence_link = _text(meta.get("license_link"))
    facts.name = _text(meta.get("model_name"))

    all_tags = [t for t in tags if isinstance(t, str)]
    card_tags = meta.get("tags")
    if isinstance(card_tags, Sequence) and not isinstance(card_tags, str):
        all_tags += [t for t in card_tags if isinstance(t, str)]
    tag_relations, tag_parents = _relation_tags(all_tags)

    parents: list[ModelRef] = []
    evidence: list[str] = []
    unknown: list[str] = []
    for key in ("base_model", "base_models", "finetuned_from", "model_link"):
        found = [r for r in _card_parents(meta.get(key), key, local, unknown) if r not in parents]
        if found:
            evidence.append(f"card {key}")
            parents.extend(found)
    lm_studio = meta.get("lm_studio")
    if isinstance(lm_studio, Mapping):   # its nested base_model is a family name, not an id
        found = [r for r in parse_base_models(lm_studio.get("original_repo")) if r not in parents]
        if found:
            evidence.append("card lm_studio.original_repo")
            parents.extend(found)
    named = {p.name for p in parents}
    extra = [r for r in tag_parents if r.name not in named]
    if extra:
        evidence.append("Hub base_model tags")
        parents.extend(extra)
    parents = [p for p in parents if p.name != ref.name][:MAX_PARENTS]   # a card naming itself

    declared_rel = _text(meta.get("base_model_relation"))
    relation = declared_rel.lower() if declared_rel and declared_rel.lower() in CARD_RELATIONS else None
    if relation is None:
        rels = {tag_relations[p.name] for p in parents if p.name in tag_relations}
        if len(rels) == 1:
            relation = rels.pop()
    if relation is None and parents and meta.get("finetuned_from") and len(parents) == 1:
        relation = "finetune"
    facts.relation = relation
    facts.parents = [ParentLink(ref=p, relation=relation or "unknown") for p in parents]
    facts.unknown_parents.extend(unknown)
    if evidence:
        facts.notes.append("parents from " + ", ".join(evidence))
    return facts
