"""Parsed data files kept between runs (licheck.datacache, licheck.yamldoc).

A document rebuilt from the cache must be indistinguishable from a fresh parse (values,
types, and every line number that error messages and reports use); an edited file must be
parsed again; a damaged cache or one that cannot be written must change nothing but speed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from licheck import datacache
from licheck.cache import Cache
from licheck.data import data_dir
from licheck.datacache import PARSED_FORMAT, load_data_yaml
from licheck.errors import ConfigError, InputError
from licheck.yamldoc import NoJsonForm, YamlList, YamlMap, from_json, to_json
from licheck.yamlload import MAX_YAML_BYTES, load_yaml, parse_yaml


def same(a: Any, b: Any, where: str = "$") -> None:
    """`a` and `b` are equal, of the same types all the way down, with the same lines."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, YamlMap):
        assert list(a) == list(b), where
        assert (a.line, a.key_lines) == (b.line, b.key_lines), where
        for key in a:
            same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, YamlList):
        assert len(a) == len(b) and (a.line, a.item_lines) == (b.line, b.item_lines), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def bundled_yaml() -> list[Path]:
    files = [p for name in ("licences", "rules", "catalogue") for p in data_dir(name).rglob("*.y*ml")]
    assert len(files) > 90   # the test would prove little on a handful
    return sorted(files)


def test_every_bundled_file_survives_the_json_form() -> None:
    for path in bundled_yaml():
        doc = load_yaml(path)
        same(from_json(json.loads(json.dumps(to_json(doc)))), doc, path.name)


def test_scalars_keep_their_types() -> None:
    doc = parse_yaml("a: 2024-07-23\nb: 2024-07-23T10:00:00+02:00\nc: '2024-07-23'\n"
                     "d: yes\ne: true\nf: 1\ng: 1.5\nh: .inf\ni: ~\n7: [x, {y: 31}]\n", "t.yaml")
    back = from_json(json.loads(json.dumps(to_json(doc))))
    same(back, doc)
    assert isinstance(back["a"], dt.date) and back["c"] == "2024-07-23"
    assert back["b"].utcoffset() == dt.timedelta(hours=2)
    assert back[7][1].line_of("y") == 10


def test_values_without_a_json_form_are_refused() -> None:
    with pytest.raises(NoJsonForm):
        to_json(parse_yaml("blob: !!binary aGVsbG8=\n", "t.yaml"))
    with pytest.raises(NoJsonForm):
        to_json(parse_yaml("s: !!set {a, b}\n", "t.yaml"))
    # An integer written in another base keeps what was written, for validators to refuse;
    # a stored form would lose that, so such a document is parsed afresh every time.
    with pytest.raises(NoJsonForm):
        to_json(parse_yaml("n: 0770000000\n", "t.yaml"))


@pytest.mark.parametrize("bad", [
    ["M", 1, "key"],              # truncated mapping
    ["L", 1, 2],                  # truncated list
    ["X", 1],                     # unknown tag
    ["D", "2024-02-30"],          # impossible date
    {"a": 1},                     # not the form at all
    [],
])
def test_malformed_json_forms_raise_what_a_cache_reader_catches(bad: Any) -> None:
    with pytest.raises((ValueError, TypeError, KeyError, IndexError)):
        from_json(bad)


def store_file() -> Path:
    return Cache().directory / f"parsed-{PARSED_FORMAT}.json"


def test_cold_then_warm_give_the_same_document() -> None:
    path = data_dir("rules") / "llama3.1.yml"
    cold = load_data_yaml(path)
    assert len(json.loads(store_file().read_text(encoding="utf-8"))["docs"]) == 1
    datacache.forget()   # as a new process would: read the store from disk
    warm = load_data_yaml(path)
    assert warm is not cold
    same(warm, cold)
    same(warm, load_yaml(path))


