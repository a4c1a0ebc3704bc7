"""The use and sector vocabularies (`vocabularies/uses.yml`, `vocabularies/sectors.yml`).

A deployment context names its purposes (`use.purposes`) and sectors (`sectors`) by the ids of
these vocabularies, and every acceptable-use rule names the ids it covers, so matching is by id
and never by free-text keywords. An unknown id is an input error with a "did you mean" drawn
from the ids, their accepted aliases and the words that suggest them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from licheck.data import data_dir, keep, load_data_yaml, proven
from licheck.errors import ConfigError, DataError
from licheck.schema import Field, Schema
from licheck.yamldoc import YamlList, line_of

_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_TEXT = Field((str,), required=True, nonempty=True)
_WORDS = Field((list,), items=str, nonempty=True)
CATEGORY_SCHEMA = Schema("a vocabulary category", {
    "id": _TEXT, "title": _TEXT, "description": _TEXT,
    "examples": Field((list,), required=True, items=str, nonempty=True),
    "words": Field((list,), required=True, items=str, nonempty=True),   # suggest the id; never matched
    "aliases": _WORDS,                                                   # other spellings of the id
})
FILE_SCHEMA = Schema("a vocabulary", {
    "vocabulary": _TEXT, "field": _TEXT,
    "categories": Field((list,), required=True, items=dict, min_items=1, schema=CATEGORY_SCHEMA),
})


@dataclass(frozen=True)
class Category:
    """One id of a vocabulary, with what a reader needs to choose it."""

    id: str
    title: str
    description: str
    examples: tuple[str, ...]
    words: tuple[str, ...]          # suggest the id in "did you mean"; never matched
    aliases: tuple[str, ...] = ()   # other spellings accepted as this id


@dataclass(frozen=True)
class Vocabulary:
    name: str                        # "uses" or "sectors"
    field: str                       # the context field it fills, for messages
    categories: tuple[Category, ...]

    def ids(self) -> list[str]:
        return [c.id for c in self.categories]

    def get(self, id_: str) -> Category | None:
        return next((c for c in self.categories if c.id == id_), None)

    def resolve(self, word: str) -> str | None:
        """The id a context word stands for (the id itself or an alias), else None."""
        key = normalise(word)
        for c in self.categories:
            if key == c.id or key in c.aliases:
                return c.id
        return None

    def suggest(self, word: str, limit: int = 3) -> list[str]:
        """Ids close to `word`, by similarity to the ids, their aliases and suggestive words."""
        from rapidfuzz import fuzz, process, utils

        owners: dict[str, list[str]] = {}
        for c in self.categories:
            for choice in (c.id, c.id.replace("-", " "), *c.aliases, *c.words):
                owners.setdefault(choice.lower(), []).append(c.id)
        found: list[str] = []
        best = None
        for choice, score, _ in process.extract(word, list(owners), scorer=fuzz.WRatio,
                                                processor=utils.default_process, limit=None):
            best = score if best is None else best
            if score < max(75, best - 5):   # only the closest few: a long list hides the answer
                break
            for id_ in owners[choice]:
                if id_ not in found:
                    found.append(id_)
        return found[:limit]

    def unknown_message(self, word: str, name: str) -> str:
        close = self.suggest(word)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        extra = " (free text about the use goes in use.description)" if self.name == "uses" else ""
        return (f"'{name}': unknown {self.name[:-1]} id {word!r}; {hint}"
                f"see 'licheck explain {self.name}' for the ids{extra}")


def normalise(word: str) -> str:
    """Lower case, with spaces and underscores as "-" (so "Critical infrastructure" is an id)."""
    return re.sub(r"[\s_]+", "-", word.strip().lower())


def ids_from_context(mapping: Mapping[str, Any], key: str, path: str, prefix: str,
                     vocabulary: Vocabulary) -> tuple[str, ...]:
    """The ids of the list `mapping[key]` of a context; an unknown or ill-typed item is a
    `ConfigError` at its own line."""
    value = mapping.get(key)
    name = f"{prefix}.{key}" if prefix else key
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"'{name}' must be a list of ids", path=path, line=line_of(mapping, key))
    out: list[str] = []
    for i, item in enumerate(value):
        line = value.line_of(i) if isinstance(value, YamlList) else line_of(mapping, key)
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"'{name}' items must be non-empty strings, not {item!r}", path=path, line=line)
        id_ = vocabulary.resolve(item)
        if id_ is None:
            raise ConfigError(vocabulary.unknown_message(item.strip(), name), path=path, line=line)
        if id_ not in out:
            out.append(id_)
    return tuple(out)


def load_vocabulary(path: str | os.PathLike[str]) -> Vocabulary:
    """Read and validate one vocabulary file; any problem is a `DataError` at its line."""
    found: Vocabulary | None = proven(path, (Vocabulary, Category))   # checked when the wheel was built
    if found is None:
        found = _check_vocabulary(os.fspath(path))
        keep(path, found)
    return found


def _check_vocabulary(p: str) -> Vocabulary:
    doc = load_data_yaml(p)
    FILE_SCHEMA.check(doc, p, cls=DataError, line=1)
    categories: list[Category] = []
    taken: dict[str, str] = {}   # id or alias -> the id that owns it
    for item in doc["categories"]:
        if not _ID.match(item["id"]):
            raise DataError(f"id {item['id']!r} must be lower case words joined by '-'",
                            path=p, line=line_of(item, "id"))
        category = Category(id=item["id"], title=" ".join(item["title"].split()),
                            description=" ".join(item["description"].split()),
                            examples=tuple(item["examples"]), words=tuple(item["words"]),
                            aliases=tuple(normalise(a) for a in item.get("aliases") or ()))
        for spelling in (category.id, *category.aliases):
            if spelling in taken:
                raise DataError(f"'{spelling}' is already an id or alias of '{taken[spelling]}'",
                                path=p, line=line_of(item, "id"))
            taken[spelling] = category.id
        categories.append(category)
    return Vocabulary(name=doc["vocabulary"], field=doc["field"], categories=tuple(categories))


def vocabulary_text(vocabulary: Vocabulary) -> str:
    """The listing `licheck explain uses|sectors` prints."""
    head = (f"{len(vocabulary.categories)} {vocabulary.name[:-1]} ids for '{vocabulary.field}' "
            "(an unknown id is an error; matching is by id only)")
    lines = [head, ""]
    for c in vocabulary.categories:
        lines.append(f"{c.id}: {c.title}")
        lines.append(f"    {c.description}")
        if c.examples:
            lines.append(f"    e.g. {'; '.join(c.examples)}")
        if c.aliases:
            lines.append(f"    also written: {', '.join(c.aliases)}")
    return "\n".join(lines)


def vocabulary_json(vocabulary: Vocabulary) -> dict[str, Any]:
    return {"vocabulary": vocabulary.name, "field": vocabulary.field, "categories": [
        {"id": c.id, "title": c.title, "description": c.description, "examples": list(c.examples),
         "aliases": list(c.aliases), "words": list(c.words)} for c in vocabulary.categories]}


VOCABULARIES = ("uses", "sectors")


def vocabulary(name: str) -> Vocabulary:
    """The bundled vocabulary called `name` ("uses" or "sectors")."""
    return uses() if name == "uses" else sectors()


@cache
def uses() -> Vocabulary:
    """The bundled use taxonomy (ids for `use.purposes` and rules' `uses`)."""
    return load_vocabulary(data_dir("vocabularies") / "uses.yml")


@cache
def sectors() -> Vocabulary:
    """The bundled sector vocabulary (ids for `sectors`, `policy.sensitive_sectors`, rules' `sectors`)."""
    return load_vocabulary(data_dir("vocabularies") / "sectors.yml")


__all__ = ["VOCABULARIES", "Category", "Vocabulary", "ids_from_context", "load_vocabulary", "normalise", "sectors",
           "uses", "vocabulary", "vocabulary_json", "vocabulary_text"]
