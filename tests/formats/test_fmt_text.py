"""`--format text`."""

from __future__ import annotations

from fmt_sample import replace_finding

from licheck.formats import render
from licheck.report import Report


def test_lineage_path_with_licences(report: Report) -> None:
    out = render(report, "text")
    assert "lineage: acme/AcmeChat-8B [apache-2.0] \u2190 meta-llama/Llama-3.1-8B [llama3.1]" in out
    # A merge is not a chain: shown as a tree, the unresolved parent marked.
    assert "\u2190 NousResearch/Hermes-3-Llama-3.1-8B [llama3]" in out
    assert "\u2190 private/missing-model [unresolved]" in out


def test_grouped_by_model_and_sorted_by_severity(report: Report) -> None:
    out = render(report, "text")
    first, second = out.index("acme/AcmeChat-8B"), out.index("acme/Merge-8B")
    block = out[first:second]
    order = [block.index(w) for w in ("error ", "warning ", "obligation ", "waived ")]
    assert order == sorted(order)
    assert "waiver: The Notice file ships in the release tarball; approved by legal@acme.example; " \
           "expires 2027-06-30" in block
    assert "other findings" in out and "waiver/unused" in out[out.index("other findings"):]
    assert "note: hosted API model gpt-4o ignored" in out


def test_summary_line(report: Report) -> None:
    last = render(report, "text").rstrip("\n").splitlines()[-1]
    assert last == "2 models checked: 1 error, 3 warnings, 1 obligation, 1 info; 1 waived, 1 unresolved"


def test_colour_only_when_asked(report: Report) -> None:
    assert "\x1b[" not in render(report, "text", color=False)
    coloured = render(report, "text", color=True)
    assert "\x1b[1;31m" in coloured and "\x1b[0m" in coloured


def test_control_characters_in_data_cannot_drive_the_terminal(report: Report) -> None:
    replace_finding(report, report.models[0].findings[0], message="evil \x1b[2J\x1b]0;title\x07 text")
    out = render(report, "text", color=False)
    assert "\x1b" not in out and "\x07" not in out
    assert "evil ?[2J?]0;title? text" in out
