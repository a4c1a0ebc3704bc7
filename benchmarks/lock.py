"""Benchmark `check` with a lock file beside the manifest, and without one.

    python benchmarks/lock.py [--runs 5] [--models 600]

Two manifests: the 12-model example (examples/licheck.yaml, copied with its context, card
and local model) and one of --models catalogue models (the list cycles). The
catalogue's models are served by the loopback mock Hub (no latency: this measures licheck,
not a network), with the catalogue's licence as the card's `license:` and its parents as
`base_model`. For each manifest, whole-command wall and CPU time (median of --runs fresh
`python -m licheck` processes) of:

* no lock, online, cold cache: every run starts with an empty cache folder;
* no lock, online, warm cache: the cache filled by a first, untimed run;
* no lock, --offline: the built-in catalogue;
* with the lock (`licheck lock` run once against the mock Hub), cold cache, and with
  `--locked`; the Hub's request log must stay empty during these runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mockhub import MockHub  # noqa: E402

from licheck.catalogue import default_catalogue  # noqa: E402


def hub_of_catalogue() -> MockHub:
    hub = MockHub(fixtures=None)
    for entry in default_catalogue().entries():
        card: dict[str, object] = {"license": entry.licence or "other"}
        if entry.parents:
            card["base_model"] = [pid for pid, _rel in entry.parents]
            rels = {rel for _pid, rel in entry.parents if rel}
            if len(rels) == 1:
                card["base_model_relation"] = rels.pop()
        hub.add_repo(entry.id, card)
    return hub.start()


def big_manifest(models: int, folder: Path) -> Path:
    """`models` entries: every catalogue model once, then again from the start (a model
    listed twice is checked twice and locked once)."""
    ids = [e.id for e in default_catalogue().entries()]
    lines = ["context:", "  organisation: {country: FR, monthly_active_users: 800000000,",
             "                 annual_revenue_usd: 5000000}", "  sectors: [healthcare]", "models:"]
    lines += [f"  - {ids[i % len(ids)]}" for i in range(models)]
    path = folder / "big" / "licheck.yaml"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "licheck", *argv], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code == 2:
        raise SystemExit(f"licheck {' '.join(argv)} could not run: {proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, code


def measure(label: str, argv: list[str], env: dict[str, str], cwd: Path, runs: int, *,
            cold: bool, hub: MockHub, expect_requests: bool | None = None) -> None:
    walls, cpus = [], []
    if not cold:
        run_once(argv, env, cwd)   # fills the cache
    hub.reset_counts()
    for _ in range(runs):
        run_env = env
        if cold:
            run_env = {**env, "LICHECK_CACHE_DIR": tempfile.mkdtemp(prefix="cold-", dir=env["TMPROOT"])}
        wall, cpu, _code = run_once(argv, run_env, cwd)
        walls.append(wall)
        cpus.append(cpu)
    requests = hub.count()
    if expect_requests is False and requests:
        raise SystemExit(f"{label}: {requests} requests to the Hub with a lock")
    print(f"  {label:<40} wall {statistics.median(walls):6.3f} s   cpu {statistics.median(cpus):6.3f} s"
          f"   {requests // runs:5d} requests/run")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", type=int, default=600)
    args = parser.parse_args()
    hub = hub_of_catalogue()
    tmp = Path(tempfile.mkdtemp(prefix="licheck-lock-bench-"))
    try:
        example = tmp / "example"
        shutil.copytree(ROOT / "examples", example)
        (example / "licheck.lock").unlink(missing_ok=True)
        manifests = [("example (12 models)", example / "licheck.yaml"),
                     (f"{args.models} catalogue models", big_manifest(args.models, tmp))]
        env = {**os.environ, "HF_ENDPOINT": hub.url, "NO_PROXY": "127.0.0.1,localhost",
               "HF_HUB_DISABLE_TELEMETRY": "1", "LICHECK_CACHE_DIR": str(tmp / "cache"),
               "TMPROOT": str(tmp), "HF_HOME": str(tmp / "hf-home"), "PYTHONPATH": str(ROOT)}
        env.pop("HF_HUB_OFFLINE", None)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.runs} runs,"
              " whole command (python -m licheck ...), mock Hub on loopback, no latency")
        for label, manifest in manifests:
            cwd = manifest.parent
            (cwd / "licheck.lock").unlink(missing_ok=True)
            print(f"{label}:")
            check = ["check", "--format", "json", "--fail-on", "never", manifest.name]
            measure("no lock, online, cold cache", check, env, cwd, args.runs, cold=True, hub=hub)
            measure("no lock, online, warm cache", check, env, cwd, args.runs, cold=False, hub=hub)
            measure("no lock, --offline (catalogue)", [*check, "--offline"], env, cwd, args.runs,
                    cold=False, hub=hub)
            start = time.perf_counter()
            run_once(["lock", manifest.name], env, cwd)
            size = (cwd / "licheck.lock").stat().st_size
            print(f"  {'licheck lock (once)':<40} wall {time.perf_counter() - start:6.3f} s"
                  f"   lock file {size / 1024:.0f} KiB")
            measure("with licheck.lock, cold cache", check, env, cwd, args.runs, cold=True, hub=hub,
                    expect_requests=False)
            measure("with licheck.lock, --locked", [*check, "--locked"], env, cwd, args.runs,
                    cold=True, hub=hub, expect_requests=False)
    finally:
        hub.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
