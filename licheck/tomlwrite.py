"""A small TOML writer for the few shapes licheck writes (the lock file): deterministic
output, one value per line, lists of more than one item one item per line, so a change
upstream is a one-line change in a pull request's diff.

Only strings, booleans, integers, floats, lists of those and lists of flat inline tables. Text
with line breaks is written as a multi-line string, line for line. Reading is tomllib's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_NEEDS_ESCAPE_ML = re.compile(r'["\\\x00-\x08\x0b-\x1f\x7f]')   # tab and line feed stay as they are
MAX_INLINE = 100   # a list longer than this on one line is written one item per line


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _one_line(name)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def string(text: str) -> str:
    """A basic string, or a multi-line basic string for text with line breaks."""
    if "\n" in text:
        # The line break right after the opening quotes is not part of the value.
        return '"""\n' + _NEEDS_ESCAPE_ML.sub(_escape, text) + '"""'
    return _one_line(text)


def _one_line(text: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):   # repr: the shortest text that reads back as the same float
        return repr(item) if item == item else "nan"
    if isinstance(item, str):
        return string(item)
    if isinstance(item, Mapping):
        return "{ " + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + " }"
    if isinstance(item, Sequence):
        parts = [value(v) for v in item]
        one_line = "[" + ", ".join(parts) + "]"
        if len(parts) <= 1 and "\n" not in one_line or len(one_line) <= MAX_INLINE and not any(
                isinstance(v, Mapping) for v in item):
            return one_line
        return "[\n" + "".join(f"    {p},\n" for p in parts) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def pairs(items: Mapping[str, Any]) -> list[str]:
    """`key = value` lines, in the mapping's order; None is left out (TOML has no null)."""
    return [f"{key(k)} = {value(v)}" for k, v in items.items() if v is not None]
