"""`licheck models`: the whole catalogue under one context, as a user runs it.

    python benchmarks/models_cmd.py [--runs 7]

Each run is a fresh `python -m licheck models --context CTX --format json` process (no
network: the command reads only the bundled catalogue). Prints the median wall time and the
median CPU time (user + system of the child) of --runs processes, twice: with a warm cache
folder (a first, untimed run fills the parsed-data store, as any second run on a machine has
it) and with an empty cache folder every run. Also the in-process time of the evaluation
alone (the check pipeline over every catalogue model), median of --runs.

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


def one_run(ctx: Path, cache: Path) -> tuple[float, float, int]:
    """Wall and CPU time of one `licheck models` process, and how many models it listed.

    CPU is the growth of RUSAGE_CHILDREN across the run (user + system of the child)."""
    import resource

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "LICHECK_DEBUG")}
    env.update({"LICHECK_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1", "NO_COLOR": "1",
                "PYTHONPATH": str(ROOT)})   # byte code written, as an installed package has it
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "licheck", "models", "--context", str(ctx), "--format", "json"],
                          capture_output=True, env=env, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"licheck models failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(json.loads(proc.stdout)["summary"]["models"])


def in_process(ctx: Path, runs: int) -> float:
    from licheck.catalogue import default_catalogue
    from licheck.models_query import evaluate_models

    ids = [e.id for e in default_catalogue().entries()]
    evaluate_models(ids, context_path=str(ctx))   # data loaded once, as in one command
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        evaluate_models(ids, context_path=str(ctx))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Path(tmp) / "context.yaml"
        ctx.write_text(CONTEXT, encoding="utf-8")
        warm = Path(tmp) / "warm-cache"
        one_run(ctx, warm)   # fills the parsed-data store
        results = {"warm cache": [one_run(ctx, warm) for _ in range(args.runs)]}
        cold = []
        for i in range(args.runs):
            cold.append(one_run(ctx, Path(tmp) / f"cold-{i}"))
        results["empty cache"] = cold
        models = results["warm cache"][0][2]
        print(f"licheck models --context CTX --format json: {models} catalogue models, median of "
              f"{args.runs} runs; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        for name, rows in results.items():
            wall = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[1] for r in rows)
            print(f"  {name:<12} wall {wall * 1000:6.0f} ms   cpu {cpu * 1000:6.0f} ms   "
                  f"({'within' if wall < 0.5 else 'OVER'} the 0.5 s target)")
        print(f"  evaluation alone (in process, data loaded): {in_process(ctx, args.runs) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
