"""The sample report's JSON and Markdown match the reviewed golden files."""

from __future__ import annotations

import json

import pytest
from regen_golden import FILES, GOLDEN, outputs

HINT = "output changed: review it, then run `python tests/formats/regen_golden.py`"


@pytest.mark.parametrize("name", sorted(FILES.values()))
def test_matches_golden(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = outputs()[name]
    if name.endswith(".json"):
        assert json.loads(actual) == json.loads(expected), HINT
    else:
        assert actual == expected, HINT
