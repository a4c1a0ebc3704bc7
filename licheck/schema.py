"""Declarative checks for the mappings licheck reads from YAML (and TOML) files.

Every input file (licence metadata, rule files, catalogue, context, config, waivers,
manifests) describes its mappings as a `Schema` of `Field`s and checks them here, so every
file reports the same problems the same way, as `file:line: message`:

    unknown key 'kidn' in a waiver (did you mean 'kind'?)
    missing key 'reason' in a waiver
    'threshold' must be an integer, not 'ten'
    'fail_on' must be one of: info, obligation, warning, error, never (got 'warn'; did you mean 'warning'?)

A schema checks shape (keys, types, required keys, allowed values, nested mappings); what a
value means (a known licence id, a real date) stays with the loader that knows it. Numbers
are strict: a boolean is not a number, and an integer YAML 1.1 reads in another base
(`0770000000` is octal) is refused rather than used with a value the writer did not mean.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from licheck.errors import ConfigError, LicheckError
from licheck.yamldoc import YamlInt, line_of

_TYPE_NAMES: dict[type, str] = {
    str: "a string", int: "an integer", float: "a number", bool: "true or false",
    list: "a list", dict: "a mapping", type(None): "null",
}
_ITEM_NAMES: dict[type, str] = {str: "strings", int: "integers", float: "numbers", bool: "booleans",
                                dict: "mappings", list: "lists"}


_CUTOFF = 0.6   # similarity, 0-1: below this a suggestion misleads more than it helps


def suggest(word: object, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt `word`, or None when nothing is close.

    Close is difflib's similarity (twice the matching characters over both lengths),
    compared without case and with punctuation as spaces, as click's own suggestions are:
    ranking a few hundred short names needs nothing faster, and the standard library costs
    no import (rapidfuzz, which licence-text matching needs, takes ~10 ms to load)."""
    if not isinstance(word, str) or not word:
        return None
    from difflib import SequenceMatcher  # only a misspelling pays for the import

    matcher = SequenceMatcher(b=_processed(word))   # the matcher keeps what it learnt of b
    best, best_score = None, _CUTOFF
    for option in choices:
        matcher.set_seq1(_processed(option))
        if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
            continue   # upper bounds: cannot beat the best so far
        score = matcher.ratio()
        if score > best_score or (best is None and score == best_score):
            best, best_score = option, score
    return best


