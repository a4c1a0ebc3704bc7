"""Acceptance: every corpus text identifies as itself, reformatted or not; near-twins are
told apart; what is not a licence of the corpus gives None, never a guess."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from identify_perturbations import PERTURBATIONS

from licheck.licences import Corpus, default_corpus
from licheck.matching import Identification
from licheck.matching import identify as _identify
from licheck.matching import matchers as m


def identify(text: str | bytes, corpus: Corpus | None = None) -> Identification:
    """The bundled corpus unless a test names another."""
    return _identify(text, corpus if corpus is not None else default_corpus())

TEXTS = [(lic.id, path) for lic in default_corpus() for path in lic.texts]
TEXT_IDS = [path.name for _, path in TEXTS]


def text_of(name: str) -> str:
    return next(p for _, p in TEXTS if p.name == name).read_text(encoding="utf-8")


def assert_is(result: Identification, licence: str) -> None:
    assert result.licence == licence, f"expected {licence}, got {result}"
    assert result.confidence >= m.SIMILARITY_THRESHOLD
    assert result.candidates[0][0] == licence
    assert result.matcher in ("exact", "normalised", "similarity")


@pytest.mark.parametrize(("licence", "path"), TEXTS, ids=TEXT_IDS)
def test_each_text_is_itself_exactly(licence: str, path: Path) -> None:
    result = identify(path.read_bytes())
    assert (result.licence, result.matcher, result.confidence) == (licence, "exact", 1.0)


@pytest.mark.parametrize("perturbation", sorted(PERTURBATIONS))
@pytest.mark.parametrize(("licence", "path"), TEXTS, ids=TEXT_IDS)
def test_each_text_survives_reformatting(licence: str, path: Path, perturbation: str) -> None:
    assert_is(identify(PERTURBATIONS[perturbation](path.read_text(encoding="utf-8"))), licence)


def test_several_perturbations_at_once() -> None:
    text = text_of("llama3.2.txt")
    for name in ("header_prepended", "quotes_swapped", "rewrap_60", "markdown_added", "crlf"):
        text = PERTURBATIONS[name](text)
    assert_is(identify(text), "llama3.2")


def test_pure_reformatting_is_a_normalised_match() -> None:
    result = identify(PERTURBATIONS["crlf"](text_of("apache-2.0.txt")))
    assert (result.licence, result.matcher) == ("apache-2.0", "normalised")


# -- near-twins ----------------------------------------------------------------------------

TWIN_FAMILIES = [
    ["llama3.1.txt", "llama3.2.txt", "llama3.3.txt", "llama4.txt"],
    ["llama2-aup.txt", "llama3-aup.txt", "llama3.1-aup.txt", "llama3.2-aup.txt",
     "llama3.3-aup.txt", "llama4-aup.txt"],
    ["cc-by-4.0.txt", "cc-by-nc-4.0.txt"],
    ["gemma-2024-02-21.txt", "gemma-2024-04-01.txt", "gemma.txt"],
    ["tongyi-qianwen.txt", "tongyi-qianwen-research.txt", "qwen-research.txt"],
    ["llama3.txt", "llama3-aup.txt"],
    ["mit.txt", "deepseek-r1-mit.txt", "mistral-modified-mit.txt"],
    ["falcon-180b-tii.txt", "falcon-2-11b-tii.txt", "falcon-3-tii.txt"],
    ["falcon-2-11b-tii-aup.txt", "falcon-3-tii-aup.txt"],
    ["bigscience-openrail-m.txt", "creativeml-openrail-m.txt"],
    ["tencent-hunyuan-community-2024-11-05.txt", "tencent-hunyuan-community-2024-12-03.txt",
     "tencent-hunyuan-community.txt", "tencent-hunyuan-3d-2.0-community.txt",
     "tencent-hunyuan-3d-2.1-community.txt"],
    ["flux-1-dev-non-commercial-2024-08-01.txt", "flux-1-dev-non-commercial-2024-11-21.txt",
     "flux-1-dev-non-commercial-v1.1.txt", "flux-1-dev-non-commercial.txt",
     "flux-dev-non-commercial-v2.0.txt", "flux-non-commercial-v2.1.txt"],
    ["exaone-1.0-nc.txt", "exaone-1.1-nc.txt", "exaone.txt", "k-exaone.txt"],
    ["mit.txt", "kimi-k2-modified-mit.txt", "kimi-k2.5-modified-mit.txt", "kimi-k3.txt",
     "minimax-m2-modified-mit.txt", "minimax-m2.5-modified-mit.txt", "mistral-modified-mit.txt"],
    ["minimax-model-2025-01-14.txt", "minimax-model.txt", "minimax-model-m2.5.txt"],
    ["tongyi-qianwen.txt", "qwen.txt", "qwen-research.txt"],
]


@pytest.mark.parametrize("family", TWIN_FAMILIES, ids=lambda f: "+".join(f))
def test_near_twins_resolve_to_each_one(family: list[str]) -> None:
    licence_of = {p.name: lic for lic, p in TEXTS}
    for name in family:
        text = PERTURBATIONS["header_prepended"](PERTURBATIONS["rewrap_60"](text_of(name)))
        assert_is(identify(text), licence_of[name])


def test_twins_really_are_close() -> None:
    """The families above are the hard cases only if similarity alone cannot split them."""
    result = identify(PERTURBATIONS["rewrap_60"](text_of("llama3.2.txt")))
    others = dict(result.candidates[1:])
    assert others and min(others.values()) > m.SIMILARITY_THRESHOLD


def test_a_text_mixing_two_twins_is_no_guess() -> None:
    # Llama 3.1's text with its version renamed 3.2 (dates and URLs still 3.1's).
    result = identify(text_of("llama3.1.txt").replace("3.1", "3.2"))
    assert result.licence is None
    assert {"llama3.1", "llama3.2"} <= {lic for lic, _ in result.candidates}


@pytest.mark.parametrize(("name", "edit"), [
    ("llama3.1.txt", lambda t: t.replace("3.1", "3.5").replace("July 23, 2024", "May 1, 2026")),
    ("gemma.txt", lambda t: t.replace("March 24, 2025", "April 1, 2026")),
    # The 2023 Tongyi Qianwen text renamed is neither it nor the 2024 Qwen licence.
    ("tongyi-qianwen.txt", lambda t: t.replace("Tongyi Qianwen", "Qwen")),
    # Kimi K2.6 and K2.7 Code differ from K2.5 only in the name displayed; not in the corpus.
    ("kimi-k2.5-modified-mit.txt", lambda t: t.replace("Kimi K2.5", "Kimi K2.6")),
    ("tencent-hunyuan-community.txt", lambda t: t.replace("June 27, 2025", "March 2, 2026")),
    ("tencent-hunyuan-3d-2.1-community.txt", lambda t: t.replace("2.1", "2.5").replace("June 13", "May 4")),
    ("minimax-m2-modified-mit.txt", lambda t: t.replace("MiniMax M2", "MiniMax M3")),
    ("minimax-model-m2.5.txt", lambda t: t.replace("M2.5", "M3").replace("2026-02-13", "2026-06-01")),
    # Only the version in the title changes (the body's section numbers 1.1-1.3 stay).
    ("exaone.txt", lambda t: t.replace("1.2 - NC", "1.3 - NC")),
    ("flux-1-dev-non-commercial.txt", lambda t: t.replace("v1.1.1", "v1.2")),
    ("flux-dev-non-commercial-v2.0.txt", lambda t: t.replace("v2.0", "v2.2")),
    ("tencent-hunyuan-3d-2.1-community.txt", lambda t: t.replace("3D 2.1 COMMUNITY", "3D 2.2 COMMUNITY")),
], ids=["llama-new-version", "gemma-new-date", "qwen-renamed", "kimi-k2.6", "hunyuan-new-date",
        "hunyuan-3d-2.5", "minimax-m3", "minimax-model-m3", "exaone-1.3", "flux-v1.2", "flux-v2.2",
        "hunyuan-3d-2.2-title"])
def test_a_new_version_of_a_known_licence_is_not_the_old_one(name: str, edit) -> None:
    result = identify(edit(text_of(name)))
    assert result.licence is None
    assert result.candidates and result.candidates[0][1] > m.SIMILARITY_THRESHOLD


def test_a_project_header_with_its_own_version_is_no_new_licence_version() -> None:
    assert_is(identify("# AcmeChat v2.1\n\n" + text_of("llama3.2.txt")), "llama3.2")
    assert_is(identify("AcmeChat 3.5 weights\n\n" + text_of("exaone.txt")), "exaone")


def test_modified_mit_is_not_mit_and_mit_is_not_modified() -> None:
    for name in ("kimi-k2-modified-mit.txt", "minimax-m2-modified-mit.txt",
                 "minimax-m2.5-modified-mit.txt"):
        assert_is(identify(PERTURBATIONS["rewrap_60"](text_of(name))), name.removesuffix(".txt"))
    assert_is(identify(PERTURBATIONS["rewrap_60"](text_of("mit.txt"))), "mit")
    # MiniMax-M2's text without its modification is the MIT licence (holder lines aside).
    plain = text_of("minimax-m2-modified-mit.txt").split("Our only modification")[0]
    assert identify(plain).licence == "mit"


@pytest.mark.parametrize("variant", ["ShareAlike", "NoDerivatives", "Non-Commercial"])
def test_cc_by_variants_are_not_cc_by(variant: str) -> None:
    text = text_of("cc-by-4.0.txt").replace("Attribution 4.0 International",
                                            f"Attribution-{variant} 4.0 International")
    assert identify(text).licence is None


def test_permissive_never_wins_over_restrictive_twin_on_similarity() -> None:
    # CC-BY-NC with the word NonCommercial struck out is still not CC-BY: its
    # non-commercial clauses are there.
    text = re.sub(r"(?i)-?noncommercial", "", text_of("cc-by-nc-4.0.txt"))
    assert identify(text).licence != "cc-by-4.0"
    # MIT with a use restriction added is not MIT.
    assert identify(text_of("mit.txt") + "\nThe Software may not be used for commercial "
                    "purposes.\n").licence is None


# -- negatives -----------------------------------------------------------------------------

COPYLEFT_PROSE = """\
Reciprocal Sharing Terms for the Larkspur Toolkit

