"""`licheck identify` through click's CliRunner and, once, as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import cli, main

ROOT = Path(__file__).resolve().parents[2]
LICENCES = ROOT / "licences"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    licence = tmp_path / "LICENSE"
    licence.write_bytes((LICENCES / "llama3.2.txt").read_bytes())
    readme = tmp_path / "README.md"
    readme.write_text("# Model\n\nThis model is licensed under the Llama 3.1 Community License.\n")
    other = tmp_path / "NOTES.md"
    other.write_text("Nothing about licences here, just notes on training runs.\n")
    return {"licence": licence, "readme": readme, "other": other}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_json_matches_the_contract(files: dict[str, Path]) -> None:
    paths = [str(files[k]) for k in ("licence", "readme", "other")]
    code, out, _ = run("identify", "--format", "json", *paths)
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["schema_version", "results"] and doc["schema_version"] == 1
    assert [r["file"] for r in doc["results"]] == paths
    for r in doc["results"]:
        assert list(r) == ["file", "licence", "confidence", "matcher", "candidates"]
        assert 0.0 <= r["confidence"] <= 1.0
    first, second, third = doc["results"]
    assert (first["licence"], first["matcher"], first["confidence"]) == ("llama3.2", "exact", 1.0)
    assert first["candidates"][0] == {"licence": "llama3.2", "score": 1.0}
    assert (second["licence"], second["matcher"]) == ("llama3.1", "reference")
    assert (third["licence"], third["matcher"], third["confidence"]) == (None, None, 0.0)


def test_text_output(files: dict[str, Path]) -> None:
    code, out, _ = run("identify", str(files["licence"]), str(files["other"]))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{files['licence']}: llama3.2  (matcher: exact, confidence 1.00)"
    assert lines[1].startswith("  closest: llama3.2 1.000, ")
    assert f"{files['other']}: no match" in lines


def test_no_match_still_exits_0(files: dict[str, Path]) -> None:
    assert run("identify", str(files["other"]))[0] == 0


def test_missing_file_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.txt"
    assert main(["identify", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"licheck: {missing}: no such file\n"


def test_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["identify", str(tmp_path)]) == 2
    assert captured_line(capsys) == f"licheck: {tmp_path}: is a directory, not a file"


def captured_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    return err.rstrip("\n")


def test_a_bad_file_among_good_ones_prints_no_partial_output(files: dict[str, Path], tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["identify", str(files["licence"]), str(tmp_path / "gone")]) == 2
    assert capsys.readouterr().out == ""


def test_files_are_required() -> None:
    code, _, err = run("identify")
    assert code == 2 and "Missing argument" in err


def test_bad_format() -> None:
    code, _, err = run("identify", "--format", "sarif", "x")
    assert code == 2 and "sarif" in err


@pytest.mark.slow
def test_a_real_process(files: dict[str, Path], tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    ok = subprocess.run([sys.executable, "-m", "licheck", "identify", "--format", "json",
                         str(files["licence"]), str(files["readme"])],
                        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert [r["licence"] for r in json.loads(ok.stdout)["results"]] == ["llama3.2", "llama3.1"]
    bad = subprocess.run([sys.executable, "-m", "licheck", "identify", str(tmp_path / "nope")],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == f"licheck: {tmp_path / 'nope'}: no such file\n"


@pytest.mark.slow
def test_identify_stays_light(files: dict[str, Path], tmp_path: Path) -> None:
    """`licheck identify` must not pay for the Hub client (nor import it at all)."""
    code = ("import sys; from licheck.cli import main; rc = main(['identify', sys.argv[1]]); "
            "print(rc, 'huggingface_hub' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", code, str(files["licence"])], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.stdout.splitlines()[-1] == "0 False", done.stdout + done.stderr
