"""Waivers: validation with file:line, matching, expiry and unused waivers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from licheck.errors import ConfigError
from licheck.model import Finding, Severity
from licheck.waivers import apply_waivers, load_waivers, parse_waivers
from licheck.yamlload import parse_yaml

TODAY = dt.date(2026, 6, 1)


def _finding(fid: str = "llama3.1/attribution", kind: str = "attribution",
             model: str = "meta-llama/Llama-3.1-8B", sev: Severity = Severity.OBLIGATION) -> Finding:
    return Finding(id=fid, kind=kind, severity=sev, model=model, message="m")


def _waivers(text: str, path: str = "w.yaml"):
    return parse_waivers(parse_yaml(text, path), path)


VALID = """\
- rule: llama3.1/attribution
  model: "meta-llama/*"
  reason: shown on the About page
  approved_by: legal@acme.example
  expires: 2026-06-30
"""


def test_matching_unexpired_waiver_marks_the_finding() -> None:
    original = _finding()
    [finding], extra, outcomes = apply_waivers([original], _waivers(VALID), today=TODAY)
    assert extra == []
    assert finding.waived is True and original.waived is False   # a new finding, not a mutation
    assert finding.waiver["reason"] == "shown on the About page"
    assert finding.waiver["expires"] == "2026-06-30"
    assert [o.status for o in outcomes] == ["active"]


def test_waiver_is_valid_on_its_expiry_day_and_expired_after() -> None:
    [finding], _, _ = apply_waivers([_finding()], _waivers(VALID), today=dt.date(2026, 6, 30))
    assert finding.waived

    [finding], extra, outcomes = apply_waivers([_finding()], _waivers(VALID), today=dt.date(2026, 7, 1))
    assert finding.waived is False and finding.waiver is None
    assert [(f.id, f.kind, f.severity) for f in extra] == [("waiver/expired", "waiver", Severity.WARNING)]
    assert "expired on 2026-06-30" in extra[0].message
    assert "reported again" in extra[0].message
    assert extra[0].location is not None and (extra[0].location.file, extra[0].location.line) == ("w.yaml", 1)
    assert outcomes[0].status == "expired"


def test_model_glob_must_match() -> None:
    [finding], extra, outcomes = apply_waivers([_finding(model="NousResearch/Hermes-3-Llama-3.1-8B")],
                                               _waivers(VALID), today=TODAY)
    assert not finding.waived
    assert [f.id for f in extra] == ["waiver/unused"]
    assert outcomes[0].status == "unused"


def test_kind_waiver_covers_every_rule_of_that_kind() -> None:
    waivers = _waivers("- kind: notice\n  reason: r\n  approved_by: a\n  expires: 2027-01-01\n")
    notice, other = _finding("gemma/notice", "notice", "google/gemma-2-9b"), _finding()
    [notice, other], extra, _ = apply_waivers([notice, other], waivers, today=TODAY)
    assert notice.waived and not other.waived and extra == []


def test_waiver_findings_are_never_waived() -> None:
    waivers = _waivers(VALID + "- rule: 'waiver/*'\n  reason: r\n  approved_by: a\n  expires: 2027-01-01\n")
    [stale], extra, outcomes = apply_waivers([_finding("waiver/unused", "waiver", "x/y", Severity.WARNING)],
                                             waivers, today=TODAY)
    assert not stale.waived
    assert [o.status for o in outcomes] == ["unused", "unused"]


@pytest.mark.parametrize("text, line, needle", [
    ("- rule: a/b\n  reason: r\n  approved_by: x\n  expires: 2027-01-01\n  owner: me\n", 5,
     "unknown key 'owner'"),
    ("- rule: a/b\n  approved_by: x\n  expires: 2027-01-01\n", 1, "missing key 'reason'"),
    ("- rule: a/b\n  reason: r\n  approved_by: x\n", 1, "missing key 'expires'"),
    ("- rule: a/b\n  kind: naming\n  reason: r\n  approved_by: x\n  expires: 2027-01-01\n", 1,
     "exactly one of 'rule'"),
    ("- kind: nameing\n  reason: r\n  approved_by: x\n  expires: 2027-01-01\n", 1,
     "'nameing' (did you mean 'naming'?)"),
    ("- rule: a/b\n  reason: r\n  approved_by: x\n  expires: next year\n", 4, "must be a date"),
    ("- rule: a/b\n  reason: r\n  approved_by: x\n  expires: 2027-02-30\n", 4, "invalid"),
    ("rule: a/b\n", None, "must be a list"),
    ("- just a string\n", 1, "a waiver must be a mapping"),
])
def test_invalid_waivers_name_file_and_line(text: str, line: int | None, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        _waivers(text)
    assert needle in str(err.value)
    if line is not None:
        assert str(err.value).startswith(f"w.yaml:{line}:")


def test_waivers_file_accepts_list_or_mapping(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text("waivers:\n" + "".join("  " + ln + "\n" for ln in VALID.splitlines()))
    assert load_waivers(tmp_path / "a.yaml")[0].rule == "llama3.1/attribution"
    assert load_waivers(tmp_path / "b.yaml")[0].model == "meta-llama/*"
    (tmp_path / "c.yaml").write_text("waiver: []\n")
    with pytest.raises(ConfigError, match="unknown key 'waiver'"):
        load_waivers(tmp_path / "c.yaml")
