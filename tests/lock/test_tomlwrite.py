"""The lock file's TOML writer: what it writes, tomllib reads back as it was, byte for byte."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from licheck import tomlwrite

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
_SCALAR = st.one_of(_TEXT, st.booleans(), st.integers(-(2**63), 2**63 - 1))
_VALUE = st.one_of(_SCALAR, st.lists(_TEXT, max_size=6),
                   st.lists(st.fixed_dictionaries({"ref": _TEXT, "relation": _TEXT}), max_size=4))


@given(st.dictionaries(_TEXT.filter(bool), _VALUE, max_size=8))
def test_round_trip(table: dict[str, object]) -> None:
    text = "\n".join(tomlwrite.pairs(table)) + "\n"
    assert tomllib.loads(text) == table


@given(st.dictionaries(_TEXT.filter(bool), _VALUE, max_size=8))
def test_deterministic(table: dict[str, object]) -> None:
    assert tomlwrite.pairs(table) == tomlwrite.pairs(dict(table))


def test_a_text_with_line_breaks_is_written_line_for_line() -> None:
    text = 'Licence\n\n  "quoted" \\ back\tslash\r\nend'
    written = tomlwrite.string(text)
    assert written.splitlines()[:3] == ['"""', "Licence", ""]
    assert tomllib.loads(f"x = {written}\n")["x"] == text


def test_lists_of_tables_are_one_item_per_line() -> None:
    lines = tomlwrite.pairs({"parents": [{"ref": "hub:a/b", "relation": "merge"},
                                         {"ref": "hub:c/d", "relation": "merge"}]})
    assert lines == ['parents = [\n    { ref = "hub:a/b", relation = "merge" },\n'
                     '    { ref = "hub:c/d", relation = "merge" },\n]']
