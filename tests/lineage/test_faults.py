"""Fault injection on the mock Hub: latency, 429/5xx, gated files, a black hole, offline, cache."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import threading
from pathlib import Path

import pytest
from envs import corpus, resolve, resolve_many
from mockhub import MockHub

from licheck.cache import Cache
from licheck.cli import main as cli_main
from licheck.model import ModelFacts, ModelRef, Unresolved
from licheck.sources.hub import HubSource
from licheck.sources.registry import SourceRegistry

MISTRAL = "mistralai/Mistral-7B-v0.1"
MISTRAL_API = rf"^/api/models/{MISTRAL}$"


def hub_only(cache: Cache, **kwargs) -> SourceRegistry:
    kwargs.setdefault("timeout", 5.0)
    kwargs.setdefault("backoff", 0.01)
    return SourceRegistry([HubSource(corpus=corpus(), cache=cache, **kwargs)])


def test_latency_is_tolerated(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.latency = 0.05
    assert resolve("acme/laundered-8b", sources=hub_only(cache)).licences == ["apache-2.0", "llama3.1"]


def test_429_then_success_is_retried(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.fail(MISTRAL_API, 429, times=2, headers={
        "RateLimit": '"api";r=0;t=0', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'})
    lin = resolve(MISTRAL, sources=hub_only(cache))
    assert lin.model.licence == "apache-2.0" and lin.findings == []
    assert mock_hub.count(f"/api/models/{MISTRAL}") == 3


def test_503_with_retry_after_then_success(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.fail(MISTRAL_API, 503, times=1, headers={"Retry-After": "0"})
    assert resolve(MISTRAL, sources=hub_only(cache)).model.licence == "apache-2.0"


def test_persistent_500_gives_up_after_bounded_retries(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.fail(MISTRAL_API, 500, times=100)
    lin = resolve(MISTRAL, sources=hub_only(cache, max_retries=2))
    assert lin.model.source == "unresolved"
    assert "HTTP 500" in lin.findings[0].message
    assert mock_hub.count(f"/api/models/{MISTRAL}") == 3


def test_retry_after_beyond_the_deadline_is_not_waited_for(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.fail(MISTRAL_API, 429, times=100, headers={"Retry-After": "60"})
    lin = resolve(MISTRAL, sources=hub_only(cache), deadline=2.0)
    assert "rate-limited" in lin.findings[0].message
    assert mock_hub.count(f"/api/models/{MISTRAL}") == 1


def test_gated_licence_file_is_not_evidence(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.add_repo("gatedmirror/model", {"license": "other"},
                      files={"LICENSE": "Some licence text"}, gated="manual")
    lin = resolve("gatedmirror/model", sources=hub_only(cache))
    assert lin.model.licence is None and lin.model.source == "hub"
    assert "LICENSE could not be read" in lin.model.evidence
    assert [f.kind for f in lin.findings] == ["licence_unknown"]


def test_failing_licence_file_does_not_lose_the_card(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.add_repo("flaky/model", {"license": "other"}, files={"LICENSE": "text"})
    mock_hub.fail(r"^/flaky/model/resolve/", 503, times=100)
    lin = resolve("flaky/model", sources=hub_only(cache, max_retries=1))
    assert lin.model.source == "hub" and lin.model.declared_licence == "other"
    assert [f.kind for f in lin.findings] == ["licence_unknown"]


def _run_with_hang_guard(fn):
    out: list = []
    worker = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    worker.start()
    worker.join(60)   # a hang guard, not a performance assertion
    assert not worker.is_alive(), "resolution hung on a black-holed Hub"
    return out[0]


def test_black_holed_hub_ends_with_unresolved(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.black_hole = True
    models = [f"org/model-{i}" for i in range(20)]
    registry = hub_only(cache, timeout=0.5)
    lineages = _run_with_hang_guard(lambda: resolve_many(models, sources=registry, deadline=3.0))
    assert all(lin.model.source == "unresolved" for lin in lineages)
    assert all(lin.findings[0].kind == "unresolved" for lin in lineages)
    # The breaker stops asking once the Hub has proved dead: at most one wave of the pool.
    assert mock_hub.count() <= 8


def test_deadline_leaves_unfetched_models_unresolved(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.black_hole = True
    lin = _run_with_hang_guard(lambda: resolve("org/slow", sources=hub_only(cache, timeout=30), deadline=0.5))
    assert lin.model.source == "unresolved"
    assert "deadline" in lin.findings[0].message or "timed out" in lin.findings[0].message


def test_dead_endpoint_is_unresolved(cache: Cache) -> None:
    # conftest points HF_ENDPOINT at a closed loopback port.
    lin = resolve(MISTRAL, sources=hub_only(cache, timeout=2.0))
    assert "could not reach the Hub" in lin.findings[0].message


def test_offline_uses_the_cache_and_only_the_cache(mock_hub: MockHub, cache: Cache) -> None:
    online = resolve("acme/laundered-8b", sources=hub_only(cache))
    before = mock_hub.count()
    offline = resolve("acme/laundered-8b", sources=hub_only(cache, offline=True))
    assert mock_hub.count() == before
    assert offline.licences == online.licences
    assert [n.id for n in offline.nodes] == [n.id for n in online.nodes]
    assert {n.source for n in offline.nodes} == {"cache"}
    assert [f.kind for f in offline.findings] == [f.kind for f in online.findings]

    uncached = resolve("acme/merge-nc", sources=hub_only(cache, offline=True))
    assert uncached.model.source == "unresolved"
    assert "offline" in uncached.findings[0].message
    assert mock_hub.count() == before


def test_hf_hub_offline_env_means_offline(mock_hub: MockHub, cache: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    lin = resolve(MISTRAL, sources=SourceRegistry([HubSource(corpus=corpus(), cache=cache)]))
    assert "offline" in lin.findings[0].message and mock_hub.count() == 0


def test_warm_cache_makes_no_requests(mock_hub: MockHub, cache: Cache) -> None:
    resolve("bartowski/Hermes-3-Llama-3.1-8B-GGUF", sources=hub_only(cache))
    mock_hub.reset_counts()
    warm = resolve("bartowski/Hermes-3-Llama-3.1-8B-GGUF", sources=hub_only(cache))
    assert mock_hub.count() == 0 and warm.licences == ["llama3", "llama3.1"]


def test_corrupt_cache_entry_is_refetched(mock_hub: MockHub, cache: Cache) -> None:
    resolve(MISTRAL, sources=hub_only(cache))
    [entry] = list(cache.directory.rglob("*.json"))
    entry.write_bytes(b"\x00garbage{")
    lin = resolve(MISTRAL, sources=hub_only(cache))
    assert lin.model.licence == "apache-2.0"
    assert mock_hub.count(f"/api/models/{MISTRAL}") == 2


def test_stale_cache_is_used_when_the_hub_is_down(mock_hub: MockHub, tmp_path: Path) -> None:
    resolve(MISTRAL, sources=hub_only(Cache(tmp_path / "c")))
    mock_hub.fail(MISTRAL_API, 503, times=100)
    lin = resolve(MISTRAL, sources=hub_only(Cache(tmp_path / "c", ttl=0), max_retries=0))
    assert lin.model.licence == "apache-2.0" and lin.model.source == "cache"
    assert "Hub unreachable" in lin.model.evidence


# --- catalogue enrichment and fallback (a small catalogue of the test's own) --------------------

class _Entry:
    def __init__(self, id, licence, parents=(), publisher=None, origin=None, modalities=("text",)):
        self.id, self.licence, self.parents = id, licence, list(parents)
        self.publisher, self.origin, self.modalities = publisher, origin, modalities
        self.release_date, self.notes = "2025-01-20", None


class _Org:
    def __init__(self, publisher, origin):
        self.publisher, self.origin = publisher, origin


class _Catalogue:
    entries = {
        "deepseek-ai/R1-Distill-Llama-8B": _Entry("deepseek-ai/R1-Distill-Llama-8B", "mit",
                                                  [("meta-llama/Llama-3.1-8B", "finetune")]),
        MISTRAL: _Entry(MISTRAL, "apache-2.0"),
    }

    def model(self, hub_id):
        return self.entries.get(hub_id)

    def org(self, name):
        return {"deepseek-ai": _Org("DeepSeek", "CN"), "mistralai": _Org("Mistral AI", "FR")}.get(name)


class _CatalogueSource:
    name = "catalogue"

    def __init__(self, catalogue):
        self.catalogue = catalogue

    def accepts(self, ref: ModelRef) -> bool:
        return ref.kind == "hub" and self.catalogue.model(ref.name) is not None

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        entry = self.catalogue.model(ref.name)
        return ModelFacts(ref=ref, id=entry.id, source="catalogue", licence_hint=entry.licence,
                          publisher=self.catalogue.org(ref.name.split("/")[0]).publisher)


def test_catalogue_supplies_parents_and_publisher(mock_hub: MockHub, cache: Cache) -> None:
    mock_hub.add_repo("deepseek-ai/R1-Distill-Llama-8B", {"license": "mit"})
    cat = _Catalogue()
    registry = SourceRegistry([HubSource(corpus=corpus(), cache=cache, backoff=0.01), _CatalogueSource(cat)], catalogue=cat)
    lin = resolve("deepseek-ai/R1-Distill-Llama-8B", sources=registry)
    assert lin.model.parents == ["meta-llama/Llama-3.1-8B"] and lin.model.relation == "finetune"
    assert (lin.model.publisher, lin.model.origin) == ("DeepSeek", "CN")
    assert lin.licences == ["llama3.1", "mit"]
    assert "catalogue" in lin.model.evidence


def test_catalogue_is_the_last_resort_offline(mock_hub: MockHub, cache: Cache) -> None:
    cat = _Catalogue()
    registry = SourceRegistry([HubSource(corpus=corpus(), cache=cache, offline=True), _CatalogueSource(cat)], catalogue=cat)
    lin = resolve(MISTRAL, sources=registry)
    assert lin.model.source == "catalogue" and lin.model.licence == "apache-2.0"
    assert "licheck catalogue" in lin.model.evidence and "offline" in lin.model.evidence
    assert mock_hub.count() == 0


# --- the fault matrix, end to end through `licheck check` (benchmarks/faults.py times it) --------

PLAIN = "fault/plain"                       # apache-2.0, on the mock only (not in the catalogue)
PLAIN_API = rf"^/api/models/{PLAIN}$"
OTHER = "fault/other-licence"               # `license: other`: the LICENSE file decides
OTHER_FILE = rf"^/{OTHER}/resolve/"
RATELIMIT = {"RateLimit": '"api";r=0;t=3', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
ALWAYS = 10**6


@pytest.fixture
def fault_hub(mock_hub: MockHub, monkeypatch: pytest.MonkeyPatch) -> MockHub:
    mock_hub.add_repo(PLAIN, {"license": "apache-2.0"})
    apache = (Path(__file__).resolve().parents[2] / "licences" / "apache-2.0.txt").read_text(encoding="utf-8")
    mock_hub.add_repo(OTHER, {"license": "other"}, files={"LICENSE": apache})
    for i in range(20):
        mock_hub.add_repo(f"fault/m-{i}", {"license": "apache-2.0"})
    monkeypatch.setenv("LICHECK_HUB_TIMEOUT", "2")
    return mock_hub


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The back-off waits the Hub source asked for, recorded instead of slept."""
    import time as real_time
    from types import SimpleNamespace

    import licheck.sources.hub as hub_module

    waits: list[float] = []
    fake = SimpleNamespace(sleep=waits.append, monotonic=real_time.monotonic, time=real_time.time)
    monkeypatch.setattr(hub_module, "time", fake)
    return waits


