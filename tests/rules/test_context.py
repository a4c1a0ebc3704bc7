"""The deployment context: strict loading, defaults, values over time, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from licheck.context import (
    DEFAULT_CONTEXT,
    EU_MEMBER_STATES,
    ISO_3166_ALPHA2,
    Context,
    MonthlyValue,
    context_from_mapping,
    load_context,
)
from licheck.errors import ConfigError, LicheckError
from licheck.yamlload import parse_yaml

FULL = """\
organisation:
  name: Acme
  country: fr
  monthly_active_users: {"2024-06": 12000000, "2025-01": 15000000}
  annual_revenue_usd: 5000000
  monthly_revenue_usd: null
sectors: [Healthcare, defense]
use:
  commercial: true
  production: false
  offered_as_service: true
  distributes_weights: false
  derived_model_name: Llama-Acme
  trains_on_outputs: true
  purposes: [Military]
policy:
  deny_licences: [llama2]
  allow_licences: null
  review_origins: [CN, ru]
  sensitive_sectors: [finance]
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "context.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_full_context_is_normalised(tmp_path: Path) -> None:
    ctx = load_context(write(tmp_path, FULL))
    assert ctx.organisation.country == "FR" and ctx.organisation.in_eu is True
    assert ctx.organisation.monthly_active_users.at("2024-06") == (12000000, False)
    assert ctx.organisation.monthly_active_users.at("2024-07") == (None, False)
    assert ctx.organisation.monthly_active_users.max() == 15000000
    assert ctx.sectors == ("healthcare", "defence")
    assert ctx.use.production is False and ctx.use.derived_model_name == "Llama-Acme"
    assert ctx.use.purposes == ("military",)
    assert ctx.policy.review_origins == ("CN", "RU") and ctx.policy.sensitive_sectors == ("finance",)
    out = ctx.to_json()
    assert out["organisation"]["monthly_active_users"] == {"2024-06": 12000000, "2025-01": 15000000}
    assert out["organisation"]["in_eu"] is True
    assert set(out) >= {"organisation", "sectors", "use", "policy"}


def test_defaults() -> None:
    assert DEFAULT_CONTEXT.use.commercial is True and DEFAULT_CONTEXT.use.production is True
    assert DEFAULT_CONTEXT.use.distributes_weights is False and DEFAULT_CONTEXT.use.purposes == ()
    assert DEFAULT_CONTEXT.organisation.monthly_active_users is None
    assert DEFAULT_CONTEXT.organisation.in_eu is None
    assert DEFAULT_CONTEXT.policy.allow_licences is None
    assert context_from_mapping(parse_yaml("{}", "c"), "c").use == DEFAULT_CONTEXT.use


def test_single_number_is_assumed_at_every_month() -> None:
    value = MonthlyValue(single=5.0)
    assert value.at("1999-01") == (5.0, True) and value.max() == 5.0


def test_eu_is_membership_not_eea() -> None:
    assert len(EU_MEMBER_STATES) == 27 and EU_MEMBER_STATES <= ISO_3166_ALPHA2
    assert {"NO", "IS", "LI", "CH", "GB"}.isdisjoint(EU_MEMBER_STATES)
    assert len(ISO_3166_ALPHA2) == 249


