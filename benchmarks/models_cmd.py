"""`licheck models`: the whole catalogue under one context, as a user runs it.

    python benchmarks/models_cmd.py [--runs 7] [--config FILE]

Each run is a fresh `python -m licheck models --context CTX --format json` process (no
network: the command reads only the bundled catalogue, rules and licences, so the cache
folder plays no part; a first, untimed run writes the byte code, as an installed package
has it). Prints the median wall time and the median CPU time (user + system of the child) of
--runs processes. Also, in process and median of --runs: the command's work from a fresh
environment (catalogue, rules and licences read, every model evaluated), and the evaluation
alone in an environment that has read its data (the check pipeline over every catalogue
model).

Target: whole command < 0.5 s wall on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONTEXT = """\
organisation: {name: Acme, country: FR, monthly_active_users: 2000000}
sectors: [healthcare]
use: {commercial: true, production: true, offered_as_service: true, distributes_weights: true,
      derived_model_name: Llama-Acme-8B}
"""


def one_run(ctx: Path, cache: Path, config: str | None = None) -> tuple[float, float, int]:
    """Wall and CPU time of one `licheck models` process, and how many models it listed.

    CPU is the growth of RUSAGE_CHILDREN across the run (user + system of the child)."""
    import resource

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "LICHECK_DEBUG")}
    env.update({"LICHECK_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1", "NO_COLOR": "1",
                "PYTHONPATH": str(ROOT)})   # byte code written, as an installed package has it
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    extra = ["--config", config] if config else []
    proc = subprocess.run([sys.executable, "-m", "licheck", "models", "--context", str(ctx), "--format", "json",
                           *extra], capture_output=True, env=env, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"licheck models failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(json.loads(proc.stdout)["summary"]["models"])


def in_process(ctx: Path, runs: int, config: str | None = None) -> tuple[float, float]:
    """(fresh environment, evaluation alone): median seconds of `runs` each."""
    from licheck.cli._env import command_env
    from licheck.models_query import catalogue_sources, evaluate_models

    fresh = []
    for _ in range(runs):
        start = time.perf_counter()
        env = command_env(config, offline=True, sources=catalogue_sources)
        evaluate_models(env, [e.id for e in env.catalogue.entries()], context_path=str(ctx))
        fresh.append(time.perf_counter() - start)
    ids = [e.id for e in env.catalogue.entries()]
    alone = []
    for _ in range(runs):
        start = time.perf_counter()
        evaluate_models(env, ids, context_path=str(ctx))
        alone.append(time.perf_counter() - start)
    return statistics.median(fresh), statistics.median(alone)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--config", metavar="FILE", help="a licheck config (e.g. one with extra_catalogue)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Path(tmp) / "context.yaml"
        ctx.write_text(CONTEXT, encoding="utf-8")
        cache = Path(tmp) / "cache"
        config = str(Path(args.config).resolve()) if args.config else None
        one_run(ctx, cache, config)   # writes the byte code
        rows = [one_run(ctx, cache, config) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        print(f"licheck models --context CTX --format json: {rows[0][2]} catalogue models, median of "
              f"{args.runs} runs; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        print(f"  process      wall {wall * 1000:6.0f} ms   cpu {cpu * 1000:6.0f} ms   "
              f"({'within' if wall < 0.5 else 'OVER'} the 0.5 s target)")
        fresh, alone = in_process(ctx, args.runs, config)
        print(f"  in process, fresh environment (data read + evaluation): {fresh * 1000:.0f} ms")
        print(f"  in process, evaluation alone (data read): {alone * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
