"""`licheck explain` and `licheck rules validate` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_explain_rule() -> None:
    res = invoke("explain", "llama3.1/naming")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "section 1.b.i" in out
    assert "at the beginning of any such AI model name" in out      # the verbatim quote
    assert 'must begin with "Llama"' in out                          # the test, in words
    assert "derived_model_name" in out and "severity:      error" in out
    assert "how to comply:" in out and "confidence:    verified" in out


def test_explain_mau_rule_names_the_month() -> None:
    out = invoke("explain", "llama3.1/mau-cap").stdout
    assert "700,000,000" in out and "2024-06" in out and "2024-07-23" in out


SECONDARY_RULE = """\
licence: qwen
rules:
  - id: qwen/quoted-elsewhere
    kind: hosting
    confidence: secondary
    source: a third-party quotation of the licence
    title: An example clause known only from a quotation
    section: "9"
    quote: a clause no verbatim text holds
    message: example
    how_to_comply: Check the clause against the licence text.
"""


def test_explain_secondary_rule_says_where_the_quote_comes_from(tmp_path: Path) -> None:
    # No bundled licence lacks its text any more (Qwen 2024 is verbatim): a user's rule shows it.
    from envs import corpus

    from licheck.rules.describe import rule_text
    from licheck.rules.loader import Rulebook

    (tmp_path / "qwen.yml").write_text(SECONDARY_RULE, encoding="utf-8")
    rule = Rulebook(corpus(), [tmp_path]).get("qwen/quoted-elsewhere")
    assert rule is not None
    out = rule_text(rule, corpus().get("qwen"))
    assert "confidence:    secondary" in out and "source:" in out


@pytest.mark.parametrize("target", ["llama3.2", "Llama 3.2", "https://www.llama.com/llama3_2/use-policy"])
def test_explain_licence(target: str) -> None:
    res = invoke("explain", target)
    assert res.exit_code == 0, res.output
    if target.startswith("http"):
        assert "llama3.2-aup/eu-multimodal" in res.stdout
    else:
        assert "Llama 3.2 Community License Agreement" in res.stdout
        assert "2024-09-25" in res.stdout and "Meta Platforms" in res.stdout
        assert "incorporates: llama3.2-aup" in res.stdout
        assert "llama3.2/naming" in res.stdout and "llama3.2/mau-cap" in res.stdout


def test_explain_json() -> None:
    res = invoke("explain", "falcon-180b-tii/hosting", "--format", "json")
    data = json.loads(res.stdout)
    assert data["rule"]["kind"] == "hosting" and data["rule"]["clause"]["section"] == "9.3"
    lic = json.loads(invoke("explain", "mit", "--format", "json").stdout)
    assert lic["licence"]["id"] == "mit" and [r["id"] for r in lic["rules"]] == ["mit/notice"]


def test_explain_unknown_suggests() -> None:
    res = invoke("explain", "llama3.1/namign")
    assert res.exit_code == 2
    assert "unknown rule or licence id 'llama3.1/namign'" in res.stderr
    assert "llama3.1/naming" in res.stderr
    assert res.stdout == ""


def test_explain_unknown_through_main() -> None:
    from licheck.cli import main

    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = main(["explain", "zzzz-nothing-like-it"])
        assert code == 2 and b"licheck: unknown rule or licence id" in err.getvalue()


def test_rules_validate_bundled() -> None:
    res = invoke("rules", "validate")
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().endswith("valid") and len(res.stdout.splitlines()) == 1


def test_rules_validate_reports_every_problem(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("licence: mit\nrules:\n  - id: mit/x\n    kind: nope\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("licence: nope\nrules: []\n", encoding="utf-8")
    res = invoke("rules", "validate", str(tmp_path))
    assert res.exit_code == 2
    lines = res.stderr.splitlines()
    assert any(line.startswith(f"{tmp_path / 'a.yml'}:4: ") for line in lines)
    assert any(line.startswith(f"{tmp_path / 'b.yml'}:1: unknown licence") for line in lines)


def test_rules_validate_missing_path(tmp_path: Path) -> None:
    from licheck.cli import main

    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = main(["rules", "validate", str(tmp_path / "absent")])
        assert code == 2 and b"no such file or folder" in err.getvalue()
