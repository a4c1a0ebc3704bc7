"""The clause shapes of the 2024-2026 licences, held against the licence texts and checked for
the words a finding uses: territory by version, release-date user tests, duties at scale,
inclusive revenue thresholds and output-training scopes (verdicts: test_new_licences.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from envs import corpus, rulebook
from rules_helpers import make_context, make_lineage

from licheck.model import Finding, Severity
from licheck.rules.checkers import month_before
from licheck.rules.describe import test as describe
from licheck.rules.evaluate import evaluate
from licheck.rules.loader import validate_files

HUNYUAN = ("tencent-hunyuan-community-2024-11-05", "tencent-hunyuan-community-2024-12-03",
           "tencent-hunyuan-community", "tencent-hunyuan-3d-2.0-community",
           "tencent-hunyuan-3d-2.1-community")


def _findings(licence: str, ctx: str, **kw: object) -> list[Finding]:
    return evaluate(make_lineage(licence, **kw), make_context(ctx), rulebook())  # type: ignore[arg-type]


def _one(licence: str, kind: str, ctx: str, **kw: object) -> Finding:
    [f] = [f for f in _findings(licence, ctx, **kw) if f.kind == kind]
    return f


# --- territory written into the licence ---------------------------------------------------------


@pytest.mark.parametrize("licence", HUNYUAN)
def test_each_hunyuan_territory_rule_excludes_what_its_text_excludes(licence: str) -> None:
    text = " ".join(" ".join(corpus()[licence].read_texts()).split())
    uk_kr = "excluding the territory of the European Union, United Kingdom and South Korea" in text
    eu_only = "excluding the territory of the European Union." in text
    assert uk_kr != eu_only, licence   # each text says one or the other
    [rule] = [r for r in rulebook().rules_for(licence) if r.kind == "jurisdiction"]
    assert rule.param("excluded_regions") == (["EU", "GB", "KR"] if uk_kr else ["EU"])
    assert rule.param("scope") == "whole_licence" and rule.param("models") == "all"
    assert rule.param("covers_outputs") is True and rule.param("end_user_exception") is False
    # From HunyuanVideo (2024-12-03) on, every version excludes the UK and South Korea.
    assert uk_kr == (licence != "tencent-hunyuan-community-2024-11-05")


@pytest.mark.parametrize(("licence", "country", "region"), [
    ("tencent-hunyuan-community", "GB", "the United Kingdom"),
    ("tencent-hunyuan-community", "KR", "South Korea"),
    ("tencent-hunyuan-3d-2.1-community", "DE", "the European Union"),
    ("tencent-hunyuan-community-2024-11-05", "FR", "the European Union"),
])
def test_the_territory_finding_speaks_of_the_territory_not_of_multimodal_models(
        licence: str, country: str, region: str) -> None:
    f = _one(licence, "jurisdiction", f"organisation: {{country: {country}}}", modalities=("text",))
    assert f.severity == Severity.ERROR and f.context_field == "organisation.country"
    assert f"{region} ({country})" in f.message and "Territory" in f.message
    assert "multimodal" not in f.message and "multimodal" not in f.how_to_comply


def test_no_country_names_the_regions_of_that_version() -> None:
    video = _one("tencent-hunyuan-community-2024-12-03", "jurisdiction", "{}")
    large = _one("tencent-hunyuan-community-2024-11-05", "jurisdiction", "{}")
    for f in (video, large):
        assert f.severity == Severity.WARNING and "organisation.country" in f.message
        assert "territory" in f.message and "outputs included" in f.message
        assert "multimodal" not in f.message and "principal place" not in f.message
    assert "the European Union, the United Kingdom or South Korea" in video.message
    assert "the European Union" in large.message and "United Kingdom" not in large.message


def test_the_llama_clause_keeps_its_own_wording() -> None:
    f = _one("llama3.2-aup", "jurisdiction", "{}", modalities=("text", "image"))
    assert f.severity == Severity.WARNING and "multimodal" in f.message and "EU exclusion" in f.message


# --- one-time user tests at the version's release date -------------------------------------------


@pytest.mark.parametrize(("licence", "threshold"), [
    ("tencent-hunyuan-community-2024-11-05", 100_000_000), ("tencent-hunyuan-community-2024-12-03", 100_000_000),
    ("tencent-hunyuan-community", 100_000_000), ("tencent-hunyuan-3d-2.0-community", 1_000_000),
    ("tencent-hunyuan-3d-2.1-community", 1_000_000), ("dbrx-open-model", 700_000_000),
    ("minimax-model-2025-01-14", 100_000_000),
])
def test_release_date_user_tests_read_the_month_before_the_version(licence: str, threshold: int) -> None:
    lic = corpus()[licence]
    [rule] = [r for r in rulebook().rules_for(licence) if r.kind == "mau_cap"]
    assert rule.param("measured_at") == "month_before_release" and rule.param("threshold") == threshold
    assert lic.date is not None and month_before(rule.param("release_date")) == month_before(lic.date)
    assert "release date" in " ".join(" ".join(lic.read_texts()).split())
    month = month_before(lic.date)
    above = _one(licence, "mau_cap", f"organisation: {{monthly_active_users: {{'{month}': {threshold + 1}}}}}")
    assert above.severity == Severity.ERROR and month in above.message
    # Growing past the cap later does not trigger a one-time test.
    later = f"organisation: {{monthly_active_users: {{'{month}': {threshold}, '2026-11': {threshold * 5}}}}}"
    assert not [f for f in _findings(licence, later) if f.kind == "mau_cap"]


# --- duties that switch on at scale ---------------------------------------------------------------


@pytest.mark.parametrize(("licence", "display", "figures"), [
    ("kimi-k2-modified-mit", "Kimi K2", {"monthly_active_users": 100_000_000, "monthly_revenue_usd": 20_000_000}),
    ("kimi-k2.5-modified-mit", "Kimi K2.5", {"monthly_active_users": 100_000_000, "monthly_revenue_usd": 20_000_000}),
    ("kimi-k3", "Kimi K3", {"monthly_active_users": 100_000_000, "monthly_revenue_usd": 20_000_000}),
    ("minimax-m2-modified-mit", "MiniMax M2",
     {"monthly_active_users": 100_000_000, "annual_recurring_revenue_usd": 30_000_000}),
])
def test_scale_triggers_hold_the_texts_figures(licence: str, display: str, figures: dict[str, int]) -> None:
    [rule] = [r for r in rulebook().rules_for(licence) if r.kind == "attribution"]
    trigger = rule.param("scale_trigger")
    assert {k: v for k, v in trigger.items() if k not in ("counted_over", "measured")} == figures
    assert rule.param("display_text") == [display] and rule.only_if == ("commercial",)
    text = " ".join(" ".join(corpus()[licence].read_texts()).split())
    assert "more than 100 million monthly active users" in text and display in text
    revenue = "20 million US dollars" if "monthly_revenue_usd" in figures else "30 million US dollars"
    assert revenue in text


def test_a_duty_at_scale_says_which_figure_and_what_was_not_given() -> None:
    above = _one("kimi-k2-modified-mit", "attribution",
                 "organisation: {monthly_active_users: 150000000, annual_revenue_usd: 1000000}")
    assert above.severity == Severity.OBLIGATION and "100,000,000 monthly active users" in above.message
    assert '"Kimi K2"' in above.message and above.context_field == "organisation.monthly_active_users"
    estimate = _one("kimi-k2-modified-mit", "attribution",
                    "organisation: {monthly_active_users: 1000, annual_revenue_usd: 120000000}")
    assert estimate.severity == Severity.OBLIGATION and "may apply" in estimate.message
    assert "US$20,000,000 in monthly revenue" in estimate.message
    assert "organisation.monthly_revenue_usd" in estimate.how_to_comply
    unknown = _one("minimax-m2-modified-mit", "attribution", "organisation: {monthly_active_users: 1000}")
    assert unknown.severity == Severity.OBLIGATION and "could not check" in unknown.message
    assert "organisation.annual_revenue_usd" in unknown.message and "annual recurring revenue" in unknown.message


def test_minimax_m25_display_needs_no_threshold() -> None:
    [rule] = [r for r in rulebook().rules_for("minimax-m2.5-modified-mit") if r.kind == "attribution"]
    assert rule.param("scale_trigger") is None
    big = "organisation: {monthly_active_users: 10, annual_revenue_usd: 1}"
    assert _one("minimax-m2.5-modified-mit", "attribution", big).severity == Severity.OBLIGATION


# --- inclusive revenue threshold ------------------------------------------------------------------


@pytest.mark.parametrize(("revenue", "fires"), [(9_999_999, False), (10_000_000, True), (10_000_001, True)])
def test_lfm_threshold_is_reached_at_ten_million(revenue: int, fires: bool) -> None:
    [rule] = [r for r in rulebook().rules_for("lfm1.0") if r.kind == "revenue_cap"]
    assert rule.param("threshold_usd") == 10_000_000 and rule.param("inclusive") is True
    assert "($10,000,000) or more" in " ".join(corpus()["lfm1.0"].read_texts())
    assert "US$10,000,000 or more" in describe(rule)
    found = [f for f in _findings("lfm1.0", f"organisation: {{annual_revenue_usd: {revenue}}}") if f.kind == "revenue_cap"]
    assert bool(found) == fires


def test_a_non_inclusive_cap_is_not_reached_at_the_figure() -> None:
    # Kimi K3's Model-as-a-Service clause: revenue that "exceeds 20 million US dollars".
    ctx = "organisation: {annual_revenue_usd: 20000000}\nuse: {offered_as_service: true}"
    assert not [f for f in _findings("kimi-k3", ctx) if f.kind == "revenue_cap"]


# --- output-training scopes -----------------------------------------------------------------------


SCOPES = [
    ("tencent-hunyuan-community", "any_ai_model", "to improve any other AI model", Severity.ERROR),
    ("tencent-hunyuan-community-2024-11-05", "large_language_model", "to improve any other large language model", Severity.ERROR),
    ("dbrx-open-model", "large_language_model", "to improve any other large language model", Severity.ERROR),
    ("llama2", "large_language_model", "to improve any other large language model", Severity.ERROR),
    ("grok2-community", "foundational_or_general_purpose", "any foundational, large language, or general-purpose AI models", Severity.ERROR),
    ("flux-1-dev-non-commercial", "competing_with_model", "a model that is competitive with the FLUX.1 [dev] Model", Severity.WARNING),
    ("exaone", "competing_with_licensor", "any models that compete with the Licensor’s models", Severity.WARNING),
    ("exaone-1.1-nc", "any_ai_model", "to develop or improve other models", Severity.ERROR),
]


@pytest.mark.parametrize(("licence", "scope", "words", "severity"), SCOPES, ids=[s[0] for s in SCOPES])
def test_output_training_scope_follows_the_text(licence: str, scope: str, words: str, severity: Severity) -> None:
    assert words in " ".join(" ".join(corpus()[licence].read_texts()).split())
    [rule] = [r for r in rulebook().rules_for(licence) if r.kind == "output_training"]
    assert rule.param("target_scope") == scope
    f = _one(licence, "output_training", "use: {trains_on_outputs: true, commercial: false, production: false}")
    assert f.severity == severity
    if scope == "any_ai_model":
        assert "the ban covers only" not in f.message
    elif scope.startswith("competing"):
        assert "competes is for you to review" in f.message
    else:
        assert "taken to be one" in f.message and "waiver" in f.message


def test_every_output_training_rule_states_its_scope() -> None:
    assert all(r.param("target_scope") for r in rulebook() if r.kind == "output_training")


# --- the loader on the new fields -----------------------------------------------------------------

_JURISDICTION = """licence: tencent-hunyuan-community
rules:
  - id: tencent-hunyuan-community/x
    kind: jurisdiction
    title: t
    section: "1.l"
    quote: excluding the territory of the European Union, United Kingdom and South Korea.
    excluded_regions: [EU, {region}]
    scope: whole_licence
    models: all
    message: m
    how_to_comply: h
