from __future__ import annotations

import threading
import time
from pathlib import Path

from licheck.cache import Cache, default_cache_dir


def test_round_trip_and_ttl(tmp_path: Path) -> None:
    cache = Cache(tmp_path, ttl=3600)
    assert cache.get("k") is None
    assert cache.put("k", {"a": [1, 2]})
    entry = cache.get("k")
    assert entry is not None and entry.value == {"a": [1, 2]} and not entry.stale
    expired = Cache(tmp_path, ttl=0)
    time.sleep(0.01)
    assert expired.get("k") is None
    stale = expired.get("k", allow_stale=True)
    assert stale is not None and stale.stale


def test_corrupt_entry_is_a_miss_and_removed(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("k", {"x": 1})
    files = list(tmp_path.rglob("*.json"))
    assert len(files) == 1
    files[0].write_text('{"version": 1, "key": "k", "stor')
    assert cache.get("k") is None
    assert not files[0].exists()
    assert cache.put("k", {"x": 2}) and cache.get("k").value == {"x": 2}  # type: ignore[union-attr]


def test_hostile_keys_stay_inside_the_cache(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    for key in ("../../../etc/passwd", "/abs", "a\x00b", "x" * 5000):
        assert cache.put(key, 1)
    for path in (tmp_path / "c").rglob("*"):
        assert path.resolve().is_relative_to((tmp_path / "c").resolve())
    assert not (tmp_path / "etc").exists()


def test_concurrent_writers_never_expose_partial_entries(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    payload = {"text": "y" * 50_000}
    errors: list[str] = []

    def writer() -> None:
        for _ in range(20):
            cache.put("shared", payload)

    def reader() -> None:
        for _ in range(200):
            entry = cache.get("shared")
            if entry is not None and entry.value != payload:
                errors.append("partial")

    threads = [threading.Thread(target=writer) for _ in range(3)] + [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [cache._path("shared").name]
    assert cache.problems() == []   # which also looks for temporary files left behind


def test_cache_dir_from_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LICHECK_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("LICHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "licheck"


def test_problems_names_what_is_not_intact(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert cache.put("good", {"a": 1})
    assert cache.problems() == []
    entry = cache._path("good")
    (entry.parent / f".{entry.name}.x1y2.tmp").write_text("{", encoding="utf-8")   # a writer died
    entry.write_text('{"version": 1}', encoding="utf-8")
    (tmp_path / "torn.json").write_text('{"version": ', encoding="utf-8")
    assert sorted(cache.problems()) == sorted([f"temporary file left: .{entry.name}.x1y2.tmp",
                                               f"{entry.name}: not a cache entry",
                                               "torn.json: JSONDecodeError"])


def test_no_home_means_no_cache_not_a_crash(monkeypatch, tmp_path: Path) -> None:
    def homeless() -> Path:
        raise KeyError("getpwuid(): uid not found: 12345")

    monkeypatch.delenv("LICHECK_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")   # so expanduser cannot help either
    monkeypatch.setattr(Path, "home", staticmethod(homeless))
    cache = Cache()
    assert not cache.put("k", 1)
    assert cache.get("k") is None

