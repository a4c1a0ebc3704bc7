"""When the Hub source reads a model's structure, and how: two small files, never weights.

A card that names its base is taken at its word: nothing more is asked of the Hub. Only
when the card leaves the base open, or contradicts itself, are `config.json` and then
`tokenizer_config.json` fetched (at most these two requests per model), and their
structural facts kept on the model's facts for lineage to match against the fingerprint
table (`licheck.fingerprints`). The card "contradicts itself" when the base it names is
a model the table knows, but the architecture the Hub read from the repo's own
`config.json` (its `model_type` tag) is not that base's: a card naming Mistral-7B over a
`llama` repo.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from licheck.fingerprints import FingerprintTable
from licheck.model import ModelFacts, StructuralFacts
from licheck.structure import facts_from_config, special_tokens_from_tokenizer_config

STRUCTURE_FILES = ("config.json", "tokenizer_config.json")


def structure_wanted(facts: ModelFacts, tags: Sequence[str], siblings: Sequence[str],
                     table: FingerprintTable) -> str | None:
    """Why this model's structure should be read from the Hub, or None when it should not."""
    if "config.json" not in siblings or facts.unknown_parents:
        return None     # nothing to read, or an adapter (its base is said to exist)
    if not facts.parents:
        if table.by_base(facts.id):
            return None     # a base model the table knows: its shape is its own
        return "the card names no base model"
    declared = [(p.ref.name, fp) for p in facts.parents for fp in table.by_base(p.ref.name)]
    if not declared:
        return None         # bases the table does not know: nothing to compare with
    expected = {a for _name, fp in declared for a in fp.architecture}
    tagged = sorted(t for t in tags if t in table.architectures)
    if expected and tagged and not expected.intersection(tagged):
        named = ", ".join(dict.fromkeys(name for name, _fp in declared))
        return (f"the card names {named} as its base, but the Hub reads the repo's "
                f"architecture as {', '.join(tagged)}")
    return None


def _json(text: str | None, name: str, notes: list[str]) -> dict[str, Any] | None:
    if text is None:
        notes.append(f"{name} could not be read")
        return None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):   # a hostile repo can nest [[[... past the limit
        notes.append(f"{name} is not valid JSON (or is larger than licheck reads); ignored")
        return None
    if not isinstance(doc, dict):
        notes.append(f"{name} is not a JSON object; ignored")
        return None
    return doc


def read_hub_structure(repo_id: str, siblings: Sequence[str], download: Callable[[str], str | None],
                       notes: list[str]) -> StructuralFacts | None:
    """Facts from `config.json`, then `tokenizer_config.json` (when the repo has it): at most
    two requests through `download(filename)`. What could not be read goes to `notes`."""
    config = _json(download("config.json"), "config.json", notes)
    if config is None:
        return None
    facts = facts_from_config(config, source=f"{repo_id} config.json")
    if "tokenizer_config.json" in siblings:
        doc = _json(download("tokenizer_config.json"), "tokenizer_config.json", notes)
        if doc is not None:
            specials = StructuralFacts(special_tokens=special_tokens_from_tokenizer_config(doc),
                                       sources=(f"{repo_id} tokenizer_config.json",))
            facts = facts.merged(specials, other_name="tokenizer_config.json")
    return facts if facts.says_anything else None


__all__ = ["STRUCTURE_FILES", "read_hub_structure", "structure_wanted"]
