"""The performance budget: wall time, peak memory and import cost of licheck's commands.

    python benchmarks/perf.py [--runs 7] [--models 500] [--import-rounds 5] [--no-imports]
                              [--tree PATH] [--compare OTHER_TREE] [--wheel] [--with-benchmarks]

For each command below, run as `python -m licheck ...` in a fresh process (offline, with a
cache in a temporary folder that a first, untimed run fills, as any second run on a machine
has it; the "cold cache" command gets an empty cache folder every run), prints:
* wall: the median wall time of --runs processes; cpu: their median user + system time;
* rss: the largest peak resident set size of those processes (GNU time's %M when
  /usr/bin/time exists, else `os.wait4` rusage);
* imports: the wall time a fresh interpreter takes to import every module the command
  imports beyond what `python -c pass` already has (the list is taken from one in-process
  run of the command; median of --import-rounds; no -X importtime overhead); stack / rest:
  that time split into click and PyYAML with everything they import (the prescribed stack,
  loaded first) and the rest (licheck's modules and the standard library they add);
  modules: how many modules that is (a figure that does not move with the machine's load);
* heavy modules: any of those an offline command should never need (huggingface_hub,
  httpx, rapidfuzz, jsonschema, gguf, numpy).
Then the 10 most expensive imports of each command (from `-X importtime`: third-party
packages summed per top-level package, licheck modules one by one), and in-process load
times of the bundled data: licence corpus, the rules a Llama 3.1 lineage needs and every rule
file, catalogue and the identify index (median of --runs, caches cleared between runs).

The generated manifest cycles through the catalogue's models; in A/B mode, through the models
both trees' catalogues know (a model one tree does not know is an unresolved entry there,
which costs far less than a resolved lineage).

Targets (2-core machine): `check --offline examples/licheck.yaml` < 0.3 s and < 60 MB;
`check --offline` on a 500-model manifest < 1 s; imports <= 50 ms; no heavy module offline.
Identification throughput and resolution with a cold and a warm cache are measured by
benchmarks/identify.py and benchmarks/resolve.py (--with-benchmarks runs both after this).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
HEAVY = ("huggingface_hub", "httpx", "rapidfuzz", "jsonschema", "gguf", "numpy")


# The catalogue's model ids, printed by a child run on a given tree (any version of licheck).
_CATALOGUE_IDS = """
from licheck.catalogue import default_catalogue
print("\\n".join(entry.id for entry in default_catalogue().entries()))
"""


def catalogue_ids(tree: Path, env: dict[str, str]) -> list[str]:
    """The ids the bundled catalogue of `tree` knows, in its order."""
    proc = subprocess.run([sys.executable, "-c", _CATALOGUE_IDS], cwd=tree,
                          env={**env, "PYTHONPATH": str(tree)}, capture_output=True, text=True, check=True)
    return proc.stdout.split()


def manifest_of(models: int, folder: Path, ids: list[str]) -> Path:
    """A manifest of `models` of the catalogue models `ids` (cycling through them), half of
    them with a per-model `use:` override so that not every entry is evaluated the same way."""
    lines = ["context:", "  organisation: {country: FR, monthly_active_users: 800000000,",
             "                 annual_revenue_usd: 5000000}", "  sectors: [healthcare]",
             "  use: {distributes_weights: true, derived_model_name: AcmeChat}", "models:"]
    for i in range(models):
        ref = ids[i % len(ids)]
        if i % 2:
            lines.append(f"  - id: {ref}")
            lines.append("    use: {trains_on_outputs: true, purposes: [military]}")
        else:
            lines.append(f"  - {ref}")
    path = folder / f"manifest-{models}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def commands(manifest: Path) -> list[tuple[str, list[str], bool]]:
    """(label, arguments, cold): a cold command starts every run with an empty cache folder
    (a tree that keeps parsed data files there parses them again)."""
    example = "examples/licheck.yaml"
    return [
        ("--version", ["--version"], False),
        ("licences", ["licences"], False),
        ("explain llama3.1/naming", ["explain", "llama3.1/naming"], False),
        ("identify licences/llama3.1.txt", ["identify", "licences/llama3.1.txt"], False),
        ("resolve --offline Llama-3.1-8B-Instruct",
         ["resolve", "--offline", "meta-llama/Llama-3.1-8B-Instruct"], False),
        ("check --offline example (text)", ["check", "--offline", "--format", "text", example], False),
        ("check --offline example (text), cold cache",
         ["check", "--offline", "--format", "text", example], True),
        ("check --offline example (json)", ["check", "--offline", "--format", "json", example], False),
        ("check --offline example (html)", ["check", "--offline", "--format", "html", example], False),
        (f"check --offline {manifest.stem} (text)",
         ["check", "--offline", "--format", "text", str(manifest)], False),
        (f"check --offline {manifest.stem} (json)",
         ["check", "--offline", "--format", "json", str(manifest)], False),
    ]


def run_env(env: dict[str, str], cold: bool) -> dict[str, str]:
    """The environment of one run: a cold one gets a new, empty cache folder."""
    if not cold:
        return env
    fresh = tempfile.mkdtemp(prefix="cold-", dir=Path(env["LICHECK_CACHE_DIR"]).parent)
    return {**env, "LICHECK_CACHE_DIR": fresh}


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, peak RSS in KiB, exit code) of one process.

    With GNU time the peak is its report on the command alone; `os.wait4` on our own child
    would also count the pages the child inherited from this (larger) process before exec.
    Wall and CPU time are ours either way (GNU time adds well under a millisecond). CPU time
    (user + system) is steadier than wall time on a machine that is busy with other work.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        timed = [GNU_TIME, "-f", "%M", "-o", report.name, *argv] if GNU_TIME else argv
        start = time.perf_counter()
        proc = subprocess.Popen(timed, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss
        if GNU_TIME:
            lines = [line for line in report.read().splitlines() if line.strip().isdigit()]
            rss = int(lines[-1]) if lines else rss
    return wall, usage.ru_utime + usage.ru_stime, rss, proc.returncode


# Run one command in-process, then print the modules it imported, in import order (a
# package is entered in sys.modules before its submodules). Imports nothing itself.
_LIST_MODULES = """
import os, sys
before = set(sys.modules)
sys.stdout = open(os.devnull, "w")
from licheck.cli import main
main(sys.argv[1:])
sys.stdout = sys.__stdout__
print("\\n".join(m for m in list(sys.modules) if m not in before))
"""

# Import those modules, in that order, and print the seconds it took: first click and PyYAML
# (the stack the project prescribes, with everything they import), then all the rest.
_IMPORT_MODULES = """
import importlib, sys, time
names = sys.stdin.read().split()
def load(names):
    start = time.perf_counter()
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    return time.perf_counter() - start
stack = load([n for n in STACK if n in names])
print(stack, load(names))
"""
STACK = ("click", "yaml")


def modules_of(cmd: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", _LIST_MODULES, *cmd], cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    return proc.stdout.split()


def import_wall(modules: list[str], env: dict[str, str], cwd: Path, rounds: int) -> tuple[float, float]:
    """Median seconds a fresh interpreter takes to import `modules` (no -X importtime), as
    (click and PyYAML with what they import, everything else)."""
    code = _IMPORT_MODULES.replace("STACK", repr(STACK))
    times: list[tuple[float, float]] = []
    for _ in range(rounds):
        proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                              input="\n".join(modules), capture_output=True, text=True, check=False)
        try:
            stack, rest = (float(x) for x in proc.stdout.split())
        except ValueError:
            stack, rest = float("nan"), float("nan")
        times.append((stack, rest))
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def importtimes(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, int]:
    """module -> own µs from one `-X importtime` run."""
    proc = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    found: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        if own.isdigit():
            found[name] = int(own)
    return found


def top_imports(argv: list[str], env: dict[str, str], cwd: Path, baseline: set[str],
                rounds: int) -> list[tuple[str, float]]:
    """The 10 most expensive imports beyond `python -c pass`: the smallest own time of each
    module over `rounds` runs, third-party packages summed per top-level package."""
    best: dict[str, int] = {}
    for _ in range(rounds):
        for name, own in importtimes(argv, env, cwd).items():
            if name not in baseline:
                best[name] = min(own, best.get(name, own))
    groups: dict[str, float] = defaultdict(float)
    for name, own in best.items():
        groups[name if name.startswith("licheck") else name.split(".")[0]] += own / 1000
    return sorted(groups.items(), key=lambda item: item[1], reverse=True)[:10]


_IN_PROCESS = """
import statistics, sys, time
from licheck import catalogue, licences
from licheck.data import data_dir
from licheck.matching.index import Index
from licheck.rules import loader

