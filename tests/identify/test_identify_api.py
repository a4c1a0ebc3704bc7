"""The `identify` / `identify_file` API: inputs, errors, result shape, user corpora."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import licheck
from licheck.errors import InputError
from licheck.licences import Corpus, default_corpus, load_corpus
from licheck.matching import MAX_FILE_BYTES, Identification
from licheck.matching import identify as _identify
from licheck.matching import identify_file as _identify_file
from licheck.matching.index import Index
from licheck.matching.index import index_for as _index_for


def identify(text: str | bytes, corpus: Corpus | None = None) -> Identification:
    """The bundled corpus unless a test names another."""
    return _identify(text, corpus if corpus is not None else default_corpus())


def identify_file(path: str | os.PathLike[str], corpus: Corpus | None = None) -> Identification:
    return _identify_file(path, corpus if corpus is not None else default_corpus())


def index_for(corpus: Corpus | None = None) -> Index:
    return _index_for(corpus if corpus is not None else default_corpus())

LICENCES = Path(__file__).resolve().parents[2] / "licences"


def test_package_level_identify_delegates() -> None:
    # The package that does the work is `licheck.matching`, so importing it leaves the
    # public function `licheck.identify` in place.
    text = (LICENCES / "llama3.3.txt").read_text(encoding="utf-8")
    result = licheck.identify(text)
    assert isinstance(result, Identification)
    assert result.licence == "llama3.3"
    assert licheck.identify(text) == identify(text)


def test_str_and_bytes_agree() -> None:
    data = (LICENCES / "gemma.txt").read_bytes()
    assert identify(data) == identify(data.decode("utf-8"))


def test_to_json_shape() -> None:
    result = identify((LICENCES / "cc-by-nc-4.0.txt").read_bytes())
    doc = result.to_json()
    assert list(doc) == ["licence", "confidence", "matcher", "candidates"]
    assert doc["licence"] == "cc-by-nc-4.0" and doc["matcher"] == "exact"
    assert doc["candidates"][0] == {"licence": "cc-by-nc-4.0", "score": 1.0}
    assert all(set(c) == {"licence", "score"} for c in doc["candidates"])


def test_candidates_best_first_at_most_three() -> None:
    result = identify((LICENCES / "llama4.txt").read_text(encoding="utf-8") + "\nExtra words.\n")
    scores = [s for _, s in result.candidates]
    assert 1 <= len(scores) <= 3 and scores == sorted(scores, reverse=True)


def test_content_hash_ignores_formatting() -> None:
    text = (LICENCES / "apache-2.0.txt").read_text(encoding="utf-8")
    assert identify(text).content_hash == identify(text.replace("\n", "\r\n")).content_hash
    assert identify(text).content_hash != identify(text + " extra").content_hash


def test_index_is_built_once() -> None:
    assert index_for() is index_for(default_corpus())


def test_identify_file(tmp_path: Path) -> None:
    path = tmp_path / "LICENSE"
    path.write_bytes((LICENCES / "llama3.1.txt").read_bytes())
    assert identify_file(path).licence == "llama3.1"
    assert identify_file(str(path)).matcher == "exact"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        identify_file(tmp_path / "nope.txt")
    assert str(err.value) == f"{tmp_path / 'nope.txt'}: no such file"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        identify_file(tmp_path)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root can read files without read permission")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "LICENSE"
    path.write_text("x")
    path.chmod(0)
    with pytest.raises(InputError, match="cannot read"):
        identify_file(path)


def test_unreadable_file_any_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "LICENSE"
    path.write_text("x")

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputError) as err:
        identify_file(path)
    assert str(err.value) == f"{path}: cannot read: Permission denied"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "LICENSE"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        identify_file(fifo)


def test_only_the_first_megabytes_are_read(tmp_path: Path) -> None:
    # A file above the cap is identified from its first MAX_FILE_BYTES bytes: a licence
    # reference at the top still counts, and a multi-byte character cut in two at the cap
    # does not make the text "not UTF-8".
    head = "This model is licensed under the Llama 3.2 Community License.\n"
    filler = "\u00e9" * MAX_FILE_BYTES  # two bytes each: the cap falls inside one
    path = tmp_path / "big.md"
    path.write_text(head + "x" + filler, encoding="utf-8")
    assert path.stat().st_size > MAX_FILE_BYTES
    result = identify_file(path)
    assert (result.licence, result.matcher) == ("llama3.2", "reference")


def test_a_big_binary_file_is_none(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"\x80\xff" * MAX_FILE_BYTES)
    assert identify_file(path).licence is None


def _write_user_licence(folder: Path) -> str:
    text = ("Acme Open Weights Licence\n\nYou may use, copy and share the Acme weights for any "
            "lawful purpose, provided that every copy names Acme as the source and that you "
            "do not use the weights to train a model that competes with Acme's own products. "
            "The weights come without warranty of any kind.\n")
    (folder / "acme-owl.txt").write_text(text, encoding="utf-8")
    (folder / "acme-owl.yml").write_text(
        "id: acme-owl\nname: Acme Open Weights Licence\nkind: model-licence\n"
        "texts: [acme-owl.txt]\nreference_phrases:\n  - \"Acme Open Weights Licence\"\n",
        encoding="utf-8")
    (folder / "acme-internal.yml").write_text(
        "id: acme-internal\nname: Acme Internal Licence\nkind: model-licence\ntexts: []\n"
        "status: text-missing\nreference_phrases:\n  - \"Acme Internal Licence\"\n",
        encoding="utf-8")
    return text


def test_a_user_corpus(tmp_path: Path) -> None:
    text = _write_user_licence(tmp_path)
    corpus = load_corpus([tmp_path])
    reworded = "# ACME\n\n" + text.replace("\n\n", "\n").replace("'", "\u2019")
    assert identify(reworded, corpus).licence == "acme-owl"
    assert identify(reworded).licence is None  # not in the bundled corpus
    # A licence with no text can only be named.
    assert identify("Licensed under the Acme Internal Licence.", corpus).licence == "acme-internal"
    # The bundled licences are still there.
    assert identify((LICENCES / "mit.txt").read_bytes(), corpus).licence == "mit"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000)))
def test_any_input_gives_an_answer_not_an_exception(data: str | bytes) -> None:
    result = identify(data)
    assert result.licence is None or result.licence in default_corpus()
    assert 0.0 <= result.confidence <= 1.0
    assert (result.licence is None) == (result.matcher is None)
