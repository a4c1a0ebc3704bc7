"""Parsed YAML documents that remember their line numbers, without PyYAML.

`licheck.yamlload` builds these from YAML text. Keeping the types here lets code that only
reads parsed documents (validators, context parsing) run without importing PyYAML.
"""

from __future__ import annotations

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