def median(fn, reset):
    times = []
    for _ in range(RUNS):
        reset()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

def nothing():
    pass

corpus = licences.default_corpus()
# A tree with a process-wide cache of the bundled catalogue / rules clears it between runs.
catalogue_reset = getattr(getattr(catalogue, "_bundled", None), "cache_clear", nothing)
rules_reset = getattr(getattr(loader, "_bundled_rules", None), "cache_clear", nothing)

def lineage_rules():
    # What evaluating a Llama 3.1 fine-tune reads: all rule files in a tree that loads them
    # all, the two files of llama3.1 and its policy in one that reads them per licence.
    if hasattr(loader, "_bundled_rules"):
        return loader._bundled_rules()
    book = loader.Rulebook(corpus)
    return [book.rules_for(lid) for lid in ("llama3.1", "llama3.1-aup")]

def lineage_catalogue():
    # What resolving a Llama 3.1 fine-tune reads: the whole catalogue in a tree that loads it
    # whole, orgs.yml, ollama.yml and meta-llama's file in one that reads it per organisation.
    cat = catalogue.load_catalogue(licences=corpus)
    return [cat.model(i) for i in ("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B")]

def every_rule():
    # Every bundled rule file (what `licheck rules` lists), checked or as the wheel's build left it.
    if hasattr(loader, "_bundled_rules"):
        return loader._bundled_rules()
    return list(loader.Rulebook(corpus))

