"""Fault injection on the mock Hub: latency, 429/5xx, gated files, a black hole, offline, cache."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from mockhub import MockHub

from licheck.cache import Cache
from licheck.lineage import resolve, resolve_many
from licheck.sources.base import ModelFacts, ModelRef, Unresolved
from licheck.sources.hub import HubSource
from licheck.sources.registry import SourceRegistry

MISTRAL = "mistralai/Mistral-7B-v0.1"
MISTRAL_API = rf"^/api/models/{MISTRAL}$"


def hub_only(cache: Cache, **kwargs) -> SourceRegistry:
    kwargs.setdefault("timeout", 5.0)
    kwargs.setdefault("backoff", 0.01)
    return SourceRegistry([HubSource(cache=cache, **kwargs)])


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
    lin = resolve(MISTRAL, sources=SourceRegistry([HubSource(cache=cache)]))
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
    registry = SourceRegistry([HubSource(cache=cache, backoff=0.01), _CatalogueSource(cat)], catalogue=cat)
    lin = resolve("deepseek-ai/R1-Distill-Llama-8B", sources=registry)
    assert lin.model.parents == ["meta-llama/Llama-3.1-8B"] and lin.model.relation == "finetune"
    assert (lin.model.publisher, lin.model.origin) == ("DeepSeek", "CN")
    assert lin.licences == ["llama3.1", "mit"]
    assert "catalogue" in lin.model.evidence


def test_catalogue_is_the_last_resort_offline(mock_hub: MockHub, cache: Cache) -> None:
    cat = _Catalogue()
    registry = SourceRegistry([HubSource(cache=cache, offline=True), _CatalogueSource(cat)], catalogue=cat)
    lin = resolve(MISTRAL, sources=registry)
    assert lin.model.source == "catalogue" and lin.model.licence == "apache-2.0"
    assert "licheck catalogue" in lin.model.evidence and "offline" in lin.model.evidence
    assert mock_hub.count() == 0