def cache_problems(directory: Path) -> list[str]:
    """Why the cache folder is not intact (see `Cache.problems`)."""
    return Cache(directory).problems()


def check_json(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli_main(["check", *args, "--format", "json"])
    return code, json.loads(out.getvalue())


def first(doc: dict) -> tuple[str, list[str], str]:
    """(source, licences, unresolved reason or "") of the first model."""
    model = doc["models"][0]
    reason = next((f["message"] for f in doc["findings"] if f["kind"] == "unresolved"), "")
    return model["lineage"][0]["source"], model["licences"], reason


def licheck_cache() -> Path:
    return Path(os.environ["LICHECK_CACHE_DIR"])


# (name, model, set-up, source, reason fragment, requests the mock sees, back-off waits)
MATRIX = [
    ("latency", PLAIN, lambda h: setattr(h, "latency", 0.2), "hub", "", 1, []),
    ("429 Retry-After once", PLAIN, lambda h: h.fail(PLAIN_API, 429, headers={"Retry-After": "2"}),
     "hub", "", 2, [2.0]),
    ("429 RateLimit once", PLAIN, lambda h: h.fail(PLAIN_API, 429, headers=RATELIMIT), "hub", "", 2, [3.0]),
    ("429 RateLimit r>0 once", PLAIN, lambda h: h.fail(PLAIN_API, 429, headers={"RateLimit": '"api";r=5;t=40'}),
     "hub", "", 2, [0.25]),
    ("429 bare once", PLAIN, lambda h: h.fail(PLAIN_API, 429), "hub", "", 2, [0.25]),
    ("429 always", PLAIN, lambda h: h.fail(PLAIN_API, 429, times=ALWAYS, headers={"Retry-After": "1"}),
     "unresolved", "rate-limited (429) for model fault/plain after 4 tries", 4, [1.0, 1.0, 1.0]),
    ("429 asks an hour", PLAIN, lambda h: h.fail(PLAIN_API, 429, times=ALWAYS, headers={"Retry-After": "3600"}),
     "unresolved", "after 1 try, asking to wait 3600 s", 1, []),
    ("500 once", PLAIN, lambda h: h.fail(PLAIN_API, 500), "hub", "", 2, [0.25]),
    ("502 once", PLAIN, lambda h: h.fail(PLAIN_API, 502), "hub", "", 2, [0.25]),
    ("503 once", PLAIN, lambda h: h.fail(PLAIN_API, 503), "hub", "", 2, [0.25]),
    ("500 always", PLAIN, lambda h: h.fail(PLAIN_API, 500, times=ALWAYS), "unresolved", "HTTP 500", 4,
     [0.25, 0.5, 1.0]),
    ("502 always", PLAIN, lambda h: h.fail(PLAIN_API, 502, times=ALWAYS), "unresolved", "HTTP 502", 4,
     [0.25, 0.5, 1.0]),
    ("503 always", PLAIN, lambda h: h.fail(PLAIN_API, 503, times=ALWAYS), "unresolved", "HTTP 503", 4,
     [0.25, 0.5, 1.0]),
    ("truncated once", PLAIN, lambda h: h.mangle(PLAIN_API, "truncate"), "hub", "", 2, []),
    ("truncated always", PLAIN, lambda h: h.mangle(PLAIN_API, "truncate", times=ALWAYS),
     "unresolved", "cut its answers off", 3, []),
    ("dropped once", PLAIN, lambda h: h.mangle(PLAIN_API, "drop"), "hub", "", 2, []),
    ("invalid JSON", PLAIN, lambda h: h.mangle(PLAIN_API, "bad_json", times=ALWAYS),
     "unresolved", "malformed answer", 3, []),
    ("Content-Length long", PLAIN, lambda h: h.mangle(PLAIN_API, "long_length"), "hub", "", 2, []),
    ("404 RepoNotFound", "fault/none", None, "unresolved", "not found on the Hub", 1, []),
    ("404 RevisionNotFound", f"{PLAIN}@nope", None, "unresolved", "revision 'nope' not found", 1, []),
    ("rename 301", "old/plain", lambda h: h.rename("old/plain", PLAIN, redirect=True, status=301),
     "hub", "", 2, []),
    ("rename 307", "old/plain", lambda h: h.rename("old/plain", PLAIN, redirect=True, status=307),
     "hub", "", 2, []),
]


@pytest.mark.parametrize(("name", "model", "setup", "source", "reason", "requests", "waits"), MATRIX,
                         ids=[m[0] for m in MATRIX])
def test_fault_matrix(name: str, model: str, setup, source: str, reason: str, requests: int,
                      waits: list[float], fault_hub: MockHub, sleeps: list[float]) -> None:
    if setup is not None:
        setup(fault_hub)
    code, doc = check_json(model)
    got_source, licences, why = first(doc)
    # A model the user named that the Hub says does not exist is their typo: an error (exit 1).
    assert (code, got_source) == (1 if name.startswith("404") else 0, source)
    assert reason in why and (why == "") == (reason == "")
    assert licences == (["apache-2.0"] if source == "hub" else [])
    assert fault_hub.count() == requests
    assert sleeps == waits
    assert cache_problems(licheck_cache()) == []
    if source == "hub":
        assert doc["models"][0]["lineage"][0]["id"] == PLAIN   # the canonical id, after a rename
    # Healed, on the same cache: the right answer, and an unresolved answer was never cached.
    fault_hub._faults.clear()
    fault_hub.latency = 0.0
    fault_hub.reset_counts()
    _code, again = check_json(model)
    assert first(again)[1] == (["apache-2.0"] if "@" not in model and model != "fault/none" else [])
    # A 404 is the Hub's answer, not a fault: it is remembered for a while (see below).
    remembered = name.startswith("404")
    assert fault_hub.count() == (0 if source == "hub" or remembered
                                 else requests if requests == 1 else 1)


def test_content_length_too_short_on_the_api_is_retried(fault_hub: MockHub, sleeps: list[float]) -> None:
    # Half the JSON is read (not parsable), the rest spills onto the kept-alive connection.
    fault_hub.mangle(PLAIN_API, "short_length")
    _code, doc = check_json(PLAIN)
    assert first(doc)[:2] == ("hub", ["apache-2.0"])
    assert 2 <= fault_hub.count() <= 3 and cache_problems(licheck_cache()) == []


@pytest.mark.parametrize("mode", ["truncate", "long_length", "short_length", "503"])
def test_licence_file_failing_in_transit_is_not_cached(mode: str, fault_hub: MockHub, sleeps: list[float]) -> None:
    if mode == "503":
        fault_hub.fail(OTHER_FILE, 503, times=ALWAYS)
    else:
        fault_hub.mangle(OTHER_FILE, mode, times=ALWAYS)
    code, doc = check_json(OTHER)
    source, licences, _why = first(doc)
    assert (code, source, licences) == (0, "hub", [])      # the card stands, the licence is unknown
    assert "LICENSE could not be read (the Hub" in doc["models"][0]["lineage"][0]["evidence"]
    assert fault_hub.count() == 1 + (4 if mode == "503" else 3)
    assert cache_problems(licheck_cache()) == [] and not list(licheck_cache().rglob("*.json"))
    fault_hub._faults.clear()
    _code, again = check_json(OTHER)
    assert first(again)[:2] == ("hub", ["apache-2.0"])    # so a healthy run gets it right


def test_licence_file_the_hub_says_is_missing_is_cached(fault_hub: MockHub) -> None:
    fault_hub.fail(OTHER_FILE, 404, times=ALWAYS, headers={"X-Error-Code": "EntryNotFound"})
    _code, doc = check_json(OTHER)
    assert first(doc)[:2] == ("hub", [])
    fault_hub.reset_counts()
    check_json(OTHER)
    assert fault_hub.count() == 0 and cache_problems(licheck_cache()) == []


def test_file_not_matching_its_etag_is_rejected() -> None:
    from licheck.sources.hub import _matches_etag

    data = b"Apache License\n"
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert _matches_etag({"ETag": f'"{blob}"'}, data)
    assert not _matches_etag({"ETag": f'"{blob}"'}, data[:5])
    assert _matches_etag({"ETag": '"' + "a" * 64 + '"'}, data[:5])     # LFS sha256: not checked
    assert _matches_etag({"ETag": f'W/"{blob}"'}, data[:5])           # weak: not comparable
    assert _matches_etag({"ETag": f'"{blob}"', "Content-Encoding": "gzip"}, data[:5])


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("hf_other", 403)])
def test_gated_api(token: str | None, status: int, fault_hub: MockHub, monkeypatch: pytest.MonkeyPatch) -> None:
    fault_hub.add_repo("fault/gated", {"license": "llama3.1"}, api_gated=True)
    fault_hub.tokens.add("hf_granted")
    if token:
        monkeypatch.setenv("HF_TOKEN", token)
    _code, doc = check_json("fault/gated")
    source, _lic, why = first(doc)
    assert source == "unresolved" and "gated on the Hub" in why and "HF_TOKEN" in why
    assert fault_hub.count() == 1 and (fault_hub.seen_auth[-1] is not None) == (token is not None)
    monkeypatch.setenv("HF_TOKEN", "hf_granted")
    _code, doc = check_json("fault/gated")
    assert first(doc)[:2] == ("hub", ["llama3.1"])
    assert "hf_granted" not in json.dumps(doc)


