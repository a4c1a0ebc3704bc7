"""rules/pending/: rules for clause shapes the engine cannot express yet. Not loaded, but held to
the same standard as rules/: every quote verbatim, known licence, and only documented new fields."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from licheck.data import data_dir
from licheck.licences import default_corpus
from licheck.rules import default_rulebook
from licheck.rules.loader import rule_files
from licheck.rules.quotes import quote_in
from licheck.rules.schema import COMMON_KEYS, KIND_KEYS

PENDING = data_dir("rules") / "pending"
FILES = sorted(PENDING.glob("*.yml"))
# The fields these files propose; each file documents the ones it uses in its header comment.
PROPOSED = {"excluded_regions", "scope", "covers_outputs", "scale_trigger", "inclusive", "exempt_if",
            "target_scope"}


def _rules(path: Path) -> tuple[str, list[dict]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc["licence"], doc["rules"]


def test_there_are_pending_rules_and_the_loader_skips_them() -> None:
    assert len(FILES) >= 10
    assert PENDING not in {p.parent for p in rule_files([data_dir("rules")])}
    pending_ids = {r["id"] for p in FILES for r in _rules(p)[1]}
    assert not pending_ids & set(default_rulebook().ids())


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_pending_rules_quote_their_licence_verbatim(path: Path) -> None:
    corpus = default_corpus()
    licence, rules = _rules(path)
    assert licence == path.stem and licence in corpus
    texts = corpus[licence].read_texts()
    header = path.read_text(encoding="utf-8").split("\nlicence:")[0]
    for rule in rules:
        assert rule["id"].startswith(licence + "/")
        assert quote_in(rule["quote"], texts), f"{rule['id']}: quote not in licences/{licence}"
        known = set(COMMON_KEYS) | set(KIND_KEYS[rule["kind"]])
        new = set(rule) - known
        assert new <= PROPOSED, f"{rule['id']}: undocumented keys {sorted(new - PROPOSED)}"
        assert new, f"{rule['id']}: needs no new field, so it belongs in rules/"
        for key in new:
            assert key in header, f"{path.name}: '{key}' is not described in the header comment"


def test_the_pending_quote_check_can_fail() -> None:
    texts = default_corpus()["kimi-k2-modified-mit"].read_texts()
    assert not quote_in('you shall prominently display "Kimi K2.6"', texts)
