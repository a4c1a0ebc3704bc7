"""A licensor is not bound by its own licence: a model its publisher relicenses over the publisher's
own ancestor does not inherit that ancestor's licence; a third party's label never removes one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from envs import run_check
from json_schema import violations

from licheck.config import load_config
from licheck.formats import jsonfmt
from licheck.model import Finding, Severity
from licheck.report import Report

# Entries a user catalogue adds for the cases the bundled one does not hold (yet): the Qwen1.5-32B
# pair as the cards give it (the base's card names the research licence), a look-alike namespace,
# a renamed organisation and a chain that leaves the publisher's models.
USER_CATALOGUE = """models:
  - {id: Qwen/Qwen1.5-32B, licence: tongyi-qianwen-research, modalities: [text]}
  - {id: Qwen/Qwen1.5-32B-Chat, licence: tongyi-qianwen, modalities: [text],
     parents: [{id: Qwen/Qwen1.5-32B, relation: finetune}]}
  - {id: deepseek-ai-community/R1-relabelled, licence: mit, modalities: [text],
     parents: [{id: deepseek-ai/DeepSeek-V3-Base, relation: finetune}]}
  - {id: DeepSeek-AI-Labs/R1-copy, licence: mit, modalities: [text],
     parents: [{id: deepseek-ai/DeepSeek-V3-Base, relation: finetune}]}
  - {id: CohereLabs/command-r-open, licence: apache-2.0, modalities: [text],
     parents: [{id: CohereForAI/c4ai-command-r-v01, relation: finetune}]}
  - {id: acme/llama-ft-apache, licence: apache-2.0, modalities: [text],
     parents: [{id: meta-llama/Llama-3.1-8B-Instruct, relation: finetune}]}
  - {id: deepseek-ai/Chain-Top, licence: mit, modalities: [text],
     parents: [{id: deepseek-ai/Chain-Middle, relation: finetune}]}
  - {id: deepseek-ai/Chain-Middle, licence: deepseek, modalities: [text],
     parents: [{id: meta-llama/Llama-3.1-8B, relation: finetune}]}
  - {id: acme/R1-ft, licence: null, modalities: [text],
     parents: [{id: deepseek-ai/DeepSeek-R1, relation: finetune}]}
  - {id: acme/R1-V3-merge, licence: mit, modalities: [text],
     parents: [{id: deepseek-ai/DeepSeek-R1, relation: merge}, {id: deepseek-ai/DeepSeek-V3-Base, relation: merge}]}