def test_black_hole_and_refused_end_fast_with_unresolved(fault_hub: MockHub, monkeypatch: pytest.MonkeyPatch) -> None:
    from mockhub import closed_port_url

    monkeypatch.setenv("LICHECK_HUB_TIMEOUT", "0.5")
    fault_hub.black_hole = True
    _code, doc = _run_with_hang_guard(lambda: check_json(PLAIN, "fault/m-0", "fault/m-1"))
    assert all(m["lineage"][0]["source"] == "unresolved" for m in doc["models"])
    assert "timed out" in first(doc)[2] and fault_hub.count() <= 3
    fault_hub.black_hole = False
    fault_hub.reset_counts()
    monkeypatch.setenv("HF_ENDPOINT", closed_port_url())
    _code, doc = check_json(PLAIN)
    assert "connection failed" in first(doc)[2] and fault_hub.count() == 0
    assert cache_problems(licheck_cache()) == []


@pytest.mark.parametrize("status", [429, 503])
def test_no_retry_storm_when_every_model_fails(status: int, fault_hub: MockHub, sleeps: list[float]) -> None:
    from licheck.sources.hub import MAX_RETRIES

    fault_hub.fail(r"^/api/models/", status, times=ALWAYS, headers={"Retry-After": "0"})
    models = [f"fault/m-{i}" for i in range(20)]
    _code, doc = check_json(*models)
    assert [m["lineage"][0]["source"] for m in doc["models"]] == ["unresolved"] * 20
    # Once a model has run out of retries (twice in a row for 5xx), the rest are not asked:
    # at most one wave of the 8-thread pool retries, instead of 20 x 4 requests. A worker that
    # finished just before the breaker tripped may have sent one more first request.
    assert fault_hub.count() <= 8 * (MAX_RETRIES + 1) + 8
    assert "giving up on the Hub for this run" in json.dumps(doc)


