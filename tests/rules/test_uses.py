"""The use and sector vocabularies, and the acceptable-use rules that name their ids.

Three promises are checked against the licence texts themselves:
* every prohibited item of every bundled acceptable-use policy and use-restriction attachment
  has a rule, and every such rule's section names an item whose words it quotes;
* a context names purposes and sectors by id: an unknown word stops licheck with its line and
  a suggestion, and free text (`use.description`) decides nothing;
* a declared purpose meets exactly the items that name its id.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aup_items import OTHER_TERMS, POLICIES, items
from click.testing import CliRunner
from envs import rulebook as default_rulebook
from regen_uses_doc import PAGE, render
from rules_helpers import make_context, make_lineage

from licheck.cli import cli, main
from licheck.context import context_from_mapping
from licheck.errors import ConfigError, DataError
from licheck.licences import default_corpus
from licheck.model import Severity
from licheck.rules.evaluate import evaluate
from licheck.rules.loader import validate_files
from licheck.rules.quotes import normalise
from licheck.uses import load_vocabulary, sectors, uses
from licheck.yamlload import parse_yaml

E, W = Severity.ERROR, Severity.WARNING

CONTRACT_USES = {
    "military", "weapons", "critical-infrastructure", "surveillance", "biometric-identification",
    "automated-decisions", "medical-advice", "legal-advice", "financial-advice", "malware", "fraud",
    "disinformation", "impersonation", "harassment", "discrimination", "violence", "self-harm",
    "illegal-drugs", "human-trafficking", "child-abuse", "privacy-violation", "ip-infringement", "spam",
    "undisclosed-ai-content",
}
CONTRACT_SECTORS = {
    "healthcare", "finance", "insurance", "defence", "government", "law-enforcement", "legal",
    "education", "employment", "housing", "critical-infrastructure", "media",
}

# Acceptable-use policies and use-restriction texts in the corpus that have no item reader (and so
# no rules) yet. Empty means every one is covered; a new policy must be added to aup_items.POLICIES.
NOT_YET_COVERED: set[str] = set()


# --- the vocabularies -----------------------------------------------------------------------

def test_vocabularies_hold_at_least_the_contract_ids() -> None:
    assert CONTRACT_USES <= set(uses().ids())
    assert CONTRACT_SECTORS <= set(sectors().ids())


def test_every_use_id_is_named_by_a_rule() -> None:
    named = {u for r in default_rulebook() if r.kind == "acceptable_use" for u in r.param("uses") or ()}
    assert sorted(set(uses().ids()) - named) == []


@pytest.mark.parametrize(("word", "expected"), [
    ("militar", "military"),
    ("fraud defense", "fraud"),
    ("misinformation detection", "disinformation"),
    ("bioweapons", "biological-chemical-weapons"),
    ("medical advise", "medical-advice"),
])
def test_suggestions_come_from_ids_and_suggestive_words(word: str, expected: str) -> None:
    assert expected in uses().suggest(word)


def test_sector_aliases_are_exact_spellings_only() -> None:
    assert sectors().resolve("Defense") == "defence" and sectors().resolve("health care") == "healthcare"
    assert sectors().resolve("defensive") is None and uses().resolve("defense") is None


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("vocabulary: uses\nfield: f\ncategories:\n  - {id: a, title: t, description: d, examples: [], words: []}\n"
     "  - {id: a, title: t, description: d, examples: [], words: []}\n", 5, "already an id"),
    ("vocabulary: uses\nfield: f\ncategories:\n  - id: A b\n    title: t\n    description: d\n"
     "    examples: []\n    words: []\n", 4, "lower case"),
    ("vocabulary: uses\nfield: f\ncategories:\n  - id: a\n    title: t\n    description: d\n"
     "    examples: []\n    words: []\n    keywords: [x]\n", 9, "keywords"),
    ("vocabulary: uses\nfield: f\ncategories:\n  - id: a\n    title: t\n    description: d\n    examples: []\n", 4,
     "words"),
])
def test_a_bad_vocabulary_file_is_refused_at_its_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = tmp_path / "v.yml"
    path.write_text(text)
    with pytest.raises(DataError) as err:
        load_vocabulary(path)
    assert err.value.line == line and fragment in err.value.message


# --- every item of every policy has a rule, at its own section -------------------------------

def test_every_acceptable_use_policy_in_the_corpus_has_an_item_reader() -> None:
    corpus = default_corpus()
    policies = {i for i in corpus.ids() if corpus[i].kind == "acceptable-use-policy"}
    assert sorted(policies - set(POLICIES) - NOT_YET_COVERED) == []
    assert NOT_YET_COVERED <= policies


@pytest.mark.parametrize("licence", list(POLICIES))
def test_every_item_has_a_rule_and_every_rule_an_item(licence: str) -> None:
    found = items(licence)
    leaves = [i for i in found if i.leaf]
    assert len(leaves) == POLICIES[licence][1], [i.section for i in leaves]   # the reader saw them all
    rules = [r for r in default_rulebook() if r.licence == licence]
    by_section: dict[str, list[str]] = {}
    for item in found:
        by_section.setdefault(item.section, []).append(normalise(f"{item.lead} {item.text}"))
    # Every acceptable_use rule (and any rule of an AUP file citing an item) quotes its item.
    checked = [r for r in rules if r.kind == "acceptable_use" or r.section in by_section]
    for rule in checked:
        assert rule.section in by_section, f"{rule.id}: section {rule.section!r} is no item of {licence}"
        assert any(normalise(rule.quote) in text for text in by_section[rule.section]), (
            f"{rule.id}: the quote is not in item {rule.section}")
    other = OTHER_TERMS.get(licence, {})
    assert set(other) <= {i.section for i in leaves}, f"OTHER_TERMS names no item of {licence}"
    for item in leaves:
        if item.section in other:
            continue
        covering = [r for r in checked if r.section == item.section and normalise(r.quote) in normalise(item.text)]
        assert covering, f"{licence} {item.section} has no rule: {item.text[:80]}"


def test_the_coverage_check_is_not_vacuous() -> None:
    # The Llama 4 text skips "2.": its military item is 3.1, critical infrastructure 3.4.
    sections = {i.section for i in items("llama4-aup") if i.leaf}
    assert {"Prohibited Uses 3.1", "Prohibited Uses 3.4"} <= sections
    assert not {"Prohibited Uses 2.1", "Prohibited Uses 2.4"} & sections
    assert sum(POLICIES[p][1] for p in POLICIES) == sum(len([i for i in items(p) if i.leaf]) for p in POLICIES) > 200


def test_a_rule_naming_an_unknown_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "gemma-aup.yml").write_text(
        "licence: gemma-aup\nrules:\n  - id: gemma-aup/x\n    kind: acceptable_use\n    title: t\n"
        "    section: '4'\n    quote: Generate sexually explicit content\n    uses: [sexual-contents]\n"
        "    sectors: [helthcare]\n    message: m\n    how_to_comply: h\n")
    _, errors = validate_files([tmp_path], default_corpus())
    messages = [(e.line, e.message) for e in errors]
    assert any(line == 8 and "sexual-content" in m for line, m in messages), messages
    assert any(line == 9 and "healthcare" in m for line, m in messages), messages


# --- issue 12 defect 10: Llama 3.2/3.3/4 military item and Llama 4 numbering -----------------

@pytest.mark.parametrize(("licence", "military", "infrastructure"), [
    ("llama3.2", "Prohibited Uses 2.8", "Prohibited Uses 2.11"),
    ("llama3.3", "Prohibited Uses 2.1", "Prohibited Uses 2.4"),
    ("llama4", "Prohibited Uses 3.1", "Prohibited Uses 3.4"),
])
def test_bioweapons_are_the_military_item_in_llama_3_2_and_later(licence: str, military: str,
                                                                   infrastructure: str) -> None:
    book = default_rulebook()
    rule = book.get(f"{licence}-aup/military")
    assert rule is not None and rule.section == military
    assert "Biological Weapons Anti-Terrorism Act of 1989" in rule.quote
    assert rule.quote.endswith("Chemical Weapons Convention Implementation Act of 1997")
    assert book.get(f"{licence}-aup/critical-infrastructure").section == infrastructure
    ctx = make_context("use: {purposes: [biological-chemical-weapons]}")
    hits = [f for f in evaluate(make_lineage(licence, modalities=("text",)), ctx, default_rulebook()) if f.kind == "acceptable_use"]
    assert [(f.id, f.severity, f.clause.section) for f in hits] == [(f"{licence}-aup/military", E, military)]


def test_before_3_2_bioweapons_fall_under_illegal_weapons() -> None:
    ctx = make_context("use: {purposes: [biological-chemical-weapons]}")
    hits = [f.id for f in evaluate(make_lineage("llama3.1"), ctx, default_rulebook()) if f.kind == "acceptable_use"]
    assert hits == ["llama3.1-aup/weapons"]


# --- the context: ids only -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "suggestion"), [
    ("use:\n  purposes: [militar]\n", 2, "military"),
    ("use:\n  purposes:\n    - spam\n    - fraud defense\n", 4, "fraud"),
    ("use:\n  purposes: [transportation customer support chatbot]\n", 2, "machinery-operation"),
    ("use:\n  purposes: [misinformation detection]\n", 2, "disinformation"),
    ("sectors: [helthcare]\n", 1, "healthcare"),
    ("policy:\n  sensitive_sectors: [defense, goverment]\n", 2, "government"),
])
def test_an_unknown_word_is_an_error_at_its_line_with_a_suggestion(text: str, line: int, suggestion: str) -> None:
    with pytest.raises(ConfigError) as err:
        context_from_mapping(parse_yaml(text, "ctx.yml"), "ctx.yml")
    assert err.value.line == line
    assert suggestion in err.value.message.split("did you mean:")[1].split("?")[0]
    assert "licheck explain" in err.value.message


@pytest.mark.parametrize("description", [
    "fraud defense for our bank", "transportation customer support chatbot", "misinformation detection",
])
def test_free_text_goes_in_the_description_and_decides_nothing(description: str) -> None:
    ctx = make_context(f"use:\n  description: {description}\n")
    assert ctx.use.description == description and ctx.to_json()["use"]["description"] == description
    for licence in ("llama3.1", "llama4", "gemma", "bigscience-openrail-m", "falcon-3-tii"):
        found = evaluate(make_lineage(licence, modalities=("text",)), ctx, default_rulebook())
        assert not [f.id for f in found if f.kind == "acceptable_use"], licence


def test_ids_match_exactly_the_items_that_name_them() -> None:
    ctx = make_context("use: {purposes: [fraud]}")
    found = {f.id for f in evaluate(make_lineage("llama4", modalities=("text",)), ctx, default_rulebook()) if f.kind == "acceptable_use"}
    assert found == {"llama4-aup/fraud-disinformation"}   # not military ("defense"), not anything else
    ctx = make_context("use: {purposes: [Medical advice]}\nsectors: [Health care]")
    assert ctx.use.purposes == ("medical-advice",) and ctx.sectors == ("healthcare",)


def _check(tmp_path: Path, context: str) -> tuple[int, str]:
    (tmp_path / "ctx.yml").write_text(context)
    runner = CliRunner()
    with runner.isolation() as (_, err, _):
        code = main(["check", "--offline", "--context", str(tmp_path / "ctx.yml"), "meta-llama/Llama-3.1-8B"])
        return code, err.getvalue().decode()  # inside: click 8.2.0-8.2.1 close on exit


def test_check_exits_2_on_an_unknown_purpose(tmp_path: Path) -> None:
    code, err = _check(tmp_path, "use:\n  commercial: true\n  purposes: [militar]\n")
    assert code == 2
    assert f"{tmp_path / 'ctx.yml'}:3:" in err and "did you mean: military" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


# --- explain and the documentation --------------------------------------------------------------

@pytest.mark.parametrize("name", ["uses", "sectors"])
def test_explain_lists_a_vocabulary(name: str) -> None:
    vocabulary = uses() if name == "uses" else sectors()
    res = CliRunner().invoke(cli, ["explain", name])
    assert res.exit_code == 0, res.output
    for category in vocabulary.categories:
        assert f"{category.id}: {category.title}" in res.stdout
    data = json.loads(CliRunner().invoke(cli, ["explain", name, "--format", "json"]).stdout)
    assert [c["id"] for c in data["categories"]] == vocabulary.ids()


def test_docs_uses_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), "run: python tests/rules/regen_uses_doc.py"


def test_the_review_report_shows_the_description(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    monkeypatch.chdir(examples)
    runner = CliRunner()
    with runner.isolation() as (out, _, _):
        code = main(["check", "--offline", "licheck.yaml", "--format", "markdown"])
        text = out.getvalue().decode()  # inside: click 8.2.0-8.2.1 close on exit
    assert code == 1
    assert "patient-facing appointment scheduling assistant" in text


# --- the policies of December 2026 ---------------------------------------------------------------

@pytest.mark.parametrize(("licence", "purposes", "expected"), [
    ("tencent-hunyuan-community", "[military]", [("tencent-hunyuan-community/military", E)]),
    ("tencent-hunyuan-3d-2.1-community", "[automated-decisions]", [("tencent-hunyuan-3d-2.1-community/automated-decisions", E)]),
    ("xai-aup", "[biological-chemical-weapons]", [("xai-aup/weapons", E)]),
    ("xai-aup", "[unauthorized-actions]", [("xai-aup/unauthorized-actions", E)]),
    ("dbrx-aup", "[disinformation]", [("dbrx-aup/disinformation", E)]),
    ("dbrx-aup", "[automated-decisions]", [("dbrx-aup/automated-decisions", W), ("dbrx-aup/justice-automation", W)]),
    ("gpt-oss-usage-policy", "[illegal-activity]", [("gpt-oss-usage-policy/applicable-law", E)]),
    ("glm-4", "[military]", [("glm-4/military", E)]),
    ("flux-1-dev-non-commercial", "[surveillance, biometric-identification]",
     [("flux-1-dev-non-commercial/surveillance", E), ("flux-1-dev-non-commercial/biometric", E),
      ("flux-1-dev-non-commercial/unlawful-privacy", E)]),
    ("flux-1-dev-non-commercial", "[medical-advice]", []),
])
def test_the_new_policies_report_their_items(licence: str, purposes: str, expected: list) -> None:
    ctx = make_context(f"use: {{purposes: {purposes}}}")
    found = [(f.id, f.severity) for f in evaluate(make_lineage(licence), ctx, default_rulebook()) if f.kind == "acceptable_use"]
    assert sorted(found) == sorted(expected)
