"""Normalisation: a named, ordered pipeline of pure `str -> str` passes.

Licence texts reach users reformatted: rewrapped, converted to Markdown or back, with
curly quotes, a project header or a copyright line on top, CRLF endings. Each pass below
removes one such kind of difference, so two copies of the same licence normalise to the
same string (and the same hash). The order matters: structure (lines, Markdown, list
markers) is read before whitespace is collapsed.

The `urls` pass throws away what can tell near-identical licences apart (Llama 3.1 and
3.2 differ only in names, dates and URLs), so the matcher takes the words of the URLs from
the raw text separately (`licheck.matching.index.url_parts`) when it must tell twins apart.
`bullets` and `urls` are the only passes that drop words.
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


def _by_line(pattern: re.Pattern[str], text: str) -> str:
    """Apply a line-start pattern written with a leading "\\n" rather than "^" and re.M:
    the regex engine then jumps from newline to newline instead of trying every position
    (several times faster). A newline goes before the first line and comes off again."""
    return pattern.sub("\n", "\n" + text)[1:]


# -- Markdown ---------------------------------------------------------------------------

_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]]*)\]\(\s*([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)[^()]*\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# (Line-start patterns begin with "\n": see `_by_line` above.)
_HEADING = re.compile(r"\n[ \t]*#{1,6}(?=\s|\Z)")
_RULE = re.compile(r"\n[ \t]*(?:[-=_*~][ \t]*){3,}(?=\n|\Z)")
_QUOTE = re.compile(r"\n[ \t]*(?:>[ \t]?)+")
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
        text = _by_line(_HEADING, text)
    if "---" in text or "===" in text or "***" in text or "___" in text or "~~~" in text:
        text = _by_line(_RULE, text)
    if ">" in text:
        text = _by_line(_QUOTE, text)
    for mark in "*`~|":  # emphasis, code and table marks
        if mark in text:
            text = text.replace(mark, "")
    # `_` as emphasis goes; `_` inside a word (use_policy) stays.
    return _LOOSE_UNDERSCORE.sub("", text) if "_" in text else text


# -- bullets and numbering --------------------------------------------------------------

# List markers at the start of a line: "- ", "• ", "1. ", "2) ", "(a) ", "iv. ", "1.2. ",
# and several in a row ("- a. ": FLUX v1.1.1 put bullets before its lettering, v1.1 did not).
# A bare section number without a closing "." or ")" ("3.1 Definitions") is not a marker:
# after rewrapping, "Llama\n3.1 Version" must keep its "3.1".
_MARKER = re.compile(
    r"\n[ \t]*(?:(?:[-+\u2022\u00b7\u25aa\u25e6\u25cf\u2023\u2043]"
    r"|\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivxlc]{1,5})[.)])[ \t]+)+"
)



def bullets(text: str) -> str:
    """List bullets and numbering at the start of a line go (copies renumber freely)."""
    return _by_line(_MARKER, text)


# -- copyright and header lines ---------------------------------------------------------

# A notice, not a clause: "copyright" must be followed by (c), \u00a9, a year or a
# placeholder, so a rewrapped line starting "copyright owner ..." stays.
_COPYRIGHT_LINE = re.compile(
    r"\n[ \t]*(?:copyright\s*(?:\(c\)|\u00a9|\d|[\[<{])|\(c\)\s*\d|\u00a9|all rights reserved"
    r"|spdx-license-identifier:)[^\n]*"
)


def copyright_lines(text: str) -> str:
    """Copyright notices and SPDX header lines go: they name a holder, not a licence."""
    return _by_line(_COPYRIGHT_LINE, text)


# -- URLs -------------------------------------------------------------------------------

# Written so the regex engine can skip ahead to an 'h', 'f' or 'w' (runs after `case`).
URL = re.compile(r"[hfw](?:(?<=h)ttps?://|(?<=f)tp://|(?<=w)ww\.)[^\s<>\"'\u201c\u201d)\]]+")


def urls(text: str) -> str:
    """Web addresses go (lossy: copies point at different mirrors of the same text)."""
    return URL.sub(" ", text)


# -- punctuation, spelling, case, whitespace --------------------------------------------

_STYLES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u2026": "...",
}
_STYLE = re.compile("[" + "".join(_STYLES) + "]")
# Kept only inside a word: 3.1, don't, non-commercial, use_policy.md, github.com/meta, and
# RAIL++-M (CreativeML Open RAIL++-M is not CreativeML Open RAIL-M).
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# ASCII punctuation other than ' . / - _ + becomes a space. Bytes from 0x80 up (the parts of
# multi-byte UTF-8 characters) are left alone: bytes.translate is far faster than a regex
# over every character.
_ASCII_SYMBOLS = bytes(
    c if c >= 0x80 or chr(c).isalnum() or chr(c).isspace() or chr(c) in "_'./-+" else ord(" ")
    for c in range(256)
)
# A run of them goes when it starts or ends a word: either it starts a run (no letter,
# digit or other mark before it) and takes the whole run, or it is a whole run with no
# letter or digit after it. Written so every match begins with the character class.
_EDGE = re.compile(
    r"['./+-](?<![^\W_]['./+-])(?<!['./+-]['./+-])['./+-]*"
    r"|['./+-]+(?![^\W_]|['./+-])"
)


def punctuation(text: str) -> str:
    """Quote and dash styles unify; punctuation that is not inside a word goes."""
    if not text.isascii():
        text = _STYLE.sub(lambda m: _STYLES[m.group()], text)
        for ch in set(_NON_ASCII.findall(text)):
            if not ch.isalnum():  # \u00a7, \u00a9, \u2022, no-break spaces ...
                text = text.replace(ch, " ")
    text = text.encode("utf-8", "surrogatepass").translate(_ASCII_SYMBOLS).decode("utf-8", "surrogatepass")
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


def normalise(text: str, skip: Collection[str] = ()) -> str:
    """Run every pass in order, except those named in `skip` (for tests and diagnostics)."""
    for name, fn in PASSES:
        if name not in skip:
            text = fn(text)
    return text


def tokens(normalised: str) -> list[str]:
    """Words of a normalised text, split at '/', '-' and "'" (so URLs give their parts)."""
    return normalised.replace("/", " ").replace("-", " ").replace("'", " ").split()
