"""Normalisation: a named, ordered pipeline of pure `str -> str` passes.

Licence texts reach users reformatted: rewrapped, converted to Markdown or back, with
curly quotes, a project header or a copyright line on top, CRLF endings. Each pass below
removes one such kind of difference, so two copies of the same licence normalise to the
same string (and the same hash). The order matters: structure (lines, Markdown, list
markers) is read before whitespace is collapsed.

Passes marked lossy in `LOSSY` throw away words that can tell near-identical licences
apart (Llama 3.1 and 3.2 differ mostly in names, dates and URLs), so the discriminating
tokens are taken from the text normalised *without* them (`normalise(text, skip=LOSSY)`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection

Pass = Callable[[str], str]

# -- line endings -----------------------------------------------------------------------

_BOM = "\ufeff"


def line_endings(text: str) -> str:
    """CRLF and lone CR become LF; a leading byte-order mark goes."""
    return text.removeprefix(_BOM).replace("\r\n", "\n").replace("\r", "\n")


# -- HTML -------------------------------------------------------------------------------

_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+|[\w.+-]+@[\w-]+\.[\w.-]+)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def html_markup(text: str) -> str:
    """HTML tags (`<ins>`, `<span style=...>`, `<br/>`) and comments go; entities decode.

    Markdown autolinks (`<https://...>`) keep their address: it may be what tells two
    versions of a licence apart.
    """
    text = _AUTOLINK.sub(r" \1 ", text)
    text = _COMMENT.sub(" ", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text) if "&" in text else text


# -- Markdown ---------------------------------------------------------------------------

_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]]*)\]\(\s*([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)[^()]*\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HEADING = re.compile(r"^[ \t]*#{1,6}(?=\s|$)", re.M)
_RULE = re.compile(r"^[ \t]*(?:[-=_*~][ \t]*){3,}$", re.M)
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)
_LOOSE_UNDERSCORE = re.compile(r"_+(?:(?<!\w_)|(?!\w))")


def markdown(text: str) -> str:
    """Markdown markup goes: headings, emphasis, code marks, rules, quotes, tables.

    A link `[text](url)` keeps both its text and its address (as plain words).
    """
    # Each regex runs only when its marker occurs at all (most texts are plain).
    if "](" in text:
        text = _IMAGE_OR_LINK.sub(r"\1 \2", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "#" in text:
        text = _HEADING.sub("", text)
    if "---" in text or "===" in text or "***" in text or "___" in text or "~~~" in text:
        text = _RULE.sub("", text)
    if ">" in text:
        text = _QUOTE.sub("", text)
    for mark in "*`~|":  # emphasis, code and table marks
        if mark in text:
            text = text.replace(mark, "")
    # `_` as emphasis goes; `_` inside a word (use_policy) stays.
    return _LOOSE_UNDERSCORE.sub("", text) if "_" in text else text


# -- bullets and numbering --------------------------------------------------------------

# A list marker at the start of a line: "- ", "• ", "1. ", "2) ", "(a) ", "iv. ", "1.2. ".
# A bare section number without a closing "." or ")" ("3.1 Definitions") is not a marker:
# after rewrapping, "Llama\n3.1 Version" must keep its "3.1".
_MARKER = re.compile(
    r"^[ \t]*(?:[-+\u2022\u00b7\u25aa\u25e6\u25cf\u2023\u2043]"
    r"|\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivxlc]{1,5})[.)])[ \t]+",
    re.M,
)


def bullets(text: str) -> str:
    """List bullets and numbering at the start of a line go (copies renumber freely)."""
    return _MARKER.sub("", text)


# -- copyright and header lines ---------------------------------------------------------

_COPYRIGHT_LINE = re.compile(
    r"^[ \t]*(?:copyright\b|\(c\)|\u00a9|all rights reserved|spdx-license-identifier:)[^\n]*$",
    re.M,
)


def copyright_lines(text: str) -> str:
    """Copyright notices and SPDX header lines go: they name a holder, not a licence."""
    return _COPYRIGHT_LINE.sub("", text)


# -- URLs -------------------------------------------------------------------------------

# Written so the regex engine can skip ahead to an 'h', 'f' or 'w' (runs after `case`).
_URL = re.compile(r"[hfw](?:(?<=h)ttps?://|(?<=f)tp://|(?<=w)ww\.)[^\s<>\"'\u201c\u201d)\]]+")


def urls(text: str) -> str:
    """Web addresses go (lossy: copies point at different mirrors of the same text)."""
    return _URL.sub(" ", text)


# -- punctuation, spelling, case, whitespace --------------------------------------------

_STYLES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u2026": "...",
}
_STYLE = re.compile("[" + "".join(_STYLES) + "]")
# Kept only inside a word: 3.1, don't, non-commercial, use_policy.md, github.com/meta.
_SYMBOLS = re.compile(r"[^\w\s'./-]+")
_ASCII_SYMBOLS = bytes(
    c if chr(c).isalnum() or chr(c).isspace() or chr(c) in "_'./-" else ord(" ") for c in range(256)
)
_EDGE = re.compile(r"['./-]+(?:(?<![^\W_]['./-])|(?![^\W_]))")


def punctuation(text: str) -> str:
    """Quote and dash styles unify; punctuation that is not inside a word goes."""
    if not text.isascii():
        text = _STYLE.sub(lambda m: _STYLES[m.group()], text)
    if text.isascii():  # bytes.translate is far faster than a regex over every character
        text = text.encode("ascii").translate(_ASCII_SYMBOLS).decode("ascii")
    else:
        text = _SYMBOLS.sub(" ", text)
    return _EDGE.sub(" ", text)


_SPELLING = re.compile(r"licenc(e[sd]?|ing)\b")  # after `case`; also "sublicence"


def spelling(text: str) -> str:
    """British and American spellings of 'licence' unify (publishers use both)."""
    return _SPELLING.sub(r"licens\1", text)


def case(text: str) -> str:
    """Letter case goes."""
    return text.casefold()


def whitespace(text: str) -> str:
    """Every run of whitespace (line breaks, tabs, no-break spaces) becomes one space."""
    return " ".join(text.split())


# -- the pipeline -----------------------------------------------------------------------

PASSES: tuple[tuple[str, Pass], ...] = (
    ("line_endings", line_endings),
    ("case", case),
    ("html_markup", html_markup),
    ("markdown", markdown),
    ("bullets", bullets),
    ("copyright_lines", copyright_lines),
    ("urls", urls),
    ("punctuation", punctuation),
    ("spelling", spelling),
    ("whitespace", whitespace),
)
PASS_NAMES: tuple[str, ...] = tuple(name for name, _ in PASSES)
# Passes that can erase what tells near-twins apart (see the module docstring).
LOSSY: frozenset[str] = frozenset({"urls", "bullets"})


def normalise(text: str, skip: Collection[str] = ()) -> str:
    """Run every pass in order, except those named in `skip`."""
    for name, fn in PASSES:
        if name not in skip:
            text = fn(text)
    return text


def tokens(normalised: str) -> list[str]:
    """Words of a normalised text, split at '/', '-' and "'" (so URLs give their parts)."""
    return normalised.replace("/", " ").replace("-", " ").replace("'", " ").split()