Anyone who receives a copy of this work may run it, study how it operates, change it and
pass it on to others, on the single condition that whatever they pass on carries these
same terms and nothing stricter.

When you hand a modified version to another person, you must also hand over the editable
form of your changes, or a written offer, good for three years, to supply that form at no
more than the cost of copying it. You may not add conditions that take away any freedom
these terms grant, and you may not use patents or technical locks to do so indirectly.

A larger program that merely sits beside this work on the same disk is not covered by
these terms. A program that incorporates the work, in whole or in part, is covered as a
whole and must be shared on these terms when it is distributed.

The work comes with no promise of fitness for any purpose. The authors are not liable for
any harm that follows from its use, to the extent the law allows them to disclaim it.
"""

README = """\
# AcmeChat 7B

AcmeChat is a small conversational model trained on public-domain books. It runs on one
consumer GPU. See the Usage section below for how to load it and the evaluation table for
how it compares with other models of its size.
"""


@pytest.mark.parametrize("text", [
    b"", "", "   \n\n", README, COPYLEFT_PROSE,
    "Licence: \u00e9t\u00e9".encode("latin-1"),  # not UTF-8
    b"MIT License\x00\x00binary",
], ids=["empty-bytes", "empty", "blank", "readme", "unknown-copyleft", "not-utf8", "nul"])
def test_not_a_corpus_licence_is_none(text: str | bytes) -> None:
    result = identify(text)
    assert (result.licence, result.confidence, result.matcher) == (None, 0.0, None)
    assert result.content_hash


def test_a_megabyte_of_random_bytes_is_none() -> None:
    data = random.Random(20260101).randbytes(1 << 20)
    assert identify(data).licence is None


def test_a_megabyte_of_text_is_none() -> None:
    assert identify(README * 3000).licence is None


# -- reference phrases ------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "licence"), [
    ("This model is licensed under the Llama 3.1 Community License.", "llama3.1"),
    ("This model is licensed under the Llama 3.2 Community License.", "llama3.2"),
    ("Released under the LLAMA 3.2 COMMUNITY LICENCE AGREEMENT", "llama3.2"),
    ("Weights: Llama 3 Community License", "llama3"),
    ("This model is released under the Qwen LICENSE AGREEMENT.", "qwen"),
    ("Use is subject to the Llama 3.1 Community License and the Llama 3.1 Acceptable Use "
     "Policy.", "llama3.1"),  # the policy it incorporates is folded in
    ("Released under the Tencent Hunyuan 3D 2.0 Community License Agreement.",
     "tencent-hunyuan-3d-2.0-community"),
    ("EXAONE AI Model License Agreement 1.1 - NC", "exaone-1.1-nc"),
    ("Licensed under the K-EXAONE AI Model License Agreement.", "k-exaone"),
    ("Grok 2 is under the xAI Community License and the xAI Acceptable Use Policy.",
     "grok2-community"),   # the policy it incorporates is folded in
    ("See the Databricks Open Model License.", "dbrx-open-model"),
    ("Weights: FLUX [dev] Non-Commercial License v2.0", "flux-dev-non-commercial-v2.0"),
    ("This model is under the LFM Open License v1.0.", "lfm1.0"),
])
def test_reference_phrases(sentence: str, licence: str) -> None:
    result = identify(README + "\n## Licence\n\n" + sentence + "\n")
    assert (result.licence, result.matcher) == (licence, "reference")
    assert result.confidence == m.REFERENCE_CONFIDENCE


@pytest.mark.parametrize(("sentence", "candidates"), [
    # Moonshot, MiniMax and Mistral all call theirs "Modified MIT License".
    ("See the [Modified MIT License](LICENSE).",
     {"mistral-modified-mit", "kimi-k2-modified-mit", "kimi-k2.5-modified-mit"}),
    # Three versions share the name, with different territories and output bans.
    ("Licensed under the Tencent Hunyuan Community License Agreement.",
     {"tencent-hunyuan-community", "tencent-hunyuan-community-2024-12-03",
      "tencent-hunyuan-community-2024-11-05"}),
])
def test_a_name_several_licences_share_is_no_guess(sentence: str, candidates: set[str]) -> None:
    result = identify(README + "\n## Licence\n\n" + sentence + "\n")
    assert result.licence is None
    assert {lic for lic, _ in result.candidates} == candidates


def test_reference_tells_rail_plus_plus_from_rail() -> None:
    # SDXL's CreativeML Open RAIL++-M is another licence than CreativeML Open RAIL-M.
    assert identify("Licensed under the CreativeML Open RAIL++-M License.").licence is None
    assert identify("Licensed under the CreativeML Open RAIL-M License.").licence == \
        "creativeml-openrail-m"


def test_two_licences_named_is_no_guess() -> None:
    result = identify("Weights under the Llama 3.1 Community License; code under the Apache "
                      "License 2.0.")
    assert result.licence is None
    assert {lic for lic, _ in result.candidates} == {"llama3.1", "apache-2.0"}


def test_reference_needs_the_whole_name() -> None:
    assert identify("Inspired by Llama 3.15 Community Licensed models").licence is None


def test_a_licence_text_that_only_resembles_one_is_not_named_by_reference() -> None:
    # Llama 3.1's licence followed by its AUP is no corpus text; it names Llama 3.1 but
    # resembles the Llama 3 file (licence + AUP): no answer rather than a wrong one.
    result = identify(text_of("llama3.1.txt") + "\n" + text_of("llama3.1-aup.txt"))
    assert result.licence is None
