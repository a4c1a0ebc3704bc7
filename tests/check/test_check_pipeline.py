"""The pipeline itself: context precedence, per-model overrides, --strict, exit codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from envs import run_check

from licheck.check import exit_code
from licheck.config import Config, load_config
from licheck.errors import ConfigError
from licheck.licences import default_corpus
from licheck.model import Finding, Lineage, LineageNode, Severity
from licheck.report import Report

LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
BIG = "organisation: {monthly_active_users: 800000000}\n"
SMALL = "organisation: {monthly_active_users: 1000}\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _ids(report: Report, model: str | None = None) -> set[str]:
    return {f.id for f in report.findings if model is None or f.model == model}


def test_context_precedence(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text(BIG)
    (tmp_path / "small.yaml").write_text(SMALL)
    (tmp_path / "m.yaml").write_text(f"context: big.yaml\nmodels: [{LLAMA}]\n")
    (tmp_path / "plain.yaml").write_text(f"models: [{LLAMA}]\n")
    cfg_small = Config(path=".licheck.yaml", context=str(tmp_path / "small.yaml"))
    cfg_big = Config(path=".licheck.yaml", context=str(tmp_path / "big.yaml"))

    assert "llama3.1/mau-cap" in _ids(run_check(["m.yaml"], offline=True))
    # --context beats the manifest's context
    assert "llama3.1/mau-cap" not in _ids(run_check(["m.yaml"], context_path="small.yaml", offline=True))
    # the manifest's context beats the config's
    assert "llama3.1/mau-cap" in _ids(run_check(["m.yaml"], config=cfg_small, offline=True))
    # the config's context beats the defaults
    assert "llama3.1/mau-cap" in _ids(run_check(["plain.yaml"], config=cfg_big, offline=True))
    assert "llama3.1/mau-cap" not in _ids(run_check(["plain.yaml"], offline=True))


def test_report_context_is_the_one_used() -> None:
    Path("m.yaml").write_text(f"context: {{use: {{commercial: false}}}}\nmodels: [{LLAMA}]\n")
    report = run_check(["m.yaml"], offline=True)
    assert report.context["use"]["commercial"] is False
    assert report.context["source"] == "m.yaml"


def test_per_model_use_override_applies_to_that_entry_only() -> None:
    Path("m.yaml").write_text("models:\n"
                              "  - meta-llama/Meta-Llama-3-8B-Instruct\n"
                              "  - id: meta-llama/Meta-Llama-3-8B-Instruct\n"
                              "    use: {trains_on_outputs: true}\n")
    report = run_check(["m.yaml"], offline=True)
    first, second = report.models
    assert not any(f.kind == "output_training" for f in first.findings)
    assert [f.location.line for f in second.findings if f.kind == "output_training"] == [3]


def test_invalid_use_override_names_manifest_line() -> None:
    Path("m.yaml").write_text(f"models:\n  - id: {LLAMA}\n    use:\n      trains_on_output: true\n")
    with pytest.raises(ConfigError) as err:
        run_check(["m.yaml"], offline=True)
    assert str(err.value).startswith("m.yaml:4:")


def test_strict_raises_unresolved_and_unknown_to_error() -> None:
    loose = run_check(["acme-internal/x"], offline=True)
    strict = run_check(["acme-internal/x"], offline=True, strict=True)
    assert {str(f.severity) for f in loose.findings} == {"warning"}
    assert {str(f.severity) for f in strict.findings} == {"error"}
    assert exit_code(loose) == 0 and exit_code(strict) == 1
    config = Config(strict=True)
    assert exit_code(run_check(["acme-internal/x"], offline=True, config=config)) == 1


def test_today_decides_waiver_expiry() -> None:
    Path("m.yaml").write_text("models: [CohereForAI/c4ai-command-r-v01]\nwaivers:\n"
                              "  - kind: non_commercial\n    reason: r\n    approved_by: a\n"
                              "    expires: 2026-03-01\n")
    before = run_check(["m.yaml"], offline=True, today=dt.date(2026, 3, 1))
    after = run_check(["m.yaml"], offline=True, today=dt.date(2026, 3, 2))
    assert exit_code(before) == 0 and "waiver/expired" not in _ids(before)
    assert exit_code(after) == 1 and "waiver/expired" in _ids(after)
    assert [w["status"] for w in after.waivers] == ["expired"]


def test_config_waivers_and_extra_folders(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("- kind: non_commercial\n  reason: r\n  approved_by: a\n"
                                     "  expires: 2999-01-01\n")
    (tmp_path / ".licheck.yaml").write_text("waivers: w.yaml\noffline: true\n")
    report = run_check(["CohereForAI/c4ai-command-r-v01"], config=load_config(), offline=True)
    assert exit_code(report) == 0
    (tmp_path / ".licheck.yaml").write_text("extra_rules: [nowhere]\n")
    with pytest.raises(ConfigError, match=r"\.licheck\.yaml:1: 'extra_rules' folder not found"):
        run_check(["a/b"], config=load_config(), offline=True)


def test_the_same_model_from_two_targets_keeps_each_location() -> None:
    Path("a.yaml").write_text(f"models: [{LLAMA}]\n")
    Path("b.yaml").write_text(f"models:\n  - {LLAMA}\n")
    report = run_check(["a.yaml", "b.yaml"], offline=True,
                       context_path=None, config=Config())
    assert [(m.location.file, m.location.line) for m in report.models] == [("a.yaml", 1), ("b.yaml", 2)]
    for model in report.models:
        assert {f.location.file for f in model.findings} == {model.location.file}


# --- exit_code on hand-built reports ----------------------------------------------------------------

def _report(*findings: Finding) -> Report:
    lineage = Lineage(ref="a/b", nodes=[LineageNode(id="a/b")])
    return Report(context={}, models=[], findings=list(findings), waivers=[],
                  generated_at=dt.datetime(2026, 1, 1), licheck_version="0", data_versions={},
                  notes=[lineage.ref], corpus=default_corpus())


def _f(sev: Severity, waived: bool = False) -> Finding:
    return Finding(id="x/y", kind="notice", severity=sev, model="a/b", message="m", waived=waived)


@pytest.mark.parametrize("severity, fail_on, expected", [
    (Severity.ERROR, "error", 1),
    (Severity.WARNING, "error", 0),
    (Severity.WARNING, "warning", 1),
    (Severity.OBLIGATION, "warning", 0),
    (Severity.OBLIGATION, "obligation", 1),
    (Severity.INFO, "obligation", 0),
    (Severity.ERROR, "never", 0),
])
def test_exit_code_thresholds(severity: Severity, fail_on: str, expected: int) -> None:
    assert exit_code(_report(_f(severity)), fail_on) == expected


def test_waived_findings_never_fail() -> None:
    assert exit_code(_report(_f(Severity.ERROR, waived=True)), "info") == 0
    assert exit_code(_report(), "info") == 0
    with pytest.raises(ConfigError):
        exit_code(_report(), "sometimes")


def test_extra_catalogue_and_cache_dir_from_config(tmp_path: Path) -> None:
    folder = tmp_path / "legal" / "catalogue" / "models"
    folder.mkdir(parents=True)
    (folder / "acme.yml").write_text(
        "models:\n  - {id: acme-internal/chat-8b, licence: llama3.1, modalities: [text],\n"
        "     parents: [{id: meta-llama/Llama-3.1-8B-Instruct, relation: finetune}]}\n")
    (tmp_path / ".licheck.yaml").write_text("extra_catalogue: [legal/catalogue]\ncache_dir: .cache\n")
    report = run_check(["acme-internal/chat-8b"], config=load_config(), offline=True)
    (model,) = report.models
    assert model.lineage.nodes[0].source == "catalogue"
    assert "llama3.1" in model.licences
    assert not any(f.kind == "unresolved" for f in report.findings)
    # without the config the same model cannot be resolved offline
    assert any(f.kind == "unresolved" for f in run_check(["acme-internal/chat-8b"], offline=True).findings)
