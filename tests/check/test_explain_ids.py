"""`licheck explain` answers for every finding id licheck prints (issue 13, section 4)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.kinds import BUILTIN_FINDINGS, KINDS

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main(list(args))
        return code, out.getvalue().decode(), err.getvalue().decode()


def _ids_in_code() -> set[str]:
    """Finding ids written as literals in licheck (`id="policy/deny"`), and the lineage ones."""
    found: set[str] = set()
    for path in (ROOT / "licheck").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "id" and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str) and "/" in node.value.value:
                found.add(node.value.value)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    re.fullmatch(r"(waiver|fingerprint|drift|lock)/[a-z-]+", node.value):
                found.add(node.value)
    lineage = (ROOT / "licheck" / "lineage.py").read_text(encoding="utf-8")
    found |= {f"lineage/{k}" for k in re.findall(r'self\._finding\("([a-z_]+)"', lineage)}
    return found


def test_every_builtin_id_in_the_code_is_explained() -> None:
    in_code = _ids_in_code()
    assert in_code >= {"policy/deny", "waiver/unused", "lineage/unresolved", "fingerprint/undeclared-base"}
    assert in_code <= set(BUILTIN_FINDINGS)
    assert all(kind in KINDS for kind, _ in BUILTIN_FINDINGS.values())


@pytest.mark.parametrize("finding_id", sorted(BUILTIN_FINDINGS))
def test_explain_builtin_id(finding_id: str) -> None:
    code, out, err = run("explain", finding_id)
    assert code == 0, err
    assert out.startswith(f"{finding_id}: ") and "kind:" in out and "when:" in out


def test_explain_answers_for_every_id_the_examples_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = run("check", "--offline", "-f", "json", "examples/licheck.yaml", "acme/nowhere")
    ids = {f["id"] for f in json.loads(out)["findings"]}
    assert "lineage/unresolved" in ids and len(ids) > 10
    for finding_id in sorted(ids):
        code, text, err = run("explain", finding_id)
        assert code == 0, f"{finding_id}: {err}"


def test_unknown_id_suggests_a_builtin_one() -> None:
    code, _, err = run("explain", "waiver/unusd")
    assert code == 2 and "waiver/unused" in err
