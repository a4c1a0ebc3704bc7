"""How licence texts get reformatted in the wild, as functions `str -> str`.

Shared by the acceptance tests and `benchmarks/identify.py`. Each perturbation keeps the
licence's words and changes only their presentation (or adds a header a project puts on
top), so a correct identifier must still name the same licence.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

_CURLY = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}


def rewrap_60(text: str) -> str:
    """Reflow every paragraph (blank-line separated) to 60 columns, as `fmt` would.

    Words are never split (a URL longer than a line stays whole).
    """
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), 60, break_long_words=False, break_on_hyphens=False)
        for p in paragraphs if p.strip()
    ) + "\n"


def markdown_added(text: str) -> str:
    """Short lines become headings; the first words of long lines become bold."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            out.append(line)
        elif len(stripped) < 50 and not stripped.startswith(("#", "*", "-")):
            out.append("## " + stripped)
        else:
            first, _, rest = stripped.partition(" ")
            out.append(f"**{first}** {rest}" if rest and "*" not in first else stripped)
    return "\n".join(out) + "\n"


def markdown_removed(text: str) -> str:
    """Headings markers and bold/italic marks go (a text copied out of rendered Markdown)."""
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    return text.replace("**", "").replace("__", "")


def quotes_swapped(text: str) -> str:
    """Curly quotes become straight; a text with none gets curly ones instead."""
    if any(ch in text for ch in _CURLY):
        for curly, straight in _CURLY.items():
            text = text.replace(curly, straight)
        return text
    text = re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", text)
    return re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)


def header_prepended(text: str) -> str:
    """A project's title and copyright line on top, as LICENSE files often carry."""
    return "# AcmeChat 7B\n\nCopyright (c) 2025 Acme Robotics Ltd. All rights reserved.\n\n" + text


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


PERTURBATIONS: dict[str, Callable[[str], str]] = {
    "rewrap_60": rewrap_60,
    "markdown_added": markdown_added,
    "markdown_removed": markdown_removed,
    "quotes_swapped": quotes_swapped,
    "header_prepended": header_prepended,
    "crlf": crlf,
}