"""


def _check(tmp_path: Path, model: str, context: str) -> Report:
    folder = tmp_path / "legal" / "catalogue" / "models"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.yml").write_text(USER_CATALOGUE, encoding="utf-8")
    (tmp_path / ".licheck.yaml").write_text("extra_catalogue: [legal/catalogue]\n", encoding="utf-8")
    (tmp_path / "ctx.yaml").write_text(context, encoding="utf-8")
    return run_check([model], config=load_config(tmp_path / ".licheck.yaml"), offline=True,
                     context_path=str(tmp_path / "ctx.yaml"))


def _by(report: Report, licence: str, severity: Severity = Severity.WARNING) -> list[Finding]:
    return [f for f in report.findings if f.licence == licence and f.severity >= severity]


MILITARY = "use: {purposes: [military]}\n"
COMMERCIAL = "use: {commercial: true, production: true}\n"


def test_deepseek_r1_is_not_bound_by_the_deepseek_licence(tmp_path: Path) -> None:
    report = _check(tmp_path, "deepseek-ai/DeepSeek-R1", MILITARY)
    (model,) = report.models
    assert model.licences == ["mit"]
    assert not _by(report, "deepseek"), [f.id for f in _by(report, "deepseek")]
    base = model.lineage.node("deepseek-ai/DeepSeek-V3-Base")
    assert base is not None and base.licence == "deepseek" and not base.binds
    assert "a licensor is not bound by its own licence" in (base.not_inherited or "")
    doc = json.loads(jsonfmt.render(report))
    [node] = [n for n in doc["models"][0]["lineage"] if n["id"] == "deepseek-ai/DeepSeek-V3-Base"]
    assert node["not_inherited"] == base.not_inherited and doc["models"][0]["licences"] == ["mit"]
    assert not violations(doc, "check")
    [why] = [f for f in report.findings if f.kind == "licence_mismatch"]
    assert why.severity == Severity.INFO and "DeepSeek" in why.message and why.licence == "deepseek"
    # The base itself is bound, so the test above can fail.
    assert _by(_check(tmp_path, "deepseek-ai/DeepSeek-V3-Base", MILITARY), "deepseek-aup", Severity.ERROR) \
        or _by(_check(tmp_path, "deepseek-ai/DeepSeek-V3-Base", MILITARY), "deepseek", Severity.ERROR)


def test_qwen15_32b_chat_is_not_bound_by_its_research_base(tmp_path: Path) -> None:
    report = _check(tmp_path, "Qwen/Qwen1.5-32B-Chat", COMMERCIAL)
    (model,) = report.models
    assert model.licences == ["tongyi-qianwen"]
    assert not _by(report, "tongyi-qianwen-research")
    assert not [f for f in report.findings if f.kind in ("non_commercial", "non_production")]
    base = _check(tmp_path, "Qwen/Qwen1.5-32B", COMMERCIAL)
    assert [f for f in base.findings if f.kind == "non_commercial" and f.severity == Severity.ERROR]


@pytest.mark.parametrize(("model", "bound_by"), [
    # A community fine-tune's apache-2.0 label never removes Meta's licence.
    ("acme/llama-ft-apache", "llama3.1"),
    # A namespace that resembles DeepSeek's is not DeepSeek.
    ("deepseek-ai-community/R1-relabelled", "deepseek"),
    ("DeepSeek-AI-Labs/R1-copy", "deepseek"),
])
def test_a_third_partys_label_does_not_remove_an_ancestors_licence(tmp_path: Path, model: str,
                                                                   bound_by: str) -> None:
    report = _check(tmp_path, model, MILITARY)
    (m,) = report.models
    assert bound_by in m.licences
    assert all(node.binds for node in m.lineage.nodes)
    assert [f for f in report.findings if f.kind == "licence_mismatch" and f.severity == Severity.WARNING
            and f.licence == bound_by]


def test_a_renamed_organisation_is_the_same_licensor(tmp_path: Path) -> None:
    report = _check(tmp_path, "CohereLabs/command-r-open", COMMERCIAL)
    (m,) = report.models
    assert m.licences == ["apache-2.0"] and not _by(report, "cc-by-nc-4.0")


def test_the_waiver_stops_at_the_first_model_the_licensor_did_not_publish(tmp_path: Path) -> None:
    report = _check(tmp_path, "deepseek-ai/Chain-Top", COMMERCIAL)
    (m,) = report.models
    assert m.licences == ["llama3.1", "mit"]   # DeepSeek's own licence stops; Meta's does not
    assert not m.lineage.node("deepseek-ai/Chain-Middle").binds  # type: ignore[union-attr]
    assert m.lineage.node("meta-llama/Llama-3.1-8B").binds  # type: ignore[union-attr]


def test_users_of_a_fine_tune_of_r1_inherit_r1s_licence_only(tmp_path: Path) -> None:
    report = _check(tmp_path, "acme/R1-ft", MILITARY)
    (m,) = report.models
    assert m.licences == ["mit"] and not _by(report, "deepseek")


def test_a_merge_with_the_base_itself_is_bound_by_it(tmp_path: Path) -> None:
    report = _check(tmp_path, "acme/R1-V3-merge", MILITARY)
    (m,) = report.models
    assert "deepseek" in m.licences
    assert m.lineage.node("deepseek-ai/DeepSeek-V3-Base").binds  # type: ignore[union-attr]


def test_resolve_says_why_the_base_does_not_bind() -> None:
    from click.testing import CliRunner

    from licheck.cli import cli

    res = CliRunner().invoke(cli, ["resolve", "--offline", "deepseek-ai/DeepSeek-R1"])
    assert res.exit_code == 0, res.output
    assert "not inherited: published by DeepSeek" in res.stdout
    assert "Licences that bind: mit" in res.stdout


def test_a_deny_list_names_only_licences_that_bind(tmp_path: Path) -> None:
    deny = "policy: {deny_licences: [deepseek]}\n"
    assert not [f for f in _check(tmp_path, "deepseek-ai/DeepSeek-R1", deny).findings if f.kind == "policy"]
    [f] = [f for f in _check(tmp_path, "acme/R1-V3-merge", deny).findings if f.kind == "policy"]
    assert f.via == ["acme/R1-V3-merge", "deepseek-ai/DeepSeek-V3-Base"]   # the path that binds