@pytest.mark.parametrize(("text", "line", "words"), [
    ("organisation:\n  name: Acme\n  size: 3\n", 3, "organisation.size"),
    ("organization:\n  name: Acme\n", 1, "organization"),
    ("use:\n  commercial: true\n  distributes: true\n", 3, "use.distributes"),
    ("policy:\n  deny: [mit]\n", 2, "policy.deny"),
    ("organisation:\n  monthly_active_users: lots\n", 2, "must be a number"),
    ("organisation:\n  annual_revenue_usd: '5000000'\n", 2, "must be a number"),
    ("organisation:\n  annual_revenue_usd: true\n", 2, "must be a number"),
    ("organisation:\n  annual_revenue_usd: -1\n", 2, "negative"),
    ("organisation:\n  monthly_active_users:\n    '2024-06': -5\n", 3, "negative"),
    ("organisation:\n  country: XX\n", 2, "ISO 3166-1"),
    ("organisation:\n  country: UK\n", 2, "did you mean GB"),
    ("organisation:\n  country: 33\n", 2, "ISO 3166-1"),
    ("organisation:\n  monthly_active_users:\n    '2024-13': 5\n", 3, "YYYY-MM"),
    ("organisation:\n  monthly_active_users:\n    June 2024: 5\n", 3, "YYYY-MM"),
    ("organisation:\n  monthly_active_users:\n    2024-06-01: 5\n", 3, "YYYY-MM"),
    ("use:\n  commercial: yes please\n", 2, "true or false"),
    ("use:\n  purposes: military\n", 2, "must be a list"),
    ("use:\n  purposes: [military, 3]\n", 2, "must be a list of strings"),
    ("use:\n  derived_model_name: 42\n", 2, "model name"),
    ("sectors: healthcare\n", 1, "must be a list"),
    ("use: [commercial]\n", 1, "must be a mapping"),
    ("policy:\n  review_origins: [CN, Mars]\n", 2, "ISO 3166-1"),
    ("- a\n- b\n", 1, "must be a mapping"),
    ("organisation:\n  name: [a\n", 3, "invalid YAML"),
    ("organisation: {name: a, name: b}\n", 1, "duplicate key"),
])
def test_bad_context_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_context(path)
    assert err.value.path == str(path)
    assert err.value.line == line, str(err.value)
    assert words in str(err.value)
    assert str(err.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("text", ["", "\n# only a comment\n", "---\n"])
def test_empty_context_file_is_an_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="empty"):
        load_context(write(tmp_path, text))


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LicheckError, match="no such file"):
        load_context(tmp_path / "absent.yaml")


def test_inline_context_reports_the_manifest_path() -> None:
    doc = parse_yaml("models: []\ncontext:\n  use:\n    comercial: false\n", "licheck.yaml")
    with pytest.raises(ConfigError) as err:
        context_from_mapping(doc["context"], "licheck.yaml")
    assert str(err.value).startswith("licheck.yaml:4: unknown key 'use.comercial'")
    assert "did you mean 'commercial'?" in str(err.value)


def test_with_use_overrides_one_model() -> None:
    base = context_from_mapping(parse_yaml("use: {distributes_weights: true, purposes: [spam]}", "c"), "c")
    doc = parse_yaml("- id: x\n  use: {trains_on_outputs: true}\n", "m.yaml")
    ctx = base.with_use(doc[0]["use"], "m.yaml")
    assert isinstance(ctx, Context)
    assert ctx.use.trains_on_outputs is True and ctx.use.distributes_weights is True
    assert ctx.use.purposes == ("spam",) and base.use.trains_on_outputs is False


@pytest.mark.parametrize(("text", "words"), [
    ("- id: x\n  use: {trains_on_output: true}\n", "unknown key 'use.trains_on_output'"),
    ("- id: x\n  use: {commercial: 1}\n", "true or false"),
])
def test_with_use_is_validated(text: str, words: str) -> None:
    doc = parse_yaml(text, "m.yaml")
    with pytest.raises(ConfigError) as err:
        DEFAULT_CONTEXT.with_use(doc[0]["use"], "m.yaml")
    assert words in str(err.value) and err.value.line == 2


def test_monthly_revenue_falls_back_to_annual() -> None:
    ctx = context_from_mapping(parse_yaml("organisation: {annual_revenue_usd: 120}", "c"), "c")
    value, derived = ctx.monthly_revenue()
    assert derived is True and value is not None and value.max() == 10
    assert DEFAULT_CONTEXT.monthly_revenue() == (None, False)
