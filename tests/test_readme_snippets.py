"""The README's three integrations, exactly as a user copies them, each run here.

* pre-commit: the snippet's hooks (ids and args) run by the real pre-commit tool, from this
  checkout's hook definitions;
* GitHub Actions: the workflow's `uses:` is this action, its `with:` inputs are the action's
  own, and the action's run script is run with them;
* the plain CLI gate: the command line after `licheck`, run on the examples.
Only the placeholders (`<owner>`, `<commit-sha>`) and the network differ (runs are offline).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from licheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def snippet(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- snippet: {re.escape(name)} -->\n```\w*\n(.*?)```", text, re.DOTALL)
    assert found, f"README has no snippet '{name}'"
    return found.group(1)


def test_pre_commit_snippet_names_real_hooks() -> None:
    config = yaml.safe_load(snippet("pre-commit"))
    (repo,) = config["repos"]
    assert repo["repo"].endswith("/licheck") and repo["rev"] == "<commit-sha>"
    defined = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert {h["id"] for h in repo["hooks"]} <= defined


@pytest.mark.slow
def test_pre_commit_snippet_runs(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    config = yaml.safe_load(snippet("pre-commit"))
    definitions = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hooks = []
    for hook in config["repos"][0]["hooks"]:   # the snippet's ids and args, this checkout's code
        local = dict(definitions[hook["id"]], language="system", args=hook.get("args", []))
        local["entry"] = f"{shlex.quote(sys.executable)} -m licheck check"
        hooks.append(local)
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repo)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRE_COMMIT_HOME": str(tmp_path / "pc"),
           "HF_ENDPOINT": "http://127.0.0.1:9", "NO_COLOR": "1", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    # The examples are full of conflicts on purpose: both hooks find them.
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"licheck \(model licences\)\.+Failed", done.stdout)
    assert re.search(r"licheck \(model card\)\.+Failed", done.stdout)


def test_github_action_snippet_uses_the_actions_inputs_and_runs(tmp_path: Path) -> None:
    workflow = yaml.safe_load(snippet("github-action"))
    (job,) = workflow["jobs"].values()
    step = next(s for s in job["steps"] if s["uses"].endswith("/licheck@<commit-sha>"))
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(step["with"]) <= set(action["inputs"])
    assert workflow["permissions"]["security-events"] == "write"
    inputs = {k: str(v) for k, v in step["with"].items()}
    shutil.copytree(ROOT / "examples", tmp_path / "repo")
    work = tmp_path / "repo"
    output, summary = work / "gh-output", work / "gh-summary"
    output.write_text("")
    summary.write_text("")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "NO_COLOR": "1",
           "HF_ENDPOINT": "http://127.0.0.1:9", "LICHECK_CACHE_DIR": str(tmp_path / "cache"),
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp_path),
           "LICHECK": f"{shlex.quote(sys.executable)} -m licheck", "SARIF": "licheck.sarif",
           "OFFLINE": "true"}
    for name, spec in action["inputs"].items():   # the action's defaults, then the snippet's
        env.setdefault(name.upper().replace("-", "_"), str(inputs.get(name, spec.get("default", ""))))
    done = subprocess.run(["bash", str(ROOT / "scripts" / "github-action.sh")], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "exit-code=1" in output.read_text()
    assert json.loads((work / "licheck.sarif").read_text())["runs"][0]["results"]
    assert summary.read_text().startswith("#")


def test_cli_gate_snippet_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [line for line in snippet("cli-gate").splitlines() if line.startswith("licheck ")]
    (command,) = lines
    shutil.copytree(ROOT / "examples", tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    with CliRunner().isolation() as (out, err, _):
        code = main([*shlex.split(command)[1:], "--offline"])
        stdout = out.getvalue().decode()
    assert code == 1   # the examples' conflicts fail the gate
    assert stdout.startswith("::")
    assert json.loads(Path("licheck.sarif").read_text())["version"] == "2.1.0"
    assert Path("licheck-report.md").read_text().startswith("#")
