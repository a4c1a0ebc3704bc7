"""The Hub fault matrix: what `licheck check MODEL --format json` does under each fault.

    python benchmarks/faults.py [--timeout 6] [--only NAME ...]

Every scenario runs the real CLI (in process, `licheck.cli.main`) against the loopback mock
Hub with a fresh cache, at licheck's default timeouts and deadline unless `--timeout` is
given, and prints: the outcome (licence found, or the `unresolved` reason), the exit code,
the wall time, the requests the mock saw, and whether the cache is intact afterwards
(every entry parses, no temporary file left). Then a healthy run on the same cache must give
the right answer ("after"). The figures go in docs/robustness.md section 2.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mockhub import MockHub, closed_port_url  # noqa: E402

from licheck.cache import Cache  # noqa: E402
from licheck.cli import main  # noqa: E402

MISTRAL = "mistralai/Mistral-7B-v0.1"   # also in licheck's catalogue: the fallback answers
PLAIN = "fault/plain"                    # apache-2.0 on the Hub only
API = rf"^/api/models/{PLAIN}$"
MANY = [f"fault/m-{i}" for i in range(20)]
OTHER = "fault/other-licence"          # `license: other` + LICENSE: the file decides
OTHER_FILE = rf"^/{OTHER}/resolve/"
APACHE_TEXT = (ROOT / "licences" / "apache-2.0.txt").read_text(encoding="utf-8")
RATELIMIT = {"RateLimit": '"api";r=0;t=1', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}


def cache_problems(directory: Path) -> list[str]:
    """Why the cache folder is not intact (see `Cache.problems`)."""
    return Cache(directory).problems()


@dataclass
class Scenario:
    name: str
    model: str | list[str]
    setup: Callable[[MockHub], None] = lambda hub: None
    env: dict[str, str] = field(default_factory=dict)
    endpoint: str | None = None        # None: the mock
    expect_after: list[str] = field(default_factory=lambda: ["apache-2.0"])
    args: list[str] = field(default_factory=list)


def _gated(hub: MockHub) -> None:
    hub.add_repo("fault/gated", {"license": "llama3.1"}, api_gated=True)
    hub.tokens.add("hf_granted")


def _card_v1(hub: MockHub) -> None:
    hub.add_repo("fault/changing", {"license": "apache-2.0"})


def scenarios() -> list[Scenario]:
    s = [
        Scenario("healthy", PLAIN),
        Scenario("latency 0.5 s per request", PLAIN, lambda h: setattr(h, "latency", 0.5)),
        Scenario("black hole (accepts, never answers)", PLAIN, lambda h: setattr(h, "black_hole", True)),
        Scenario("black hole, model in the catalogue", MISTRAL, lambda h: setattr(h, "black_hole", True)),
        Scenario("black hole, 20 models", MANY, lambda h: setattr(h, "black_hole", True)),
        Scenario("black hole, --strict", PLAIN, lambda h: setattr(h, "black_hole", True), args=["--strict"]),
        Scenario("connection refused (closed port)", PLAIN, endpoint="refused"),
        Scenario("offline (HF_HUB_OFFLINE=1), empty cache", PLAIN, env={"HF_HUB_OFFLINE": "1"}),
        Scenario("429 + Retry-After: 1, once", PLAIN, lambda h: h.fail(API, 429, headers={"Retry-After": "1"})),
        Scenario("429 + RateLimit r=0;t=1, once", PLAIN, lambda h: h.fail(API, 429, headers=RATELIMIT)),
        Scenario("429, no header, once", PLAIN, lambda h: h.fail(API, 429)),
        Scenario("429 + Retry-After: 1, always", PLAIN,
                 lambda h: h.fail(API, 429, times=10**6, headers={"Retry-After": "1"})),
        Scenario("429 + Retry-After: 3600, always", PLAIN,
                 lambda h: h.fail(API, 429, times=10**6, headers={"Retry-After": "3600"})),
        Scenario("429 + Retry-After: 1, always, 20 models", MANY,
                 lambda h: h.fail(r"^/api/models/", 429, times=10**6, headers={"Retry-After": "1"})),
        Scenario("503, always, 20 models", MANY, lambda h: h.fail(r"^/api/models/", 503, times=10**6)),
    ]
    for status in (500, 502, 503):
        s.append(Scenario(f"{status}, once", PLAIN, lambda h, st=status: h.fail(API, st)))
        s.append(Scenario(f"{status}, always", PLAIN, lambda h, st=status: h.fail(API, st, times=10**6)))
    s += [
        Scenario("API: truncated body, once", PLAIN, lambda h: h.mangle(API, "truncate")),
        Scenario("API: truncated body, always", PLAIN, lambda h: h.mangle(API, "truncate", times=10**6)),
        Scenario("API: connection dropped, once", PLAIN, lambda h: h.mangle(API, "drop")),
        Scenario("API: invalid JSON (200)", PLAIN, lambda h: h.mangle(API, "bad_json", times=10**6)),
        Scenario("API: Content-Length too long", PLAIN, lambda h: h.mangle(API, "long_length")),
        Scenario("API: Content-Length too short", PLAIN, lambda h: h.mangle(API, "short_length")),
        Scenario("LICENSE: healthy", OTHER),
        Scenario("LICENSE: truncated body", OTHER, lambda h: h.mangle(OTHER_FILE, "truncate", times=10**6)),
        Scenario("LICENSE: Content-Length too long", OTHER,
                 lambda h: h.mangle(OTHER_FILE, "long_length", times=10**6)),
        Scenario("LICENSE: Content-Length too short", OTHER,
                 lambda h: h.mangle(OTHER_FILE, "short_length", times=10**6)),
        Scenario("LICENSE: 503 always", OTHER, lambda h: h.fail(OTHER_FILE, 503, times=10**6)),
        Scenario("LICENSE: 404 EntryNotFound", OTHER,
                 lambda h: h.fail(OTHER_FILE, 404, times=10**6, headers={"X-Error-Code": "EntryNotFound"}),
                 expect_after=[]),   # the Hub said the file is not there: a cacheable answer
        Scenario("LICENSE: black hole (hangs)", OTHER, lambda h: h.mangle(OTHER_FILE, "hang", times=10**6)),
        Scenario("gated API, no token (401)", "fault/gated", _gated, expect_after=[]),
        Scenario("gated API, token not granted (403)", "fault/gated", _gated,
                 env={"HF_TOKEN": "hf_other"}, expect_after=[]),
        Scenario("gated API, granted token", "fault/gated", _gated,
                 env={"HF_TOKEN": "hf_granted"}, expect_after=["llama3.1"]),
        Scenario("404 RepoNotFound", "fault/no-such-model", expect_after=[]),
        Scenario("404 RevisionNotFound", f"{PLAIN}@no-such-rev", expect_after=[]),
        Scenario("rename, 301 to the new id", "old/plain",
                 lambda h: h.rename("old/plain", PLAIN, redirect=True, status=301)),
        Scenario("rename, 307 to the new id", "old/plain",
                 lambda h: h.rename("old/plain", PLAIN, redirect=True, status=307)),
    ]
    return s


def run_cli(args: list[str], env: dict[str, str]) -> tuple[int, dict | None, str, float]:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        elapsed = time.perf_counter() - start
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    try:
        doc = json.loads(out.getvalue())
    except ValueError:
        doc = None
    return code, doc, err.getvalue().strip(), elapsed


def outcome(doc: dict | None, stderr: str) -> str:
    if doc is None:
        return f"NO JSON; stderr: {stderr[:120]}"
    if len(doc["models"]) > 1:
        gone = [m for m in doc["models"] if m["lineage"][0]["source"] == "unresolved"]
        found = {",".join(m["licences"]) for m in doc["models"] if m not in gone}
        reason = next((f["message"] for f in doc["findings"] if f["kind"] == "unresolved"), "")
        return (f"{len(doc['models']) - len(gone)} found ({'/'.join(sorted(found)) or '-'}), "
                f"{len(gone)} unresolved" + (f": {reason.split(': ', 1)[-1][:60]}" if gone else ""))
    model = doc["models"][0]
    node = model["lineage"][0]
    if node["source"] == "unresolved":
        reason = next((f["message"] for f in doc["findings"] if f["kind"] == "unresolved"), "?")
        return f"unresolved: {reason.split(': ', 1)[-1][:110]}"
    licences = ",".join(model["licences"]) or "-"
    extra = f" (id {node['id']})" if node["id"] != model["ref"] else ""
    return f"{node['source']}: {licences}{extra}"


def base_env(tmp: Path, name: str, endpoint: str) -> dict[str, str]:
    return {"LICHECK_CACHE_DIR": str(tmp / name / "licheck"), "HF_HOME": str(tmp / name / "hf-home"),
            "HF_HUB_CACHE": str(tmp / name / "hf-cache"), "HF_ENDPOINT": endpoint,
            "HF_TOKEN_PATH": str(tmp / "no-token"), "NO_PROXY": "127.0.0.1,localhost",
            "HF_HUB_DISABLE_TELEMETRY": "1", "NO_COLOR": "1", "HF_TOKEN": ""}


def run_matrix(only: list[str] | None, timeout: float | None) -> bool:
    ok = True
    tmp = Path(tempfile.mkdtemp(prefix="licheck-faults-"))
    with MockHub(fixtures=None) as hub:   # warm-up: imports are not part of any fault's time
        hub.add_repo(PLAIN, {"license": "apache-2.0"})
        run_cli(["check", PLAIN, "--format", "json"], base_env(tmp, "warm-up", hub.url))
    print(f"{'fault':<38} {'outcome':<62} {'exit':>4} {'wall s':>7} {'req':>4}  cache  after")
    for i, sc in enumerate(scenarios()):
        if only and not any(o.lower() in sc.name.lower() for o in only):
            continue
        with MockHub(fixtures=ROOT / "tests" / "fixtures" / "hub") as hub:
            hub.add_repo(OTHER, {"license": "other"}, files={"LICENSE": APACHE_TEXT})
            for name in [PLAIN, *MANY]:
                hub.add_repo(name, {"license": "apache-2.0"})
            sc.setup(hub)
            endpoint = closed_port_url() if sc.endpoint == "refused" else hub.url
            env = base_env(tmp, f"s{i}", endpoint) | sc.env
            if timeout is not None:
                env["LICHECK_HUB_TIMEOUT"] = str(timeout)
            targets = sc.model if isinstance(sc.model, list) else [sc.model]
            code, doc, stderr, elapsed = run_cli(["check", *targets, "--format", "json", *sc.args], env)
            requests = hub.count()
            problems = cache_problems(Path(env["LICHECK_CACHE_DIR"]))
            # Heal the Hub and run again on the same cache: the right answer must come back.
            hub.black_hole, hub.latency = False, 0.0
            hub._faults.clear()
            env["HF_ENDPOINT"] = hub.url
            env.pop("HF_HUB_OFFLINE", None)
            _code2, doc2, _err2, _t2 = run_cli(["check", *targets, "--format", "json"], env)
            afters = [m["licences"] for m in doc2["models"]] if doc2 else [None]
            after = afters[0] if all(a == afters[0] for a in afters) else afters
            problems += cache_problems(Path(env["LICHECK_CACHE_DIR"]))
            right = after == sc.expect_after
            ok = ok and right and not problems and doc is not None
            print(f"{sc.name:<38} {outcome(doc, stderr):<62} {code:>4} {elapsed:7.2f} {requests:>4}  "
                  f"{'ok' if not problems else 'BAD':<5}  {'ok' if right else f'WRONG {after}'}")
            for p in problems:
                print(f"    cache: {p}")
    return ok


def run_ttl(ttl: float = 1.0) -> bool:
    """A card that changes between runs: within the TTL the cached answer, after it the new one."""
    tmp = Path(tempfile.mkdtemp(prefix="licheck-ttl-"))
    print(f"\nCard changes between runs (LICHECK_CACHE_TTL={ttl:g}):")
    with MockHub(fixtures=None) as hub:
        _card_v1(hub)
        env = base_env(tmp, "ttl", hub.url) | {"LICHECK_CACHE_TTL": str(ttl)}
        rows = []
        _, doc, _, t = run_cli(["check", "fault/changing", "--format", "json"], env)
        rows.append(("first run (card: apache-2.0)", doc, t, hub.count()))
        hub.add_repo("fault/changing", {"license": "cc-by-nc-4.0"})
        hub.reset_counts()
        _, doc, _, t = run_cli(["check", "fault/changing", "--format", "json"], env)
        rows.append(("card now cc-by-nc-4.0, within TTL", doc, t, hub.count()))
        time.sleep(ttl + 0.2)
        hub.reset_counts()
        _, doc, _, t = run_cli(["check", "fault/changing", "--format", "json"], env)
        rows.append(("same, after TTL", doc, t, hub.count()))
        want = [["apache-2.0"], ["apache-2.0"], ["cc-by-nc-4.0"]]
        got = [r[1]["models"][0]["licences"] if r[1] else None for r in rows]
        for (label, doc, t, req), w, g in zip(rows, want, got, strict=True):
            print(f"  {label:<38} {outcome(doc, ''):<40} {t:6.2f} s {req:>3} requests  "
                  f"{'ok' if g == w else 'WRONG'}")
        problems = cache_problems(Path(env["LICHECK_CACHE_DIR"]))
        print(f"  cache intact: {'yes' if not problems else problems}")
        return got == want and not problems


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout", type=float, default=None, help="LICHECK_HUB_TIMEOUT (default: licheck's)")
    parser.add_argument("--only", nargs="*", help="run only scenarios whose name contains one of these")
    args = parser.parse_args()
    ok = run_matrix(args.only, args.timeout)
    if not args.only:
        ok = run_ttl() and ok
    print("\nall outcomes as expected" if ok else "\nSOME OUTCOMES ARE WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main_())
