"""Placeholder for commands still being built; removed when each lands."""

from __future__ import annotations

from licheck.errors import LicheckError


def not_yet(name: str) -> int:
    raise LicheckError(f"'licheck {name}' is not available in this build yet")
