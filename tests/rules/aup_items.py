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
}


def items(licence: str) -> list[Item]:
    reader, _ = POLICIES[licence]
    return reader(licence)
