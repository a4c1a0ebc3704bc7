"""The finding-kind registry, the trigger table, --fail-on, and the one country and Hub-id table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from envs import corpus as bundled_corpus
from envs import rulebook as default_rulebook

from licheck import catalogue, context, countries, hubid, kinds
from licheck.check import exit_code
from licheck.cli import main
from licheck.config import load_config
from licheck.context import Use
from licheck.errors import ConfigError, DataError
from licheck.formats._common import advice, kind_meaning, kind_title
from licheck.kinds import KINDS, RULE_KINDS, TRIGGERS
from licheck.licences import load_corpus
from licheck.model import Finding, Severity
from licheck.report import Report
from licheck.rules.checkers import CHECKERS
from licheck.rules.describe import TESTS
from licheck.rules.kinds import RULE_KINDS as RULE_KIND_RECORDS
from licheck.severity import FAIL_ON_CHOICES, fail_threshold

ROOT = Path(__file__).resolve().parents[1]

# The contract's kinds table (docs/contract.md, section 3) with each kind's default severity.
CONTRACT_KINDS = {
    "mau_cap": "error", "revenue_cap": "error", "non_commercial": "error", "non_production": "error",
    "output_training": "error", "naming": "error", "attribution": "obligation", "notice": "obligation",
    "acceptable_use": "error", "jurisdiction": "error", "hosting": "error", "provenance": "warning",
    "licence_mismatch": "warning", "licence_unknown": "warning", "unresolved": "warning",
    "policy": "error", "waiver": "warning", "registration": "obligation", "drift": "warning",
}


def test_registry_matches_the_contract() -> None:
    assert {name: str(k.severity) for name, k in KINDS.items()} == CONTRACT_KINDS


def test_registry_matches_docs_contract_when_present() -> None:
    doc = ROOT / "docs" / "contract.md"
    if not doc.is_file():
        pytest.skip("docs/contract.md is not in this checkout yet")
    text = doc.read_text(encoding="utf-8")
    section = text[text.index("Finding kinds"):]
    section = section[:section.index("\nSeverities")]
    assert set(re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE)) == set(KINDS)


def test_every_kind_is_described_and_rule_kinds_have_checkers() -> None:
    for k in KINDS.values():
        assert k.title and k.meaning.endswith(".") and k.advice.endswith("."), k.name
        assert dataclasses.is_dataclass(k) and k.name.isidentifier()
    assert set(CHECKERS) == set(RULE_KINDS)
    assert {n for n, k in KINDS.items() if k.strict} == {"licence_unknown", "unresolved"}
    assert {"registration"} <= set(RULE_KINDS) and "drift" not in RULE_KINDS
    assert all(not KINDS[n].params for n in KINDS if n not in RULE_KINDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        KINDS["naming"].severity = Severity.INFO  # type: ignore[misc]


def test_the_rule_writers_table_lists_every_rule_kind_and_its_parameters() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (.*?) \|", text, re.MULTILINE))
    assert set(RULE_KINDS) <= set(rows)
    for name in RULE_KINDS:
        for param in KINDS[name].params:
            assert re.search(f"`{param}[`:]", rows[name]), (name, param)


def test_every_rule_kind_record_is_whole() -> None:
    assert set(RULE_KIND_RECORDS) == set(RULE_KINDS)
    assert all(r.kind is KINDS[name] and r.name == name for name, r in RULE_KIND_RECORDS.items())
    assert set(TESTS) == set(RULE_KINDS)   # `explain` says what each kind's checker compares
    for rule in default_rulebook():
        assert TESTS[rule.kind](rule), rule.id


def test_reports_take_their_words_from_the_registry() -> None:
    finding = Finding(id="x/drift", kind="drift", severity=Severity.WARNING, model="a/b", message="m")
    assert kind_title("drift") == KINDS["drift"].title
    assert kind_meaning("drift") == KINDS["drift"].meaning
    assert advice(finding) == KINDS["drift"].advice
    assert kind_title("no_such_kind") == "No such kind"   # an unknown kind still renders


def test_every_trigger_reads_a_use_field() -> None:
    for trigger in TRIGGERS.values():
        prefix, attr = trigger.context_field.split(".")
        assert prefix == "use" and hasattr(Use(), attr), trigger.name


# --- --fail-on ---------------------------------------------------------------------------------

def _report(severity: Severity) -> Report:
    finding = Finding(id="x/y", kind="notice", severity=severity, model="a/b", message="m")
    return Report(context={}, models=[], findings=[finding], waivers=[],
                  generated_at=dt.datetime(2026, 1, 1), licheck_version="0", data_versions={}, notes=[],
                  corpus=bundled_corpus())


def test_fail_on_choices_are_the_severities_and_never() -> None:
    assert FAIL_ON_CHOICES == ("info", "obligation", "warning", "error", "never")
    assert fail_threshold("INFO") is Severity.INFO and fail_threshold("never") is None
    with pytest.raises(ValueError):
        fail_threshold("warn")
    assert exit_code(_report(Severity.INFO), "info") == 1
    assert exit_code(_report(Severity.INFO), "obligation") == 0


def test_fail_on_info_is_accepted_on_the_command_line_and_in_the_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "licheck.yaml").write_text("models: [meta-llama/Llama-3.1-8B-Instruct]\n"
                                           "context: {use: {distributes_weights: true}}\n")
    runner = CliRunner()
    with runner.isolation():
        assert main(["check", "--offline", "--fail-on", "info"]) == 1      # obligations fail it
        assert main(["check", "--offline", "--fail-on", "never"]) == 0
    (tmp_path / ".licheck.yaml").write_text("fail_on: info\n")
    assert load_config().fail_on == "info"
    with runner.isolation():
        assert main(["check", "--offline"]) == 1


# --- one country table, one Hub-id grammar -----------------------------------------------------

def test_one_country_table() -> None:
    assert context.ISO_3166_ALPHA2 is countries.ISO_3166_ALPHA2
    assert context.EU_MEMBER_STATES is countries.EU_MEMBER_STATES
    assert len(countries.ISO_3166_ALPHA2) == 249 and countries.EU_MEMBER_STATES < countries.ISO_3166_ALPHA2
    assert "did you mean GB" in (countries.country_problem("UK") or "")
    assert countries.country_problem("FR") is None and countries.in_eu("FR") and not countries.in_eu("NO")


def test_licence_metadata_checks_the_publisher_country(tmp_path: Path) -> None:
    (tmp_path / "acme.yml").write_text("id: acme\nname: Acme\nkind: permissive\ntexts: []\n"
                                       "status: text-missing\npublisher_country: UK\n")
    with pytest.raises(DataError) as err:
        load_corpus([tmp_path])
    assert err.value.line == 6 and "did you mean GB" in err.value.message


@pytest.mark.parametrize("text, ok", [
    ("org/name", True), ("gpt2", False), ("org/name-", False), ("org/a--b", False),
    ("org/x.git", False), ("org/../x", False), ("a/b/c", False),
])
def test_one_hub_id_grammar(text: str, ok: bool) -> None:
    assert hubid.is_hub_id(text, namespaced=True) is ok


def test_the_catalogue_uses_the_hub_id_grammar(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "acme.yml").write_text(
        "models:\n  - id: acme/model--7b\n    licence: mit\n    modalities: [text]\n")
    with pytest.raises(DataError) as err:
        catalogue.load_catalogue([tmp_path], licences=bundled_corpus())
    assert err.value.line == 2 and "'--'" in err.value.message


def test_unknown_fail_on_in_exit_code_is_an_input_error() -> None:
    with pytest.raises(ConfigError):
        exit_code(_report(Severity.ERROR), "sometimes")
    assert kinds.default_severity("drift") is Severity.WARNING


def test_strict_finding_ids_are_builtin_findings() -> None:
    from licheck.kinds import BUILTIN_FINDINGS, STRICT_FINDINGS
    from licheck.structure_findings import UNDECLARED_ID

    assert UNDECLARED_ID in STRICT_FINDINGS and STRICT_FINDINGS <= set(BUILTIN_FINDINGS)
