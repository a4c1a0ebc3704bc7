"""Acceptable-use policies the publisher attaches beside a licence that does not incorporate them
(catalogue `policies`): Cohere's C4AI AUP with CC-BY-NC-4.0, the gpt-oss usage policy with
Apache 2.0. They bind the model and every derivative, and a lineage shows them with evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from envs import run_check
from json_schema import violations

from licheck.catalogue import default_catalogue, load_catalogue
from licheck.cli import main
from licheck.config import load_config
from licheck.errors import DataError
from licheck.formats import jsonfmt
from licheck.licences import default_corpus
from licheck.model import ModelFacts, ModelRef, Severity
from licheck.report import Report
from licheck.sources.registry import SourceRegistry

FRAUD = "use: {purposes: [fraud]}\n"   # phishing is fraud in the use taxonomy
COMMAND_R_PLUS = "CohereForAI/c4ai-command-r-plus"

USER_CATALOGUE = """models:
  - {id: acme/command-r-plus-ft, licence: apache-2.0, modalities: [text],
     parents: [{id: CohereForAI/c4ai-command-r-plus, relation: finetune}]}
  - {id: acme/plain-apache, licence: apache-2.0, modalities: [text]}
"""


def _check(tmp_path: Path, model: str, context: str) -> Report:
    folder = tmp_path / "cat" / "models"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acme.yml").write_text(USER_CATALOGUE, encoding="utf-8")
    (tmp_path / ".licheck.yaml").write_text("extra_catalogue: [cat]\n", encoding="utf-8")
    (tmp_path / "ctx.yaml").write_text(context, encoding="utf-8")
    return run_check([model], config=load_config(tmp_path / ".licheck.yaml"), offline=True,
                     context_path=str(tmp_path / "ctx.yaml"))


def _aup_errors(report: Report, licence: str) -> list[str]:
    return [f.id for f in report.findings
            if f.licence == licence and f.kind == "acceptable_use" and f.severity == Severity.ERROR]


def test_command_r_plus_with_a_phishing_purpose_breaks_the_c4ai_aup(tmp_path: Path) -> None:
    report = _check(tmp_path, COMMAND_R_PLUS, FRAUD)
    assert "c4ai-aup/fraud" in _aup_errors(report, "c4ai-aup")
    (model,) = report.models
    assert model.lineage.model.policies == ["c4ai-aup"]
    # A policy binds as an incorporated one does: it stays out of `licences`.
    assert model.licences == ["cc-by-nc-4.0"]
    [finding] = [f for f in report.findings if f.id == "c4ai-aup/fraud"]
    assert finding.clause is not None and finding.clause.quote.strip()
    assert finding.via == [COMMAND_R_PLUS]


@pytest.mark.parametrize("model", [
    "CohereLabs/c4ai-command-r-plus",    # the renamed organisation
    "ollama:command-r-plus",             # an Ollama build of a Cohere model
    "acme/command-r-plus-ft",            # a community fine-tune: its label removes nothing
])
def test_the_policy_binds_every_derivative(tmp_path: Path, model: str) -> None:
    assert "c4ai-aup/fraud" in _aup_errors(_check(tmp_path, model, FRAUD), "c4ai-aup")


def test_a_model_without_the_policy_is_not_bound_by_it(tmp_path: Path) -> None:
    report = _check(tmp_path, "acme/plain-apache", FRAUD)
    assert not [f for f in report.findings if f.kind == "acceptable_use"]


def test_gpt_oss_carries_its_usage_policy_in_json_with_evidence(tmp_path: Path) -> None:
    report = _check(tmp_path, "openai/gpt-oss-20b", "use: {commercial: true}\n")
    doc = json.loads(jsonfmt.render(report))
    assert not violations(doc, "check")
    (model,) = doc["models"]
    [node] = model["lineage"]
    assert node["licence"] == "apache-2.0" and node["policies"] == ["gpt-oss-usage-policy"]
    assert "catalogue/models/openai.yml" in node["evidence"] and "gpt-oss-usage-policy" in node["evidence"]
    assert model["licences"] == ["apache-2.0"]


def test_resolve_text_shows_the_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "--offline", "ollama:gpt-oss:120b"]) == 0
    out = capsys.readouterr().out
    assert "policies: gpt-oss-usage-policy" in out


def test_every_cohere_and_gpt_oss_entry_carries_its_policy() -> None:
    entries = default_catalogue().entries()
    cohere = [e for e in entries if e.id.split("/")[0] in ("CohereForAI", "CohereLabs")]
    gpt_oss = [e for e in entries if e.id.lower().startswith("openai/gpt-oss")]
    assert len(cohere) >= 10 and len(gpt_oss) == 2
    assert all(e.policies == ("c4ai-aup",) for e in cohere), [e.id for e in cohere if not e.policies]
    assert all(e.policies == ("gpt-oss-usage-policy",) for e in gpt_oss)
    assert all("policy" in (e.checked or "").lower() for e in (*cohere, *gpt_oss))


def test_hub_facts_are_enriched_with_the_catalogues_policies() -> None:
    class Hub:
        name = "hub"

        def accepts(self, ref: ModelRef) -> bool:
            return ref.kind == "hub"

        def fetch(self, ref: ModelRef) -> ModelFacts:
            return ModelFacts(ref=ref, id=ref.name, source="hub", declared_licence="cc-by-nc-4.0")

    registry = SourceRegistry([Hub()], catalogue=default_catalogue())
    facts = registry.fetch(ModelRef("hub", COMMAND_R_PLUS))
    assert isinstance(facts, ModelFacts) and facts.policies == ["c4ai-aup"]
    assert any("CohereForAI.yml" in n for n in facts.notes)


@pytest.mark.parametrize(("policies", "words"), [
    ("[c4ai-aupp]", "unknown policy id 'c4ai-aupp' (did you mean 'c4ai-aup'?)"),
    ("[mit]", "'mit' is a licence, not an acceptable-use policy"),
    ("[c4ai-aup, c4ai-aup]", "listed twice"),
    ("c4ai-aup", "'policies' must be a list"),
])
def test_a_bad_policy_is_an_error_at_its_line(tmp_path: Path, policies: str, words: str) -> None:
    folder = tmp_path / "mycat"
    (folder / "models").mkdir(parents=True)
    (folder / "models" / "acme.yml").write_text(
        f"models:\n  - id: acme/a\n    licence: mit\n    modalities: [text]\n    policies: {policies}\n",
        encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_catalogue([folder], licences=default_corpus())
    assert info.value.line == 5, str(info.value)
    assert words in info.value.message


def test_a_lock_keeps_the_policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "licheck.yaml").write_text(f"models:\n  - {COMMAND_R_PLUS}\n", encoding="utf-8")
    (tmp_path / "ctx.yaml").write_text(FRAUD, encoding="utf-8")
    assert main(["lock", "--offline"]) == 0
    assert 'policies = ["c4ai-aup"]' in (tmp_path / "licheck.lock").read_text(encoding="utf-8")
    capsys.readouterr()
    main(["check", "--locked", "--context", "ctx.yaml", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert "c4ai-aup/fraud" in [f["id"] for f in doc["findings"]]


def test_the_review_report_lists_the_attached_policy(tmp_path: Path) -> None:
    from licheck.formats import markdown
    text = markdown.render(_check(tmp_path, COMMAND_R_PLUS, FRAUD))
    table = text.split("### Licences that bind this model", 1)[1].split("###", 1)[0]
    assert "`c4ai-aup`" in table and "`cc-by-nc-4.0`" in table
    plain = markdown.render(_check(tmp_path, "acme/plain-apache", FRAUD))
    assert "`c4ai-aup`" not in plain
