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