def whole_catalogue():
    try:
        return catalogue.load_catalogue(licences=corpus, whole=True)
    except TypeError:   # a tree that always reads it whole
        return catalogue.load_catalogue(licences=corpus)

for label, fn, reset in [
    ("licence corpus", licences.load_corpus, licences._bundled.cache_clear),
    ("rules for a Llama 3.1 lineage", lineage_rules, rules_reset),
    ("catalogue for a Llama 3.1 lineage", lineage_catalogue, catalogue_reset),
    ("catalogue, every file", whole_catalogue, catalogue_reset),
    ("rules, every file", every_rule, rules_reset),
    ("identify index", lambda: Index(corpus), nothing),
]:
    print(f"  {label:<34} {median(fn, reset) * 1000:8.1f}")
"""


def in_process(runs: int, env: dict[str, str], cwd: Path) -> str:
    """Load times of the bundled data (each with what it depends on already loaded), in a
    child so that --tree decides which code is measured."""
    proc = subprocess.run([sys.executable, "-c", _IN_PROCESS.replace("RUNS", str(runs))],
                          cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return proc.stdout + proc.stderr


def wheel_of(tree: Path, work: Path) -> Path:
    """`tree` built as a wheel (with its build hook) and unpacked: a folder to import licheck
    from as an installed wheel would be."""
    dist, unpacked = work / "dist", work / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(tree)], check=True, capture_output=True)
    with zipfile.ZipFile(next(dist.glob("licheck-*.whl"))) as wheel:
        wheel.extractall(unpacked)
    return unpacked


def compare(before: Path, after: Path, env: dict[str, str], manifest: Path, runs: int,
            import_rounds: int, after_path: Path | None = None) -> int:
    """Medians of wall, CPU and import time of each command in two trees, runs interleaved
    (`after_path`: import the after tree's licheck from there, e.g. its unpacked wheel)."""
    envs = {tree: {**env, "PYTHONPATH": str(tree)} for tree in (before, after)}
    if after_path is not None:
        # PYTHONSAFEPATH (Python 3.11): `python -m` must not put the tree (the cwd) first
        envs[after].update(PYTHONPATH=str(after_path), PYTHONSAFEPATH="1")
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}; before = {before.name}, after = {after.name}"
          f"{' as a wheel' if after_path else ''}; runs "
          f"alternate between them; median of {runs} runs ({import_rounds} for imports)\n")
    header = (f"{'command':<42} {'wall ms':>13} {'cpu ms':>13} {'rss MB':>11} {'imports ms':>13} "
              f"{'modules':>9}  exit")
    print(header + "\n" + " " * 42 + f" {'before after':>13} {'before after':>13} "
          f"{'before after':>11} {'before after':>13} {'bef. aft.':>9}")
    print("-" * len(header))
    for label, cmd, cold in commands(manifest):
        argv = [sys.executable, "-m", "licheck", *cmd]
        results: dict[Path, list[tuple[float, float, int, int]]] = {before: [], after: []}
        for tree in (before, after):
            run_once(argv, envs[tree], tree)  # warm-up
        for _ in range(runs):
            for tree in (before, after):
                results[tree].append(run_once(argv, run_env(envs[tree], cold), tree))
        modules = {tree: modules_of(cmd, run_env(envs[tree], cold), tree) for tree in (before, after)}
        imports: dict[Path, list[float]] = {before: [], after: []}
        for _ in range(import_rounds):
            for tree in (before, after):
                imports[tree].append(sum(import_wall(modules[tree], envs[tree], tree, 1)))

        def pair(values: dict[Path, list[float]], scale: float, fmt: str) -> str:
            return " ".join(format(statistics.median(values[t]) * scale, fmt) for t in (before, after))

        wall = pair({t: [r[0] for r in results[t]] for t in results}, 1000, "6.0f")
        cpu = pair({t: [r[1] for r in results[t]] for t in results}, 1000, "6.0f")
        rss = " ".join(f"{max(r[2] for r in results[t]) / 1024:5.1f}" for t in (before, after))
        imp = pair(imports, 1000, "6.1f")
        mods = " ".join(f"{len(modules[t]):4d}" for t in (before, after))
        codes = "/".join(sorted({str(r[3]) for t in results for r in results[t]}))
        print(f"{label:<42} {wall:>13} {cpu:>13} {rss:>11} {imp:>13} {mods:>9}  {codes}", flush=True)

    # In-process loads: each child reports medians of 3; children alternate between the trees.
    loads: dict[Path, dict[str, list[float]]] = {before: defaultdict(list), after: defaultdict(list)}
    for _ in range(max(3, runs // 2)):
        for tree in (before, after):
            for line in in_process(3, envs[tree], tree).splitlines():
                label, _, value = line.strip().rpartition(" ")
                with contextlib.suppress(ValueError):
                    loads[tree][label.strip()].append(float(value))
    print(f"\nin-process, ms (median over {max(3, runs // 2)} alternating children):  before  after")
    for label in loads[before]:
        print(f"  {label:<54} {statistics.median(loads[before][label]):7.1f} "
              f"{statistics.median(loads[after][label]):6.1f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per command (median)")
    parser.add_argument("--models", type=int, default=500, help="models in the generated manifest")
    parser.add_argument("--import-rounds", type=int, default=5,
                        help="import-time measurements per command (median / minimum)")
    parser.add_argument("--no-imports", action="store_true", help="skip the import-time runs")
    parser.add_argument("--tree", type=Path, default=ROOT,
                        help="the licheck source tree to measure (default: this one), e.g. an "
                             "export of another commit, to compare under the same load")
    parser.add_argument("--compare", type=Path, metavar="OTHER_TREE",
                        help="A/B mode: alternate every run between OTHER_TREE (before) and --tree "
                             "(after), so that the machine's load drifts the same for both")
    parser.add_argument("--wheel", action="store_true",
                        help="measure --tree as an installed wheel (built with its build hook, so "
                             "with its pre-parsed data): licheck is imported from the unpacked "
                             "wheel, the commands still run in --tree")
    parser.add_argument("--with-benchmarks", action="store_true",
                        help="then run benchmarks/identify.py and benchmarks/resolve.py")
    args = parser.parse_args()

    tree = args.tree.resolve()
    work = Path(tempfile.mkdtemp(prefix="licheck-perf-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    env = dict(os.environ)
    for name in ("HF_TOKEN", "HF_ENDPOINT", "HF_HUB_OFFLINE", "LICHECK_CONFIG", "LICHECK_DEBUG",
                 "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    env.update({"LICHECK_CACHE_DIR": str(work / "cache"), "HF_HOME": str(work / "hf"),
                "HF_HUB_CACHE": str(work / "hf" / "hub"), "HF_TOKEN_PATH": str(work / "no-token"),
                "HF_HUB_DISABLE_TELEMETRY": "1", "NO_COLOR": "1", "PYTHONPATH": str(tree)})
    ids = catalogue_ids(tree, env)
    if args.compare is not None:
        # Only models both trees know: a model the other tree's catalogue lacks would be an
        # unresolved one there, far less work than a resolved lineage, and no comparison.
        theirs = set(catalogue_ids(args.compare.resolve(), env))
        ids = [i for i in ids if i in theirs]
    manifest = manifest_of(args.models, work, ids)
    python = sys.executable
    unpacked = wheel_of(tree, work) if args.wheel else None
    if args.compare is not None:
        return compare(args.compare.resolve(), tree, env, manifest, args.runs, args.import_rounds,
                       unpacked)
    if unpacked is not None:
        env.update(PYTHONPATH=str(unpacked), PYTHONSAFEPATH="1")

    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}; median of {args.runs} runs; tree {tree.name}"
          f"{' as a wheel' if unpacked else ''}")
    base = [run_once([python, "-c", "pass"], env, tree) for _ in range(args.runs)]
    baseline = set(importtimes([python, "-c", "pass"], env, tree))
    print(f"baseline `python -c pass`: wall {statistics.median(b[0] for b in base) * 1000:.0f} ms, "
          f"cpu {statistics.median(b[1] for b in base) * 1000:.0f} ms, "
          f"{max(b[2] for b in base) / 1024:.1f} MB\n")

    header = (f"{'command':<42} {'wall ms':>7} {'cpu ms':>7} {'rss MB':>6} {'imports ms':>10} "
              f"{'stack':>6} {'rest':>6} {'modules':>7} {'exit':>4}  heavy modules")
    print(header)
    print("-" * len(header))
    details = []
    for label, cmd, cold in commands(manifest):
        argv = [python, "-m", "licheck", *cmd]
        run_once(argv, env, tree)  # warm the OS page cache, any .pyc files and the data cache
        results = [run_once(argv, run_env(env, cold), tree) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in results) * 1000
        cpu = statistics.median(r[1] for r in results) * 1000
        rss = max(r[2] for r in results) / 1024
        codes = "/".join(str(c) for c in sorted({r[3] for r in results}))
        modules = modules_of(cmd, run_env(env, cold), tree)
        heavy = sorted({m.split(".")[0] for m in modules if m.split(".")[0] in HEAVY})
        stack, rest = ((float("nan"), float("nan")) if args.no_imports
                       else import_wall(modules, env, tree, args.import_rounds))
        print(f"{label:<42} {wall:7.0f} {cpu:7.0f} {rss:6.1f} {(stack + rest) * 1000:10.1f} "
              f"{stack * 1000:6.1f} {rest * 1000:6.1f} {len(modules):7d} {codes:>4}  "
              f"{', '.join(heavy) or '-'}", flush=True)
        if not args.no_imports:
            details.append((label, top_imports(argv, run_env(env, cold), tree, baseline,
                                               args.import_rounds)))

    if details:
        print("\nmost expensive imports (ms of own time under -X importtime, which inflates it; the "
              "minimum of each module over the rounds; packages summed, licheck per module):")
        for label, top in details:
            print(f"  {label}: " + ", ".join(f"{name} {ms:.1f}" for name, ms in top))

    print(f"\nin-process (median ms of {args.runs}):")
    print(in_process(args.runs, env, tree), end="")

    if args.with_benchmarks:
        for script in ("identify.py", "resolve.py"):
            print(f"\n$ python benchmarks/{script}", flush=True)
            subprocess.run([python, str(tree / "benchmarks" / script)], cwd=tree, env=env, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
