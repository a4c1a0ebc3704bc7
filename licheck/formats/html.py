"""`--format html`: the legal review report as one self-contained, printable HTML file.

Same content as the Markdown report (`licheck.formats._review`). No script, no external
resource: inline CSS with a print stylesheet, a Content-Security-Policy that forbids scripts,
and every piece of data escaped (a message containing `<script>` is shown, never run).
"""

from __future__ import annotations

from html import escape
from typing import Any

from licheck.formats._common import node_licence_label, waiver_scope, waiver_text
from licheck.formats._review import NO_CONTEXT, FindingView, LicenceView, ModelSection, build
from licheck.report import Report, jsonable

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

CSS = """
:root { --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --error:#b42318; --warning:#9a6700;
        --obligation:#0b5cad; --info:#57606a; --waived:#6e7781; }
* { box-sizing: border-box; }
body { font: 15px/1.5 Georgia, "Times New Roman", serif; color: var(--fg); max-width: 60rem;
       margin: 2rem auto; padding: 0 1.5rem; }
h1, h2, h3, h4 { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.8rem; margin-bottom: .25rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; }
code { background: #f3f4f6; padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: .75rem; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-family: system-ui, Arial, sans-serif; font-weight: 600; }
.disclaimer { color: var(--muted); font-style: italic; border-left: 4px solid var(--line); padding-left: .75rem; }
.notice { border: 2px solid #b26b00; background: #fff4e0; padding: .5rem .75rem; }
.verdict { font-size: 1.1rem; font-weight: bold; }
.badge { display: inline-block; font: 600 .78rem/1.6 system-ui, Arial, sans-serif; letter-spacing: .04em;
         padding: 0 .5em; border-radius: 3px; color: #fff; text-transform: uppercase; }
.sev-error .badge, .badge.sev-error { background: var(--error); }
.sev-warning .badge, .badge.sev-warning { background: var(--warning); }
.sev-obligation .badge, .badge.sev-obligation { background: var(--obligation); }
.sev-info .badge, .badge.sev-info { background: var(--info); }
.badge.waived { background: var(--waived); }
.finding { border: 1px solid var(--line); border-left-width: 6px; border-radius: 4px; padding: .5rem 1rem;
           margin: .9rem 0; break-inside: avoid; page-break-inside: avoid; }
.finding.sev-error { border-left-color: var(--error); }
.finding.sev-warning { border-left-color: var(--warning); }
.finding.sev-obligation { border-left-color: var(--obligation); }
.finding.sev-info { border-left-color: var(--info); }
.finding.waived { opacity: .85; border-style: dashed; }
.finding h3, .finding h4 { margin: .3rem 0 .5rem; font-size: 1.05rem; }
.finding dl { display: grid; grid-template-columns: 11rem 1fr; gap: .2rem .8rem; margin: 0; }
.finding dt { font-weight: bold; color: var(--muted); font-family: system-ui, Arial, sans-serif; font-size: .9em; }
.finding dd { margin: 0; }
blockquote { margin: .7rem 0 .3rem; padding: .4rem .9rem; border-left: 4px solid #8c959f; background: #f6f8fa;
             white-space: pre-wrap; }
.secondary { color: var(--error); font-weight: bold; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 1.4rem; }
ul.tree { padding-left: 0; }
ul.tree li { position: relative; padding: .15rem 0 .15rem 1rem; }
ul.tree ul li::before { content: ""; position: absolute; left: -.6rem; top: 0; bottom: 0;
                        border-left: 1px solid #8c959f; }
ul.tree ul li:last-child::before { bottom: auto; height: 1rem; }
ul.tree ul li::after { content: ""; position: absolute; left: -.6rem; top: 1rem; width: 1.2rem;
                       border-top: 1px solid #8c959f; }
.node { display: inline-block; border: 1px solid var(--line); border-radius: 4px; padding: .1rem .5rem;
        background: #fff; }
.node .rel { color: var(--muted); font-size: .85em; }
.node.unresolved { border-color: var(--error); border-style: dashed; }
ul.checklist { list-style: none; padding-left: 0; }
ul.checklist li { padding: .3rem 0 .3rem 1.8rem; position: relative; }
ul.checklist li::before { content: "\\2610"; position: absolute; left: 0; font-size: 1.3rem; line-height: 1.2; }
.unknowns li { margin: .25rem 0; }
table.signoff td { height: 2.6rem; }
table.signoff th { width: 12rem; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
  .badge { color: #000 !important; background: none !important; border: 1px solid #000; }
  #signoff { break-before: page; page-break-before: always; }
  pre, blockquote, code { background: none !important; }
}
"""


