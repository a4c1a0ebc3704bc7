"""Benchmark licence identification: speed, memory and accuracy on reformatted texts.

    python benchmarks/identify.py [--rounds 5] [--runs 7] [--scancode-python PATH]

Prints:
* files per second in-process, over every corpus text and its perturbations (the ones the
  acceptance tests use: rewrapped, Markdown added/removed, quotes swapped, header added,
  CRLF), once the index is built, and the time to build the index: from the texts (a source
  checkout) and from the entries a wheel carries pre-built (`licheck.matching.prebuilt`),
  with a check that both indexes give the same answers on every file;
* the wall time of one `python -m licheck identify FILE` process (median of --runs), beside
  the bare interpreter start-up on this machine, and that process's peak memory (GNU
  time's, where there is one);
* the accuracy table on the perturbed set: per perturbation, correct / wrong / null.

With a ScanCode Toolkit installation (`scancode-toolkit-mini`, which needs `pluggy<1.7`)
in another environment, pass its python with --scancode-python (or set
LICHECK_SCANCODE_PYTHON) to run the same files through ScanCode side by side. Its answers
are scored only on the licences that have a known ScanCode key.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "identify")]

from identify_perturbations import PERTURBATIONS  # noqa: E402

from licheck.licences import default_corpus  # noqa: E402
from licheck.matching import identify, prebuilt  # noqa: E402
from licheck.matching.build import build_prebuilt  # noqa: E402
from licheck.matching.index import Index, index_for  # noqa: E402
from licheck.matching.matchers import run  # noqa: E402

# Our licence id -> ScanCode licence key, where ScanCode has the licence.
# (ScanCode's own data files, src/licensedcode/data/licenses/<key>.LICENSE.)
SCANCODE_KEYS = {
    "apache-2.0": "apache-2.0",
    "mit": "mit",
    "cc-by-4.0": "cc-by-4.0",
    "cc-by-nc-4.0": "cc-by-nc-4.0",
    "bigcode-openrail-m": "bigcode-open-rail-m-v1",
    "bigscience-openrail-m": "bigscience-open-rail-m",
    "creativeml-openrail-m": "stable-diffusion-2022-08-22",
    "deepseek": "deepseek-la-1.0",
    "falcon-2-11b-tii": "falcon-2-11b-1.0",
    "gemma": "gemma-tou-2025-03-24",
    "gemma-2024-04-01": "gemma-tou-2024-04-01",
    "gemma-aup": "gemma-pup-2024-02-21",
    "llama2": "llama-2-license-2023",
    "llama3.1": "llama-3.1-license-2024",
    "llama3.2": "llama-3.2-license-2024",
    "llama3.3": "llama-3.3-license-2024",
    "llama4": "llama-4-cla-2025",
    "llama4-aup": "llama-4-license-2025",
    "nvidia-open-model": "nvidia-open-model-2025-04-28",
    "stability-community": "stability-ai-community-2024",
    "tongyi-qianwen": "tongyi-qianwen-2023",
}

GNU_TIME = "/usr/bin/time"
Case = tuple[str, str, str, str]  # (licence, text file, perturbation, text)


def cases() -> list[Case]:
    out = []
    for lic in default_corpus():
        for path in lic.texts:
            text = path.read_text(encoding="utf-8")
            out.append((lic.id, path.name, "none", text))
            out.extend((lic.id, path.name, name, fn(text)) for name, fn in PERTURBATIONS.items())
    return out


def in_process(all_cases: list[Case], rounds: int) -> dict[str, str | None]:
    start = time.perf_counter()
    index_for(default_corpus())
    build = time.perf_counter() - start
    answers: dict[str, str | None] = {}
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for _, name, pert, text in all_cases:
            answers[f"{name}/{pert}"] = identify(text, default_corpus()).licence
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    n = rounds * len(all_cases)
    print(f"index build (once per process):     {build * 1000:8.1f} ms (from the texts)")
    print(f"                                    {prebuilt_index(all_cases):8.1f} ms (from a "
          f"wheel's pre-built entries, the same answers on all {len(all_cases)} files)")
    print(f"in-process, {n} files:             {n / elapsed:8.0f} files/s  "
          f"({elapsed / n * 1000:.2f} ms/file wall, {cpu / n * 1000:.2f} ms/file CPU)")
    return answers


def prebuilt_index(all_cases: list[Case]) -> float:
    """Milliseconds to build the index from the entries a wheel carries (median of 5, the
    file read included); raises if it answers any file differently from one built from the
    texts."""
    corpus = default_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "matching-index.json"
        build_prebuilt(corpus, path)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            index = Index(corpus, prebuilt.read(path))
            times.append(time.perf_counter() - start)
    fresh = Index(corpus, prebuilt.NONE)
    for _, name, pert, text in all_cases:
        raw = text.encode("utf-8")
        if run(index, text, raw) != run(fresh, text, raw):
            raise SystemExit(f"the pre-built index answers {name}/{pert} differently")
    return statistics.median(times) * 1000


def one_process(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "LICENSE"
        # A reformatted text, so the run goes through the similarity matcher.
        text = (ROOT / "licences" / "llama3.1.txt").read_text(encoding="utf-8")
        path.write_text(PERTURBATIONS["rewrap_60"](text), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        walls, bare = [], []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "licheck", "identify", str(path)],
                                  capture_output=True, text=True, env=env)
            walls.append(time.perf_counter() - start)
            assert done.returncode == 0 and ": llama3.1 " in done.stdout, done.stdout + done.stderr
        print(f"one `licheck identify FILE` process: {statistics.median(walls) * 1000:8.0f} ms wall "
              f"(median of {runs}; bare `python -c pass`: {statistics.median(bare) * 1000:.0f} ms)")
        print(f"peak memory of that process:         {peak_rss(path, env) / 1024:8.1f} MiB")


def peak_rss(path: Path, env: dict[str, str]) -> int:
    """KiB: GNU time's report on the command alone where there is one. (The children's
    ru_maxrss would also count the pages a child inherits from this, larger, process before
    its exec.)"""
    argv = [sys.executable, "-m", "licheck", "identify", str(path)]
    if not os.access(GNU_TIME, os.X_OK):
        subprocess.run(argv, capture_output=True, env=env, check=True)
        return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([GNU_TIME, "-f", "%M", *argv], capture_output=True, text=True, env=env,
                          check=True)
    return int(done.stderr.split()[-1])


def accuracy(label: str, all_cases: list[Case], answers: dict[str, str | None],
             only: set[str] | None = None) -> None:
    """Per perturbation: correct / wrong / null (no answer), over the licences in `only`."""
    table: dict[str, Counter[str]] = {}
    for lic, name, pert, _ in all_cases:
        if only is not None and lic not in only:
            continue
        got = answers.get(f"{name}/{pert}")
        verdict = "null" if got is None else "correct" if got == lic else "wrong"
        table.setdefault(pert, Counter())[verdict] += 1
    print(f"\naccuracy, {label}:")
    print(f"  {'perturbation':<18} {'correct':>8} {'wrong':>8} {'null':>8}")
    total: Counter[str] = Counter()
    for pert, counts in table.items():
        total.update(counts)
        print(f"  {pert:<18} {counts['correct']:>8} {counts['wrong']:>8} {counts['null']:>8}")
    print(f"  {'all':<18} {total['correct']:>8} {total['wrong']:>8} {total['null']:>8}")


_SCANCODE_DRIVER = r"""
import json, sys, time
t = time.perf_counter()
from licensedcode.cache import get_index
from scancode.api import get_licenses
get_index()
load = time.perf_counter() - t
out = {}
t = time.perf_counter()
for path in sys.argv[1:]:
    out[path] = get_licenses(path).get("detected_license_expression")