def _processed(text: str) -> str:
    return "".join(c if c.isalnum() else " " for c in text.lower()).strip()


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`" (did you mean 'x'?)"`, or `" (expected one of: a, b)"` when nothing is close."""
    options = list(choices)
    close = suggest(word, options)
    if close is not None:
        return f" (did you mean '{close}'?)"
    return f" (expected one of: {', '.join(options)})" if options else ""


class Problem(NamedTuple):
    """One thing wrong with an input, and the line it is on."""

    message: str
    line: int | None = None

    def error(self, path: str | None, cls: type[LicheckError] = ConfigError) -> LicheckError:
        return cls(self.message, path=path, line=self.line)


@dataclass(frozen=True)
class Field:
    """One key of a mapping: what its value may be."""

    types: tuple[type, ...] = (str,)
    required: bool = False
    choices: tuple[Any, ...] = ()        # the value must be one of these
    items: type | None = None            # a list: the type of every item
    nonempty: bool = False               # strings (and string items) must not be blank
    min_items: int = 0                   # lists: the fewest items allowed
    nullable: bool = False               # null is allowed (and means "not given")
    minimum: float | None = None         # numbers: the smallest allowed value
    schema: Schema | None = None         # a mapping value: checked against this schema
    ignore_case: bool = False            # choices: compared without regard to case
    expect: str = ""                     # what the value must be, in words (else from the types)

    def describe(self) -> str:
        if self.expect:
            return self.expect
        if self.choices:
            return "one of: " + ", ".join(str(c) for c in self.choices)
        if self.items is not None:
            return f"a list of {_ITEM_NAMES.get(self.items, self.items.__name__)}"
        names = [_TYPE_NAMES.get(t, t.__name__) for t in self.types if not (t is int and float in self.types)]
        if self.nonempty and names == ["a string"]:
            return "a non-empty string"
        return " or ".join(names)

    def problems(self, value: Any, name: str, line: int | None) -> list[Problem]:
        """What is wrong with `value` for this field (`name` as shown to the user)."""
        if value is None and self.nullable:
            return []
        if not _is_type(value, self.types):
            return [Problem(f"'{name}' must be {self.describe()}, not {_shown(value)}", line)]
        if isinstance(value, YamlInt):
            return [Problem(f"'{name}': {value.text} is not written in decimal digits (YAML reads it "
                            f"as {int(value)}); write the number without a leading 0, 0x or ':'", line)]
        if isinstance(value, float) and not math.isfinite(value):
            return [Problem(f"'{name}' must be a finite number", line)]
        if self.minimum is not None and isinstance(value, (int, float)) and value < self.minimum:
            word = "negative" if self.minimum == 0 else f"less than {self.minimum:g}"
            return [Problem(f"'{name}' must not be {word}", line)]
        if self.choices and not self._chosen(value):
            close = suggest(value, map(str, self.choices))
            if close is not None and len(self.choices) > 8:   # the long list would bury the hint
                return [Problem(f"'{name}': unknown value {_shown(value)} (did you mean '{close}'?)", line)]
            hint = f"; did you mean '{close}'?" if close else ""
            return [Problem(f"'{name}' must be {self.describe()} (got {_shown(value)}{hint})", line)]
        if self.nonempty and isinstance(value, str) and not value.strip():
            return [Problem(f"'{name}' must not be empty", line)]
        if isinstance(value, list):
            return self._list_problems(value, name, line)
        if self.schema is not None and isinstance(value, Mapping):
            return self.schema.problems(value, line=line, prefix=name)
        return []

    def _chosen(self, value: Any) -> bool:
        if self.ignore_case and isinstance(value, str):
            return value.strip().lower() in {str(c).lower() for c in self.choices}
        return value in self.choices

    def _list_problems(self, value: list[Any], name: str, line: int | None) -> list[Problem]:
        if len(value) < self.min_items:
            return [Problem(f"'{name}' must list at least {self.min_items} item"
                            f"{'' if self.min_items == 1 else 's'}", line)]
        out: list[Problem] = []
        for i, item in enumerate(value):
            item_line = line_of(value, i) or line
            if self.items is not None and not _is_type(item, (self.items,)):
                out.append(Problem(f"'{name}' must be {self.describe()}, not {_shown(item)} (item {i + 1})",
                                   item_line))
            elif self.nonempty and isinstance(item, str) and not item.strip():
                out.append(Problem(f"'{name}': item {i + 1} must not be empty", item_line))
            elif self.schema is not None and isinstance(item, Mapping):
                out.extend(self.schema.problems(item, line=item_line, prefix=f"{name}[{i + 1}]"))
        return out


@dataclass(frozen=True)
class Schema:
    """The keys a mapping may have. `what` names the mapping in messages ("a waiver")."""

    what: str
    fields: Mapping[str, Field] = field(default_factory=dict)

    def extended(self, more: Mapping[str, Field], what: str | None = None) -> Schema:
        """This schema with more keys (for example a rule's kind-specific parameters)."""
        return replace(self, what=what or self.what, fields={**self.fields, **more})

    def problems(self, node: Mapping[Any, Any], *, line: int | None = None, prefix: str = "",
                 lines: Mapping[str, int | None] | None = None) -> list[Problem]:
        """Every problem in `node`, in file order: unknown keys, missing keys, bad values.

        Lines come from the node itself (a `YamlMap`), else from `lines` (TOML keeps none),
        else `line` (where the mapping starts). `prefix` is shown before key names
        ("organisation.country").
        """
        def at(key: Any) -> int | None:
            if lines is not None and lines.get(key) is not None:
                return lines[key]
            return line_of(node, key) or start

        start = line_of(node) or line
        out: list[Problem] = []
        for key in node:
            if key not in self.fields:
                shown = f"{prefix}.{key}" if prefix else str(key)
                out.append(Problem(f"unknown key '{shown}' in {self.what}{did_you_mean(key, self.fields)}",
                                   at(key)))
        for key, spec in self.fields.items():
            name = f"{prefix}.{key}" if prefix else key
            if key not in node:
                if spec.required:
                    out.append(Problem(f"missing key '{name}' in {self.what}", start))
                continue
            out.extend(spec.problems(node[key], name, at(key)))
        return out

    def check(self, node: Any, path: str | None, *, cls: type[LicheckError] = ConfigError,
              line: int | None = None, prefix: str = "",
              lines: Mapping[str, int | None] | None = None) -> None:
        """Raise the first problem in `node` as `cls` naming `path` and the line."""
        if not isinstance(node, Mapping):
            raise cls(f"{self.what} must be a mapping, not {_shown(node)}", path=path,
                      line=line_of(node) or line or 1)
        found = self.problems(node, line=line, prefix=prefix, lines=lines)
        if found:
            raise found[0].error(path, cls)


def _is_type(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, int) and float in types:
        return True
    if isinstance(value, list):
        return list in types
    if isinstance(value, Mapping):
        return dict in types
    return isinstance(value, types)


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