def e(value: object) -> str:
    # Line breaks as references: a card's "\n::error::..." must not start a line of the page,
    # which a CI log would read as a workflow command when the report goes to stdout.
    return escape(str(value), quote=True).replace("\r", "&#13;").replace("\n", "&#10;")


def _link(lic: LicenceView) -> str:
    return f'<a href="{e(lic.url)}">{e(lic.name)}</a>' if lic.url else e(lic.name)


def _badge(v: FindingView) -> str:
    return f'<span class="badge sev-{e(v.severity)}">{e(v.severity)}</span>' + (
        ' <span class="badge waived">waived</span>' if v.finding.waived else "")


def _tree(view: ModelSection) -> str:
    out: list[str] = []
    depth = -1
    for row in view.rows:
        if row.depth > depth:
            out.append('<ul class="tree">' if depth < 0 else "<ul>")
        else:
            out.append("</li>")
            for _ in range(depth - row.depth):
                out.append("</ul></li>")
        depth = row.depth
        n = row.node
        if n is None:
            out.append(f'<li><span class="node unresolved"><code>{e(row.id)}</code> '
                       '<span class="rel">not in the lineage (not fetched)</span></span>')
        elif row.repeat:
            out.append(f'<li><span class="node"><code>{e(n.id)}</code> <span class="rel">(shown above)</span></span>')
        else:
            extra = []
            if n.publisher:
                extra.append(e(n.publisher) + (f" ({e(n.origin)})" if n.origin else ""))
            extra.append(f"source {e(n.source)}")
            cls = "node" if n.resolved else "node unresolved"
            out.append(f'<li><span class="{cls}"><code>{e(n.id)}</code> '
                       f'<strong>[{e(node_licence_label(n))}]</strong> '
                       f'<span class="rel">{e(n.relation)}; {"; ".join(extra)}</span></span>')
    out.append("</li>")
    for _ in range(depth):
        out.append("</ul></li>")
    out.append("</ul>")
    return "".join(out)


