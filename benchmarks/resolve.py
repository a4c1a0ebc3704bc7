"""Benchmark lineage resolution against the loopback mock Hub (50 ms latency per request).

    python benchmarks/resolve.py [--models 100] [--latency 0.05] [--workers 8]

Measures, for N models each with a 3-deep chain (quantized -> fine-tune -> base, bases
shared by five models each): cold and warm cache, sequential (`resolve` one model after
another) and concurrent (`resolve_many`), and HTTP requests per lineage node as counted by
the server. Then a black-holed Hub (accepts connections, never answers) with 20 models at
the default timeouts and deadline. Targets: cold < 3 s, warm < 0.5 s, <= 2 requests per
node, black hole < 15 s with `unresolved` findings.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mockhub import MockHub  # noqa: E402

from licheck.cache import Cache  # noqa: E402
from licheck.licences import default_corpus  # noqa: E402
from licheck.lineage import resolve, resolve_many  # noqa: E402
from licheck.sources.hub import HubSource  # noqa: E402
from licheck.sources.registry import SourceRegistry  # noqa: E402


def build_hub(n: int, latency: float) -> tuple[MockHub, list[str], int]:
    hub = MockHub(fixtures=None)
    bases = max(1, n // 5)
    for b in range(bases):
        hub.add_repo(f"bench/base-{b}", {"license": "llama3.1" if b % 2 else "apache-2.0"})
    models = []
    for i in range(n):
        hub.add_repo(f"bench/ft-{i}", {"license": "apache-2.0", "base_model": f"bench/base-{i % bases}"})
        hub.add_repo(f"bench/q-{i}-GGUF", {"base_model": f"bench/ft-{i}", "base_model_relation": "quantized"},
                     files={f"q-{i}.Q4_K_M.gguf": "x"})
        models.append(f"bench/q-{i}-GGUF")
    hub.latency = latency
    return hub.start(), models, 2 * n + bases


def registry(cache_dir: Path, **kwargs: object) -> SourceRegistry:
    return SourceRegistry([HubSource(cache=Cache(cache_dir), corpus=default_corpus(), **kwargs)])  # type: ignore[arg-type]


def timed(label: str, hub: MockHub, nodes: int, fn) -> tuple[float, list]:
    hub.reset_counts()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    requests = hub.count()
    print(f"{label:<34} {elapsed:7.3f} s  {requests:5d} requests  {requests / nodes:5.2f} per node")
    return elapsed, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="licheck-bench-"))
    hub, models, nodes = build_hub(args.models, args.latency)
    os.environ["HF_ENDPOINT"] = hub.url
    os.environ["HF_HUB_CACHE"] = str(work / "hf")
    os.environ.pop("HF_TOKEN", None)
    os.environ["HF_TOKEN_PATH"] = str(work / "no-token")
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    import huggingface_hub.hf_api  # noqa: F401  (import cost is not resolution cost)

    print(f"mock Hub {hub.url}: {args.models} models, 3-deep chains, {nodes} distinct nodes, "
          f"{args.latency * 1000:.0f} ms per request, pool of {args.workers}")
    results = {}
    results["cold sequential"], _ = timed("cold, sequential (resolve x N)", hub, nodes,
                                          lambda: [resolve(m, sources=registry(work / "c1"), corpus=default_corpus()) for m in models])
    results["warm sequential"], _ = timed("warm, sequential (resolve x N)", hub, nodes,
                                          lambda: [resolve(m, sources=registry(work / "c1"), corpus=default_corpus()) for m in models])
    results["cold concurrent"], lineages = timed(
        "cold, concurrent (resolve_many)", hub, nodes,
        lambda: resolve_many(models, sources=registry(work / "c2"), corpus=default_corpus(),
                             max_workers=args.workers))
    results["warm concurrent"], _ = timed(
        "warm, concurrent (resolve_many)", hub, nodes,
        lambda: resolve_many(models, sources=registry(work / "c2"), corpus=default_corpus(),
                             max_workers=args.workers))
    ok = all(len(lin.nodes) == 3 and not any(f.kind == "unresolved" for f in lin.findings) for lin in lineages)
    print(f"all {len(lineages)} lineages complete (3 nodes, nothing unresolved): {ok}")
    per_node = hub.count()  # after warm run: 0
    hub.stop()

    # A black-holed Hub, default per-request timeout and deadline.
    dead = MockHub(fixtures=None).start()
    dead.black_hole = True
    os.environ["HF_ENDPOINT"] = dead.url
    black = [f"org/model-{i}" for i in range(20)]
    start = time.perf_counter()
    out = resolve_many(black, sources=registry(work / "c3"), corpus=default_corpus())
    elapsed = time.perf_counter() - start
    unresolved = sum(1 for lin in out if lin.findings and lin.findings[0].kind == "unresolved")
    print(f"{'black-holed Hub, 20 models':<34} {elapsed:7.3f} s  {dead.count():5d} requests  "
          f"{unresolved}/20 unresolved")
    print(f"  e.g. {out[0].findings[0].message}")
    dead.stop()

    print()
    print("targets: cold < 3 s, warm < 0.5 s, <= 2 requests per node, black hole < 15 s")
    cold_ok = results["cold concurrent"] < 3
    warm_ok = results["warm concurrent"] < 0.5
    print(f"  cold concurrent {'OK' if cold_ok else 'MISSED'}; warm concurrent {'OK' if warm_ok else 'MISSED'}; "
          f"black hole {'OK' if elapsed < 15 and unresolved == 20 else 'MISSED'}; warm requests {per_node}")
    return 0 if (cold_ok and warm_ok and ok and elapsed < 15 and unresolved == 20) else 1


if __name__ == "__main__":
    raise SystemExit(main())
