"""Rendering `licheck diff` results as text, Markdown, JSON and HTML.

The HTML page is the review report's (`licheck.formats.html`): same stylesheet, same
escaping, same Content-Security-Policy (no script, no external resource).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from licheck.licence_diff import Change, LicenceDiff, RulePair, TextPart
from licheck.report_diff import FindingChange, ReportDiff

FORMATS = ("text", "markdown", "json", "html")
_STATUS_WORDS = {"new": "new", "resolved": "resolved", "severity": "severity changed",
                 "waived": "now waived", "unwaived": "no longer waived"}


def _value(v: Any) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]" if v else "[]"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, bool):
        return "true" if v else "false"
    return f"{v:,}".replace(",", "_") if isinstance(v, int) else str(v)


def render(result: LicenceDiff | ReportDiff, fmt: str) -> str:
    table: dict[str, Callable[[Any], str]] = {
        "text": _text, "markdown": _markdown, "json": lambda r: json.dumps(to_json(r), indent=2,
                                                                           ensure_ascii=False) + "\n",
        "html": _html}
    return table[fmt](result)


# --- JSON ----------------------------------------------------------------------------------


def _side(side: Any) -> dict[str, Any] | None:
    if side is None:
        return None
    return {"rule": side.id, "licence": side.licence, "section": side.section, "title": side.title,
            "quote": side.quote}


def to_json(result: LicenceDiff | ReportDiff) -> dict[str, Any]:
    if isinstance(result, LicenceDiff):
        return {
            "schema_version": 1, "diff": "licences",
            "a": result.a.id, "b": result.b.id,
            "metadata": [{"field": c.field, "a": c.old, "b": c.new} for c in result.metadata],
            "policies": list(result.policies) if result.policies else None,
            "summary": result.counts,
            "rules": [{"status": p.status, "kind": p.kind, "subject": p.subject, "a": _side(p.a),
                       "b": _side(p.b), "changes": [{"field": c.field, "a": c.old, "b": c.new}
                                                    for c in p.changes]} for p in result.rules],
            "text": [{"section": t.section, "status": t.status,
                      "ops": [[op, s] for op, s in t.ops]} for t in result.text],
            "unchanged_sections": result.unchanged_sections,
            "missing_text": list(result.missing_text),
        }
    return {
        "schema_version": 1, "diff": "reports", "old": result.old_name, "new": result.new_name,
        "models_added": result.models_added, "models_removed": result.models_removed,
        "licences": [{"model": c.model, "added": list(c.added), "removed": list(c.removed)}
                     for c in result.licences],
        "findings": [{"status": f.status, "id": f.id, "model": f.model, "licence": f.licence,
                      "kind": f.kind, "old_severity": f.old_severity, "new_severity": f.new_severity,
                      "message": f.message, "clause": f.clause} for f in result.findings],
        "waivers_expired": list(result.waivers_expired),
        "context": [{"field": k, "old": a, "new": b} for k, a, b in result.context],
    }


# --- text and Markdown ----------------------------------------------------------------------


def _words(ops: Sequence[tuple[str, str]], dele: str, ins: str) -> str:
    """The word diff inline: `dele`/`ins` are format strings around removed / added words."""
    parts = []
    for op, text in ops:
        parts.append({"=": text, "-": dele.format(text), "+": ins.format(text), "…": "…"}[op])
    return " ".join(p for p in parts if p)


def _pair_title(p: RulePair) -> str:
    ids = " → ".join(s.id for s in (p.a, p.b) if s is not None)
    return f"{p.status.upper()} {p.kind}: {ids}"


def _lic_title(d: LicenceDiff) -> str:
    return f"{d.a.name} ({d.a.id}) → {d.b.name} ({d.b.id})"


def _text(result: LicenceDiff | ReportDiff) -> str:
    return _text_licences(result) if isinstance(result, LicenceDiff) else _text_reports(result)


def _text_licences(d: LicenceDiff) -> str:
    c = d.counts
    out = [f"Licence diff: {_lic_title(d)}",
           f"Rules: {c['changed']} changed, {c['removed']} removed, {c['added']} added, "
           f"{c['unchanged']} unchanged", ""]
    if d.metadata:
        out.append("Licence facts:")
        out += [f"  {m.field}: {_value(m.old)} → {_value(m.new)}" for m in d.metadata]
        out.append("")
    for p in d.rules:
        if p.status == "unchanged":
            continue
        out.append(_pair_title(p))
        out += [f"  {ch.field}: {_value(ch.old)} → {_value(ch.new)}" for ch in p.changes]
        for label, side in (("A", p.a), ("B", p.b)):
            if side is not None:
                out.append(f"  {label} {side.licence} section {side.section}: “{side.quote}”")
        out.append("")
    unchanged = [p for p in d.rules if p.status == "unchanged"]
    if unchanged:
        out.append("Unchanged: " + ", ".join(f"{p.kind} ({p.subject})" for p in unchanged))
        out.append("")
    if d.missing_text:
        out.append(f"Texts not compared: licheck has no verbatim text of {', '.join(d.missing_text)}.")
        return "\n".join(out) + "\n"
    out.append(f"Text, word by word ({len(d.text)} section(s) differ, {d.unchanged_sections} identical):")
    for t in d.text:
        out.append(f"  [{t.section}] {t.status}: {_words(t.ops, '[-{}-]', '{{+{}+}}')}")
    return "\n".join(out) + "\n"


def _text_reports(d: ReportDiff) -> str:
    out = [f"Report diff: {d.old_name} → {d.new_name}"]
    if d.empty:
        return "\n".join(out + ["No differences."]) + "\n"
    out.append(f"Findings: {d.count('new')} new, {d.count('resolved')} resolved, "
               f"{d.count('severity')} changed severity, {d.count('waived') + d.count('unwaived')} "
               "changed waiver status")
    out += [f"+ model {m}" for m in d.models_added] + [f"- model {m}" for m in d.models_removed]
    for lc in d.licences:
        out.append(f"~ licences of {lc.model}: " + ", ".join(
            [f"+{x}" for x in lc.added] + [f"-{x}" for x in lc.removed]))
    for f in d.findings:
        out.append(f"{_mark(f)} {_STATUS_WORDS[f.status]}: {f.id} on {f.model}: {_sev(f)}: {f.message}")
    for w in d.waivers_expired:
        out.append(f"! waiver expired: {w.get('rule') or w.get('kind')} on {w.get('model')} "
                   f"(expired {w.get('expires')}, approved by {w.get('approved_by')})")
    for k, a, b in d.context:
        out.append(f"~ context {k}: {_value(a)} → {_value(b)}")
    return "\n".join(out) + "\n"


def _mark(f: FindingChange) -> str:
    return {"new": "+", "resolved": "-"}.get(f.status, "~")


def _sev(f: FindingChange) -> str:
    if f.old_severity and f.new_severity and f.old_severity != f.new_severity:
        return f"{f.old_severity} → {f.new_severity}"
    return str(f.new_severity or f.old_severity)


def _md(text: object) -> str:
    from licheck.formats.markdown import esc

    return esc(text)


def _c(text: object) -> str:
    from licheck.formats.markdown import code

    return code(text)


def _quote(text: str) -> list[str]:
    from licheck.formats.markdown import quote_block

    return quote_block(text)


def _escaped(ops: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(op, _md(text)) for op, text in ops]


def _markdown(result: LicenceDiff | ReportDiff) -> str:
    return _md_licences(result) if isinstance(result, LicenceDiff) else _md_reports(result)


def _md_licences(d: LicenceDiff) -> str:
    c = d.counts
    out = [f"# Licence diff: {_md(_lic_title(d))}", "",
           f"Rules: {c['changed']} changed, {c['removed']} removed, {c['added']} added, "
           f"{c['unchanged']} unchanged.", ""]
    if d.metadata:
        out += ["## Licence facts", "", "| Field | A | B |", "|---|---|---|"]
        out += [f"| {m.field} | {_md(_value(m.old))} | {_md(_value(m.new))} |" for m in d.metadata]
        out.append("")
    out += ["## Rules", ""]
    for p in d.rules:
        if p.status == "unchanged":
            continue
        out += [f"### {_md(_pair_title(p))}", ""]
        if p.changes:
            out += ["| Parameter | A | B |", "|---|---|---|"]
            out += [f"| {ch.field} | {_md(_value(ch.old))} | {_md(_value(ch.new))} |" for ch in p.changes]
            out.append("")
        for label, side in (("A", p.a), ("B", p.b)):
            if side is not None:
                out += [f"{label}: {_c(side.licence)} section {_md(side.section)}", "", *_quote(side.quote), ""]
    unchanged = [p for p in d.rules if p.status == "unchanged"]
    if unchanged:
        out += ["Unchanged: " + ", ".join(f"{_c(p.kind)} ({p.subject})" for p in unchanged), ""]
    if d.missing_text:
        out += ["## Text, word by word", "",
                f"Not compared: licheck has no verbatim text of {_md(', '.join(d.missing_text))}."]
        return "\n".join(out) + "\n"
    out += ["## Text, word by word", "",
            f"{len(d.text)} section(s) differ, {d.unchanged_sections} identical. "
            "Removed words are struck through, added words in bold.", ""]
    for t in d.text:
        out += [f"**{_md(t.section)}** ({t.status}): {_words(_escaped(t.ops), '~~{}~~', '**{}**')}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _md_reports(d: ReportDiff) -> str:
    out = [f"# Report diff: {_c(d.old_name)} → {_c(d.new_name)}", ""]
    if d.empty:
        return "\n".join(out + ["No differences."]) + "\n"
    if d.models_added or d.models_removed:
        out += ["## Models", ""] + [f"- added {_c(m)}" for m in d.models_added]
        out += [f"- removed {_c(m)}" for m in d.models_removed] + [""]
    if d.licences:
        out += ["## Licences per model", "", "| Model | Added | Removed |", "|---|---|---|"]
        out += [f"| {_c(lc.model)} | {', '.join(lc.added)} | {', '.join(lc.removed)} |" for lc in d.licences]
        out.append("")
    if d.findings:
        out += ["## Findings", "", "| Change | Finding | Model | Severity | Message | Clause |",
                "|---|---|---|---|---|---|"]
        for f in d.findings:
            clause = f"{f.clause.get('licence')} {f.clause.get('section')}" if f.clause else ""
            out.append(f"| {_STATUS_WORDS[f.status]} | {_c(f.id)} | {_c(f.model)} | {_sev(f)} | "
                       f"{_md(f.message)} | {_md(clause)} |")
        out.append("")
    if d.waivers_expired:
        out += ["## Waivers expired", ""]
        out += [f"- {_c(w.get('rule') or w.get('kind'))} on {_c(w.get('model'))}, expired {_md(w.get('expires'))} "
                f"(approved by {_md(w.get('approved_by'))})" for w in d.waivers_expired]
        out.append("")
    if d.context:
        out += ["## Context", "", "| Field | Old | New |", "|---|---|---|"]
        out += [f"| {_c(k)} | {_md(_value(a))} | {_md(_value(b))} |" for k, a, b in d.context]
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML ----------------------------------------------------------------------------------

_DIFF_CSS = """
del { background: #ffebe9; color: #82071e; text-decoration: line-through; }
ins { background: #dafbe1; color: #116329; text-decoration: none; font-weight: bold; }
.status-removed { border-left-color: var(--error); }
.status-added { border-left-color: var(--obligation); }
.status-changed { border-left-color: var(--warning); }
p.words { white-space: normal; }
"""


def _page(title: str, body: list[str]) -> str:
    from licheck.formats.html import CSP, CSS, e

    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)} \u2014 licheck</title>", f"<style>{CSS}{_DIFF_CSS}</style></head><body>",
        f"<header><h1>{e(title)}</h1><p class=\"disclaimer\">Produced by licheck, an automated tool; "
        "not legal advice.</p></header>", *body, "</body></html>"]) + "\n"


def _html(result: LicenceDiff | ReportDiff) -> str:
    return _html_licences(result) if isinstance(result, LicenceDiff) else _html_reports(result)


def _html_changes(changes: Sequence[Change]) -> str:
    from licheck.formats.html import e

    rows = "".join(f"<tr><td><code>{e(c.field)}</code></td><td>{e(_value(c.old))}</td>"
                   f"<td>{e(_value(c.new))}</td></tr>" for c in changes)
    return ("<table><thead><tr><th>Parameter</th><th>A</th><th>B</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>") if changes else ""


def _html_words(t: TextPart) -> str:
    from licheck.formats.html import e

    parts = []
    for op, text in t.ops:
        parts.append({"=": e(text), "-": f"<del>{e(text)}</del>", "+": f"<ins>{e(text)}</ins>",
                      "…": "\u2026"}[op])
    return " ".join(parts)


def _html_licences(d: LicenceDiff) -> str:
    from licheck.formats.html import e

    c = d.counts
    body = ['<section id="summary"><h2>Summary</h2>',
            f"<p class=\"verdict\">{c['changed']} changed, {c['removed']} removed, {c['added']} added, "
            f"{c['unchanged']} unchanged rule(s)</p>"]
    if d.metadata:
        body.append("<h3>Licence facts</h3>" + _html_changes(d.metadata).replace(">Parameter<", ">Field<"))
    body.append("</section>")
    body.append('<section id="rules"><h2>Rules</h2>')
    for p in d.rules:
        if p.status == "unchanged":
            continue
        body.append(f'<div class="finding status-{e(p.status)}"><h3>{e(_pair_title(p))}</h3>'
                    + _html_changes(p.changes))
        for label, side in (("A", p.a), ("B", p.b)):
            if side is not None:
                body.append(f"<p><strong>{label}</strong>: <code>{e(side.licence)}</code> section "
                            f"{e(side.section)}</p><blockquote>{e(side.quote)}</blockquote>")
        body.append("</div>")
    unchanged = [p for p in d.rules if p.status == "unchanged"]
    if unchanged:
        body.append("<p>Unchanged: " + ", ".join(f"<code>{e(p.kind)}</code> ({e(p.subject)})"
                                                 for p in unchanged) + "</p>")
    body.append("</section>")
    if d.missing_text:
        body.append(f'<section id="text"><h2>Text, word by word</h2><p>Not compared: licheck has no '
                    f"verbatim text of {e(', '.join(d.missing_text))}.</p></section>")
        return _page(f"Licence diff: {_lic_title(d)}", body)
    body.append(f'<section id="text"><h2>Text, word by word</h2><p>{len(d.text)} section(s) differ, '
                f"{d.unchanged_sections} identical.</p>")
    body += [f'<div class="finding status-{e(t.status)}"><h3>{e(t.section)} ({e(t.status)})</h3>'
             f'<p class="words">{_html_words(t)}</p></div>' for t in d.text]
    body.append("</section>")
    return _page(f"Licence diff: {_lic_title(d)}", body)


def _html_reports(d: ReportDiff) -> str:
    from licheck.formats.html import e

    body = ['<section id="summary"><h2>Summary</h2>']
    if d.empty:
        body.append("<p class=\"verdict\">No differences.</p></section>")
        return _page(f"Report diff: {d.old_name} \u2192 {d.new_name}", body)
    body.append(f"<p class=\"verdict\">{d.count('new')} new, {d.count('resolved')} resolved, "
                f"{d.count('severity')} changed severity</p></section>")
    if d.models_added or d.models_removed:
        body.append('<section id="models"><h2>Models</h2><ul>'
                    + "".join(f"<li>added <code>{e(m)}</code></li>" for m in d.models_added)
                    + "".join(f"<li>removed <code>{e(m)}</code></li>" for m in d.models_removed)
                    + "</ul></section>")
    if d.licences:
        body.append('<section id="licences"><h2>Licences per model</h2><table><thead><tr><th>Model</th>'
                    "<th>Added</th><th>Removed</th></tr></thead><tbody>"
                    + "".join(f"<tr><td><code>{e(lc.model)}</code></td><td>{e(', '.join(lc.added))}</td>"
                              f"<td>{e(', '.join(lc.removed))}</td></tr>" for lc in d.licences)
                    + "</tbody></table></section>")
    if d.findings:
        body.append('<section id="findings"><h2>Findings</h2>')
        for f in d.findings:
            sev = f.new_severity or f.old_severity or "info"
            quote = (f"<blockquote>{e(f.clause.get('quote'))}</blockquote>"
                     if f.clause and f.clause.get("quote") else "")
            body.append(f'<div class="finding sev-{e(sev)}"><h3><span class="badge sev-{e(sev)}">'
                        f"{e(_STATUS_WORDS[f.status])}</span> <code>{e(f.id)}</code></h3>"
                        f"<p><code>{e(f.model)}</code> \u2014 {e(_sev(f))}: {e(f.message)}</p>{quote}</div>")
        body.append("</section>")
    if d.waivers_expired:
        body.append('<section id="waivers"><h2>Waivers expired</h2><ul>' + "".join(
            f"<li><code>{e(w.get('rule') or w.get('kind'))}</code> on <code>{e(w.get('model'))}</code>, "
            f"expired {e(w.get('expires'))} (approved by {e(w.get('approved_by'))})</li>"
            for w in d.waivers_expired) + "</ul></section>")
    if d.context:
        body.append('<section id="context"><h2>Context</h2><table><thead><tr><th>Field</th><th>Old</th>'
                    "<th>New</th></tr></thead><tbody>" + "".join(
                        f"<tr><td><code>{e(k)}</code></td><td>{e(_value(a))}</td><td>{e(_value(b))}</td></tr>"
                        for k, a, b in d.context) + "</tbody></table></section>")
    return _page(f"Report diff: {d.old_name} \u2192 {d.new_name}", body)