def test_strict_turns_a_hub_fault_into_exit_1(fault_hub: MockHub, sleeps: list[float]) -> None:
    fault_hub.fail(PLAIN_API, 503, times=ALWAYS)
    assert check_json(PLAIN)[0] == 0
    assert check_json(PLAIN, "--strict")[0] == 1


def test_card_changed_between_runs_follows_the_ttl(fault_hub: MockHub, monkeypatch: pytest.MonkeyPatch) -> None:
    fault_hub.add_repo("fault/changing", {"license": "apache-2.0"})
    monkeypatch.setenv("LICHECK_CACHE_TTL", "3600")
    assert first(check_json("fault/changing")[1])[1] == ["apache-2.0"]
    fault_hub.add_repo("fault/changing", {"license": "cc-by-nc-4.0"})
    fault_hub.reset_counts()
    assert first(check_json("fault/changing")[1])[1] == ["apache-2.0"]      # within the TTL
    assert fault_hub.count() == 0
    monkeypatch.setenv("LICHECK_CACHE_TTL", "0")                             # now past it
    assert first(check_json("fault/changing")[1])[1] == ["cc-by-nc-4.0"]
    assert fault_hub.count() == 1
    monkeypatch.setenv("LICHECK_CACHE_TTL", "3600")
    assert first(check_json("fault/changing")[1])[1] == ["cc-by-nc-4.0"]    # the new answer was stored
    assert fault_hub.count() == 1 and cache_problems(licheck_cache()) == []


def test_a_missing_repo_is_remembered_for_an_hour_not_longer(fault_hub: MockHub, sleeps: list[float],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from licheck.sources import hub as hub_source

    _code, doc = check_json("fault/none")
    assert "not found on the Hub" in first(doc)[2] and fault_hub.count() == 1
    fault_hub.reset_counts()
    _code, doc = check_json("fault/none")                    # warm: no request at all
    assert "remembered" in first(doc)[2] and fault_hub.count() == 0
    _code, doc = check_json("fault/none", "--offline")       # offline: the answer still stands
    assert "not found on the Hub" in first(doc)[2]
    monkeypatch.setattr(hub_source, "NOT_FOUND_TTL", -1.0)   # an hour later
    _code, doc = check_json("fault/none")
    assert "remembered" not in first(doc)[2] and fault_hub.count() == 1
    assert cache_problems(licheck_cache()) == []


def test_with_a_token_not_found_is_never_remembered(fault_hub: MockHub, sleeps: list[float],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # "Not found" may mean "private to someone else": a token granted later must be tried.
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    check_json("fault/none")
    check_json("fault/none")
    assert fault_hub.count() == 2
    assert not list(licheck_cache().rglob("*.json"))
