"""`--format text`: a report for people at a terminal, grouped by model."""

from __future__ import annotations

import re

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
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


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


def _finding_lines(f: Finding, model: ModelReport | None, paint: _Painter) -> list[str]:
    sev = str(f.severity)
    label = paint(f"{'waived' if f.waived else sev:<10}", "waived" if f.waived else sev)
    lines = [f"  {label} {_clean(f.id)}: {_clean(f.message)}"]
    pad = " " * 13
    details = []
    loc = where_text(where(f, model))
    if loc:
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
        lines.append(pad + "to comply: " + _clean(advice(f)))
    return lines


def render(report: Report, *, color: bool = False) -> str:
    paint = _Painter(color)
    out: list[str] = []
    for model in report.models:
        head = paint(_clean(model.id), "model")
        if model.ref != model.id:
            head += f" (as {_clean(model.ref)})"
        if model.location is not None:
            head += paint(f"  {_clean(where_text(model.location))}", "dim")
        out.append(head)
        out.extend(_lineage_lines(model))
        out.append("  licences: " + (", ".join(model.licences) or "none determined"))
        findings = sort_findings(model.findings)
        if not findings:
            out.append("  " + paint("no findings", "dim"))
        for f in findings:
            out.extend(_finding_lines(f, model, paint))
        out.append("")
    others = sort_findings(report.unassigned_findings())
    if others:
        out.append(paint("other findings", "model"))
        for f in others:
            out.extend(_finding_lines(f, model_of(report, f), paint))
        out.append("")
    for note in report.notes:
        out.append(paint(f"note: {_clean(note)}", "dim"))
    s = report.summary()
    worst = next((sev for sev in ("error", "warning", "obligation") if s[sev]), None)
    out.append(paint(summary_line(report), worst or "dim"))
    return "\n".join(out) + "\n"
