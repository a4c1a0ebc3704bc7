"""Reading licheck's data files: the pre-parsed form a wheel carries (`licheck.data`) gives
exactly what parsing the YAML gives, and only for the bytes it was built from; what the build's
check made of each file (`licheck.databuild`, `licheck.data.proven`) is exactly what checking
the file gives, and is taken only for a bundled file with the bytes (and licence texts) the
build checked: anything else is checked in full."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from licheck import data, databuild, licences, schema, uses
from licheck.catalogue import load_catalogue
from licheck.errors import DataError, LicheckError, RuleFileError
from licheck.fingerprints import load_fingerprints
from licheck.licences import Licence
from licheck.model import Severity
from licheck.rules import loader
from licheck.rules.loader import Rulebook
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


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "parsed"
    assert databuild.build(out) == len(BUNDLED)
    return out


@pytest.fixture
def parsed(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A pre-parsed folder built from this checkout's data, as the wheel's is, in use (a copy
    for each test to damage as it likes)."""
    out = shutil.copytree(built, tmp_path / "parsed")
    monkeypatch.setattr(data, "_parsed_dir", lambda: out)
    licences._bundled.cache_clear()   # read the corpus through them, not from an earlier test
    yield out
    licences._bundled.cache_clear()


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
    databuild.build(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", _NO_YAML, str(out), *argv], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    # And a config file is read (with PyYAML) when there is one.
    (tmp_path / ".licheck.yaml").write_text("offline: true\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", _NO_YAML, str(out), *argv], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert "imported PyYAML" in run.stderr


# --- what the build's check made of each file ------------------------------------------------

def _everything() -> list[Any]:
    """Every bundled file, read by the loader that reads it at run time."""
    licences._bundled.cache_clear()
    corpus = licences.load_corpus()
    catalogue = load_catalogue(licences=corpus, whole=True)
    lazy = load_catalogue(licences=corpus)
    return [list(corpus), list(Rulebook(corpus)), catalogue.entries(), lazy.entries(),
            [(name, catalogue.ollama_target(name)) for name in catalogue.ollama_names()],
            [catalogue.org(org) for org in ("meta-llama", "CohereForAI", "google")],
            load_fingerprints(licences=corpus),
            [uses.load_vocabulary(ROOT / "vocabularies" / f"{name}.yml") for name in uses.VOCABULARIES]]


class _Checks:
    """Counts the schema checks the loaders make."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        problems = schema.Schema.problems

        def counted(this: schema.Schema, *args: Any, **kwargs: Any) -> list[schema.Problem]:
            self.count += 1
            return problems(this, *args, **kwargs)
        monkeypatch.setattr(schema.Schema, "problems", counted)


def test_the_build_s_objects_are_what_checking_every_file_gives_and_nothing_is_checked_again(
        parsed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checks = _Checks(monkeypatch)
    with monkeypatch.context() as source_checkout:
        source_checkout.setattr(data, "_parsed_dir", lambda: None)
        want = _everything()
    assert checks.count > 1000   # the full check of every file
    checks.count = 0
    _no_yaml_parse(monkeypatch)
    got = _everything()
    assert checks.count == 0
    assert got == want
    # Exactly the same types and paths, down to a rule's path and a licence's texts.
    rule, wanted_rule = got[1][0], want[1][0]
    assert (type(rule.path), rule.path, rule.params) == (type(wanted_rule.path), wanted_rule.path, wanted_rule.params)
    assert all(lic.texts == old.texts and lic.metadata_path == old.metadata_path
               for lic, old in zip(got[0], want[0], strict=True))


def test_every_bundled_file_has_the_build_s_objects(parsed: Path) -> None:
    names = {json.loads(entry.read_bytes().partition(b"\n")[0])["source"] for entry in parsed.glob("*.kept.json")}
    assert names == {path.relative_to(ROOT).as_posix() for path in BUNDLED}


def _entry(parsed: Path, path: Path) -> Path:
    return parsed / f"{hashlib.sha256(path.read_bytes()).hexdigest()}.kept.json"


@pytest.mark.parametrize("tamper", ["body", "source", "depends", "garbage"])
def test_a_tampered_entry_is_no_entry_and_the_file_is_checked(parsed: Path, monkeypatch: pytest.MonkeyPatch,
                                                              tamper: str) -> None:
    source = ROOT / "rules" / "llama3.1.yml"
    corpus = licences.load_corpus()
    want = Rulebook(corpus).rules_for("llama3.1")
    entry = _entry(parsed, source)
    header_line, _, body = entry.read_bytes().partition(b"\n")
    header = json.loads(header_line)
    title = want[0].title.encode("utf-8")
    assert title in body
    forged = body.replace(title, title.upper(), 1)   # a well-formed pickle of other rules
    if tamper == "body":
        entry.write_bytes(header_line + b"\n" + forged)
    elif tamper == "garbage":
        entry.write_bytes(header_line + b"\n" + body[: len(body) // 2])
    else:
        header["body"] = hashlib.sha256(forged).hexdigest()
        header[tamper] = "rules/llama3.yml" if tamper == "source" else ["0" * 64]
        entry.write_bytes(json.dumps(header).encode("utf-8") + b"\n" + forged)
    checks = _Checks(monkeypatch)
    assert Rulebook(corpus).rules_for("llama3.1") == want
    assert checks.count > 0
    # The forged body under a header that matches it is taken: the header is what is checked.
    header = {**json.loads(header_line), "body": hashlib.sha256(forged).hexdigest()}
    entry.write_bytes(json.dumps(header).encode("utf-8") + b"\n" + forged)
    assert Rulebook(corpus).rules_for("llama3.1")[0].title == want[0].title.upper()


def _as_bundled(monkeypatch: pytest.MonkeyPatch, folder: str, where: Path) -> None:
    """Make `where` the bundled `folder` as far as the pre-parsed entries (and the rule files'
    vocabularies) are concerned."""
    data_dir = data.data_dir

    def moved(name: str) -> Path:
        return where if name == folder else data_dir(name)
    monkeypatch.setattr(data, "data_dir", moved)
    monkeypatch.setattr(loader, "data_dir", moved)


def test_a_bundled_file_edited_after_the_build_is_checked_in_full(parsed: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "licences"
    folder.mkdir()
    texts = [path.name for path in licences.default_corpus()["mit"].texts]
    for name in ("mit.yml", *texts):
        (folder / name).write_bytes((ROOT / "licences" / name).read_bytes())
    _as_bundled(monkeypatch, "licences", folder)
    checks = _Checks(monkeypatch)
    as_built = licences._load_one(folder / "mit.yml")   # the same bytes: the build's object
    assert checks.count == 0 and as_built.metadata_path == folder / "mit.yml"
    assert as_built.texts == tuple(folder / name for name in texts)
    original = (folder / "mit.yml").read_bytes()
    (folder / "mit.yml").write_bytes(original.replace(b'name: "MIT License"', b'name: "MIT, edited"', 1))
    assert licences._load_one(folder / "mit.yml").name == "MIT, edited"
    assert checks.count > 0
    (folder / "mit.yml").write_bytes(original.replace(b"kind:", b"knid:", 1))
    with pytest.raises(DataError) as broken:
        licences._load_one(folder / "mit.yml")
    assert str(broken.value.path) == str(folder / "mit.yml") and broken.value.line and "knid" in broken.value.message


def test_a_user_s_file_is_checked_in_full_even_with_a_bundled_file_s_bytes(
        parsed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in (ROOT / "licences" / "mit.yml", *licences.default_corpus()["mit"].texts):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    checks = _Checks(monkeypatch)
    licence = licences._load_one(tmp_path / "mit.yml")
    assert checks.count > 0 and licence.metadata_path == tmp_path / "mit.yml"
    (tmp_path / "mit.yml").write_bytes((ROOT / "licences" / "mit.yml").read_bytes().replace(b"kind:", b"knid:", 1))
    with pytest.raises(DataError, match="knid"):
        licences._load_one(tmp_path / "mit.yml")


def test_bundled_rules_are_checked_again_against_a_user_s_text_of_their_licence(
        parsed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A user's folder replaces the bundled llama3.1 licence; its rules' quotes are checked
    # against the user's text, whatever the build checked them against.
    (tmp_path / "llama3.1.yml").write_bytes((ROOT / "licences" / "llama3.1.yml").read_bytes())
    text = (ROOT / "licences" / "llama3.1.txt").read_text(encoding="utf-8")
    (tmp_path / "llama3.1.txt").write_text(text, encoding="utf-8")
    corpus = licences.load_corpus([tmp_path])
    checks = _Checks(monkeypatch)
    same_text = Rulebook(corpus).rules_for("llama3.1")
    assert same_text and checks.count == 0   # the very texts the build checked the quotes against
    quote = same_text[0].quote
    (tmp_path / "llama3.1.txt").write_text(text.replace(quote.split()[0], "CHANGED", 1), encoding="utf-8")
    with pytest.raises(RuleFileError) as error:
        Rulebook(licences.load_corpus([tmp_path])).rules_for("llama3.1")
    assert "not in the text of 'llama3.1'" in error.value.message
    assert error.value.path == str(ROOT / "rules" / "llama3.1.yml") and error.value.line


def test_bundled_rules_are_checked_again_when_a_vocabulary_is_not_the_one_they_were_checked_with(
        parsed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = licences.load_corpus()
    checks = _Checks(monkeypatch)
    want = Rulebook(corpus).rules_for("llama3.1")
    assert checks.count == 0
    folder = tmp_path / "vocabularies"
    folder.mkdir()
    for name in uses.VOCABULARIES:
        (folder / f"{name}.yml").write_bytes((ROOT / "vocabularies" / f"{name}.yml").read_bytes())
    with (folder / "sectors.yml").open("a", encoding="utf-8") as fh:
        fh.write("# edited after the build\n")
    _as_bundled(monkeypatch, "vocabularies", folder)
    assert Rulebook(corpus).rules_for("llama3.1") == want
    assert checks.count > 0


def test_the_json_form_of_what_a_loader_made_keeps_it_exactly(tmp_path: Path) -> None:
    path = tmp_path / "rules" / "x.yml"
    yaml_value = parse_yaml("a: [1, 0o17, 2024-07-23]\n", "x.yml")
    made = ((1, (path, path.parent / "x.txt"), str(path)), {"k": (None, 1.5, True), 7: ()}, Severity.ERROR,
            Licence("x", "X", "permissive", (path.parent / "x.txt",), aliases=("a", "b")), yaml_value)
    body = json.dumps(data._to_kept(made, str(path), path.parent)).encode("utf-8")
    elsewhere = tmp_path / "installed" / "rules" / "x.yml"
    got = data._from_kept(body, elsewhere, {"Severity": Severity, "Licence": Licence})
    assert got == ((1, (elsewhere, elsewhere.parent / "x.txt"), str(elsewhere)), {"k": (None, 1.5, True), 7: ()},
                   Severity.ERROR, Licence("x", "X", "permissive", (elsewhere.parent / "x.txt",), aliases=("a", "b")),
                   yaml_value)
    assert type(got[2]) is Severity and type(got[3].aliases) is tuple
    assert_same(got[4], yaml_value)
    with pytest.raises(KeyError):   # only the classes the loader names are made
        data._from_kept(body, elsewhere, {"Severity": Severity})
    with pytest.raises(TypeError, match="not beside it"):
        data._to_kept((path.parent.parent / "elsewhere.txt",), str(path), path.parent)
    with pytest.raises(TypeError, match="a list"):   # an array is a tuple: a list would come back as one
        data._to_kept(("a", ["b"]), str(path), path.parent)
