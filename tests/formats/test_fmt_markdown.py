"""`--format markdown`: the legal review report."""

from __future__ import annotations

import re

from fmt_sample import ATTRIBUTION_QUOTE, NAMING_QUOTE, replace_finding

from licheck.formats import render
from licheck.formats.markdown import mermaid, quote_block
from licheck.licences import default_corpus
from licheck.model import Lineage, LineageNode
from licheck.report import Report


def test_header_and_context(report: Report) -> None:
    md = render(report, "markdown")
    assert md.startswith("# Licence review report\n")
    assert "| Generated | 2026-11-22T01:30:00Z |" in md
    assert "| Tool | licheck 0.1.0 |" in md and "| Data: rules | 2026-11-15 |" in md
    assert "## Deployment context (as declared)" in md
    assert "derived_model_name: AcmeChat-8B" in md
    assert "not legal advice" in md


def test_clause_quotes_section_and_confidence(report: Report) -> None:
    md = render(report, "markdown")
    assert f"> {NAMING_QUOTE}" in md
    assert f"> {ATTRIBUTION_QUOTE}" in md
    assert "Clause: `llama3.1`, section 1.b.i" in md
    assert "**How to comply:** Rename the model" in md
    assert "**Confidence:** **SECONDARY" in md           # the mau_cap clause is secondary
    assert "#### OBLIGATION \u2014 WAIVED" in md


def test_lineage_mermaid_and_plain_list(report: Report) -> None:
    md = render(report, "markdown")
    blocks = re.findall(r"```mermaid\n(.*?)```", md, flags=re.S)
    assert len(blocks) == 2
    assert blocks[0].startswith("graph BT")
    assert "meta-llama/Llama-3.1-8B<br/>[llama3.1]" in blocks[0] and "-->|finetune|" in blocks[0]
    assert blocks[1].count("-->|merge|") == 2
    assert "  - `meta-llama/Llama-3.1-8B` \u2014 base; licence `llama3.1`; publisher Meta (US)" in md
    assert "- `private/missing-model` \u2014 unknown; **unresolved: not checked**" in md


def test_licences_link_to_their_texts(report: Report) -> None:
    md = render(report, "markdown")
    lic = default_corpus()["llama3.1"]
    assert f"[{lic.name}](<{lic.url}>)" in md
    assert "`llama3.1.txt`" in md


def test_obligations_checklist(report: Report) -> None:
    md = render(report, "markdown")
    items = [line for line in md.splitlines() if line.startswith("- [ ] ")]
    assert len(items) == 2
    assert "llama3.1/attribution" in items[0] and "Built with Llama" in items[0]
    assert "llama3.1/notice" in items[1] and "*Waived: The Notice file ships" in items[1]


def test_waivers_unknowns_notes_and_sign_off(report: Report) -> None:
    md = render(report, "markdown")
    assert ("| llama3.1/notice for acme/\\* (deploy/licheck.yaml:14) | The Notice file ships in the "
            "release tarball | legal@acme.example | 2027-06-30 | active | 1 |") in md
    assert "| unused | 0 |" in md
    unknowns = md[md.index("## What licheck could not determine"):]
    assert "licheck could not fetch private/missing-model" in unknowns
    assert "has not been checked" in unknowns or "have not been checked" in unknowns
    assert "- hosted API model gpt-4o ignored" in md
    sign = md[md.index("## Sign-off"):]
    for field in ("Reviewer", "Date", "Decision", "Signature"):
        assert f"| {field} |" in sign


def test_unknown_licence_is_stated_plainly(report: Report) -> None:
    node = report.models[0].lineage.nodes[0]
    node.licence, node.declared_licence = None, "other"
    md = render(report, "markdown")
    assert ("- licheck could not determine the licence of acme/AcmeChat-8B (it declares 'other') "
            "\u2014 this has not been checked.") in md


def test_data_cannot_become_markup(report: Report) -> None:
    replace_finding(report, report.models[0].findings[0],
                    message="<script>alert(1)</script> *bold* [x](http://e.invalid)")
    md = render(report, "markdown")
    assert "<script>" not in md
    assert "\\<script\\>alert(1)\\</script\\> \\*bold\\* \\[x\\](http://e.invalid)" in md


def test_quote_keeps_every_line_and_neutralises_block_starts() -> None:
    lines = quote_block("# Title\n1. first\n- item\n\nplain * star")
    assert lines == ["> \\# Title", "> 1\\. first", "> \\- item", ">", "> plain \\* star"]


def test_mermaid_labels_cannot_break_the_graph() -> None:
    node = LineageNode(id='evil"]; click n0 "x', relation="base", licence="mit", source="local")
    text = "\n".join(mermaid(Lineage(ref="x", nodes=[node])))
    assert '"]; click' not in text and "#quot;" in text


def test_models_at_a_glance(report: Report) -> None:
    md = render(report, "markdown")
    assert "| 1 | `acme/AcmeChat-8B` | `apache-2.0`, `llama3.1` | 1 | 1 | 1 | 1 |" in md
    assert "| 2 | `acme/Merge-8B` | `llama3`, `llama3.1` | 0 | 1 | 0 | 0 |" in md
