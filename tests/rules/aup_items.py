"""The prohibited items of each acceptable-use policy and use-restriction attachment, read
from the licence texts themselves (not from the rules), so a test can prove every item has a
rule and every rule's section names an item whose words it quotes.

Each policy numbers its items its own way; `section` is written as the rule files write it:

* Llama 2, 3, 3.2, 3.3, 4: "Prohibited Uses 1.1.2", the numbers as written in the text (the
  Llama 4 text skips "2.", so its military item is 3.1; the Llama 3.2 file continues the
  numbers of sub-items across headings, so its military item is 2.8).
* Llama 3.1 (bullets, no numbers): "Prohibited Uses, bullet 2.1", positions among the bullets.
* Gemma Prohibited Use Policy: "2.e.vi", as written.
* BigScience and BigCode OpenRAIL-M: "Attachment A (m)"; DeepSeek and CreativeML OpenRAIL-M
  (bullets): "Attachment A, bullet 10".
* C4AI: the heading ("Fraud and deception"), and "Fraud and deception, bullet 2" below it.
* Falcon 3: "1" to "4"; Falcon 2 11B (unnumbered lines): "unnumbered item 1" to "4".
* Databricks Open Model AUP: "item 1" to "item 14". xAI AUP: "1.1" ... "2.4" and "3" (a paragraph).
* gpt-oss usage policy (one paragraph): "Usage policy".
* Tencent Hunyuan licences: "Exhibit A (Acceptable Use Policy) 1" to "... 20".
* GLM-4 licence, section 3 (three paragraphs without numbers): "3, paragraph 1" to "3".
* FLUX licences, section 4: "4.a(ii)" for the numbered parts of 4.a, "4.c" for the others.

Items that restrict something other than a use (a territory, a commercial purpose, notices,
terms offered to others) are listed in OTHER_TERMS: the rules of other kinds encode them.

Only leaf items count: a lead-in such as "Violate the law or others' rights, including to:"
is spelled out by the items under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from licheck.licences import default_corpus


@dataclass(frozen=True)
class Item:
    section: str
    text: str        # whitespace-normalised
    leaf: bool
    lead: str = ""   # the words that lead into a sub-item written inline ("use ... in whole or in part,")


def _text(licence: str) -> str:
    return "\n".join(default_corpus()[licence].read_texts())


def _between(text: str, start: str, end: str | None) -> list[str]:
    body = text[text.index(start) + len(start):]
    if end is not None:
        body = body[:body.index(end)]
    return body.splitlines()


def _tree(lines: list[str], marker: re.Pattern[str], label: str) -> list[tuple[list[str], str, bool]]:
    """(path, text, leaf) of list items, nested by indentation; `label` is "written" (the
    item's own number or letter) or "position" (its place among its siblings)."""
    found: list[tuple[int, str, str]] = []   # (indent, written mark, text)
    for line in lines:
        m = marker.match(line.expandtabs(4))
        if m:
            found.append((len(m.group(1)), m.group(2), m.group(3)))
    out: list[tuple[list[str], str, bool]] = []
    stack: list[tuple[int, str]] = []          # (indent, path part)
    counters: dict[tuple[str, ...], int] = {}
    for i, (indent, mark, text) in enumerate(found):
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = tuple(p for _, p in stack)
        counters[parent] = counters.get(parent, 0) + 1
        part = mark if label == "written" else str(counters[parent])
        stack.append((indent, part))
        leaf = i + 1 == len(found) or found[i + 1][0] <= indent
        out.append(([p for _, p in stack], " ".join(text.split()), leaf))
    return out


_NUMBERED = re.compile(r"^(\s*)(\d+)\.\s+(\S.*)$")
_BULLET = re.compile(r"^(\s*)[*-]\s+(\S.*)$")
_GEMMA = re.compile(r"^(\s*)(\d+|[a-z]|[ivx]+)\.\s+(\S.*)$")


def _bulleted(lines: list[str]) -> list[tuple[list[str], str, bool]]:
    return _tree([re.sub(r"^(\s*)([*-])\s+", r"\1\2 x. ", ln) for ln in lines],
                 re.compile(r"^(\s*)[*-] (x)\.\s+(\S.*)$"), "position")


def llama(licence: str) -> list[Item]:
    text = _text(licence)
    end = "With respect to any multimodal" if "With respect to any multimodal" in text else "Please report"
    lines = _between(text, "Prohibited Uses", end)
    if licence == "llama3.1-aup":
        return [Item("Prohibited Uses, bullet " + ".".join(p), t, leaf) for p, t, leaf in _bulleted(lines)]
    return [Item("Prohibited Uses " + ".".join(p), t, leaf) for p, t, leaf in _tree(lines, _NUMBERED, "written")]


def gemma(licence: str) -> list[Item]:
    lines = _between(_text(licence), "Model Derivatives to:", None)
    return [Item(".".join(p), t, leaf) for p, t, leaf in _tree(lines, _GEMMA, "written")]


def openrail_lettered(licence: str) -> list[Item]:
    text = _text(licence)
    lines = text[text.index("Attachment A"):].splitlines()
    out = []
    for line in lines:
        m = re.match(r"^\(([a-z])\)\s+(\S.*)$", line.strip())
        if m:
            out.append(Item(f"Attachment A ({m.group(1)})", " ".join(m.group(2).split()), True))
    return out


def attachment_bullets(licence: str) -> list[Item]:
    text = _text(licence)
    lines = text[text.rindex("Attachment A"):].splitlines()
    return [Item("Attachment A, bullet " + ".".join(p), t, leaf) for p, t, leaf in _bulleted(lines)]


def c4ai(licence: str) -> list[Item]:
    out: list[Item] = []
    heading = ""
    count = 0
    for line in _between(_text(licence), "strictly prohibited use cases:", None):
        m = re.match(r"^([A-Z][^:*]+):\s+(\S.*)$", line)
        if m:
            heading, count = m.group(1), 0
            out.append(Item(heading, " ".join(line.split()), True))
            continue
        b = re.match(r"^\*\s+(\S.*)$", line)
        if b:
            count += 1
            out.append(Item(f"{heading}, bullet {count}", " ".join(b.group(1).split()), True))
    return out


def falcon(licence: str) -> list[Item]:
    lines = [ln.strip() for ln in _between(_text(licence), "are defined in", None)[1:] if ln.strip()]
    out = []
    for i, line in enumerate(lines, 1):
        m = re.match(r"^(\d+)\.\s+(\S.*)$", line)
        if m:
            out.append(Item(m.group(1), m.group(2), True))
        else:
            out.append(Item(f"unnumbered item {i}", line, True))
    return out


def numbered_lines(start: str, label: str = "{n}"):   # noqa: ANN201 - a reader factory
    def read(licence: str) -> list[Item]:
        out = []
        for line in _between(_text(licence), start, None):
            m = re.match(r"^\s*(\d+)\.\s+(\S.*)$", line)
            if m:
                out.append(Item(label.format(n=m.group(1)), " ".join(m.group(2).split()), True))
        return out
    return read


def xai(licence: str) -> list[Item]:
    found = []
    for line in _between(_text(licence), "respect our guardrails:", "We report suspected"):
        m = re.match(r"^(\d+(?:\.\d+)?)\.\s+(\S.*)$", line.strip())
        if m:
            found.append((m.group(1), " ".join(m.group(2).split())))
    numbers = [n for n, _ in found]
    return [Item(n, t, not any(o.startswith(n + ".") for o in numbers)) for n, t in found]


def sole_paragraph(licence: str) -> list[Item]:
    return [Item("Usage policy", " ".join(_text(licence).split()), True)]


def glm(licence: str) -> list[Item]:
    lines = [ln.strip() for ln in _between(_text(licence), "3. Restrictions", "4. ") if ln.strip()]
    return [Item(f"3, paragraph {i}", " ".join(ln.split()), True) for i, ln in enumerate(lines, 1)]


_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")


def flux(licence: str) -> list[Item]:
    out: list[Item] = []
    for line in _between(_text(licence), "4. Restrictions.", "5. DISCLAIMERS"):
        m = re.match(r"^\s*(?:-\s+)?([a-g])\.\s+(\S.*)$", line)
        if not m:
            continue
        letter, text = m.group(1), " ".join(m.group(2).split())
        parts = re.split(r"\((" + "|".join(_ROMAN) + r")\) ", text) if letter == "a" else [text]
        if len(parts) == 1:
            out.append(Item(f"4.{letter}", text, True))
            continue
        out.append(Item("4.a", parts[0].strip(), False))
        for numeral, part in zip(parts[1::2], parts[2::2], strict=True):
            out.append(Item(f"4.a({numeral})", f"({numeral}) {part.strip()}", True, lead=parts[0].strip()))
    return out


def exaone(licence: str) -> list[Item]:
    """The unlawful/illegal-use paragraph and the lettered items of the ethical-use section, each
    with its continuation lines."""
    out: list[Item] = []
    current: list[str] | None = None
    label = ""
    head = ""

    def close() -> None:
        if current is not None:
            out.append(Item(label, " ".join(" ".join(current).split()), True))

    for line in _text(licence).splitlines():
        section = re.match(r"^\s*(\d+\.\d+)\s+(.*)$", line)
        letter = re.match(r"^\s+([a-z])\.\s+(\S.*)$", line)
        if section:
            close()
            current = None
            head = section.group(1)
            if re.match(r"(Unlawful|Illegal) Use:", section.group(2)):
                label, current = head, [section.group(2).split(":", 1)[1]]
            elif not section.group(2).startswith("Ethical Use:"):
                head = ""
        elif letter and head:
            close()
            label, current = f"{head}.{letter.group(1)}", [letter.group(2)]
        elif not line.strip() or re.match(r"^\d+\.\s", line):
            close()
            current, head = None, ""
        elif current is not None:
            current.append(line)
    close()
    return out


MINIMAX = ("minimax-model", "minimax-model-2025-01-14", "minimax-model-m2.5", "minimax-m2.7-non-commercial")
EXAONE = ("exaone", "exaone-1.0-nc", "exaone-1.1-nc", "k-exaone")
HUNYUAN = numbered_lines("EXHIBIT A", "Exhibit A (Acceptable Use Policy) {n}")
FLUX = ("flux-1-dev-non-commercial-2024-08-01", "flux-1-dev-non-commercial-2024-11-21",
        "flux-1-dev-non-commercial", "flux-1-dev-non-commercial-v1.1", "flux-dev-non-commercial-v2.0",
        "flux-non-commercial-v2.1")
HUNYUAN_IDS = ("tencent-hunyuan-community", "tencent-hunyuan-community-2024-11-05",
               "tencent-hunyuan-community-2024-12-03", "tencent-hunyuan-3d-2.0-community",
               "tencent-hunyuan-3d-2.1-community")

# licence id -> (reader, the number of leaf items a reader of the text counts)
POLICIES = {
    "llama2-aup": (llama, 25),
    "llama3-aup": (llama, 25),
    "llama3.1-aup": (llama, 25),
    "llama3.2-aup": (llama, 27),
    "llama3.3-aup": (llama, 27),
    "llama4-aup": (llama, 27),
    "gemma-aup": (gemma, 24),
    "deepseek": (attachment_bullets, 11),
    "bigscience-openrail-m": (openrail_lettered, 13),
    "bigcode-openrail-m": (openrail_lettered, 14),
    "creativeml-openrail-m": (attachment_bullets, 11),
    "c4ai-aup": (c4ai, 9),
    "falcon-2-11b-tii-aup": (falcon, 4),
    "falcon-3-tii-aup": (falcon, 4),
    "dbrx-aup": (numbered_lines("DBRX Derivatives:", "item {n}"), 14),
    "xai-aup": (xai, 12),
    "gpt-oss-usage-policy": (sole_paragraph, 1),
    "glm-4": (glm, 3),
    **dict.fromkeys(HUNYUAN_IDS, (HUNYUAN, 20)),
    **{m: (numbered_lines("You agree you will not use, or allow others to use",
                          "Appendix (Prohibited Uses) {n}" if m.endswith("m2.7-non-commercial")
                          else "Prohibited Uses Policy {n}"), 5 if m.endswith("m2.7-non-commercial") else 9)
       for m in MINIMAX},
    **dict.fromkeys(EXAONE, (exaone, 5)),
    **{f: (flux, 11 if f.endswith(("2024-08-01", "2024-11-21")) else
           14 if f.endswith("v1.1") else 13) for f in FLUX},
}

# Items that restrict something other than a use: encoded (or to be encoded) by rules of other
# kinds, so the item needs no acceptable_use rule. Each entry must name an item of the text.
OTHER_TERMS: dict[str, dict[str, str]] = {
    **{h: {"Exhibit A (Acceptable Use Policy) 1": "use outside the Territory: a geographic exclusion (the "
               "territory rules)"} for h in HUNYUAN_IDS},
    **{f: {"4.a(i)": "commercial or production purposes: the non_commercial and non_production rules",
           "4.b": "altering or removing notices: not a use",
           "4.d": "terms imposed on recipients: not a use"} for f in FLUX if not f.endswith("v1.1")},
    "flux-1-dev-non-commercial-v1.1": {
        "4.a(i)": "commercial or production purposes: the non_commercial and non_production rules",
        "4.b": "training a competing model on outputs: the output_training rule",
        "4.c": "altering or removing notices: not a use",
        "4.e": "terms imposed on recipients: not a use"},
}


def items(licence: str) -> list[Item]:
    reader, _ = POLICIES[licence]
    return reader(licence)
