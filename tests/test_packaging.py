"""The built wheel carries its own data: installed into a fresh environment and run from
another directory, licheck still finds its licences, rules and catalogue.

The wheel is built without build isolation and installed with --no-index, so nothing is
downloaded; the fresh venv borrows the test environment's installed dependencies through a
`.pth` file (a path line only: that folder's own `.pth` files, such as an editable install of
licheck, are not processed), so licheck comes from the wheel alone. Not
--system-site-packages: that borrows the base interpreter's packages, which a fresh machine
does not have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # builds and installs a wheel

pytest.importorskip("hatchling", reason="hatchling (a test extra) builds the wheel")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(work / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next((work / "dist").glob("licheck-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
         "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    if install.returncode != 0 and "no such option: --python" in install.stderr:
        pytest.skip("this pip cannot install into another environment (--python needs pip 22.3)")
    assert install.returncode == 0, install.stderr
    # After the install: pip would otherwise see the test venv's licheck and keep it.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    borrowed = dict.fromkeys(sysconfig.get_path(name) for name in ("purelib", "platlib"))
    (Path(site) / "borrowed-test-deps.pth").write_text("\n".join(borrowed) + "\n", encoding="utf-8")
    return python


def _run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": "", "PYTHONSAFEPATH": "1"}
    return subprocess.run([str(python), "-m", "licheck", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_wheel_finds_its_data_from_another_directory(installed: Path, tmp_path: Path) -> None:
    where = _run(installed, "--version", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    located = subprocess.run(
        [str(installed), "-c", "import licheck, licheck.data as d; print(licheck.__file__); "
         "print(d.data_dir('licences')); print(d.data_dir('rules')); print(d.data_dir('catalogue'))"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": "", "PYTHONSAFEPATH": "1"})
    assert located.returncode == 0, located.stderr
    package, *folders = located.stdout.split()
    assert not Path(package).is_relative_to(ROOT), "imported the checkout, not the wheel"
    assert Path(package).is_relative_to(installed.parents[1]), "imported a licheck not from the wheel"
    for folder in folders:
        assert Path(folder).is_relative_to(Path(package).parent), folder

    listed = _run(installed, "licences", "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    ids = {entry["id"] for entry in json.loads(listed.stdout)["licences"]}
    assert {"llama3.1", "apache-2.0", "gemma-aup"} <= ids

    explained = _run(installed, "explain", "llama3.1/naming", cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    assert "Llama" in explained.stdout

    resolved = _run(installed, "resolve", "--offline", "--format", "json",
                    "meta-llama/Llama-3.1-8B-Instruct", cwd=tmp_path)
    assert resolved.returncode == 0, resolved.stderr
    assert json.loads(resolved.stdout)["licences"] == ["llama3.1"]


def test_wheel_carries_the_identify_index_pre_built(installed: Path, tmp_path: Path) -> None:
    # Every bundled text is found in it by its bytes, under the installed matching code.
    script = ("from licheck.licences import default_corpus; from licheck.matching import prebuilt; "
              "from licheck.matching.index import sha256; known = prebuilt.bundled(); "
              "print(sum(sha256(p.read_bytes()) not in known.texts "
              "for lic in default_corpus() for p in lic.texts), len(known.texts))")
    counted = subprocess.run([str(installed), "-c", script], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60, env={**os.environ, "PYTHONPATH": "", "PYTHONSAFEPATH": "1"})
    assert counted.returncode == 0, counted.stderr
    missing, carried = map(int, counted.stdout.split())
    assert missing == 0 and carried > 0
    identified = _run(installed, "identify", str(ROOT / "licences" / "llama3.1.txt"), cwd=tmp_path)
    assert identified.returncode == 0 and ": llama3.1  (matcher: exact" in identified.stdout


def _package_dir(python: Path, tmp_path: Path) -> Path:
    located = subprocess.run([str(python), "-c", "import licheck; print(licheck.__file__)"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60,
                             env={**os.environ, "PYTHONPATH": "", "PYTHONSAFEPATH": "1"})
    assert located.returncode == 0, located.stderr
    return Path(located.stdout.strip()).parent


def test_wheel_carries_every_bundled_data_file_pre_parsed(installed: Path, tmp_path: Path) -> None:
    parsed = _package_dir(installed, tmp_path) / "_data" / "parsed"
    sources = {json.loads(entry.read_text(encoding="utf-8").partition("\n")[0])["source"]
               for entry in parsed.glob("*.json")}
    bundled = {path.relative_to(ROOT).as_posix() for name in ("licences", "rules", "catalogue", "vocabularies")
               for path in (ROOT / name).rglob("*") if path.suffix in (".yml", ".yaml")}
    assert sources == bundled


def test_an_installed_data_file_edited_after_the_build_is_read_as_edited(installed: Path,
                                                                         tmp_path: Path) -> None:
    metadata = _package_dir(installed, tmp_path) / "_data" / "licences" / "mit.yml"
    original = metadata.read_bytes()
    try:
        metadata.write_bytes(original.replace(b'name: "MIT License"', b'name: "MIT, edited"', 1))
        listed = _run(installed, "licences", "--format", "json", cwd=tmp_path)
        assert listed.returncode == 0, listed.stderr
        names = {entry["id"]: entry["name"] for entry in json.loads(listed.stdout)["licences"]}
        assert names["mit"] == "MIT, edited"
        metadata.write_bytes(original.replace(b"kind:", b"knid:", 1))
        broken = _run(installed, "licences", cwd=tmp_path)
        assert broken.returncode == 2 and "mit.yml:" in broken.stderr and "knid" in broken.stderr
    finally:
        metadata.write_bytes(original)
    listed = _run(installed, "licences", "--format", "json", cwd=tmp_path)
    assert {e["id"]: e["name"] for e in json.loads(listed.stdout)["licences"]}["mit"] == "MIT License"


# What the build's check made of each file: the same objects a full check gives, taken only for
# the bytes the build checked; and no wheel is built from a bad data file.

_SAME_OBJECTS = """
from pathlib import Path
import licheck.data as data
from licheck import licences, schema, uses
from licheck.catalogue import load_catalogue
from licheck.fingerprints import load_fingerprints
from licheck.rules.loader import Rulebook

