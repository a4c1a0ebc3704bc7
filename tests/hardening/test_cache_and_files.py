"""Hardening round 2: the cache folder is untrusted input (defects 8, 11, 15) and every file
is read through one capped, non-blocking reader (defects 15, 17)."""

from __future__ import annotations

import ast
import json
import os
import threading
import time
from pathlib import Path

import pytest
from envs import corpus, env_for, run_check

from licheck.cache import Cache
from licheck.config import Config
from licheck.errors import InputError, LicheckError
from licheck.files import read_capped
from licheck.model import ModelFacts, ModelRef
from licheck.sources.hub import HubSource, facts_to_json

ROOT = Path(__file__).resolve().parents[2]
REF = ModelRef("hub", "acme/model")


def _plant(cache: Cache, key: str, value: object, stored_at: float) -> Path:
    path = cache._path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "key": key, "stored_at": stored_at, "value": value}))
    return path


def _facts(**changes: object) -> dict:
    facts = ModelFacts(ref=REF, id="acme/model", source="hub", declared_licence="mit")
    return {**facts_to_json(facts), **changes}


@pytest.mark.parametrize("stored_at", [float("nan"), float("inf"), float("-inf")])
def test_a_cache_entry_without_a_finite_time_is_a_miss(tmp_path: Path, stored_at: float) -> None:
    """Defect 8: an entry with a NaN timestamp was never stale."""
    cache = Cache(tmp_path)
    path = _plant(cache, "k", "v", stored_at)
    assert cache.get("k") is None and cache.get("k", allow_stale=True) is None
    assert not path.exists()


