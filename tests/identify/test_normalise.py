"""The normalisation passes, one by one, and the pipeline pinned by hashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import licheck.matching.normalise as n
from licheck.matching.index import url_parts

HERE = Path(__file__).resolve().parent


def test_pass_names_and_order_are_pinned() -> None:
    # Changing the order changes every hash: it must be a deliberate edit here too.
    assert n.PASS_NAMES == ("line_endings", "case", "html_markup", "markdown", "bullets",
                            "copyright_lines", "urls", "punctuation", "spelling", "whitespace")


def test_line_endings() -> None:
    assert n.line_endings("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"


def test_case() -> None:
    assert n.case("LLAMA 3.1 Community") == "llama 3.1 community"


@pytest.mark.parametrize(("raw", "expected"), [
    ("<ins>Llama</ins> 3.2", " Llama  3.2"),
    ('<span style="text-decoration:underline;">https://x.org/a</span>', " https://x.org/a "),
    ("a<br/>b", "a b"),
    ("see <https://llama.com/x>", "see  https://llama.com/x "),
    ("R&amp;D &quot;x&quot;", 'R&D "x"'),
    ("a <!-- hidden --> b", "a   b"),
    ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),
])
def test_html_markup(raw: str, expected: str) -> None:
    assert n.html_markup(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("# Title\n## Sub", " Title\n Sub"),
    ("**bold** and *italic* and `code`", "bold and italic and code"),
    ("_emph_ but use_policy stays", "emph but use_policy stays"),
    ("[github.com/x](http://github.com/x)", "github.com/x http://github.com/x"),
    ("llama\\_output\\_feedback", "llama_output_feedback"),
    ("text\n\n---\n\nmore", "text\n\n\n\nmore"),
    ("> quoted", "quoted"),
    ("| a | b |", " a  b "),
])
def test_markdown(raw: str, expected: str) -> None:
    assert n.markdown(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("- item", "item"),
    ("  \u2022 item", "item"),
    ("1. first\n2) second", "first\nsecond"),
    ("(a) alpha\n  iv. four", "alpha\nfour"),
    ("1.2. nested", "nested"),
    # A section number without a closing mark is a word, not a marker: after rewrapping,
    # "Llama\n3.1 Version" must keep its version number.
    ("3.1 Version Release", "3.1 Version Release"),
    ("not at start: 1. x", "not at start: 1. x"),
])
def test_bullets(raw: str, expected: str) -> None:
    assert n.bullets(raw) == expected


def test_copyright_lines() -> None:
    text = ("copyright (c) 2025 acme\nkeep me\n\u00a9 meta platforms\n(c) 2024 x\n"
            "all rights reserved.\nspdx-license-identifier: mit\ncopyright 2023 bob\n"
            "copyright [yyyy] [name of copyright owner]\ncopyrighted works stay\n"
            "copyright owner means the person")
    assert n.copyright_lines(text).split("\n") == [
        "", "keep me", "", "", "", "", "", "", "copyrighted works stay",
        "copyright owner means the person"]
    assert n.copyright_lines("the copyright owner grants") == "the copyright owner grants"


def test_urls() -> None:
    assert n.urls("at https://llama.com/docs/ or www.x.org/a.") == "at   or  "
    assert n.urls("no address here") == "no address here"


def test_url_parts_keep_what_urls_removes() -> None:
    raw = "See https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE"
    assert {"llama3_1", "github.com", "llama", "models"} <= set(url_parts(raw))


@pytest.mark.parametrize(("raw", "expected"), [
    ("\u201cAgreement\u201d means", " Agreement  means"),
    ("Meta\u2019s and don't", "Meta's and don't"),
    ("a \u2014 b \u2013 c", "a   b   c"),
    ("non\u2011commercial", "non-commercial"),
    ("version 3.1. end", "version 3.1  end"),
    ("(including) [x]; y: z!", " including   x   y  z "),
    ("\u00a7 4 \u00a9", "  4  "),
    # A run of marks inside a word stays whole, and goes whole at a word's edge.
    ("open rail++-m and c++ (+1)", "open rail++-m and c    1 "),
    ("x.-- y", "x  y"),
])
def test_punctuation(raw: str, expected: str) -> None:
    assert n.punctuation(raw) == expected


def test_spelling() -> None:
    assert n.spelling("licence licences licenced licencing sublicence") == \
        "license licenses licensed licensing sublicense"


def test_whitespace() -> None:
    assert n.whitespace("  a\n\n\tb\u00a0 c  ") == "a b c"


def test_pipeline_makes_presentations_equal() -> None:
    a = '# LICENSE\r\n\r\n**"Licensee"** means you.\r\nCopyright (c) 2025 Acme\r\n'
    b = "LICENSE\n\n\u201cLicensee\u201d means\nyou."
    assert n.normalise(a) == n.normalise(b) == "license licensee means you"


def test_skip_leaves_passes_out() -> None:
    text = "Documentation at https://llama.com/docs/"
    assert "llama.com" not in n.normalise(text)
    assert "llama.com" in n.normalise(text, skip={"urls"})


def test_tokens_split_urls_and_hyphens_but_keep_versions() -> None:
    assert n.tokens("llama 3.1 non-commercial meta's github.com/meta-llama") == \
        ["llama", "3.1", "non", "commercial", "meta", "s", "github.com", "meta", "llama"]


def test_normalised_hashes_are_pinned() -> None:
    """Every corpus text's normalised hash: a change to the normaliser shows here."""
    import regen_hashes

    pinned = json.loads((HERE / "normalised_hashes.json").read_text(encoding="utf-8"))
    assert regen_hashes.current() == pinned, (
        "normalisation changed; if deliberate, run `python tests/identify/regen_hashes.py` "
        "and review the diff of tests/identify/normalised_hashes.json"
    )
