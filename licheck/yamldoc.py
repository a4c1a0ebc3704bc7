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


def line_of(obj: Any, key: Any = None) -> int | None:
    """Line of `obj` (or of `key` inside it) when it came from YAML; else None."""
    if key is not None and isinstance(obj, (YamlMap, YamlList)):
        return obj.line_of(key)
    return getattr(obj, "line", None)
