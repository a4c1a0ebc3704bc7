"""`licheck check --offline` on a manifest of every model in the bundled catalogue.

    python benchmarks/catalogue_manifest.py [--runs 7] [--keep PATH] [--with-ollama]

Writes a manifest listing each catalogue model once (its Hub id; with --with-ollama also each
Ollama library name that has a default tag), then runs `python -m licheck check --offline` on
it in fresh processes (`--offline`, no Hub token, bytecode written as an installed package
has it), with a cache folder in a temporary directory that a first,
untimed run fills (as any second run on a machine has it), and prints for each output format:
* wall: median wall time of --runs processes; cpu: their median user + system time;
* rss: the largest peak resident set size of those runs (GNU time when available);
* the exit code (1 is expected: the catalogue holds non-commercial and research licences,
  which conflict with the manifest's commercial context).
A cold-cache run (empty cache folder each time) is measured too, for reference.

Target (2-core machine): under 0.5 s and 60 MB for the warm run. Wall time follows the
machine's load (the load average is printed); CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf import run_env, run_once  # noqa: E402 - benchmarks/perf.py, found through sys.path

TARGET_WALL = 0.5
TARGET_RSS_MB = 60
_DROPPED = ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME")


def write_manifest(folder: Path, with_ollama: bool) -> tuple[Path, int]:
    """Every catalogue model once, in a commercial context; returns (path, model count)."""
    from licheck.catalogue import default_catalogue

    cat = default_catalogue()
    lines = ["context:",
             "  organisation: {country: US, monthly_active_users: 1000000,",
             "                 annual_revenue_usd: 5000000}",
             "  use: {commercial: true, distributes_weights: true}",
             "models:"]
    lines += [f"  - {entry.id}" for entry in cat.entries()]
    count = len(cat.entries())
    if with_ollama:
        for family in cat.ollama_names():
            if cat.ollama(family) is not None:
                lines.append(f"  - ollama: {family}")
                count += 1
    path = folder / "catalogue-manifest.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, count


@dataclass(frozen=True)
class Figures:
    wall: float          # median seconds
    min_wall: float
    cpu: float           # median user + system seconds
    rss_mb: float        # largest peak
    codes: tuple[int, ...]

    def within_target(self) -> bool:
        return (self.wall < TARGET_WALL and self.rss_mb < TARGET_RSS_MB
                and set(self.codes) <= {0, 1})


def measure(argv: list[str], env: dict[str, str], runs: int, cold: bool) -> Figures:
    results = [run_once(argv, run_env(env, cold), ROOT) for _ in range(runs)]
    walls = [r[0] for r in results]
    return Figures(wall=statistics.median(walls), min_wall=min(walls),
                   cpu=statistics.median(r[1] for r in results),
                   rss_mb=max(r[2] for r in results) / 1024,
                   codes=tuple(sorted({r[3] for r in results})))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="also copy the manifest here")
    parser.add_argument("--with-ollama", action="store_true",
                        help="add every Ollama library name that has a default tag")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="licheck-catbench-"))
    try:
        manifest, count = write_manifest(work, args.with_ollama)
        if args.keep:
            shutil.copyfile(manifest, args.keep)
        # As benchmarks/perf.py: no user settings; bytecode may be written, as an installed
        # package has it (the untimed first run writes it).
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("HF_", "LICHECK_")) and k not in _DROPPED}
        env.update({"LICHECK_CACHE_DIR": str(work / "cache"), "HF_HOME": str(work / "hf"),
                    "HF_HUB_CACHE": str(work / "hf" / "hub"),
                    "HF_TOKEN_PATH": str(work / "no-token"), "HF_HUB_DISABLE_TELEMETRY": "1",
                    "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})
        print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.2f}")
        print(f"manifest: {count} models ({manifest.stat().st_size} bytes); runs: {args.runs}")
        ok = True
        for fmt in ("text", "json"):
            argv = [sys.executable, "-m", "licheck", "check", "--offline", "--format", fmt,
                    str(manifest)]
            run_once(argv, env, ROOT)   # untimed: fills the parsed-data cache
            for cold in (False, True):
                m = measure(argv, env, args.runs, cold)
                label = f"check --offline ({fmt}){', cold cache' if cold else ''}"
                print(f"{label:38} wall {m.wall:.3f} s (min {m.min_wall:.3f})  "
                      f"cpu {m.cpu:.3f} s  rss {m.rss_mb:.1f} MB  exit {list(m.codes)}")
                if not cold:
                    ok &= m.within_target()
        print(f"target (warm): < {TARGET_WALL} s and < {TARGET_RSS_MB} MB: "
              f"{'met' if ok else 'NOT met'}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
