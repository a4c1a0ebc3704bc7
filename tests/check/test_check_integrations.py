"""The pre-commit hooks (run by the real `pre-commit` tool) and the GitHub Action definition."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hook_repo import HOOKS, git, hook_repo

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"


def _hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}


# --- hook definitions -------------------------------------------------------------------------

def test_hooks_manifest_is_valid_for_pre_commit() -> None:
    import pre_commit.clientlib as clientlib
    loaded = clientlib.load_manifest(str(HOOKS))
    assert [h["id"] for h in loaded] == ["licheck", "licheck-model-card"]
    for hook in loaded:
        assert hook["entry"] == "licheck check"
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True and hook["require_serial"] is False


@pytest.mark.parametrize("hook_id, path, matches", [
    ("licheck", "licheck.yaml", True),
    ("licheck", "deploy/models.yml", True),
    ("licheck", ".licheck.yaml", True),
    ("licheck", "config/.licheck.yaml", True),
    ("licheck", "mylicheck.yaml", False),
    ("licheck", "models.yaml.bak", False),
    ("licheck", "licheck.lock", True),
    ("licheck", "deploy/licheck.lock", True),
    ("licheck", "Cargo.lock", False),
    ("licheck-model-card", "README.md", True),
    ("licheck-model-card", "models/acme/README.md", True),
    ("licheck-model-card", "README.md.orig", False),
    ("licheck-model-card", "docs/NOTREADME.md", False),
])
def test_hook_file_patterns(hook_id: str, path: str, matches: bool) -> None:
    assert bool(re.search(_hooks()[hook_id]["files"], path)) is matches


# --- the real pre-commit tool ---------------------------------------------------------------------

def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PRE_COMMIT_HOME": str(tmp_path / "pc-home"),
            "HF_ENDPOINT": "http://127.0.0.1:9", "NO_COLOR": "1"}


def _pre_commit() -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return [sys.executable, "-m", "pre_commit"]


@pytest.mark.slow
def test_pre_commit_runs_the_hooks(tmp_path: Path) -> None:
    """The real hook definitions, run by pre-commit on a scratch repository.

    `repo: local` with `language: system` runs this checkout's licheck (through the current
    interpreter), so the test needs no network: a `language: python` hook would make
    pre-commit pip-install licheck and its dependencies. Everything else (files patterns,
    types, filename passing, exit code handling) is the hook file's own.
    """
    pre_commit = _pre_commit()
    repo = hook_repo(tmp_path / "repo", ["--offline"])
    (repo / "README.md").write_text("# A project that is not a model\n")   # skipped, not failed
    (repo / "licheck.yaml").write_text("models: [acme-internal/not-cached]\n")   # a warning only
    card = repo / "acme-chat" / "README.md"
    card.parent.mkdir()
    card.write_text("---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n---\n"
                    "# AcmeChat-8B\n")
    git(repo, "add", "-A")
    done = subprocess.run([*pre_commit, "run", "--all-files"], cwd=repo, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"licheck \(model licences\)\.+Passed", done.stdout)
    assert re.search(r"licheck \(model card\)\.+Failed", done.stdout)
    assert "llama3.1/naming" in done.stdout and "acme-chat/README.md" in done.stdout
    assert "README.md: no YAML front matter" in done.stdout


@pytest.mark.slow
def test_pre_commit_checks_from_the_lock(tmp_path: Path) -> None:
    """With a lock, the hook needs no network (the Hub here is a closed port) and runs when
    the lock changes; with `--locked`, a manifest the lock does not cover fails it (exit 2)."""
    pre_commit = _pre_commit()
    repo = hook_repo(tmp_path / "repo", ["--locked"], only="licheck")
    (repo / "licheck.yaml").write_text("models: [meta-llama/Llama-3.1-8B-Instruct]\n")
    env = _env(tmp_path)
    locked = subprocess.run([sys.executable, "-m", "licheck", "lock", "--offline"], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=120)
    assert locked.returncode == 0, locked.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "locked")
    (repo / "licheck.lock").write_text((repo / "licheck.lock").read_text() + "\n")   # only the lock changed
    done = subprocess.run([*pre_commit, "run", "--files", "licheck.lock"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"licheck \(model licences\)\.+Passed", done.stdout)
    (repo / "licheck.yaml").write_text("models: [meta-llama/Llama-3.1-8B-Instruct, acme/new-model]\n")
    done = subprocess.run([*pre_commit, "run", "--files", "licheck.yaml"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "licheck.yaml:1: acme/new-model is not in licheck.lock" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("LICHECK_TEST_PRECOMMIT_INSTALL"),
                    reason="set LICHECK_TEST_PRECOMMIT_INSTALL=1: pre-commit pip-installs licheck "
                           "and its dependencies (needs the package index, about 10 s)")
def test_pre_commit_installs_the_hook_repository(tmp_path: Path) -> None:
    """`language: python` for real: pre-commit builds an environment from a snapshot of this tree."""
    pre_commit = _pre_commit()
    snapshot = tmp_path / "licheck-src"
    ignore = shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", "*.egg-info", ".venv")
    shutil.copytree(ROOT, snapshot, ignore=ignore)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=snapshot, capture_output=True,
                         text=True, check=True).stdout.strip()
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    config = {"repos": [{"repo": str(snapshot), "rev": sha,
                         "hooks": [{"id": "licheck", "args": ["--offline", "--strict"]}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (repo / "models.yaml").write_text("models: [acme-internal/not-cached]\n")
    git(repo, "add", "-A")
    env = _env(tmp_path)
    env.pop("PYTHONPATH")
    done = subprocess.run([*pre_commit, "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr   # --strict: unresolved is an error
    assert "acme-internal/not-cached" in done.stdout


# --- the GitHub Action ---------------------------------------------------------------------------------

def test_action_is_a_composite_that_uploads_sarif() -> None:
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    assert {"targets", "context", "config", "fail-on", "offline", "strict", "sarif-file",
            "upload-sarif"} <= set(action["inputs"])
    assert action["inputs"]["fail-on"]["default"] == "error"
    steps = action["runs"]["steps"]
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert len(uploads) == 1 and uploads[0]["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert uploads[0].get("continue-on-error") is True   # no security-events permission: never fatal
    run_step = next(s for s in steps if s.get("id") == "run")
    assert "scripts/github-action.sh" in run_step["run"]   # tested in tests/check/test_github_action.py
    install = next(s for s in steps if s.get("id") == "install")
    assert "-m venv" in install["run"] and not any("setup-python" in str(s.get("uses", "")) for s in steps)
    assert all("shell" in s for s in steps if "run" in s)   # composite steps must name a shell
    assert "exit-code" in action["outputs"]
