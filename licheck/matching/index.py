"""The matching index over a licence corpus, built once per corpus and process.

For every licence text it keeps: the SHA-256 of the raw bytes (the `exact` matcher), of
the normalised text (`normalised`), the words as a compact string for rapidfuzz
(`similarity`), and, computed only when a near-twin has to be told apart, the set of
discriminating features (words, word pairs and the parts of its URLs). Reference phrases
from each licence's metadata are kept as word tuples by first word (`reference`).

An installed wheel carries the normalised hash and encoded words of every bundled text, filed
under the SHA-256 of its bytes (`licheck.matching.prebuilt`): the index then normalises only
the texts it has no entry for (a user's, or one edited since the build).
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import NamedTuple, TypeAlias

from licheck.errors import DataError
from licheck.files import read_capped
from licheck.licences import MAX_TEXT_BYTES, Corpus
from licheck.matching import prebuilt
from licheck.matching.normalise import URL, normalise, tokens
from licheck.matching.prebuilt import Prebuilt

# The word vocabulary maps each corpus word to one character, so rapidfuzz compares
# words as characters of a string (much faster than lists of Python strings). Every word
# unknown to the corpus maps to the same character: it can never match a corpus word.
# The commonest function words are left out of that string: they carry no meaning that
# tells licences apart, and dropping them roughly halves the work.
_FIRST_CHAR = 0x10000
_UNKNOWN = chr(_FIRST_CHAR)
STOPWORDS = frozenset(
    "a an and any are as at be by for from has have if in is it its of on or such that the "
    "their them these this those to under which will with you your".split()
)

_URL_PART = re.compile(r"[^\W_]+(?:[._][^\W_]+)*")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def url_parts(raw: str) -> list[str]:
    """Words of the URLs in a raw text (the `urls` pass removes them from the words)."""
    found = URL.findall(raw.casefold())
    return _URL_PART.findall(" ".join(found)) if found else []


Feature: TypeAlias = "str | tuple[str, str]"  # a word, or two adjacent words


# List letters and roman numerals: a line-start marker goes in `bullets`, but the same
# marker inside a rewrapped paragraph stays a word, and would break the word pairs around
# it ("model; c. alter"). They tell no two licences apart, so features skip them.
MARKER_WORDS = frozenset("abcdefghijklmnopqrstuvwxyz") | frozenset(
    "ii iii iv vi vii viii ix xi xii xiii xiv xv".split())


def features(toks: list[str], raw: str) -> frozenset[Feature]:
    """What can tell near-identical texts apart: words, adjacent word pairs, URL parts.

    `toks` are the `tokens()` of the normalised text, `raw` the text before normalising.
    Word pairs are tuples, words and URL parts strings.
    """
    toks = [t for t in toks if t not in MARKER_WORDS]
    feats: set[Feature] = set(toks)
    feats.update(zip(toks, toks[1:], strict=False))
    feats.update(url_parts(raw))
    return frozenset(feats)


@dataclass
class Entry:
    """One licence text of the corpus."""

    licence: str
    name: str
    data: bytes = field(repr=False)   # the file's bytes, UTF-8 (checked when first indexed)
    raw_hash: str
    normalised_hash: str
    encoded: str = field(repr=False)

    @cached_property
    def raw(self) -> str:
        return self.data.decode("utf-8")

    @cached_property
    def words(self) -> list[str]:
        """The words of the normalised text (only near-twins and reference phrases need them)."""
        return normalise(self.raw).split()

    @cached_property
    def features(self) -> frozenset[Feature]:
        return features(tokens(" ".join(self.words)), self.raw)


class LicenceInfo(NamedTuple):
    id: str
    restrictive: bool  # anything but plainly permissive (see Licence.is_permissive)
    is_policy: bool
    incorporates: tuple[str, ...]


def phrase_words(phrase: str) -> tuple[str, ...]:
    """The words of a reference phrase, as the `reference` matcher compares them."""
    return tuple(tokens(normalise(phrase)))


class Index:
    """Everything the matchers need about one corpus.

    `known`: pre-built entries (default: the wheel's, see `licheck.matching.prebuilt`);
    `prebuilt.NONE` builds everything from the texts.
    """

    def __init__(self, corpus: Corpus, known: Prebuilt | None = None) -> None:
        known = prebuilt.bundled() if known is None else known
        self.licences: dict[str, LicenceInfo] = {}
        self.entries: list[Entry] = []
        # Function words are left out (""); the others get a character each, in the order
        # first seen (the pre-built vocabulary first, so its encoded texts stay valid).
        self.vocabulary: dict[str, str] = dict.fromkeys(STOPWORDS, "")
        first = _FIRST_CHAR + len(self.vocabulary)
        self.vocabulary.update(zip(known.vocabulary,
                                   map(chr, range(first, first + len(known.vocabulary))),
                                   strict=True))
        self.by_raw_hash: dict[str, set[str]] = {}
        self.by_normalised_hash: dict[str, set[str]] = {}
        # Reference phrases as word tuples, by first word, longest first: at one position
        # "modified mit license" wins over "mit license".
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for lic in corpus:
            self.licences[lic.id] = LicenceInfo(lic.id, not lic.is_permissive, lic.is_policy,
                                                lic.incorporates)
            for path in lic.texts:
                data = read_capped(path, MAX_TEXT_BYTES)
                raw_hash = sha256(data)
                pre = known.texts.get(raw_hash)
                if pre is not None:   # these very bytes, normalised when the wheel was built
                    normalised_hash, encoded = pre
                else:
                    try:
                        norm = normalise(data.decode("utf-8"))
                    except UnicodeDecodeError:
                        raise DataError("licence text is not UTF-8", path=path) from None
                    normalised_hash = sha256(norm.encode("utf-8"))
                    encoded = self._encode(norm.split(), grow=True)
                entry = Entry(lic.id, path.name, data, raw_hash, normalised_hash, encoded)
                self.entries.append(entry)
                self.by_raw_hash.setdefault(entry.raw_hash, set()).add(lic.id)
                self.by_normalised_hash.setdefault(entry.normalised_hash, set()).add(lic.id)
            for phrase in lic.reference_phrases:
                words = known.phrases.get(phrase)
                if words is None:
                    words = phrase_words(phrase)
                if words:
                    self.phrases.setdefault(words[0], []).append((words, lic.id))
        for group in self.phrases.values():
            group.sort(key=lambda item: len(item[0]), reverse=True)
        # The scores of each text against the corpus, when they were computed for this corpus.
        same_corpus = known.corpus == tuple(e.raw_hash for e in self.entries)
        self._text_scores = known.scores if same_corpus else None
        self._differences: dict[tuple[int, int], frozenset[Feature]] = {}
        self._names: dict[int, frozenset[str]] = {}

    def _encode(self, words: Iterable[str], grow: bool = False) -> str:
        vocab = self.vocabulary
        if grow:
            for w in dict.fromkeys(words):
                if w not in vocab:
                    vocab[w] = chr(_FIRST_CHAR + len(vocab))
        return "".join(map(vocab.get, words, repeat(_UNKNOWN)))

    def encode(self, words: list[str]) -> str:
        """Words of an input as the character string rapidfuzz compares."""
        return self._encode(words)

    def scores_of_text(self, normalised_hash: str) -> dict[int, float] | None:
        """The similarity scores of a corpus text with this normalised hash against the
        corpus, as pre-computed by the wheel build (None when they were not)."""
        if self._text_scores is None:
            return None
        for i, entry in enumerate(self.entries):
            if entry.normalised_hash == normalised_hash:
                return dict(self._text_scores[i])
        return None

    def difference(self, a: int, b: int) -> frozenset[Feature]:
        """Features of entry `a` that entry `b` lacks (cached: near-twins recur)."""
        key = (a, b)
        diff = self._differences.get(key)
        if diff is None:
            diff = self._differences[key] = self.entries[a].features - self.entries[b].features
        return diff


    def named_in(self, words: list[str]) -> list[str]:
        """Licences named by a reference phrase in `words` (the `tokens()` of a normalised
        text), first mention first."""
        found: list[str] = []
        phrases = self.phrases
        end = 0  # a phrase found ends here: no other phrase starts inside it
        for i, word in enumerate(words):
            if i < end or word not in phrases:
                continue
            matched: tuple[str, ...] | None = None
            for phrase, lic in phrases[word]:
                # A phrase several licences share (the Hunyuan versions' common name) names
                # them all: the caller then sees an ambiguity, never the first one's id.
                if matched is None and tuple(words[i:i + len(phrase)]) == phrase:
                    matched = phrase
                    end = i + len(phrase)
                if phrase == matched and lic not in found:
                    found.append(lic)
        return found

    def names_in(self, i: int) -> frozenset[str]:
        """Licences corpus text `i` itself names (cached)."""
        names = self._names.get(i)
        if names is None:
            words = tokens(" ".join(self.entries[i].words))
            names = self._names[i] = frozenset(self.named_in(words))
        return names


_INDEXES: weakref.WeakKeyDictionary[Corpus, Index] = weakref.WeakKeyDictionary()


def index_for(corpus: Corpus) -> Index:
    """The index of `corpus`, built on first use."""
    index = _INDEXES.get(corpus)
    if index is None:
        index = _INDEXES[corpus] = Index(corpus)
    return index
