"""Scratch git repositories that run this checkout's pre-commit hooks, for integration tests."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def git(repo: Path, *args: str) -> None:
    """Run git in `repo` with a fixed identity (commits need one on a bare machine)."""
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


def hook_repo(path: Path, args: list[str], only: str | None = None) -> Path:
    """A new git repository at `path` whose `.pre-commit-config.yaml` runs the hook file's hooks
    (or only the hook `only`) as `repo: local`, `language: system` through this interpreter: no
    network, and everything else (files patterns, types, filename passing) the hook file's own."""
    path.mkdir(parents=True)
    git(path, "init", "-q")
    hooks = []
    for hook in yaml.safe_load(HOOKS.read_text()):
        if only is None or hook["id"] == only:
            local = dict(hook, language="system", args=args)
            local["entry"] = f"{shlex.quote(sys.executable)} -m licheck check"
            hooks.append(local)
    (path / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}))
    return path
