"""The one schema helper: every input file reports problems as file:line with a suggestion."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from envs import corpus as bundled_corpus
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process, utils

from licheck.catalogue import load_catalogue
from licheck.config import load_config
from licheck.context import load_context
from licheck.errors import LicheckError
from licheck.licences import load_corpus
from licheck.rules.loader import validate_files
from licheck.schema import Field, Schema, suggest
from licheck.targets.manifest import read_manifest
from licheck.waivers import load_waivers
from licheck.yamlload import load_yaml, parse_yaml


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _rules(path: Path) -> None:
    _, errors = validate_files([path], bundled_corpus())
    if errors:
        raise errors[0]


RULE = """licence: mit
rules:
  - id: mit/notice
    kind: notice
    title: Keep the notice
    section: "1"
    quote: "The above copyright notice and this permission notice shall be included"
    message: "keep the notice"
    how_to_comply: Keep it.
    {typo}: x
"""

# (file name, text with the misspelt key, the line it is on, the key as written, the suggestion,
#  how the file is read)
CASES: list[tuple[str, str, int, str, str, Callable[[Path], Any]]] = [
    ("licences/acme.yml", "id: acme\nname: Acme\nkind: permissive\ntexts: []\npublsher: Acme\n",
     5, "publsher", "publisher", lambda p: load_corpus([p.parent])),
    ("rules/mit.yml", RULE.format(typo="how_to_comly"), 10, "how_to_comly", "how_to_comply", _rules),
    ("catalogue/models/acme.yml", "models:\n  - id: acme/a\n    licence: mit\n    modalites: [text]\n",
     4, "modalites", "modalities", lambda p: load_catalogue([p.parent.parent], licences=bundled_corpus())),
    ("catalogue/orgs.yml", "orgs:\n  acme:\n    publisher: Acme\n    orign: FR\n",
     4, "orign", "origin", lambda p: load_catalogue([p.parent], licences=bundled_corpus())),
    ("catalogue/ollama.yml", "olama: {}\n", 1, "olama", "ollama", lambda p: load_catalogue([p.parent], licences=bundled_corpus())),
    ("context.yaml", "organisation:\n  country: FR\nusee:\n  commercial: true\n",
     3, "usee", "use", load_context),
    (".licheck.yaml", "offline: true\nfail_onn: error\n", 2, "fail_onn", "fail_on", load_config),
    ("waivers.yaml", "- rule: a/b\n  reason: r\n  aproved_by: me\n  expires: 2030-01-01\n",
     3, "aproved_by", "approved_by", load_waivers),
    ("licheck.yaml", "models: [a/b]\nwaiver: []\n", 2, "waiver", "waivers",
     lambda p: read_manifest(load_yaml(p), str(p))),
]


@pytest.mark.parametrize("name, text, line, key, hint, read", CASES, ids=[c[0] for c in CASES])
def test_unknown_key_names_file_line_and_a_suggestion(tmp_path: Path, name: str, text: str, line: int,
                                                      key: str, hint: str, read: Callable[[Path], Any]) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(LicheckError) as err:
        read(path)
    assert err.value.path == str(path) and err.value.line == line, str(err.value)
    shown = str(err.value)
    assert shown.startswith(f"{path}:{line}: ") and "\n" not in shown
    assert f"'{key}'" in shown and f"did you mean '{hint}'" in shown


NUMBERS = [
    # leading zero: YAML 1.1 reads octal; base 60; hex; a boolean; a numeric string
    ("organisation:\n  monthly_active_users: 0770000000\n", 2, "0770000000"),
    ("organisation:\n  annual_revenue_usd: 1:30\n", 2, "1:30"),
    ("organisation:\n  monthly_revenue_usd: {'2025-01': 0x10}\n", 2, "0x10"),
    ("organisation:\n  annual_revenue_usd: true\n", 2, "must be a number"),
    ("organisation:\n  annual_revenue_usd: '5000000'\n", 2, "must be a number"),
]


@pytest.mark.parametrize("text, line, words", NUMBERS)
def test_numbers_are_strict(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path / "context.yaml", text)
    with pytest.raises(LicheckError) as err:
        load_context(path)
    assert err.value.line == line and words in err.value.message


def test_a_rule_threshold_written_in_octal_is_refused(tmp_path: Path) -> None:
    rule = RULE.replace("kind: notice", "kind: mau_cap").replace(
        "    {typo}: x\n", "    threshold: 0700000000\n    measured_at: any_time\n    counted_over: you\n")
    _, errors = validate_files([write(tmp_path / "mit.yml", rule)], bundled_corpus())
    assert [(e.line, "0700000000" in e.message) for e in errors] == [(10, True)]


def test_decimal_numbers_pass() -> None:
    doc = parse_yaml("organisation:\n  monthly_active_users: 700_000_000\n  annual_revenue_usd: 0\n", "c")
    from licheck.context import context_from_mapping

    ctx = context_from_mapping(doc, "c")
    assert ctx.organisation.annual_revenue_usd == 0
    assert ctx.organisation.monthly_active_users is not None
    assert ctx.organisation.monthly_active_users.max() == 700_000_000


# --- the helper itself -------------------------------------------------------------------------

INNER = Schema("a part", {"size": Field((int,), required=True, minimum=0)})
OUTER = Schema("a thing", {
    "name": Field((str,), required=True, nonempty=True),
    "mode": Field((str,), choices=("fast", "slow")),
    "tags": Field((list,), items=str, min_items=1),
    "part": Field((dict,), schema=INNER),
})


def test_problems_name_keys_and_lines() -> None:
    doc = parse_yaml("nmae: x\nmode: fsat\ntags: [a, 3]\npart:\n  size: -1\n  colour: red\n", "t")
    found = [(p.line, p.message) for p in OUTER.problems(doc)]
    assert found == [
        (1, "unknown key 'nmae' in a thing (did you mean 'name'?)"),
        (1, "missing key 'name' in a thing"),
        (2, "'mode' must be one of: fast, slow (got 'fsat'; did you mean 'fast'?)"),
        (3, "'tags' must be a list of strings, not 3 (item 2)"),
        (6, "unknown key 'part.colour' in a part (expected one of: size)"),
        (5, "'part.size' must not be negative"),
    ]


def test_booleans_are_not_numbers_and_null_is_only_allowed_when_said() -> None:
    assert INNER.problems({"size": True})[0].message == "'size' must be an integer, not true"
    assert OUTER.problems({"name": None})[0].message == "'name' must be a non-empty string, not null"
    assert Schema("x", {"a": Field((str,), nullable=True)}).problems({"a": None}) == []


def test_toml_tables_take_lines_from_the_caller() -> None:
    found = OUTER.problems({"name": "x", "mood": 1}, lines={"mood": 7})
    assert found[0].line == 7 and "did you mean 'mode'" in found[0].message


def test_suggest_only_close_words() -> None:
    assert suggest("organization", ["organisation", "sectors"]) == "organisation"
    assert suggest("zzz", ["organisation", "sectors"]) is None
    assert suggest(3, ["a"]) is None


def test_no_validator_words_key_errors_of_its_own() -> None:
    """Unknown and missing keys are reported by licheck.schema only, so they read alike."""
    package = Path(__file__).resolve().parents[1] / "licheck"
    offenders = [str(p.relative_to(package)) for p in package.rglob("*.py")
                 if p.name != "schema.py" and re.search(r"f?[\"'](unknown|missing) key '",
                                                        p.read_text(encoding="utf-8"))]
    assert offenders == []


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="abcAB12-_./ ", max_size=14), st.text(alphabet="abAB12-_.é ", max_size=14))
def test_suggest_agrees_with_rapidfuzz(word: str, option: str) -> None:
    # `suggest` skips rapidfuzz when no choice can be close: never one rapidfuzz would give.
    best = process.extractOne(word, [option], scorer=fuzz.ratio, processor=utils.default_process,
                              score_cutoff=60)
    assert suggest(word, [option]) == (best[0] if best and word else None)