"""

_SCALE = """licence: kimi-k2-modified-mit
rules:
  - id: kimi-k2-modified-mit/x
    kind: attribution
    title: t
    section: modification
    quote: you shall prominently display "Kimi K2"
    display_text: [Kimi K2]
    message: m
    how_to_comply: h
    scale_trigger: {trigger}
"""


@pytest.mark.parametrize(("text", "problem"), [
    (_JURISDICTION.format(region="UK"), "'excluded_regions': 'UK' is not an ISO 3166-1 alpha-2 country code (did you mean GB?)"),
    (_JURISDICTION.format(region="KR").replace("whole_licence", "whole_licnce"), "'scope' must be one of"),
    (_SCALE.format(trigger="{counted_over: each product, measured: continuous}"), "'scale_trigger' needs at least one of"),
    (_SCALE.format(trigger="{monthly_active_user: 5, counted_over: x, measured: continuous}"),
     "did you mean 'monthly_active_users'"),
    (_SCALE.format(trigger="{monthly_active_users: 5, measured: continuous}"), "missing key 'scale_trigger.counted_over'"),
])
def test_the_new_fields_are_validated(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / (text.split("\n", 1)[0].split(": ")[1] + ".yml")
    path.write_text(text, encoding="utf-8")
    _, errors = validate_files([path], corpus())
    assert errors and problem in str(errors[0]), [str(e) for e in errors]


def test_valid_new_fields_load(tmp_path: Path) -> None:
    path = tmp_path / "tencent-hunyuan-community.yml"
    path.write_text(_JURISDICTION.format(region="KR"), encoding="utf-8")
    rules, errors = validate_files([path], corpus())
    assert not errors and rules[0].param("excluded_regions") == ["EU", "KR"]


# --- name prefixes and registration ----------------------------------------------------------------


@pytest.mark.parametrize(("licence", "prefix", "words", "good", "bad"), [
    ("exaone", "EXAONE", 'must include "EXAONE" at the beginning of its name', "EXAONE-4.0-Acme", "K-EXAONE-Acme"),
    ("exaone-1.1-nc", "EXAONE", "must include “EXAONE” at the beginning of its name", "exaone_3.5_acme", "Acme-EXAONE"),
    ("k-exaone", "K-EXAONE", "shall begin with “K-EXAONE”", "K-EXAONE-Acme", "EXAONE-Acme"),
    ("glm-4", "glm-4", 'add "glm-4" to the beginning of any such AI model name', "acme/glm-4-9b-acme", "glm-9b-acme"),
    ("minimax-model-2025-01-14", "MiniMax", "include “MiniMax” at the beginning of any such AI model name",
     "MiniMax-Text-Acme", "Acme-MiniMax"),
])
def test_name_prefixes_follow_the_texts(licence: str, prefix: str, words: str, good: str, bad: str) -> None:
    assert words in " ".join(" ".join(corpus()[licence].read_texts()).split())
    [rule] = [r for r in rulebook().rules_for(licence) if r.kind == "naming"]
    assert rule.param("prefix") == prefix and rule.triggered_by == ("derived_model_distributed",)
    research = "commercial: false, production: false, "
    assert not [f for f in _findings(licence, f"use: {{{research}derived_model_name: {good}}}") if f.kind == "naming"]
    [f] = [f for f in _findings(licence, f"use: {{{research}derived_model_name: {bad}}}") if f.kind == "naming"]
    assert f.severity == Severity.ERROR and bad in f.message


def test_glm4_registration_before_commercial_use_follows_the_text() -> None:
    text = " ".join(" ".join(corpus()["glm-4"].read_texts()).split())
    assert "Complete registration. Registered users are free to use this model for commercial activities" in text
    [rule] = [r for r in rulebook().rules_for("glm-4") if r.kind == "registration"]
    assert rule.only_if == ("commercial",) and "open.bigmodel.cn/mla/form" in rule.param("register_with")
    assert _one("glm-4", "registration", "{}").severity == Severity.OBLIGATION
    assert not [f for f in _findings("glm-4", "use: {commercial: false}") if f.kind == "registration"]