print(json.dumps({"load": load, "elapsed": time.perf_counter() - t, "answers": out}))
"""


def scancode(python: str, all_cases: list[Case], ours_answers: dict[str, str | None]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for i, (_, name, pert, text) in enumerate(all_cases):
            p = Path(tmp) / f"{i:04d}-{name}-{pert}.txt"
            p.write_text(text, encoding="utf-8")
            paths[str(p)] = f"{name}/{pert}"
        start = time.perf_counter()
        done = subprocess.run([python, "-c", _SCANCODE_DRIVER, *paths], capture_output=True,
                              text=True)
        wall = time.perf_counter() - start
    if done.returncode != 0:
        print(f"\nscancode failed:\n{done.stderr[-2000:]}")
        return
    result = json.loads(done.stdout.splitlines()[-1])
    n = len(paths)
    print(f"\nScanCode ({python}):")
    print(f"  index load {result['load']:.1f} s; {n} files in {result['elapsed']:.1f} s = "
          f"{n / result['elapsed']:.1f} files/s; whole process {wall:.1f} s")
    answers = {paths[p]: expr for p, expr in result["answers"].items()}
    # Score ScanCode's expressions against our ids, where ScanCode has the licence.
    ours = {f"{name}/{pert}": lic for lic, name, pert, _ in all_cases}
    mapped = {key: (ours[key] if ours[key] in SCANCODE_KEYS and expr == SCANCODE_KEYS[ours[key]]
                    else expr)
              for key, expr in answers.items()}
    known = set(SCANCODE_KEYS)
    n_known = sum(1 for lic, _, pert, _ in all_cases if lic in known and pert == "none")
    label = f"the {len(known)} licences ({n_known} texts) ScanCode has a key for"
    accuracy(f"ScanCode, {label}", all_cases, mapped, known)
    accuracy(f"licheck, {label}", all_cases, ours_answers, known)
    accuracy("ScanCode, all texts (a licence it lacks cannot be correct)", all_cases, mapped)
    wrong = [(name, ours[f"{name}/none"], mapped.get(f"{name}/none"))
             for _, name, pert, _ in all_cases if pert == "none"]
    wrong = [w for w in wrong if w[2] is not None and w[2] != w[1]]
    if wrong:
        print("\n  ScanCode's wrong answers on the unperturbed texts (text: ours -> ScanCode's):")
        for name, lic, expr in wrong:
            print(f"    {name}: {lic} -> {expr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the files in-process")
    parser.add_argument("--runs", type=int, default=7, help="`licheck identify` processes to time")
    parser.add_argument("--scancode-python", default=os.environ.get("LICHECK_SCANCODE_PYTHON"),
                        help="python of an environment with scancode-toolkit(-mini) installed")
    args = parser.parse_args()
    all_cases = cases()
    print(f"{len(default_corpus())} licences, {len(all_cases)} files "
          f"(texts x {{none, {', '.join(PERTURBATIONS)}}})\n")
    answers = in_process(all_cases, args.rounds)
    one_process(args.runs)
    accuracy("licheck", all_cases, answers)
    if args.scancode_python:
        scancode(args.scancode_python, all_cases, answers)
    else:
        print("\n(ScanCode not run: pass --scancode-python or set LICHECK_SCANCODE_PYTHON)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
