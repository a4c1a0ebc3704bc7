"""Hardening round 2: what reaches a report (defects 9 and 19)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.formats import FORMAT_NAMES

BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _cli(args: list[str]) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main(args)
        return code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")


def _folder(tmp_path: Path, name: str, licence: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "README.md").write_text(f"---\nlicense: {licence}\n---\n", encoding="utf-8")
    return folder


def test_a_pipe_in_a_folder_name_does_not_split_a_markdown_table_row(tmp_path: Path) -> None:
    """Defect 9: `x | apache-2.0 | 0` as a folder name shifted the columns of the table."""
    folder = _folder(tmp_path, "x | `apache-2.0` | 0 | 0 | 0 | 0 |", "cc-by-nc-4.0")
    code, out, err = _cli(["check", "--offline", "--format", "markdown", str(folder)])
    assert code in (0, 1), err
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| # | Model | Licences |"))
    row = lines[header + 2]
    cells = re.split(r"(?<!\\)\|", row)[1:-1]
    assert len(cells) == 7, row   # #, model, licences, 4 counts
    assert "cc-by-nc-4.0" in cells[2] and "apache-2.0" not in cells[2]


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_bidi_controls_never_reach_a_report(fmt: str, tmp_path: Path) -> None:
    """Defect 19: U+202E from a folder name or a card reached the text, GitHub, Markdown and
    HTML outputs, where it reorders what a reviewer reads."""
    folder = _folder(tmp_path, "model-\u202eCN-yb-cc", "'mit\u202e \u2066x\u2069'")
    code, out, err = _cli(["check", "--offline", "--format", fmt, str(folder)])
    assert code in (0, 1), err
    assert "model-" in out and not BIDI.search(out), fmt
    assert not BIDI.search(err)


def test_bidi_controls_never_reach_an_error_message(tmp_path: Path) -> None:
    path = tmp_path / "m\u202e.yaml"
    path.write_text("models: [../x]\n")
    code, out, err = _cli(["check", "--offline", str(path)])
    assert code == 2 and err and not BIDI.search(err + out)
