"""Hardening round 2, classes D and E and defect 6: hostile or careless input is an input
error naming `file:line` (exit 2), never a traceback nor a silently different value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from envs import run_check

from licheck.config import load_config
from licheck.errors import InputError, LicheckError
from licheck.refs import parse_ref
from licheck.targets import discover

TODAY = dt.date(2026, 6, 1)


def _fails_at(tmp_path: Path, files: dict[str, str], target: str, where: str, line: int, words: str,
              monkeypatch: pytest.MonkeyPatch, **kw) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        Path(name).write_text(text)
    with pytest.raises(LicheckError) as err:
        run_check([target], offline=True, today=TODAY, **kw)
    shown = str(err.value)
    assert shown.startswith(f"{where}:{line}: "), shown
    assert words in shown and "\n" not in shown


OCTAL = "0770000000"
LEADING_ZERO_CASES = {
    "context file": ({"ctx.yaml": f"organisation:\n  monthly_active_users: {OCTAL}\n",
                      "m.yaml": "context: ctx.yaml\nmodels: [meta-llama/Llama-3.1-8B]\n"}, "ctx.yaml", 2),
    "manifest inline context": ({"m.yaml": "models: [meta-llama/Llama-3.1-8B]\ncontext:\n  organisation:\n"
                                           f"    monthly_active_users: {OCTAL}\n"}, "m.yaml", 4),
    "monthly figures": ({"m.yaml": "models: [meta-llama/Llama-3.1-8B]\ncontext:\n  organisation:\n"
                                   f"    monthly_active_users: {{'2026-01': {OCTAL}}}\n"}, "m.yaml", 4),
    "manifest revision": ({"m.yaml": "models:\n  - id: org/name\n    revision: 0755\n"}, "m.yaml", 3),
}


@pytest.mark.parametrize("case", sorted(LEADING_ZERO_CASES))
def test_a_leading_zero_integer_in_any_user_file_is_an_input_error(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 6: YAML 1.1 reads 0770000000 as octal (132,120,576: under Llama's cap)."""
    files, where, line = LEADING_ZERO_CASES[case]
    _fails_at(tmp_path, files, "m.yaml", where, line, "decimal", monkeypatch)


def test_a_leading_zero_integer_in_the_config_context_is_an_input_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 6, the config's inline context."""
    monkeypatch.chdir(tmp_path)
    Path(".licheck.yaml").write_text(f"context:\n  organisation:\n    annual_revenue_usd: {OCTAL}\n")
    Path("m.yaml").write_text("models: [meta-llama/Llama-3.1-8B]\n")
    with pytest.raises(LicheckError) as err:
        run_check(["m.yaml"], config=load_config(".licheck.yaml"), offline=True, today=TODAY)
    assert str(err.value).startswith(".licheck.yaml:3: ") and "decimal" in str(err.value)


@pytest.mark.parametrize("number", ["9" * 400, "9" * 5000])
def test_a_huge_number_in_the_context_is_an_input_error(
        number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 16: a 400-digit number overflowed float() (a traceback)."""
    monkeypatch.chdir(tmp_path)
    Path("ctx.yaml").write_text(f"organisation:\n  annual_revenue_usd: {number}\n")
    Path("m.yaml").write_text("context: ctx.yaml\nmodels: [meta-llama/Llama-3.1-8B]\n")
    with pytest.raises(LicheckError) as err:
        run_check(["m.yaml"], offline=True, today=TODAY)
    assert str(err.value).startswith("ctx.yaml:2: "), str(err.value)


@pytest.mark.parametrize("ref", ["org/name@.", "org/name@./x", "org/name@main/.", "hf:org/name@.",
                                 "https://huggingface.co/org/name/tree/."])
def test_a_dot_segment_revision_is_refused(ref: str) -> None:
    """Defect 18: `org/name@.` passed the revision grammar (and reached another endpoint)."""
    with pytest.raises(InputError) as err:
        parse_ref(ref)
    assert "'.'" in str(err.value) or "not allowed" in str(err.value)


@pytest.mark.parametrize("ref", ["acme/model.md", "acme/settings.json", "acme/notes.txt", "acme/v1.md@main"])
def test_hub_ids_that_end_like_file_names_are_ids(ref: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also noticed: Hub ids ending in .md, .json or .txt were taken for missing files."""
    monkeypatch.chdir(tmp_path)
    [target] = discover([ref])
    assert target.kind == "ref" and target.entries[0].ref.kind == "hub"
    assert target.entries[0].ref.name == ref.split("@")[0]


def test_a_missing_file_in_an_existing_folder_is_still_a_missing_file(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("docs").mkdir()
    with pytest.raises(InputError) as err:
        discover(["docs/model.md"])
    assert "no such file" in str(err.value)
    with pytest.raises(InputError, match="no such file"):
        discover(["cards/README.md"])   # a card's own name is never a Hub repo
