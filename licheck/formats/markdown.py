"""`--format markdown`: the legal review report a lawyer reads and signs off.

Renders `licheck.formats._review`; the HTML report says the same things. Text from data
(model ids, messages, licence quotes) is escaped so it renders exactly as written and can
never become markup.
"""

from __future__ import annotations

import re
from typing import Any

from licheck.formats._common import node_licence_label, waiver_scope, waiver_text
from licheck.formats._review import NO_CONTEXT, FindingView, LicenceView, ModelSection, build
from licheck.model import Lineage
from licheck.report import Report, jsonable

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
# Characters that start a block only at the beginning of a line (heading, list, quote).
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")


def esc(text: object) -> str:
    """Backslash-escape Markdown punctuation so data renders literally, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: object) -> str:
    """An inline code span that survives backticks inside the text."""
    s = " ".join(str(text).split())
    run = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (run + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def quote_block(text: str, indent: str = "") -> list[str]:
    """A verbatim quote: every line kept, each escaped, as a blockquote."""
    lines = text.strip("\n").splitlines() or [""]
    return [f"{indent}> {_LINE_START.sub(_escape_start, esc(line)) if line.strip() else ''}".rstrip()
            for line in lines]


def _escape_start(match: re.Match[str]) -> str:
    token = match.group(2)
    return match.group(1) + (token[:-1] + "\\" + token[-1] if token[0].isdigit() else "\\" + token)


def link(lic: LicenceView) -> str:
    name = esc(lic.name)
    return f"[{name}](<{lic.url}>)" if lic.url else name


def _mermaid_label(text: str) -> str:
    # Mermaid strings are double-quoted; entity codes keep quotes and markup out of the syntax.
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;").replace("\n", " "))


def mermaid(lineage: Lineage) -> list[str]:
    """`graph BT`: bases at the bottom, arrows from parent to derivative labelled with the relation."""
    ids = {node.id: f"n{i}" for i, node in enumerate(lineage.nodes)}
    lines = ["```mermaid", "graph BT"]
    for node in lineage.nodes:
        label = _mermaid_label(f"{node.id}\n[{node_licence_label(node)}]").replace(" [", "<br/>[", 1)
        lines.append(f'  {ids[node.id]}["{label}"]')
    extra = 0
    for node in lineage.nodes:
        for parent in node.parents:
            if parent not in ids:  # named but absent: still drawn, never hidden
                ids[parent] = f"x{extra}"
                extra += 1
                lines.append(f'  {ids[parent]}["{_mermaid_label(parent)}<br/>[not in lineage]"]')
            lines.append(f'  {ids[parent]} -->|{_mermaid_label(node.relation)}| {ids[node.id]}')
    lines.append("```")
    return lines


def _tree(view: ModelSection) -> list[str]:
    out = []
    for row in view.rows:
        indent = "  " * row.depth
        if row.node is None:
            out.append(f"{indent}- {code(row.id)} \u2014 not in the lineage (not fetched)")
            continue
        n = row.node
        if row.repeat:
            out.append(f"{indent}- {code(n.id)} (shown above)")
            continue
        bits = [n.relation, f"licence {code(n.licence) if n.licence else '**unknown**'}"]
        if not n.resolved:
            bits[1] = "**unresolved: not checked**"
        if n.declared_licence and n.declared_licence != n.licence:
            bits.append(f"declared {code(n.declared_licence)}")
        if n.publisher:
            bits.append("publisher " + esc(n.publisher) + (f" ({esc(n.origin)})" if n.origin else ""))
        bits.append(f"source {esc(n.source)}")
        out.append(f"{indent}- {code(n.id)} \u2014 " + "; ".join(bits))
    return out


def _licence_table(licences: list[LicenceView], report_licences: dict[str, LicenceView]) -> list[str]:
    if not licences:
        return ["No licence could be determined for this model."]
    out = ["| Licence id | Licence | Bundled text | Incorporates |", "|---|---|---|---|"]
    for lic in licences:
        files = ", ".join(code(f) for f in lic.files) or ("none" if lic.known else "not in corpus")
        inc = ", ".join(
            link(report_licences[i]) if i in report_licences else code(i) for i in lic.incorporates
        ) or "\u2014"
        out.append(f"| {code(lic.id)} | {link(lic)} | {files} | {inc} |")
    return out


def _finding(v: FindingView, level: str = "####") -> list[str]:
    f = v.finding
    mark = " \u2014 WAIVED" if f.waived else ""
    out = [f"{level} {f.severity.name}{mark}: {esc(v.title)} ({code(f.id)})", ""]
    out.append(f"- **Finding:** {esc(f.message)}")
    if f.model:
        out.append(f"- **Model:** {code(f.model)}" + (f" (declared at {code(v.where)})" if v.where else ""))
    elif v.where:
        out.append(f"- **Where:** {code(v.where)}")
    if f.licence:
        out.append(f"- **Licence:** {link(v.licence) if v.licence else ''} ({code(f.licence)})")
    if len(f.via) > 1:
        out.append("- **Inherited via:** " + " \u2192 ".join(code(x) for x in f.via))
    if f.context_field:
        out.append(f"- **Context field:** {code(f.context_field)}")
    out.append(f"- **Severity:** {f.severity}")
    out.append(f"- **How to comply:** {esc(v.advice)}")
    out.append("- **Confidence:** " + (f"**{esc(v.confidence)}**" if v.secondary else esc(v.confidence)))
    if f.waived:
        out.append(f"- **Waived:** {esc(waiver_text(f.waiver))}")
    if f.clause is not None:
        out += ["", f"Clause: {code(f.clause.licence)}, section {esc(f.clause.section)}", ""]
        out += quote_block(f.clause.quote)
    out.append("")
    return out


def _context(yaml_text: str | None) -> list[str]:
    if yaml_text is None:
        return [NO_CONTEXT, ""]
    fence = "~~~~" if "```" in yaml_text else "```"
    return [fence + "yaml", yaml_text, fence, ""]


def _waivers(waivers: list[tuple[dict[str, Any], int]]) -> list[str]:
    if not waivers:
        return ["No waivers were declared.", ""]
    out = ["| Scope | Reason | Approved by | Expires | Status | Findings waived |", "|---|---|---|---|---|---|"]
    for w, count in waivers:
        j = jsonable(w)
        out.append(f"| {esc(waiver_scope(j))} | {esc(j.get('reason') or '**none given**')} | "
                   f"{esc(j.get('approved_by') or '**none given**')} | {esc(j.get('expires') or '**never**')} | "
                   f"{esc(j.get('status') or '')} | {count} |")
    return out + [""]


def render(report: Report, *, color: bool = False) -> str:
    r = build(report)
    s = r.summary
    out = [f"# {r.title}", "", f"> {esc(r.disclaimer)}", ""]
    out += ["| | |", "|---|---|", f"| Generated | {esc(r.generated)} |", f"| Tool | {esc(r.tool)} |"]
    out += [f"| {esc(label)} | {esc(value)} |" for label, value in r.scope]
    for key, value in r.data_versions.items():
        out.append(f"| Data: {esc(key)} | {esc(value)} |")
    for path, digest in r.locks:
        out.append(f"| Lineages from | {esc(path)} ({esc(digest)}) |")
    out += [f"| Models checked | {s['models']} |", ""]
    if r.sources_notice:
        out += [f"> **Notice:** {esc(r.sources_notice)}", ""]
    out += ["## Result", "", f"**{esc(r.verdict)}**", ""]
    out += ["| Errors | Warnings | Obligations | Info | Waived | Unresolved |", "|---|---|---|---|---|---|",
            f"| {s['error']} | {s['warning']} | {s['obligation']} | {s['info']} | {s['waived']} | {s['unresolved']} |", ""]
    out += ["## Deployment context (as declared)", ""] + _context(r.context_yaml)
    if r.models:
        out += ["## Models at a glance", "", "| # | Model | Licences | Errors | Warnings | Obligations | Waived |",
                "|---|---|---|---|---|---|---|"]
        for i, mv in enumerate(r.models, 1):
            out.append(f"| {i} | {code(mv.model.id)} | {', '.join(code(x) for x in mv.model.licences) or '**unknown**'} | "
                       + " | ".join(str(mv.count(k)) for k in ("error", "warning", "obligation", "waived")) + " |")
        out.append("")

    for i, mv in enumerate(r.models, 1):
        m = mv.model
        out += [f"## Model {i}: {code(m.id)}", ""]
        facts = []
        if m.ref != m.id:
            facts.append(f"Referenced as {code(m.ref)}.")
        if m.location is not None:
            facts.append(f"Declared in {code(m.location.file)}" + (f" line {m.location.line}." if m.location.line else "."))
        if facts:
            out += [" ".join(facts), ""]
        out += ["### Lineage", ""] + mermaid(m.lineage) + [""] + _tree(mv) + [""]
        out += ["### Licences that bind this model", ""] + _licence_table(mv.licences, r.licences) + [""]
        out += ["### Findings", ""]
        if not mv.findings:
            out += ["No findings.", ""]
        for v in mv.findings:
            out += _finding(v)

    if r.other_findings:
        out += ["## Other findings", ""]
        for v in r.other_findings:
            out += _finding(v, "###")

    out += ["## Obligations checklist", ""]
    if not r.checklist:
        out += ["No notice or attribution obligations were found.", ""]
    for v in r.checklist:
        f = v.finding
        item = f"- [ ] **{esc(v.title)}** \u2014 {code(f.model)}: {esc(f.message)} ({code(f.id)}"
        item += f", {code(f.clause.licence)} section {esc(f.clause.section)})." if f.clause else ")."
        item += f" To comply: {esc(v.advice)}"
        if f.waived:
            item += f" *Waived: {esc(waiver_text(f.waiver))}.*"
        out.append(item)
    out.append("")

    out += ["## Waivers", ""] + _waivers(r.waivers)

    out += ["## What licheck could not determine", ""]
    if not r.unknowns:
        out += ["Every model in the lineage was resolved and every licence identified from its text.", ""]
    out += [f"- {esc(u)}" for u in r.unknowns] + ([""] if r.unknowns else [])
    if r.notes:
        out += ["## Notes", ""] + [f"- {esc(n)}" for n in r.notes] + [""]

    out += ["## Sign-off", "",
            "| | |", "|---|---|",
            "| Reviewer | |", "| Date | |",
            "| Decision | \u2610 Approved \u2003 \u2610 Approved with conditions \u2003 \u2610 Rejected |",
            "| Conditions | |", "| Signature | |", ""]
    return "\n".join(out)