def test_a_batch_writes_the_store_once_at_its_end() -> None:
    files = bundled_yaml()
    with datacache.batch():
        docs = [load_data_yaml(p) for p in files]
        assert not store_file().exists()
    assert len(json.loads(store_file().read_text(encoding="utf-8"))["docs"]) == len({p.read_bytes() for p in files})
    datacache.forget()
    for path, doc in zip(files, docs, strict=True):
        same(load_data_yaml(path), doc, path.name)


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "data.yml"
    path.write_text("name: first\n", encoding="utf-8")
    assert load_data_yaml(path) == {"name": "first"}
    stat = path.stat()
    path.write_text("name: other\n", encoding="utf-8")   # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))   # and the same mtime
    assert load_data_yaml(path) == {"name": "other"}
    datacache.forget()
    assert load_data_yaml(path) == {"name": "other"}


@pytest.mark.parametrize("damage", [
    lambda doc: doc["docs"].update({k: ["M", 1, "a"] for k in doc["docs"]}),   # a bad entry
    lambda doc: doc.update(format="yaml-0"),                                    # another format
    lambda doc: doc.update(docs=[]),                                            # not a mapping
])
def test_a_damaged_store_is_a_miss_and_is_rewritten(tmp_path: Path, damage: Any) -> None:
    path = tmp_path / "data.yml"
    path.write_text("a:\n  - 1\n  - two\nb: null\n", encoding="utf-8")
    first = load_data_yaml(path)
    doc = json.loads(store_file().read_text(encoding="utf-8"))
    damage(doc)
    store_file().write_text(json.dumps(doc), encoding="utf-8")
    datacache.forget()
    same(load_data_yaml(path), first)
    datacache.forget()
    assert json.loads(store_file().read_text(encoding="utf-8"))["format"] == PARSED_FORMAT
    same(load_data_yaml(path), first)


@pytest.mark.parametrize("content", [b"{truncated", b"", b"\xff\xfe", b"[" * 100_000])
def test_an_unreadable_store_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.yml"
    path.write_text("k: v\n", encoding="utf-8")
    store_file().parent.mkdir(parents=True, exist_ok=True)
    store_file().write_bytes(content)
    assert load_data_yaml(path) == {"k": "v"}


def test_an_empty_file_is_kept_too(tmp_path: Path) -> None:
    path = tmp_path / "empty.yml"
    path.write_text("# nothing\n", encoding="utf-8")
    assert load_data_yaml(path) is None
    datacache.forget()
    assert load_data_yaml(path) is None
    assert len(json.loads(store_file().read_text(encoding="utf-8"))["docs"]) == 1


def test_an_unwritable_cache_costs_only_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("LICHECK_CACHE_DIR", str(blocker / "cache"))
    path = data_dir("catalogue") / "orgs.yml"
    same(load_data_yaml(path), load_yaml(path))


def test_errors_are_those_of_load_yaml_and_nothing_is_kept(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as cached:
        load_data_yaml(bad)
    with pytest.raises(ConfigError) as plain:
        load_yaml(bad)
    assert str(cached.value) == str(plain.value) and ":2:" in str(cached.value)
    binary = tmp_path / "bin.yml"
    binary.write_text("blob: !!binary aGVsbG8=\n", encoding="utf-8")
    assert load_data_yaml(binary) == {"blob": b"hello"}   # right, just not kept
    assert not store_file().exists()
    big = tmp_path / "big.yml"
    big.write_bytes(b"#" * (MAX_YAML_BYTES + 1))
    with pytest.raises(InputError, match="reads at most"):
        load_data_yaml(big)
    with pytest.raises(InputError, match="no such file"):
        load_data_yaml(tmp_path / "missing.yml")


def test_the_store_keeps_what_was_used_last_when_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datacache, "MAX_STORE_DOCS", 3)
    files = []
    for i in range(5):
        path = tmp_path / f"v{i}.yml"
        path.write_text(f"version: {i}\n", encoding="utf-8")   # a rule file edited five times
        files.append(path)
        datacache.forget()   # each in a run of its own
        load_data_yaml(path)
    kept = json.loads(store_file().read_text(encoding="utf-8"))["docs"]
    assert len(kept) == 3
    assert [from_json(doc) for doc in kept.values()] == [{"version": 4}, {"version": 3}, {"version": 2}]
