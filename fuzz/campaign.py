"""A longer fuzzing campaign over every licheck parser that takes outside input.

    python fuzz/campaign.py                     # every target, 10 s each, then the bombs
    python fuzz/campaign.py --seconds 60        # longer
    python fuzz/campaign.py --only gguf refs    # some targets
    python fuzz/campaign.py --bombs-only        # only the blow-up inputs

Hypothesis drives it (the same strategies as the bounded tests in `tests/fuzz/`, so what the
campaign finds, the suite can pin): structure-aware inputs, and shrinking gives the shortest
reproducer of each failure. Each target runs in its own subprocess so its peak RSS is its own.
Per target it prints: inputs tried, distinct failures (with the shrunk reproducer), peak RSS,
and the slowest single input after the first (which loads the corpus and catalogue). Then it feeds inputs built to blow up (alias bombs, a GGUF that
claims a 2**62-byte string, a 10 MB single line, 100k keys, ...) one per subprocess and prints
how each was refused, in what time and memory. Exit status 1 if any target failed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fuzz")]


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS; this script reports Linux figures).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _signature(exc: BaseException) -> str:
    """Failure identity: exception type and the innermost frame inside licheck (or the test)."""
    frames = traceback.extract_tb(exc.__traceback__)
    inner = [f for f in frames if "/licheck/" in f.filename] or frames
    where = f"{Path(inner[-1].filename).name}:{inner[-1].lineno}" if inner else "?"
    return f"{type(exc).__name__} at {where}: {str(exc)[:200]}"


def run_target(name: str, seconds: float) -> dict[str, Any]:
    """Fuzz one target for about `seconds`; return the figures as a dict."""
    from fuzz_targets import TARGETS
    from hypothesis import HealthCheck, given, seed, settings

    target = TARGETS[name]
    stats: dict[str, Any] = {"target": name, "inputs": 0, "max_ms": 0.0, "slowest": "",
                             "first_ms": None, "failures": {}}
    deadline = time.monotonic() + seconds
    chunk = 0
    while time.monotonic() < deadline:
        chunk += 1

        @seed(chunk * 7919 + len(name))
        @settings(max_examples=100, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), print_blob=False)
        @given(target.strategy)
        def one(value: Any) -> None:
            stats["inputs"] += 1
            start = time.perf_counter()
            try:
                target.run(value)
            except Exception as exc:
                key = _signature(exc)
                shown = repr(value)
                old = stats["failures"].get(key)
                if old is None or len(shown) <= len(old):
                    stats["failures"][key] = shown   # the shrinker's last try is the shortest
                raise
            finally:
                ms = (time.perf_counter() - start) * 1000
                if stats["first_ms"] is None:
                    stats["first_ms"] = round(ms, 1)   # loads the corpus, catalogue, ...: not counted
                elif ms > stats["max_ms"]:
                    stats["max_ms"], stats["slowest"] = ms, repr(value)[:100]

        try:
            one()
        except BaseException as exc:  # noqa: BLE001 - hypothesis groups distinct failures
            if isinstance(exc, KeyboardInterrupt):
                raise
    stats["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    stats["max_ms"] = round(stats["max_ms"], 1)
    return stats


# --- inputs built to blow up ----------------------------------------------------------------

def _gguf(*kvs: bytes, count: int | None = None) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs) if count is None else count) + b"".join(kvs)


def _gguf_str(text: bytes, claimed: int | None = None) -> bytes:
    return struct.pack("<Q", len(text) if claimed is None else claimed) + text


BOMBS: dict[str, str] = {
    "gguf: string claiming 2**62 bytes": "gguf-huge-string",
    "gguf: array claiming 2**62 items": "gguf-huge-array",
    "gguf: 2**64-1 keys claimed": "gguf-huge-count",
    "gguf: 60000 keys of 64 KiB-claimed strings, truncated": "gguf-many-keys",
    "yaml: alias bomb (10 levels x 8)": "yaml-alias-bomb",
    "yaml: self-referencing alias": "yaml-recursive",
    "yaml: 10 MB single line": "yaml-10mb-line",
    "yaml: 4.9 MB single line (under the cap)": "yaml-5mb-line",
    "yaml: 100k-key mapping": "yaml-100k-keys",
    "yaml: 100k-item model list": "yaml-100k-models",
    "yaml: 10k-deep flow nesting": "yaml-deep",
    "yaml: 100k-deep flow nesting (C stack overflow before the fix)": "yaml-deeper",
    "yaml: 100k-deep block sequence '- - - ...'": "yaml-deep-block",
    "hub: adapter_config.json of 100k '['": "hub-deep-json",
    "modelfile: 10 MB single line": "modelfile-10mb",
    "model card: 4.9 MB front matter line": "card-5mb",
    "model dir: README of 370k YAML blocks (11 s before the fix)": "card-yaml-blocks",
    "identify: 10 MB licence file": "identify-10mb",
    "ref: 1 MB model id": "ref-1mb",
    "config.json: 1.9 MB of nested lists": "json-deep",
}


def _bomb_input(kind: str, folder: Path) -> tuple[str, Any]:
    """Write the bomb; return (how to run it, argument)."""
    mb = 1024 * 1024
    if kind.startswith("gguf"):
        if kind == "gguf-huge-string":
            data = _gguf(_gguf_str(b"general.license") + struct.pack("<I", 8) + _gguf_str(b"x", 2**62))
        elif kind == "gguf-huge-array":
            data = _gguf(_gguf_str(b"tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2**62))
        elif kind == "gguf-huge-count":
            data = _gguf(count=2**64 - 1)
        else:
            kv = _gguf_str(b"k") + struct.pack("<I", 8) + _gguf_str(b"", 65_000)
            data = _gguf(*([kv] * 2000), count=60_000)
        (folder / "m.gguf").write_bytes(data)
        return "gguf", str(folder / "m.gguf")
    if kind.startswith("yaml"):
        if kind == "yaml-alias-bomb":
            lines = ["a0: &a0 [x, x, x, x, x, x, x, x]"]
            lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 8) + "]" for i in range(1, 10)]
            text = "\n".join(lines) + "\nmodels: *a9\n"
        elif kind == "yaml-recursive":
            text = "models: &x [*x]\n"
        elif kind == "yaml-10mb-line":
            text = "models: [" + "x" * (10 * mb) + "]\n"
        elif kind == "yaml-5mb-line":
            text = "models: ['" + "x" * (49 * mb // 10) + "']\n"
        elif kind == "yaml-100k-keys":
            text = "models:\n  - id: org/x\n    use:\n" + "".join(f"      k{i}: {i}\n" for i in range(100_000))
        elif kind == "yaml-100k-models":
            text = "models:\n" + "".join(f"  - org/model-{i}\n" for i in range(100_000))
        elif kind == "yaml-deeper":
            text = "models: " + "[" * 100_000 + "]" * 100_000 + "\n"
        elif kind == "yaml-deep-block":
            text = "models:\n  " + "- " * 100_000 + "x\n"
        else:
            text = "models: " + "[" * 10_000 + "]" * 10_000 + "\n"
        (folder / "licheck.yaml").write_text(text, encoding="utf-8")
        return "manifest", str(folder / "licheck.yaml")
    if kind == "hub-deep-json":
        return "hub", b"[" * 100_000
    if kind == "modelfile-10mb":
        (folder / "Modelfile").write_text("FROM " + "x" * (10 * mb) + "\n", encoding="utf-8")
        return "modelfile", str(folder / "Modelfile")
    if kind == "card-5mb":
        (folder / "README.md").write_text("---\nlicense: " + "x" * (49 * mb // 10) + "\n---\n# T\n",
                                          encoding="utf-8")
        return "card", str(folder / "README.md")
    if kind == "card-yaml-blocks":
        block = "```yaml\na: 1\n```\n"
        (folder / "README.md").write_text("# x\n" + block * (49 * mb // 10 // len(block)),
                                          encoding="utf-8")
        return "local", str(folder)
    if kind == "identify-10mb":
        (folder / "LICENSE").write_text("Permission is hereby granted " * (10 * mb // 29), encoding="utf-8")
        return "identify", str(folder / "LICENSE")
    if kind == "ref-1mb":
        return "ref", "org/" + "n" * mb
    (folder / "config.json").write_text("[" * 950_000 + "]" * 950_000, encoding="utf-8")
    return "local", str(folder)


def _hub_bomb(adapter_config: bytes) -> str:
    """Serve a repo holding `adapter_config` from the loopback mock Hub and fetch it."""
    sys.path.insert(0, str(ROOT / "tests"))
    from mockhub import MockHub

    from licheck.refs import hub_ref
    from licheck.sources.hub import HubSource

    with MockHub(fixtures=None) as hub:
        hub.add_repo("evil/adapter", {"license": "apache-2.0"},
                     files={"adapter_config.json": adapter_config})
        facts = HubSource(endpoint=hub.url, cache=None, timeout=5.0).fetch(hub_ref("evil/adapter"))
    return "fetched: " + "; ".join(getattr(facts, "notes", []) or [str(facts)])[:150]


def run_bomb(kind: str) -> dict[str, Any]:
    from licheck.errors import LicheckError

    with tempfile.TemporaryDirectory(prefix="licheck-bomb-") as d:
        how, arg = _bomb_input(kind, Path(d))
        base_rss = _peak_rss_mb()
        start = time.perf_counter()
        try:
            if how == "gguf":
                from licheck.gguf_header import read_gguf_header
                out = f"parsed ({len(read_gguf_header(arg).metadata)} keys kept)"
            elif how == "manifest":
                from licheck.targets import read_target
                out = f"parsed ({len(read_target(arg).entries)} models)"
            elif how == "modelfile":
                from licheck.targets.modelfile import modelfile_target
                out = f"parsed ({len(modelfile_target(arg).entries)} models)"
            elif how == "card":
                from licheck.targets.modelcard import read_model_card
                out = f"parsed ({len(read_model_card(arg).entries)} models)"
            elif how == "identify":
                from licheck.licences import default_corpus
                from licheck.matching import identify_file
                out = f"identified: {identify_file(arg, default_corpus()).licence}"
            elif how == "hub":
                out = _hub_bomb(arg)
            elif how == "ref":
                from licheck.refs import parse_ref
                out = f"parsed: {parse_ref(arg)}"
            else:
                from licheck.model import ModelRef
                from licheck.sources.local import LocalDirSource
                facts = LocalDirSource().fetch(ModelRef(kind="path", name=arg))
                out = "fetched: " + "; ".join(getattr(facts, "notes", []) or [])[:150]
        except LicheckError as exc:
            out = "refused: " + str(exc).replace(d, "<tmp>")[:150]
        except Exception as exc:  # noqa: BLE001 - a crash is what we are here to report
            out = f"CRASH {type(exc).__name__}: {str(exc)[:150]}"
        elapsed = (time.perf_counter() - start) * 1000
    return {"bomb": kind, "outcome": out, "ms": round(elapsed, 1),
            "peak_rss_mb": round(_peak_rss_mb(), 1), "rss_before_mb": round(base_rss, 1)}


# --- driver ---------------------------------------------------------------------------------

def _child(args: list[str], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, os.path.abspath(__file__), *args]
    # A cache folder of its own: never read or fill the user's with fuzzed input.
    with tempfile.TemporaryDirectory(prefix="licheck-fuzz-cache-") as cache:
        env = {**os.environ, "LICHECK_CACHE_DIR": cache}
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                                  env=env)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time per target (default 10)")
    parser.add_argument("--only", nargs="*", help="target names (default: all)")
    parser.add_argument("--bombs-only", action="store_true")
    parser.add_argument("--no-bombs", action="store_true")
    parser.add_argument("--child-target", help=argparse.SUPPRESS)
    parser.add_argument("--child-bomb", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_target:
        print(json.dumps(run_target(args.child_target, args.seconds)))
        return 0
    if args.child_bomb:
        print(json.dumps(run_bomb(args.child_bomb)))
        return 0

    from fuzz_targets import TARGETS

    failed = False
    if not args.bombs_only:
        names = args.only or list(TARGETS)
        print(f"{'target':<12} {'inputs':>7} {'fail':>5} {'peak RSS':>9} {'max/input':>10}")
        for name in names:
            # Generous: a chunk of 100 examples can overrun the budget, shrinking more so.
            res = _child(["--child-target", name, "--seconds", str(args.seconds)],
                         timeout=args.seconds * 4 + 120)
            if "error" in res:
                failed = True
                print(f"{name:<12} ERROR {res['error']}")
                continue
            fails = res["failures"]
            failed |= bool(fails)
            print(f"{name:<12} {res['inputs']:>7} {len(fails):>5} {res['peak_rss_mb']:>6.1f} MB "
                  f"{res['max_ms']:>7.1f} ms", flush=True)
            if res.get("slowest"):
                print(f"    slowest input: {res['slowest']}")
            for sig, shown in fails.items():
                print(f"    FAIL {sig}\n         shortest input: {shown[:300]}")
    if not args.no_bombs:
        print(f"\n{'blow-up input':<52} {'time':>9} {'peak RSS':>9}  outcome")
        for label, kind in BOMBS.items():
            res = _child(["--child-bomb", kind], timeout=120)
            if "error" in res:
                failed = True
                print(f"{label:<52} ERROR {res['error']}")
                continue
            failed |= res["outcome"].startswith("CRASH")
            print(f"{label:<52} {res['ms']:>6.0f} ms {res['peak_rss_mb']:>6.1f} MB  {res['outcome']}",
                  flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
