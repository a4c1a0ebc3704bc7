"""Eight `licheck check` processes at once on one cache, as pre-commit runs them.

    python benchmarks/parallel.py [--procs 8] [--latency 0.05]

Real subprocesses (`python -m licheck check MODELS --format json`) share one
`LICHECK_CACHE_DIR` and the loopback mock Hub (with latency, so they overlap). For a cold
cache, a warm cache and `--offline` (warm, then empty), it prints the wall time of one
run and of N concurrent runs, the requests the Hub saw, whether every process exited with
the single run's code and printed the single run's JSON (ignoring `generated_at`), and
whether the cache is intact (every entry parses, no temporary file left).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mockhub import MockHub  # noqa: E402

from licheck.cache import Cache  # noqa: E402

MODELS = ["acme/laundered-8b", "bartowski/Hermes-3-Llama-3.1-8B-GGUF", "acme/merge-nc",
          "TheBloke/Llama-2-7b-Chat-GPTQ", "mirror/yi-34b", "acme/llama-lora"]


def cache_problems(directory: Path) -> list[str]:
    """Why the cache folder is not intact (see `Cache.problems`)."""
    return Cache(directory).problems()


def environment(hub_url: str, cache: Path, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "LICHECK_"))}
    env.update({"HF_ENDPOINT": hub_url, "LICHECK_CACHE_DIR": str(cache), "HF_HOME": str(scratch / "hf-home"),
                "HF_TOKEN_PATH": str(scratch / "no-token"), "NO_PROXY": "127.0.0.1,localhost",
                "HF_HUB_DISABLE_TELEMETRY": "1", "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})
    return env


def comparable(stdout: str) -> dict | None:
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    doc.pop("generated_at", None)
    return doc


def run(n: int, env: dict[str, str], extra: list[str]) -> tuple[float, list[tuple[int, dict | None, str]]]:
    """N concurrent `licheck check` processes; (wall time, [(exit code, JSON, stderr)])."""
    cmd = [sys.executable, "-m", "licheck", "check", *MODELS, "--format", "json", *extra]
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(n)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, comparable(out), err.strip()))
    return time.perf_counter() - start, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    n = args.procs
    scratch = Path(tempfile.mkdtemp(prefix="licheck-parallel-"))
    ok = True
    with MockHub(fixtures=ROOT / "tests" / "fixtures" / "hub") as hub:
        hub.latency = args.latency
        one, many = scratch / "cache-one", scratch / "cache-many"
        print(f"{len(MODELS)} models per run, mock Hub latency {args.latency * 1000:g} ms per request, "
              f"{os.cpu_count()} CPUs")
        print(f"{'phase':<22} {'1 run s':>8} {'req':>5} {f'{n} runs s':>9} {'req':>5}  "
              f"{'same exit+JSON':<15} cache")
        phases = [("cold cache", one, many, []), ("warm cache", one, many, []),
                  ("offline, warm cache", one, many, ["--offline"]),
                  ("offline, empty cache", scratch / "empty-one", scratch / "empty-many", ["--offline"])]
        for label, c1, cn, extra in phases:
            hub.reset_counts()
            t1, [single] = run(1, environment(hub.url, c1, scratch), extra)
            r1 = hub.count()
            hub.reset_counts()
            tn, results = run(n, environment(hub.url, cn, scratch), extra)
            rn = hub.count()
            same = all(code == single[0] and doc == single[1] and doc is not None for code, doc, _ in results)
            problems = cache_problems(c1) + cache_problems(cn)
            errors = {err for _, _, err in results if err} | ({single[2]} if single[2] else set())
            ok = ok and same and not problems and not errors
            print(f"{label:<22} {t1:8.2f} {r1:5d} {tn:9.2f} {rn:5d}  "
                  f"{('yes, exit ' + str(single[0])) if same else 'NO':<15} "
                  f"{'intact' if not problems else problems}")
            for err in sorted(errors):
                print(f"    stderr: {err[:200]}")
    print("\nall runs agree, cache intact" if ok else "\nPROBLEMS FOUND")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
