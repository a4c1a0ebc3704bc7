"""`--format text`: a report for people at a terminal, grouped by model.

`render_text` is what the command line calls: on a terminal it wraps to the terminal's
width, says advice shared by several findings once (`-v` repeats it), and `-q` prints one
line per finding (`file:line: severity id message`) for editors and scripts.
"""

from __future__ import annotations

import re

from licheck.formats import BIDI_CONTROLS
from licheck.formats._common import (
    advice,
    lineage_rows,
    linear_path,
    model_of,
    node_licence_label,
    summary_line,
    waiver_text,
    where,
    where_text,
)
from licheck.model import Finding, LineageNode, Severity
from licheck.report import ModelReport, Report, sort_findings

_STYLE = {
    "error": "1;31",       # bold red
    "warning": "33",       # yellow
    "obligation": "36",    # cyan
    "info": "2",           # dim
    "waived": "2",
    "model": "1",          # bold
    "dim": "2",
}
# Control characters in data (a model name, a message) must not drive the terminal, nor a
# line break in a card's value forge a line of the report; C1 codes are 8-bit escapes.
_CONTROL = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color or style not in _STYLE:
            return text
        return f"\x1b[{_STYLE[style]}m{text}\x1b[0m"


def _clean(text: str) -> str:
    return _CONTROL.sub("?", text)


def _node(node: LineageNode | None, node_id: str) -> str:
    if node is None:
        return f"{_clean(node_id)} [not in lineage]"
    policies = "".join(f" + {p}" for p in node.policies)   # attached policies bind with the licence
    return f"{_clean(node.id)} [{_clean(node_licence_label(node) + policies)}]"


def _lineage_lines(model: ModelReport) -> list[str]:
    chain = linear_path(model.lineage)
    if chain is not None:
        return ["  lineage: " + " \u2190 ".join(_node(n, n.id) for n in chain)]
    lines = ["  lineage:"]
    for row in lineage_rows(model.lineage):
        relation = f" ({row.node.relation})" if row.node is not None and row.depth == 0 else ""
        suffix = " (shown above)" if row.repeat else ""
        arrow = "\u2190 " if row.depth else ""
        lines.append(f"    {'  ' * row.depth}{arrow}{_node(row.node, row.id)}{relation}{suffix}")
    return lines


class _Advice:
    """Advice already given in this report: shared advice is said once (unless verbose)."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.given: dict[str, Finding] = {}   # advice -> the finding it was first given for

    def __call__(self, f: Finding) -> str:
        text = _clean(advice(f))
        first = self.given.setdefault(text, f)
        if self.verbose or first is f:
            return text
        return f"as for {first.id} above"


def _finding_lines(f: Finding, model: ModelReport | None, paint: _Painter,
                   told: _Advice | None = None) -> list[str]:
    sev = str(f.severity)
    label = paint(f"{'waived' if f.waived else sev:<10}", "waived" if f.waived else sev)
    lines = [f"  {label} {_clean(f.id)}: {_clean(f.message)}"]
    pad = " " * 13
    details = []
    place = where(f, model)
    loc = where_text(place)
    repeated = told is not None and not told.verbose and model is not None and place == model.location
    if loc and not repeated:   # the model's heading already says where it was written
        details.append(_clean(loc))
    if f.clause is not None:
        details.append(f"{_clean(f.clause.licence)} \u00a7{_clean(f.clause.section)}")
    if f.confidence != "verified":
        details.append(f"confidence: {_clean(f.confidence)}")
    if len(f.via) > 1:
        details.append("via " + " \u2192 ".join(_clean(v) for v in f.via))
    if details:
        lines.append(pad + paint(" \u00b7 ".join(details), "dim"))
    if f.waived:
        lines.append(pad + paint("waiver: " + _clean(waiver_text(f.waiver)), "dim"))
    elif f.severity >= Severity.OBLIGATION:
        lines.append(pad + "to comply: " + (told(f) if told is not None else _clean(advice(f))))
    return lines


def render(report: Report, *, color: bool = False) -> str:
    return render_text(report, color=color, verbose=True)


def render_text(report: Report, *, color: bool = False, quiet: bool = False, verbose: bool = False,
                width: int | None = None) -> str:
    """The text report; `width` wraps it (a terminal's), `quiet` gives one line per finding."""
    if quiet:
        return _quiet(report)
    paint = _Painter(color)
    told = _Advice(verbose)
    out: list[str] = []
    for model in report.models:
        head = paint(_clean(model.id), "model")
        if model.ref != model.id:
            head += f" (as {_clean(model.ref)})"
        if model.location is not None:
            head += paint(f"  {_clean(where_text(model.location))}", "dim")
        out.append(head)
        out.extend(_wrapped(_lineage_lines(model), width))
        out.extend(_wrapped(["  licences: " + (", ".join(model.licences) or "none determined")], width))
        findings = sort_findings(model.findings)
        if not findings:
            out.append("  " + paint("no findings", "dim"))
        for f in findings:
            out.extend(_wrapped(_finding_lines(f, model, paint, told), width))
        out.append("")
    others = sort_findings(report.unassigned_findings())
    if others:
        out.append(paint("other findings", "model"))
        for f in others:
            out.extend(_wrapped(_finding_lines(f, model_of(report, f), paint, told), width))
        out.append("")
    for note in report.notes:
        out.extend(_wrapped([paint(f"note: {_clean(note)}", "dim")], width))
    s = report.summary()
    worst = next((sev for sev in ("error", "warning", "obligation") if s[sev]), None)
    out.extend(_wrapped([paint(summary_line(report), worst or "dim")], width))
    return "\n".join(out) + "\n"


def _wrapped(lines: list[str], width: int | None) -> list[str]:
    """Each line wrapped to `width`, continuation lines indented under its text."""
    if width is None:
        return lines
    import textwrap  # it compiles its patterns on import: only output to a terminal is wrapped

    out: list[str] = []
    for line in lines:
        if len(_ESCAPE.sub("", line)) <= width:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        hang = " " * (indent + 11 if indent == 2 else indent + 2)
        out.extend(textwrap.wrap(line, width=width, subsequent_indent=hang,
                                 break_long_words=False, break_on_hyphens=False) or [line])
    return out


_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def _quiet(report: Report) -> str:
    """One line per unwaived finding: `file:line: severity id message` (no file: the model)."""
    lines = []
    for f in sort_findings(report.unwaived):
        loc = where_text(where(f, model_of(report, f))) or f.model or "licheck"
        lines.append(_clean(" ".join(f"{loc}: {f.severity} {f.id} {f.message}".split())))
    return "\n".join(lines) + ("\n" if lines else "")
