"""Parsed YAML documents that remember their line numbers, without PyYAML.

`licheck.yamlload` builds these from YAML text; `licheck.datacache` stores them between runs
as JSON and rebuilds them. Keeping the types here lets code that only reads parsed documents
(the licence, rule and catalogue loaders) run without importing PyYAML at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class YamlMap(dict):  # type: ignore[type-arg]
    """A dict that knows the line of its opening and of each key (1-based)."""

    line: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int | None:
        return self.key_lines.get(key, self.line)


class YamlList(list):  # type: ignore[type-arg]
    """A list that knows the line of its opening and of each item (1-based)."""

    line: int | None = None

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int | None:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class YamlInt(int):
    """An integer not written in plain decimal digits, which YAML 1.1 reads in another base.

    `0770000000` is octal (132120576), `0x1F` hex, `1:30` base 60 (90): `text` keeps what was
    written, so a check that wants a number can refuse it instead of using a value the writer
    did not mean (`licheck.schema`).
    """

    text: str

    def __new__(cls, value: int, text: str) -> YamlInt:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


def line_of(obj: Any, key: Any = None) -> int | None:
    """Line of `obj` (or of `key` inside it) when it came from YAML; else None."""
    if key is not None and isinstance(obj, (YamlMap, YamlList)):
        return obj.line_of(key)
    return getattr(obj, "line", None)


# --- a lossless JSON form ----------------------------------------------------------------------
# Every container becomes a tagged JSON array, so no array is ever ambiguous:
#   YamlMap  -> ["M", line, key, key_line, value, key, key_line, value, ...]
#   YamlList -> ["L", line, item_line, item, item_line, item, ...]
#   date     -> ["D", "2024-07-23"];  datetime -> ["T", isoformat]
# Strings, numbers, booleans and null stay as they are. Anything else a safe YAML load can
# build (bytes from !!binary, a set, !!omap pairs) has no JSON form: `to_json` refuses it.

_SCALARS = (str, int, float, bool, type(None))


class NoJsonForm(ValueError):
    """The document holds a value `to_json` cannot represent (it is then not stored)."""


def to_json(obj: Any) -> Any:
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    if kind is YamlMap:
        out: list[Any] = ["M", obj.line]
        for key, value in obj.items():
            out += [to_json(key), obj.key_lines.get(key), to_json(value)]
        return out
    if kind is YamlList:
        lines = obj.item_lines
        out = ["L", obj.line]
        for i, item in enumerate(obj):
            out += [lines[i] if i < len(lines) else None, to_json(item)]
        return out
    if kind is dt.datetime:
        return ["T", obj.isoformat()]
    if kind is dt.date:
        return ["D", obj.isoformat()]
    raise NoJsonForm(f"no JSON form for a {kind.__name__}")


def from_json(data: Any) -> Any:
    """The document `to_json` was given. Malformed input raises ValueError, TypeError,
    KeyError or IndexError (a caller reading a cache treats any of them as a miss)."""
    if type(data) is not list:
        if type(data) not in _SCALARS:
            raise TypeError(f"not a document: {type(data).__name__}")
        return data
    tag = data[0]
    if tag == "M":
        result = YamlMap()
        result.line = data[1]
        if len(data) % 3 != 2:
            raise ValueError("truncated mapping")
        for i in range(2, len(data), 3):
            key = from_json(data[i])
            result[key] = from_json(data[i + 2])
            result.key_lines[key] = data[i + 1]
        return result
    if tag == "L":
        items = YamlList()
        items.line = data[1]
        if len(data) % 2:
            raise ValueError("truncated list")
        items.item_lines = data[2::2]
        items.extend(from_json(item) for item in data[3::2])
        return items
    if tag == "D":
        return dt.date.fromisoformat(data[1])
    if tag == "T":
        return dt.datetime.fromisoformat(data[1])
    raise ValueError(f"unknown tag {tag!r}")