def test_a_cache_entry_from_the_future_is_stale(tmp_path: Path) -> None:
    """Defect 8: an entry stored 'next year' never expired."""
    cache = Cache(tmp_path)
    _plant(cache, "k", "v", time.time() + 365 * 86400)
    assert cache.get("k") is None
    entry = cache.get("k", allow_stale=True)
    assert entry is not None and entry.stale


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "junk"])
def test_a_junk_ttl_falls_back_to_the_default(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LICHECK_CACHE_TTL", value)
    assert Cache("/nonexistent").ttl == 24 * 3600.0


BAD_SHAPES = {
    "parent is a local path": _facts(parents=[{"kind": "path", "name": "/dev/zero", "revision": None,
                                               "relation": "finetune"}]),
    "parent id climbs out": _facts(parents=[{"kind": "hub", "name": "../../etc/evil", "revision": None,
                                             "relation": "finetune"}]),
    "a catalogue hint": _facts(licence_hint="mit"),
    "claims to be the catalogue": _facts(source="catalogue"),
    "about another model": _facts(ref={"kind": "hub", "name": "other/model", "revision": None}),
    "id is a path": _facts(id="/etc/passwd"),
    "licence files not texts": _facts(licence_files={"LICENSE": ["x"]}),
    "licence not a string": _facts(declared_licence=["mit"]),
    "unknown key": _facts(rules={"llama3.1": []}),
    "not a mapping": ["acme/model"],
    "gated as a string": _facts(gated="false"),
    "commit is a path": _facts(commit="../../main"),
    "document digest is not one": _facts(documents={"README.md": "trust me"}),
    "document name climbs out": _facts(documents={"../x": "sha256:" + "0" * 64}),
    "structure is not structural facts": _facts(structure={"layers": "eighty"}),
}


@pytest.mark.parametrize("shape", sorted(BAD_SHAPES))
def test_a_cached_hub_answer_of_the_wrong_shape_is_a_miss(shape: str, tmp_path: Path, mock_hub) -> None:
    """Defect 8: cached entries are validated as untrusted input; a wrong shape is refetched."""
    mock_hub.add_repo("acme/model", {"license": "apache-2.0"})
    cache = Cache(tmp_path)
    source = HubSource(cache=cache, corpus=corpus(), timeout=5.0)
    _plant(cache, source.cache_key(REF), BAD_SHAPES[shape], time.time())
    facts = source.fetch(REF)
    assert isinstance(facts, ModelFacts) and facts.declared_licence == "apache-2.0"
    assert mock_hub.count("/api/models/acme/model") == 1


def test_a_well_formed_cached_answer_is_used(tmp_path: Path, mock_hub) -> None:
    """The validation is not so strict that the cache is never used."""
    cache = Cache(tmp_path)
    source = HubSource(cache=cache, corpus=corpus(), timeout=5.0)
    _plant(cache, source.cache_key(REF), _facts(), time.time())
    facts = source.fetch(REF)
    assert isinstance(facts, ModelFacts) and facts.declared_licence == "mit"
    assert mock_hub.count() == 0


def test_a_cached_answer_keeps_what_the_lock_and_fingerprints_record(tmp_path: Path, mock_hub) -> None:
    """The commit, the documents' digests and the structure (written by the lock and
    fingerprint features) are read back from a well-formed entry, not refused."""
    from licheck.model import StructuralFacts

    cache = Cache(tmp_path)
    source = HubSource(cache=cache, corpus=corpus(), timeout=5.0)
    facts = ModelFacts(ref=REF, id="acme/model", source="hub", declared_licence="mit",
                       commit="a" * 40, documents={"cardData": "sha256:" + "1" * 64},
                       structure=StructuralFacts(layers=80, hidden=8192))
    _plant(cache, source.cache_key(REF), facts_to_json(facts), time.time())
    again = source.fetch(REF)
    assert isinstance(again, ModelFacts) and mock_hub.count() == 0
    assert (again.commit, again.documents, again.structure) == (facts.commit, facts.documents, facts.structure)


def test_a_remembered_miss_with_a_junk_time_is_no_traceback(tmp_path: Path) -> None:
    """Defect 8: a 'not found' entry with a far-future time crashed datetime offline."""
    cache = Cache(tmp_path)
    source = HubSource(cache=cache, offline=True, corpus=corpus())
    _plant(cache, source._missing_key(REF), "not found on the Hub", 1e300)
    result = source.fetch(REF)
    assert not isinstance(result, ModelFacts)


def test_only_the_hub_source_reads_the_cache() -> None:
    """Defect 8: installed data (rules, licences, catalogue) is never read from the cache
    folder: only the Hub source (and the environment that builds it) use licheck.cache."""
    users = set()
    for path in (ROOT / "licheck").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "licheck.cache":
                users.add(path.relative_to(ROOT / "licheck").as_posix())
    assert users <= {"env.py", "sources/hub.py", "sources/registry.py"}, users


def test_cache_dir_in_the_config_is_where_the_cache_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         mock_hub) -> None:
    """Defect 11: with cache_dir configured, nothing went there (a store went to ~/.cache)."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("LICHECK_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    mock_hub.add_repo("acme/model", {"license": "mit"})
    config = Config(cache_dir=str(tmp_path / "mine"))
    env = env_for(config)
    assert env.cache.directory == tmp_path / "mine"
    run_check(["acme/model"], config=config)
    assert list((tmp_path / "mine").rglob("*.json"))
    assert not (home / ".cache" / "licheck").exists()


# --- one capped reader (defect 15) ---------------------------------------------------------

def _within(seconds: float, fn) -> object:
    """Run fn in a thread; fail (not hang) if it has not returned in time."""
    box: list[object] = []
    worker = threading.Thread(target=lambda: box.append(_catch(fn)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still reading after {seconds} s"
    return box[0]


def _catch(fn) -> object:
    try:
        return fn()
    except LicheckError as exc:
        return exc


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero-symlink"])
def test_a_fifo_or_dev_zero_at_a_cache_entry_is_a_miss_without_blocking(tmp_path: Path, kind: str) -> None:
    """Defect 15: a FIFO blocked for ever; a /dev/zero symlink read until memory ran out."""
    cache = Cache(tmp_path)
    path = cache._path("k")
    path.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    assert _within(5, lambda: cache.get("k", allow_stale=True)) is None
    assert _within(5, cache.problems) == []
    assert _within(5, cache.keys) == []   # the typo suggestions' walk of every entry too


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("name", ["LICENSE", "config.json", "adapter_config.json", "README.md"])
def test_a_fifo_in_a_model_folder_never_blocks(tmp_path: Path, name: str) -> None:
    """Defect 15: every file in a model folder goes through the one reader."""
    from licheck.sources.local import LocalDirSource

    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n") if name != "README.md" else None
    os.mkfifo(folder / name)
    _within(5, lambda: LocalDirSource().fetch(ModelRef("path", str(folder))))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_read_capped_refuses_devices_and_symlinks_to_them(tmp_path: Path) -> None:
    link = tmp_path / "entry.json"
    link.symlink_to("/dev/zero")
    for path in ("/dev/zero", link):
        result = _within(5, lambda p=path: read_capped(p, 1024))
        assert isinstance(result, InputError) and "not a regular file" in str(result)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_manifest_path_that_is_not_a_folder_or_file_is_exit_2(special: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 17: `path: /dev/zero` or a FIFO in a manifest was a warning and exit 0."""
    monkeypatch.chdir(tmp_path)
    target = special
    if special == "fifo":
        os.mkfifo("pipe")
        target = "pipe"
    Path("m.yaml").write_text(f"models:\n  - path: {target}\n")
    result = _within(10, lambda: run_check(["m.yaml"], offline=True))
    assert isinstance(result, LicheckError), result
    assert str(result).startswith("m.yaml:2: ")
