"""Reading licheck's data files: the pre-parsed form a wheel carries (`licheck.data`) gives
exactly what parsing the YAML gives, and only for the bytes it was built from."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from licheck import data
from licheck.errors import LicheckError
from licheck.yamldoc import YamlInt, YamlList, YamlMap, from_json, to_json
from licheck.yamlload import load_yaml, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = [path for name in data.FOLDERS for path in data.yaml_files(ROOT / name)]


def assert_same(got: Any, want: Any, where: str = "") -> None:
    """Equal values of the same types, with the same line numbers throughout."""
    assert type(got) is type(want), f"{where}: {type(got).__name__} != {type(want).__name__}"
    if isinstance(want, YamlMap):
        assert (got.line, list(got), got.key_lines) == (want.line, list(want), want.key_lines), where
        for (got_key, got_value), (want_key, want_value) in zip(got.items(), want.items(), strict=True):
            assert_same(got_key, want_key, f"{where}/key {want_key!r}")
            assert_same(got_value, want_value, f"{where}/{want_key}")
    elif isinstance(want, YamlList):
        assert (got.line, got.item_lines, len(got)) == (want.line, want.item_lines, len(want)), where
        for i, (got_item, want_item) in enumerate(zip(got, want, strict=True)):
            assert_same(got_item, want_item, f"{where}[{i}]")
    elif isinstance(want, YamlInt):
        assert (int(got), got.text) == (int(want), want.text), where
    elif isinstance(want, float) and math.isnan(want):
        assert math.isnan(got), where
    else:
        assert got == want, where


@pytest.fixture
def parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pre-parsed folder built from this checkout's data, as the wheel's is, in use."""
    out = tmp_path / "parsed"
    assert data.build_parsed([ROOT / name for name in data.FOLDERS], out) == len(BUNDLED)
    monkeypatch.setattr(data, "_parsed_dir", lambda: out)
    return out


def _no_yaml_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed YAML although a pre-parsed document was there")
    monkeypatch.setattr(data, "parse_yaml", refuse)


def test_there_is_bundled_data_to_check() -> None:
    folders = {path.relative_to(ROOT).parts[0] for path in BUNDLED}
    assert folders == set(data.FOLDERS)
    assert any(path.parent.name == "models" for path in BUNDLED)   # catalogue/models/*.yml


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_json_form_of_every_bundled_file_is_its_yaml_parse(path: Path) -> None:
    doc = load_yaml(path)
    assert_same(from_json(json.dumps(to_json(doc))), doc, path.name)


def test_the_json_form_keeps_what_yaml_gives_beyond_strings() -> None:
    doc = parse_yaml("a: 0o17\nb: 0x1F\n7b: [2024-07-23, 2024-07-23 10:00:00+02:00]\n"
                     "c: {d: .nan, e: -.inf, f: null, g: true, 1.5: x}\n", "x.yml")
    assert isinstance(doc["b"], YamlInt) and 7 not in doc   # `7b` is a string key, 1.5 a float
    assert_same(from_json(json.dumps(to_json(doc))), doc)
    with pytest.raises(TypeError):
        to_json({"a plain dict": "is not a parsed document"})