checks = 0
problems = schema.Schema.problems
def counted(*args, **kwargs):
    global checks
    checks += 1
    return problems(*args, **kwargs)
schema.Schema.problems = counted

def everything():
    licences._bundled.cache_clear()
    corpus = licences.load_corpus()
    catalogue = load_catalogue(licences=corpus, whole=True)
    return [list(corpus), list(Rulebook(corpus)), catalogue.entries(),
            load_catalogue(licences=corpus).entries(),
            [(name, catalogue.ollama_target(name)) for name in catalogue.ollama_names()],
            load_fingerprints(licences=corpus),
            [uses.load_vocabulary(data.data_dir("vocabularies") / f"{name}.yml") for name in uses.VOCABULARIES]]

installed = everything()
assert checks == 0, f"{checks} schema checks from the wheel's checked data"
data.PARSED = Path("no-such-folder")   # as a source checkout reads it: every file checked
data._parsed_dir.cache_clear()
checked = everything()
assert checks > 1000, checks
assert installed == checked
assert [lic.texts for lic in installed[0]] == [lic.texts for lic in checked[0]]
assert [rule.path for rule in installed[1]] == [rule.path for rule in checked[1]]
print(sum(len(part) if isinstance(part, list) else len(part.fingerprints) for part in installed))
"""


def test_the_wheel_s_checked_data_is_what_a_full_check_gives(installed: Path, tmp_path: Path) -> None:
    run = subprocess.run([str(installed), "-c", _SAME_OBJECTS], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": "", "PYTHONSAFEPATH": "1"})
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 1500   # licences, rules, catalogue entries, fingerprints, ...


def _entry_of(package: Path, path: Path) -> Path:
    import hashlib

    return package / "_data" / "parsed" / f"{hashlib.sha256(path.read_bytes()).hexdigest()}.kept.json"


def test_a_tampered_entry_or_an_edited_rule_file_is_checked_in_full(installed: Path, tmp_path: Path) -> None:
    package = _package_dir(installed, tmp_path)
    rules = package / "_data" / "rules" / "llama3.1.yml"
    entry = _entry_of(package, rules)
    title = b"A distributed derived model's name must begin with"
    original_entry, original_rules = entry.read_bytes(), rules.read_bytes()
    assert title in original_entry and title in original_rules
    try:
        # The entry's objects changed behind its header's back: not taken, the file is checked.
        entry.write_bytes(original_entry.replace(title, title.upper(), 1))
        explained = _run(installed, "explain", "llama3.1/naming", cwd=tmp_path)
        assert explained.returncode == 0, explained.stderr
        assert title.decode() in explained.stdout and title.upper().decode() not in explained.stdout
        # The rule file edited after the build: read as edited, and checked.
        rules.write_bytes(original_rules.replace(title, b"Edited, " + title, 1))
        explained = _run(installed, "explain", "llama3.1/naming", cwd=tmp_path)
        assert explained.returncode == 0, explained.stderr
        assert "Edited, " + title.decode() in explained.stdout
        rules.write_bytes(original_rules.replace(b"create, train, fine tune", b"create, train, finetune", 1))
        broken = _run(installed, "explain", "llama3.1/naming", cwd=tmp_path)
        assert broken.returncode == 2 and "llama3.1.yml:" in broken.stderr and "not in the text" in broken.stderr
    finally:
        entry.write_bytes(original_entry)
        rules.write_bytes(original_rules)


def _tree_copy(dest: Path) -> Path:
    """The files a wheel is built from, copied (no .git, no tests)."""
    import shutil

    for name in ("licheck", "licences", "rules", "catalogue", "vocabularies"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "hatch_build.py", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.mark.parametrize(("damage", "said"), [
    ("quote", "rules/llama3.1.yml:{line}: the quote is not in the text of 'llama3.1'"),
    ("unread", "catalogue/stray.yml: no loader reads this file"),
])
def test_no_wheel_is_built_from_a_bad_data_file(tmp_path: Path, damage: str, said: str) -> None:
    tree = _tree_copy(tmp_path / "tree")
    line = None
    if damage == "quote":
        rules = tree / "rules" / "llama3.1.yml"
        text = rules.read_text(encoding="utf-8")
        rules.write_text(text.replace("create, train, fine tune", "create, train, finetune", 1), encoding="utf-8")
        rows = text.splitlines()
        at = next(i for i, row in enumerate(rows) if "create, train, fine tune" in row)
        line = max(i for i, row in enumerate(rows[:at], 1) if row.strip().startswith("quote:"))
    else:
        (tree / "catalogue" / "stray.yml").write_text("models: []\n", encoding="utf-8")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(tree)], capture_output=True, text=True, timeout=300)
    assert build.returncode != 0
    assert said.format(line=line) in build.stdout + build.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))
