"""`--format github`: workflow annotations, escaped as @actions/core escapes them."""

from __future__ import annotations

from fmt_sample import replace_finding

from licheck.formats import render
from licheck.formats.github import ANNOTATIONS_PER_LEVEL, escape_data, escape_property
from licheck.model import Finding, Location, Severity
from licheck.report import Report


def test_escaping_rules() -> None:
    assert escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert escape_property("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext%3A a%2C b"


def test_annotations_point_at_the_manifest_line(report: Report) -> None:
    lines = render(report, "github").splitlines()
    assert ("::error file=deploy/licheck.yaml,line=4,title=licheck llama3.1/naming (error)::"
            "acme/AcmeChat-8B: derived model name 'AcmeChat-8B' must begin with 'Llama'") in lines
    assert any(x.startswith("::notice file=deploy/licheck.yaml,line=4,title=licheck llama3.1/attribution")
               for x in lines)
    assert any(x.startswith("::warning file=deploy/licheck.yaml,line=9,") for x in lines)


def test_waived_findings_are_not_annotated(report: Report) -> None:
    lines = render(report, "github").splitlines()
    notice = [x for x in lines if "llama3.1/notice" in x]
    assert len(notice) == 1 and notice[0].startswith("licheck: waived deploy/licheck.yaml:4:")
    assert "approved by legal@acme.example" in notice[0]


def test_hostile_message_stays_one_escaped_annotation(report: Report) -> None:
    replace_finding(report, report.models[0].findings[0], message="50% of users, e.g.: x\r\n::error::injected",
                    location=Location("dir,with:odd/licheck.yaml", 7))
    out = render(report, "github")
    assert not any(line.startswith("::error::injected") for line in out.splitlines())
    line = next(x for x in out.splitlines() if "llama3.1/naming" in x)
    assert line == ("::error file=dir%2Cwith%3Aodd/licheck.yaml,line=7,title=licheck llama3.1/naming "
                    "(error)::acme/AcmeChat-8B: 50%25 of users, e.g.: x%0D%0A::error::injected")


def test_plain_lines_cannot_smuggle_commands(report: Report) -> None:
    # the waived one: printed as a plain line
    replace_finding(report, report.models[0].findings[3], message="ok\n::error::injected")
    assert "\n::error::injected" not in render(report, "github")


def test_more_than_ten_per_level_are_kept_as_plain_lines(empty_report: Report) -> None:
    empty_report.findings = [
        Finding(id=f"r/{i}", kind="policy", severity=Severity.ERROR, model=f"m/{i}", message=f"no {i}",
                location=Location("licheck.yaml", i + 1))
        for i in range(ANNOTATIONS_PER_LEVEL + 2)
    ]
    lines = render(empty_report, "github").splitlines()
    assert sum(x.startswith("::error ") for x in lines) == ANNOTATIONS_PER_LEVEL
    assert sum(x.startswith("licheck: error licheck.yaml:") for x in lines) == 2
    assert lines[-1].startswith("licheck: 0 models checked: 12 errors")
