"""Parsed YAML documents that remember their line numbers, without PyYAML.

`licheck.yamlload` builds these from YAML text. Keeping the types here lets code that only
reads parsed documents (validators, context parsing) run without importing PyYAML.

`to_json` / `from_json` are their JSON form, line numbers and all: a wheel ships its bundled
data files pre-parsed in it (`licheck.data`).
"""

from __future__ import annotations

import datetime as dt
import json
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


# The JSON form: every JSON object in it is one tagged value, so `from_json` rebuilds them all
# in json's own (C) pass. Mapping keys need not be strings (`7b: ...` is an int key), hence a
# flat [key, key line, value, ...] list.
_PLAIN = (str, int, float, bool, type(None))


def to_json(doc: Any) -> Any:
    """`doc` (as `licheck.yamlload` parses it) as JSON-ready values; TypeError for anything
    else, so a value with no JSON form is never stored as something it is not."""
    kind = type(doc)
    if kind is YamlMap:
        flat: list[Any] = []
        for key, value in doc.items():
            flat += [to_json(key), doc.key_lines.get(key), to_json(value)]
        return {"m": doc.line, "k": flat}
    if kind is YamlList:
        return {"l": doc.line, "i": doc.item_lines, "v": [to_json(item) for item in doc]}
    if kind is YamlInt:
        return {"n": int(doc), "t": doc.text}
    if kind is dt.datetime:
        return {"dt": doc.isoformat()}
    if kind is dt.date:
        return {"d": doc.isoformat()}
    if kind in _PLAIN:
        return doc
    raise TypeError(f"no JSON form for a {kind.__name__}")


def from_json_object(obj: dict[str, Any]) -> Any:
    """One tagged value of the JSON form (the object_hook of `from_json`, and of a JSON form
    that holds documents, `licheck.data`)."""
    if "m" in obj:
        flat = obj["k"]
        keys = flat[0::3]   # strict: a truncated list is a ValueError
        result = YamlMap(zip(keys, flat[2::3], strict=True))
        result.line = obj["m"]
        result.key_lines = dict(zip(keys, flat[1::3], strict=True))
        return result
    if "l" in obj:
        items = YamlList(obj["v"])
        items.line = obj["l"]
        items.item_lines = obj["i"]
        return items
    if "n" in obj:
        return YamlInt(obj["n"], obj["t"])
    if "dt" in obj:
        return dt.datetime.fromisoformat(obj["dt"])
    if "d" in obj:
        return dt.date.fromisoformat(obj["d"])
    raise ValueError(f"not a value of the JSON form: {sorted(obj)}")


def from_json(text: str | bytes) -> Any:
    """The document `to_json` was given, from its JSON text. Malformed input raises
    ValueError, KeyError or TypeError."""
    return json.loads(text, object_hook=from_json_object)
