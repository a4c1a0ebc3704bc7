"""The script the GitHub Action runs (scripts/github-action.sh), run as the runner would: one
licheck run giving SARIF, annotations and the job summary, the exit code as a step output."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "github-action.sh"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_action(work: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    output = work / "gh-output"
    summary = work / "gh-summary"
    output.write_text("")
    summary.write_text("")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "NO_COLOR": "1",
           "HF_ENDPOINT": "http://127.0.0.1:9", "LICHECK_CACHE_DIR": str(work / "cache"),
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(work),
           "LICHECK": f"{shlex.quote(sys.executable)} -m licheck",
           "FAIL_ON": "error", "OFFLINE": "true", "STRICT": "false", "SARIF": "licheck.sarif",
           **{k.upper(): v for k, v in inputs.items()}}
    done = subprocess.run(["bash", str(SCRIPT)], cwd=work, env=env, capture_output=True, text=True,
                          timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done, outputs, summary.read_text()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path


def test_one_run_gives_sarif_annotations_and_a_job_summary(work: Path) -> None:
    write(work / "licheck.yaml", "models:\n  - id: tiiuae/falcon-180B\n    use: {offered_as_service: true}\n")
    done, outputs, summary = run_action(work, targets="licheck.yaml")
    assert done.returncode == 0, done.stderr   # the job fails in a later step, after the upload
    assert outputs == {"exit-code": "1", "sarif-written": "true"}
    doc = json.loads((work / "licheck.sarif").read_text())
    assert doc["runs"][0]["results"]
    assert re.search(r"^::error file=licheck.yaml,line=2,", done.stdout, re.MULTILINE)
    assert summary.startswith("#") and "falcon" in summary.lower()
    assert done.stdout.count("\n::") + done.stdout.startswith("::") >= 1
    assert not list(work.glob("licheck-summary.*"))   # its temporary file is gone


def test_a_clean_run_exits_0(work: Path) -> None:
    write(work / "licheck.yaml", "models: [mistralai/Mistral-7B-v0.1]\n")
    done, outputs, summary = run_action(work, targets="licheck.yaml")
    assert outputs["exit-code"] == "0" and summary


def test_a_run_that_cannot_start_says_so(work: Path) -> None:
    done, outputs, summary = run_action(work, targets="missing.yaml")
    assert outputs == {"exit-code": "2", "sarif-written": "false"}
    assert "could not run" in summary and "missing.yaml" in done.stderr


def test_more_than_ten_errors_are_summarised_not_dropped(work: Path) -> None:
    write(work / "licheck.yaml", "models:\n" + "  - id: tiiuae/falcon-180B\n    use: {offered_as_service: true}\n" * 12)
    done, outputs, _ = run_action(work, targets="licheck.yaml")
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 10
    assert re.search(r"licheck: \d+ more error finding\(s\) than GitHub shows", done.stdout)


def test_inputs_reach_licheck(work: Path) -> None:
    write(work / "ctx.yaml", "organisation: {country: FR}\n")
    write(work / "licheck.yaml", "models: [meta-llama/Llama-3.2-11B-Vision-Instruct]\n")
    done, outputs, _ = run_action(work, targets="licheck.yaml", context="ctx.yaml", fail_on="never")
    assert outputs["exit-code"] == "0" and "eu-multimodal" in done.stdout


def test_the_action_runs_this_script_with_every_input() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    run_step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    assert run_step["run"].strip() == 'bash "$GITHUB_ACTION_PATH/scripts/github-action.sh"'
    for name in ("TARGETS", "CONTEXT", "CONFIG", "FAIL_ON", "OFFLINE", "STRICT", "SARIF", "LICHECK"):
        assert name in run_step["env"]
    upload = next(s for s in action["runs"]["steps"] if s.get("id") == "upload")
    assert "steps.run.outputs.sarif-written == 'true'" in upload["if"]
