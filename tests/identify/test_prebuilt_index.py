"""The identify index a wheel carries pre-built (`licheck.matching.prebuilt`): it answers
exactly as an index built from the texts, and it is never used for bytes or code it was not
built from."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from identify_perturbations import PERTURBATIONS

from licheck.licences import Corpus, default_corpus, load_corpus
from licheck.matching import index as index_module
from licheck.matching import prebuilt
from licheck.matching.build import build_prebuilt
from licheck.matching.index import Index, sha256
from licheck.matching.matchers import run
from licheck.matching.result import Identification

LICENCES = Path(__file__).resolve().parents[2] / "licences"

# Inputs that take every path of the cascade: no words, reference phrases (one licence, a
# shared name, two licences), a text like a licence but none of ours, twins mixed.
OTHER_INPUTS = [
    "", "   \n", "Hello world, this is a README.",
    "This model is licensed under the Llama 3.1 Community License.",
    "Licensed under the Acme Open Weights Licence.",
    "Released under the Apache License 2.0 and the MIT License.",
    (LICENCES / "llama3.1.txt").read_text(encoding="utf-8")[:4000]
    + (LICENCES / "llama3.2.txt").read_text(encoding="utf-8")[4000:],
    (LICENCES / "mit.txt").read_text(encoding="utf-8")
    + "\nThe Software may not be used for commercial purposes.\n",
    (LICENCES / "llama4.txt").read_text(encoding="utf-8")[:6000],
]


def _inputs(corpus: Corpus) -> list[str]:
    texts = [path.read_text(encoding="utf-8") for lic in corpus for path in lic.texts]
    return [*texts, *(fn(t) for t in texts for fn in PERTURBATIONS.values()), *OTHER_INPUTS]


def _answers(index: Index, inputs: list[str]) -> list[Identification]:
    return [run(index, text, text.encode("utf-8")) for text in inputs]


def _write_user_licence(folder: Path) -> None:
    (folder / "acme-owl.txt").write_text(
        "Acme Open Weights Licence\n\nYou may use, copy and share the Acme weights for any lawful "
        "purpose, provided that every copy names Acme as the source. The weights come without "
        "warranty of any kind; see https://acme.example/owl for the terms.\n", encoding="utf-8")
    (folder / "acme-owl.yml").write_text(
        "id: acme-owl\nname: Acme Open Weights Licence\nkind: model-licence\n"
        "texts: [acme-owl.txt]\nreference_phrases:\n  - \"Acme Open Weights Licence\"\n",
        encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> prebuilt.Prebuilt:
    path = tmp_path_factory.mktemp("prebuilt") / "matching-index.json"
    build_prebuilt(default_corpus(), path)
    known = prebuilt.read(path)
    assert known is not prebuilt.NONE
    return known


def _no_normalising(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> str:
        raise AssertionError(f"normalised while building the index: {text[:40]!r}")
    monkeypatch.setattr(index_module, "normalise", refuse)


def test_the_bundled_corpus_needs_no_normalising(built: prebuilt.Prebuilt,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = default_corpus()
    assert set(built.texts) == {e.raw_hash for e in Index(corpus, prebuilt.NONE).entries}
    _no_normalising(monkeypatch)
    Index(corpus, built)


def test_a_prebuilt_index_answers_exactly_as_one_built_from_the_texts(
        built: prebuilt.Prebuilt) -> None:
    corpus = default_corpus()
    fresh, pre = Index(corpus, prebuilt.NONE), Index(corpus, built)
    assert pre.vocabulary == fresh.vocabulary
    assert [(e.raw_hash, e.normalised_hash, e.encoded) for e in pre.entries] == \
        [(e.raw_hash, e.normalised_hash, e.encoded) for e in fresh.entries]
    assert pre.phrases == fresh.phrases
    inputs = _inputs(corpus)
    assert _answers(pre, inputs) == _answers(fresh, inputs)


def test_a_corpus_text_is_scored_without_rapidfuzz(built: prebuilt.Prebuilt,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = default_corpus()
    fresh, pre = Index(corpus, prebuilt.NONE), Index(corpus, built)
    texts = [path.read_text(encoding="utf-8") for lic in corpus for path in lic.texts]
    expected = _answers(fresh, texts)
    monkeypatch.setitem(sys.modules, "rapidfuzz.distance", None)  # importing it fails
    assert _answers(pre, texts) == expected
    assert {a.matcher for a in expected} <= {"exact", "normalised"}
    with pytest.raises(ImportError):
        _answers(pre, [texts[0] + " one more clause"])


def test_a_user_corpus_over_a_prebuilt_index_answers_exactly_as_without(
        built: prebuilt.Prebuilt, tmp_path: Path) -> None:
    # The user's words get characters after the pre-built vocabulary, not where a fresh
    # index would put them: the answers must not depend on it.
    _write_user_licence(tmp_path)
    corpus = load_corpus([tmp_path])
    fresh, pre = Index(corpus, prebuilt.NONE), Index(corpus, built)
    assert pre.vocabulary != fresh.vocabulary
    assert all(pre.scores_of_text(e.normalised_hash) is None for e in pre.entries)
    inputs = _inputs(corpus)
    answers = _answers(pre, inputs)
    assert answers == _answers(fresh, inputs)
    assert answers[inputs.index("Licensed under the Acme Open Weights Licence.")].licence == "acme-owl"


def test_a_text_edited_after_the_build_is_normalised_afresh(tmp_path: Path) -> None:
    _write_user_licence(tmp_path)
    path = tmp_path / "matching-index.json"
    build_prebuilt(load_corpus([tmp_path]), path)
    text = tmp_path / "acme-owl.txt"
    edited = text.read_text(encoding="utf-8").replace("lawful", "LAWFUL and peaceful")
    text.write_text(edited, encoding="utf-8")
    corpus = load_corpus([tmp_path])
    known = prebuilt.read(path)
    index, fresh_index = Index(corpus, known), Index(corpus, prebuilt.NONE)
    (entry,) = [e for e in index.entries if e.licence == "acme-owl"]
    (fresh,) = [e for e in fresh_index.entries if e.licence == "acme-owl"]
    assert entry.raw_hash == sha256(edited.encode("utf-8"))
    assert entry.normalised_hash == fresh.normalised_hash
    assert fresh.normalised_hash not in {norm for norm, _ in known.texts.values()}
    assert index.scores_of_text(entry.normalised_hash) is None   # built for another corpus
    for text in (edited, edited.upper()):
        answer = run(index, text, text.encode("utf-8"))
        assert answer == run(fresh_index, text, text.encode("utf-8"))
        assert answer.licence == "acme-owl"
        assert answer.matcher == ("exact" if text == edited else "normalised")


def test_a_file_from_other_matching_code_or_damaged_is_not_used(
        built: prebuilt.Prebuilt, tmp_path: Path) -> None:
    path = tmp_path / "matching-index.json"
    prebuilt.write(built, path)
    assert prebuilt.read(path) == built
    header, _, body = path.read_text(encoding="utf-8").partition("\n")
    for damaged in (json.dumps({**json.loads(header), "code": "0" * 64}) + "\n" + body,
                    json.dumps({**json.loads(header), "format": 0}) + "\n" + body,
                    header + "\n" + body[:len(body) // 2],
                    header + "\n" + json.dumps({"vocabulary": []}),
                    "not json"):
        path.write_text(damaged, encoding="utf-8")
        assert prebuilt.read(path) is prebuilt.NONE
    assert prebuilt.read(tmp_path / "missing.json") is prebuilt.NONE


@pytest.mark.parametrize("module", ["normalise.py", "matchers.py", "index.py"])
def test_the_code_digest_covers_the_matching_code(module: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "matching"
    shutil.copytree(Path(prebuilt.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(prebuilt, "__file__", str(copy / "prebuilt.py"))
    before = prebuilt.code_digest()
    assert before is not None
    (copy / module).write_text((copy / module).read_text(encoding="utf-8") + "\n# changed\n",
                               encoding="utf-8")
    assert prebuilt.code_digest() not in (None, before)
