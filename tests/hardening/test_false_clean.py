"""Hardening round 2, class A: inputs that made a run pass that must not pass (issue 14)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from envs import corpus, run_check

from licheck.lineage import determine_licence
from licheck.model import ModelFacts, ModelRef, Severity

TODAY = dt.date(2026, 6, 1)
COMMERCIAL = "use:\n  commercial: true\n"


def _unwaived_errors(report) -> list[str]:
    return [f.id for f in report.findings if not f.waived and f.severity >= Severity.ERROR]


def test_a_manifests_waivers_cover_only_its_own_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 1: pre-commit passes two manifests in one run; one's waiver must not waive the other's error."""
    monkeypatch.chdir(tmp_path)
    Path("ctx.yaml").write_text(COMMERCIAL)
    Path("a.yaml").write_text("context: ctx.yaml\nmodels:\n  - CohereForAI/c4ai-command-r-v01\n")
    Path("b.yaml").write_text(
        "context: ctx.yaml\nmodels:\n  - CohereForAI/aya-23-8B\nwaivers:\n"
        "  - kind: non_commercial\n    model: 'CohereForAI/*'\n    reason: r\n    approved_by: a\n"
        "    expires: 2026-12-31\n")
    report = run_check(["a.yaml", "b.yaml"], offline=True, today=TODAY)
    by_model = {(f.model, f.kind): f for f in report.findings if f.kind == "non_commercial"}
    assert by_model[("CohereForAI/aya-23-8B", "non_commercial")].waived
    assert not by_model[("CohereForAI/c4ai-command-r-v01", "non_commercial")].waived
    assert _unwaived_errors(report)
    # The config's waivers still reach every target.


@pytest.mark.parametrize("licence", ["[mit, cc-by-nc-4.0]", "[cc-by-nc-4.0, mit]", "'mit, cc-by-nc-4.0'"])
def test_every_listed_licence_binds(tmp_path: Path, licence: str) -> None:
    """Defect 3: `license: [mit, cc-by-nc-4.0]` bound only the first recognised id."""
    (tmp_path / "ctx.yaml").write_text(COMMERCIAL)
    model = tmp_path / "m"
    model.mkdir()
    (model / "README.md").write_text(f"---\nlicense: {licence}\n---\n# m\n")
    report = run_check([str(model)], offline=True, today=TODAY, context_path=str(tmp_path / "ctx.yaml"))
    [m] = report.models
    assert set(m.lineage.licences) == {"mit", "cc-by-nc-4.0"}
    assert any(f.kind == "non_commercial" for f in report.findings)
    assert _unwaived_errors(report)


def test_a_listed_licence_outside_the_corpus_is_reported_beside_the_known_one(tmp_path: Path) -> None:
    """Defect 3: a known licence in a list does not hide an unknown one."""
    model = tmp_path / "m"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: [mit, acme-secret-licence]\n---\n")
    report = run_check([str(model)], offline=True, today=TODAY)
    assert report.models[0].lineage.licences == ["mit"]
    unknown = [f for f in report.findings if f.kind == "licence_unknown"]
    assert unknown and "acme-secret-licence" in unknown[0].message


def test_multi_licence_gguf_value_binds_every_licence() -> None:
    """Defect 3: a comma-joined GGUF general.license takes the same path."""
    facts = ModelFacts(ref=ModelRef("gguf", "x.gguf"), id="x", source="gguf",
                       declared_licence="apache-2.0, cc-by-nc-4.0")
    choice = determine_licence(facts, corpus())
    assert (choice.licence, choice.others) == ("apache-2.0", ("cc-by-nc-4.0",))
