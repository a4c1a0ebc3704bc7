"""An Ollama name the catalogue cannot map: a known family with an unknown tag says which tags are
known; an unknown family says to add it to a user catalogue. Neither guesses a size."""

from __future__ import annotations

from licheck.catalogue import default_catalogue
from licheck.model import ModelFacts, ModelRef, Unresolved
from licheck.sources.ollama import OllamaSource


def _fetch(name: str) -> ModelFacts | Unresolved:
    return OllamaSource(default_catalogue()).fetch(ModelRef("ollama", name))


def test_an_unknown_tag_of_a_known_family_names_the_known_tags() -> None:
    result = _fetch("qwen2.5:9b")
    assert isinstance(result, Unresolved)
    assert "'qwen2.5'" in result.reason and "'9b'" in result.reason
    known = default_catalogue().ollama_tags("qwen2.5")
    assert known and all(tag in result.reason for tag in known)
    assert "0.5b, 0.5b-instruct, 1.5b" in result.reason   # by size, not as strings
    assert "not in licheck's catalogue" not in result.reason
    assert "user catalogue" in result.reason


def test_latest_of_a_family_with_no_default_names_the_known_tags() -> None:
    catalogue = default_catalogue()
    family = next(f for f in catalogue.ollama_names()
                  if catalogue.ollama(f) is None and catalogue.ollama_tags(f))
    result = _fetch(family)
    assert isinstance(result, Unresolved)
    assert "'latest'" in result.reason
    assert all(tag in result.reason for tag in catalogue.ollama_tags(family))


def test_an_unknown_family_keeps_the_add_it_message() -> None:
    result = _fetch("no-such-family:7b")
    assert isinstance(result, Unresolved)
    assert "'no-such-family:7b' is not in licheck's catalogue" in result.reason
    assert "add it to a user catalogue" in result.reason and "known tags" not in result.reason


def test_a_known_tag_still_resolves() -> None:
    result = _fetch("qwen2.5:7b")
    assert isinstance(result, ModelFacts) and result.parents
