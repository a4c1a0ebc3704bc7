"""Regenerate docs/clauses.md from rules/ and docs/clauses-without-rules.yml:
`python tests/rules/regen_clauses_doc.py`.

The page lists, per bundled licence, each restrictive clause and the rule that encodes it, then
the clauses no rule encodes and why. A test keeps the committed page equal to what this script
writes, and checks that every rule and every licence appear.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PAGE = ROOT / "docs" / "clauses.md"
UNENCODED = ROOT / "docs" / "clauses-without-rules.yml"

INTRO = """\
# Clauses and the rules that encode them

For every licence and acceptable-use policy licheck bundles: each restrictive clause, by the
licence's own section, and the rule that encodes it (`licheck explain <rule id>` shows the
verbatim quote, what triggers it and how to comply); then the restrictive clauses no rule
encodes, and why, so a reader knows what licheck does not check. Generated from `rules/` and
`docs/clauses-without-rules.yml` by `python tests/rules/regen_clauses_doc.py`; a test keeps it
current and checks that every rule and every licence appear.

A licence that incorporates a document licheck has no text for lists it under "not checked"
(`incorporates_missing:` in its metadata, shown by `licheck explain <licence>`).
"""


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def unencoded() -> dict[str, list[dict[str, Any]]]:
    from licheck.yamlload import load_yaml

    doc = load_yaml(str(UNENCODED)) or {}
    return {str(k): list(v or []) for k, v in (doc.get("clauses") or {}).items()}


def render() -> str:
    from licheck.licences import default_corpus
    from licheck.rules.loader import Rulebook

    corpus = default_corpus()
    book = Rulebook(corpus)
    missing = unencoded()
    out = [INTRO]
    for lid in sorted(corpus.ids()):
        licence = corpus.get(lid)
        assert licence is not None
        out.append(f"\n## `{lid}`: {_cell(licence.name)}\n")
        rules = book.rules_for(lid)
        if rules:
            out.append("| section | clause | rule | kind | severity |")
            out.append("|---|---|---|---|---|")
            for r in rules:
                out.append(f"| {_cell(r.section)} | {_cell(r.title)} | `{r.id}` | {r.kind} | {r.severity} |")
        else:
            out.append("No rule.")
        if licence.incorporates:
            out.append("\nIncorporates (its rules apply too): " + ", ".join(f"`{i}`" for i in licence.incorporates))
        rows = missing.get(lid, [])
        if rows:
            out.append("\nNo rule encodes:\n")
            out.append("| section | clause | why |")
            out.append("|---|---|---|")
            for row in rows:
                out.append(f"| {_cell(row['section'])} | {_cell(row['clause'])} | {_cell(row['why'])} |")
        if licence.incorporates_missing:
            out.append("\nNot checked (incorporated; licheck has no text of it): "
                       + "; ".join(_cell(d) for d in licence.incorporates_missing))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
