"""Eight `licheck check` processes at once on one cache dir, as pre-commit runs them.

Real subprocesses against the loopback mock Hub (with latency so they overlap), then offline
on the cache they filled: every process must exit as a single run does, print the single
run's JSON (but `generated_at`), write nothing to stderr, and leave the cache intact.
benchmarks/parallel.py measures the times.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mockhub import MockHub

from licheck.cache import Cache

pytestmark = pytest.mark.slow  # eight real processes

ROOT = Path(__file__).resolve().parent.parent
MODELS = ["acme/laundered-8b", "bartowski/Hermes-3-Llama-3.1-8B-GGUF", "acme/merge-nc", "mirror/yi-34b"]
PROCS = 8


def cache_problems(directory: Path) -> list[str]:
    """Why the cache folder is not intact (see `Cache.problems`)."""
    return Cache(directory).problems()


def without_time(stdout: str) -> dict:
    doc = json.loads(stdout)
    doc.pop("generated_at")
    return doc


def runs(env: dict[str, str], extra: list[str], count: int) -> list[tuple[int, str, str]]:
    """`count` licheck processes started together; (exit code, stdout, stderr) of each."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "LICHECK_"))} | env
    full["PYTHONPATH"] = str(ROOT)
    cmd = [sys.executable, "-m", "licheck", "check", *MODELS, "--format", "json", *extra]
    procs = [subprocess.Popen(cmd, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(count)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out, err))
    return results


def single_run(env: dict[str, str], extra: list[str]) -> tuple[int, dict]:
    # A process of its own, as the parallel ones are, so both fill their cache the same way.
    [(code, out, err)] = runs(env, extra, 1)
    assert err == ""
    return code, without_time(out)


def test_eight_concurrent_runs_agree_and_keep_the_cache_intact(tmp_path: Path) -> None:
    with MockHub() as hub:
        hub.latency = 0.03   # so the processes' requests overlap

        def env(cache: Path) -> dict[str, str]:
            return {"HF_ENDPOINT": hub.url, "LICHECK_CACHE_DIR": str(cache),
                    "HF_HOME": str(tmp_path / "hf-home"), "HF_TOKEN_PATH": str(tmp_path / "no-token"),
                    "NO_PROXY": "127.0.0.1,localhost", "HF_HUB_DISABLE_TELEMETRY": "1", "NO_COLOR": "1"}

        alone, shared = tmp_path / "alone", tmp_path / "shared"
        code, reference = single_run(env(alone), [])
        single_requests = hub.count()
        hub.reset_counts()

        cold = runs(env(shared), [], PROCS)
        for rc, out, err in cold:
            assert (rc, err) == (code, "")
            assert without_time(out) == reference
        assert cache_problems(shared) == []
        # Each process may fetch what the others have not stored yet, but no more than that.
        assert hub.count() <= PROCS * single_requests
        assert sorted(p.name for p in shared.rglob("*.json")) == sorted(p.name for p in alone.rglob("*.json"))

        hub.reset_counts()
        offline_code, offline_reference = single_run(env(alone), ["--offline"])
        offline = runs(env(shared), ["--offline"], PROCS)
        assert hub.count() == 0
        for rc, out, err in offline:
            assert (rc, err) == (offline_code, "")
            assert without_time(out) == offline_reference
        assert cache_problems(shared) == []
        assert offline_code == code