def _licences(view: ModelSection, known: dict[str, LicenceView]) -> str:
    if not view.licences:
        return "<p>No licence could be determined for this model.</p>"
    rows = []
    for lic in view.licences:
        files = ", ".join(f"<code>{e(f)}</code>" for f in lic.files) or ("none" if lic.known else "not in corpus")
        inc = ", ".join(_link(known[i]) if i in known else f"<code>{e(i)}</code>" for i in lic.incorporates)
        rows.append(f"<tr><td><code>{e(lic.id)}</code></td><td>{_link(lic)}</td><td>{files}</td>"
                    f"<td>{inc or '&mdash;'}</td></tr>")
    return ("<table><thead><tr><th>Licence id</th><th>Licence</th><th>Bundled text</th>"
            "<th>Incorporates</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _finding(v: FindingView, heading: str = "h4") -> str:
    f = v.finding
    cls = f"finding sev-{e(v.severity)}" + (" waived" if f.waived else "")
    rows: list[tuple[str, str]] = [("Finding", e(f.message))]
    if f.model:
        rows.append(("Model", f"<code>{e(f.model)}</code>"
                     + (f" (declared at <code>{e(v.where)}</code>)" if v.where else "")))
    elif v.where:
        rows.append(("Where", f"<code>{e(v.where)}</code>"))
    if f.licence:
        rows.append(("Licence", (_link(v.licence) + " " if v.licence else "") + f"(<code>{e(f.licence)}</code>)"))
    if len(f.via) > 1:
        rows.append(("Inherited via", " &rarr; ".join(f"<code>{e(x)}</code>" for x in f.via)))
    if f.context_field:
        rows.append(("Context field", f"<code>{e(f.context_field)}</code>"))
    rows.append(("Severity", e(v.severity)))
    rows.append(("How to comply", e(v.advice)))
    rows.append(("Confidence", f'<span class="secondary">{e(v.confidence)}</span>' if v.secondary
                 else e(v.confidence)))
    if f.waived:
        rows.append(("Waived", e(waiver_text(f.waiver))))
    if f.clause is not None:
        rows.append(("Clause", f"<code>{e(f.clause.licence)}</code>, section {e(f.clause.section)}"))
    body = "".join(f"<dt>{k}</dt><dd>{val}</dd>" for k, val in rows)
    quote = f"<blockquote>{e(f.clause.quote.strip())}</blockquote>" if f.clause is not None else ""
    return (f'<article class="{cls}"><{heading}>{_badge(v)} {e(v.title)} <code>{e(f.id)}</code></{heading}>'
            f"<dl>{body}</dl>{quote}</article>")


def _waivers(waivers: list[tuple[dict[str, Any], int]]) -> str:
    if not waivers:
        return "<p>No waivers were declared.</p>"
    rows = []
    for w, count in waivers:
        j = jsonable(w)
        rows.append(f"<tr><td>{e(waiver_scope(j))}</td><td>{e(j.get('reason') or 'none given')}</td>"
                    f"<td>{e(j.get('approved_by') or 'none given')}</td><td>{e(j.get('expires') or 'never')}</td>"
                    f"<td>{e(j.get('status') or '')}</td><td>{count}</td></tr>")
    return ("<table><thead><tr><th>Scope</th><th>Reason</th><th>Approved by</th><th>Expires</th>"
            "<th>Status</th><th>Findings waived</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def render(report: Report, *, color: bool = False) -> str:
    r = build(report)
    s = r.summary
    p: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(r.title)} \u2014 {e(r.tool)}</title>",
        f"<style>{CSS}</style></head><body>",
        f'<header><h1>{e(r.title)}</h1><p class="disclaimer">{e(r.disclaimer)}</p>',
        "<table><tbody>",
        f"<tr><th>Generated</th><td>{e(r.generated)}</td></tr>",
        f"<tr><th>Tool</th><td>{e(r.tool)}</td></tr>",
    ]
    p += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in r.scope]
    p += [f"<tr><th>Data: {e(k)}</th><td>{e(v)}</td></tr>" for k, v in r.data_versions.items()]
    p += [f"<tr><th>Lineages from</th><td>{e(path)} ({e(digest)})</td></tr>" for path, digest in r.locks]
    p += [f"<tr><th>Models checked</th><td>{s['models']}</td></tr></tbody></table>"]
    if r.sources_notice:
        p.append(f'<p class="notice"><strong>Notice:</strong> {e(r.sources_notice)}</p>')
    p.append("</header>")
    p += ['<section id="result"><h2>Result</h2>', f'<p class="verdict">{e(r.verdict)}</p>',
          "<table><thead><tr><th>Errors</th><th>Warnings</th><th>Obligations</th><th>Info</th>"
          "<th>Waived</th><th>Unresolved</th></tr></thead><tbody><tr>"
          + "".join(f"<td>{s[k]}</td>" for k in ("error", "warning", "obligation", "info", "waived", "unresolved"))
          + "</tr></tbody></table></section>"]
    p += ['<section id="context"><h2>Deployment context (as declared)</h2>',
          f"<pre>{e(r.context_yaml)}</pre>" if r.context_yaml is not None else f"<p>{e(NO_CONTEXT)}</p>",
          "</section>"]
    if r.models:
        p.append('<section id="overview"><h2>Models at a glance</h2><table><thead><tr><th>#</th><th>Model</th>'
                 "<th>Licences</th><th>Errors</th><th>Warnings</th><th>Obligations</th><th>Waived</th></tr>"
                 "</thead><tbody>")
        for i, mv in enumerate(r.models, 1):
            lics = ", ".join(f"<code>{e(x)}</code>" for x in mv.model.licences) or "<strong>unknown</strong>"
            counts = "".join(f"<td>{mv.count(k)}</td>" for k in ("error", "warning", "obligation", "waived"))
            p.append(f'<tr><td>{i}</td><td><a href="#model-{i}"><code>{e(mv.model.id)}</code></a></td>'
                     f"<td>{lics}</td>{counts}</tr>")
        p.append("</tbody></table></section>")
    for i, mv in enumerate(r.models, 1):
        m = mv.model
        p.append(f'<section class="model" id="model-{i}"><h2>Model {i}: <code>{e(m.id)}</code></h2>')
        facts = []
        if m.ref != m.id:
            facts.append(f"Referenced as <code>{e(m.ref)}</code>.")
        if m.location is not None:
            facts.append(f"Declared in <code>{e(m.location.file)}</code>"
                         + (f" line {e(m.location.line)}." if m.location.line else "."))
        if facts:
            p.append(f"<p>{' '.join(facts)}</p>")
        p += ["<h3>Lineage</h3>", _tree(mv), "<h3>Licences that bind this model</h3>", _licences(mv, r.licences),
              "<h3>Findings</h3>"]
        p += [_finding(v) for v in mv.findings] or ["<p>No findings.</p>"]
        p.append("</section>")
    if r.other_findings:
        p += ['<section id="other"><h2>Other findings</h2>'] + [_finding(v, "h3") for v in r.other_findings]
        p.append("</section>")
    p.append('<section id="checklist"><h2>Obligations checklist</h2>')
    if r.checklist:
        items = []
        for v in r.checklist:
            f = v.finding
            clause = (f", <code>{e(f.clause.licence)}</code> section {e(f.clause.section)}" if f.clause else "")
            waived = f" <em>Waived: {e(waiver_text(f.waiver))}.</em>" if f.waived else ""
            items.append(f"<li><strong>{e(v.title)}</strong> \u2014 <code>{e(f.model)}</code>: {e(f.message)} "
                         f"(<code>{e(f.id)}</code>{clause}). To comply: {e(v.advice)}{waived}</li>")
        p.append('<ul class="checklist">' + "".join(items) + "</ul>")
    else:
        p.append("<p>No notice or attribution obligations were found.</p>")
    p.append("</section>")
    p += ['<section id="waivers"><h2>Waivers</h2>', _waivers(r.waivers), "</section>"]
    p.append('<section id="unknowns"><h2>What licheck could not determine</h2>')
    p.append('<ul class="unknowns">' + "".join(f"<li>{e(u)}</li>" for u in r.unknowns) + "</ul>" if r.unknowns
             else "<p>Every model in the lineage was resolved and every licence identified from its text.</p>")
    p.append("</section>")
    if r.notes:
        p += ['<section id="notes"><h2>Notes</h2><ul>'] + [f"<li>{e(n)}</li>" for n in r.notes] + ["</ul></section>"]
    p += ['<section id="signoff"><h2>Sign-off</h2><table class="signoff"><tbody>',
          "<tr><th>Reviewer</th><td></td></tr>", "<tr><th>Date</th><td></td></tr>",
          "<tr><th>Decision</th><td>\u2610 Approved &emsp; \u2610 Approved with conditions &emsp; "
          "\u2610 Rejected</td></tr>",
          "<tr><th>Conditions</th><td></td></tr>", "<tr><th>Signature</th><td></td></tr>",
          "</tbody></table></section>",
          f"<footer><p class=\"disclaimer\">{e(r.tool)} \u2014 {e(r.generated)}</p></footer>",
          "</body></html>"]
    return "\n".join(p) + "\n"
