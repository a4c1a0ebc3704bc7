"""Is a rule's quote really in the licence text?

The comparison normalises whitespace only: quotation marks, case and punctuation must be the
licence's own. A quote may leave words out with "[...]" (the legal convention); each part
must then appear in the text, in order.
"""

from __future__ import annotations

ELLIPSIS = "[...]"


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    # str.split() splits on exactly the characters regex `\s` matches, several times faster
    # than a regex substitution on whole licence texts (every rule file normalises its texts).
    return " ".join(text.split())


def quote_in(quote: str, texts: list[str], *, normalised: bool = False) -> bool:
    """`normalised=True` when `texts` already went through `normalise` (saves time in loops)."""
    parts = [normalise(p) for p in quote.split(ELLIPSIS)]
    if not all(parts):
        return False
    for text in texts:
        hay = text if normalised else normalise(text)
        pos = 0
        for part in parts:
            found = hay.find(part, pos)
            if found < 0:
                break
            pos = found + len(part)
        else:
            return True
    return False