def test_every_bundled_file_is_read_pre_parsed_and_equal_to_its_yaml(
        parsed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    want = {path: load_yaml(path) for path in BUNDLED}
    _no_yaml_parse(monkeypatch)
    for path in BUNDLED:
        assert_same(data.load_data_yaml(path), want[path], path.name)


def test_an_edited_file_is_parsed_again(parsed: Path, tmp_path: Path) -> None:
    source = ROOT / "licences" / "mit.yml"
    edited = tmp_path / "mit.yml"
    edited.write_bytes(source.read_bytes().replace(b'name: "MIT License"', b'name: "MIT (edited)"', 1))
    assert data.load_data_yaml(edited)["name"] == "MIT (edited)"
    assert_same(data.load_data_yaml(edited), load_yaml(edited))
    assert data.load_data_yaml(source)["name"] != "MIT (edited)"


def test_an_entry_whose_digest_does_not_match_is_ignored(parsed: Path) -> None:
    source = ROOT / "licences" / "mit.yml"
    entry = parsed / f"{hashlib.sha256(source.read_bytes()).hexdigest()}.json"
    header, _, body = entry.read_text(encoding="utf-8").partition("\n")
    forged = body.replace('"MIT License"', '"not the MIT licence"', 1)
    assert forged != body
    # Filed under this file's digest, but its header names another file's bytes.
    entry.write_text(json.dumps({"sha256": "0" * 64}) + "\n" + forged, encoding="utf-8")
    assert_same(data.load_data_yaml(source), load_yaml(source))
    # The same forged body under the right header is used: the header is what is checked.
    entry.write_text(header + "\n" + forged, encoding="utf-8")
    assert data.load_data_yaml(source)["name"] == "not the MIT licence"


@pytest.mark.parametrize("damage", ["", "{", '{"sha256": 1}\n{}', "not json\n[]",
                                    '{"sha256": "DIGEST"}\n{"m": 1, "k": ["a", 1]}',
                                    '{"sha256": "DIGEST"}\n{"q": 1}'])
def test_a_damaged_entry_is_no_entry(parsed: Path, damage: str) -> None:
    source = ROOT / "licences" / "apache-2.0.yml"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    (parsed / f"{digest}.json").write_text(damage.replace("DIGEST", digest), encoding="utf-8")
    assert_same(data.load_data_yaml(source), load_yaml(source))


@pytest.mark.parametrize("content", [b"a: [1, 2\n", b"a: 1\na: 2\n", b"ok: \xff\n", b"- x\n" * 2_000_000])
def test_a_file_that_does_not_parse_fails_as_load_yaml_fails(parsed: Path, tmp_path: Path,
                                                             content: bytes) -> None:
    path = tmp_path / "broken.yml"
    path.write_bytes(content)
    with pytest.raises(LicheckError) as direct:
        load_yaml(path)
    with pytest.raises(LicheckError) as through_data:
        data.load_data_yaml(path)
    assert str(through_data.value) == str(direct.value)
    assert (through_data.value.path, through_data.value.line) == (direct.value.path, direct.value.line)


def test_without_a_pre_parsed_folder_every_file_is_parsed(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # A source checkout or an editable install: no `_data/parsed` beside the package.
    monkeypatch.setattr(data, "PARSED", tmp_path / "no-such-folder")
    data._parsed_dir.cache_clear()
    parsed: list[Path] = []
    monkeypatch.setattr(data, "parse_yaml", lambda text, path: parsed.append(Path(path)) or parse_yaml(text, path))
    try:
        assert data._parsed_dir() is None
        for path in BUNDLED[:3]:
            assert_same(data.load_data_yaml(path), load_yaml(path))
        assert parsed == BUNDLED[:3]
    finally:
        data._parsed_dir.cache_clear()


_NO_YAML = """
import sys
from pathlib import Path
import licheck.data
licheck.data.PARSED = Path(sys.argv[1])
from licheck.cli import main
code = main(sys.argv[2:])
assert code == 0, code
assert "yaml" not in sys.modules, "imported PyYAML"
"""


@pytest.mark.slow  # starts processes
@pytest.mark.parametrize("argv", [["licences"], ["explain", "llama3.1/naming"],
                                  ["resolve", "--offline", "meta-llama/Llama-3.1-8B-Instruct"]])
def test_with_pre_parsed_data_and_no_config_no_command_imports_pyyaml(
        tmp_path: Path, argv: list[str]) -> None:
    out = tmp_path / "parsed"
    data.build_parsed([ROOT / name for name in data.FOLDERS], out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", _NO_YAML, str(out), *argv], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    # And a config file is read (with PyYAML) when there is one.
    (tmp_path / ".licheck.yaml").write_text("offline: true\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", _NO_YAML, str(out), *argv], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert "imported PyYAML" in run.stderr
