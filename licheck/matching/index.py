"""The matching index over a licence corpus, built once per corpus and process.

For every licence text it keeps: the SHA-256 of the raw bytes (the `exact` matcher), of
the normalised text (`normalised`), the words as a compact string for rapidfuzz
(`similarity`), and, computed only when a near-twin has to be told apart, the set of
discriminating features (words, word pairs and the parts of its URLs). Reference phrases
from each licence's metadata are kept as word tuples by first word (`reference`).
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import TypeAlias

from licheck.errors import DataError
from licheck.licences import Corpus
from licheck.matching.normalise import URL, normalise, tokens

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
    raw: str = field(repr=False)
    raw_hash: str
    normalised_hash: str
    words: list[str] = field(repr=False)
    encoded: str = field(repr=False)

    @cached_property
    def features(self) -> frozenset[Feature]:
        return features(tokens(" ".join(self.words)), self.raw)


@dataclass(frozen=True)
class LicenceInfo:
    id: str
    restrictive: bool  # anything but plainly permissive (see Licence.is_permissive)
    is_policy: bool
    incorporates: tuple[str, ...]


class Index:
    """Everything the matchers need about one corpus."""

    def __init__(self, corpus: Corpus) -> None:
        self.licences: dict[str, LicenceInfo] = {}
        self.entries: list[Entry] = []
        self.vocabulary: dict[str, str] = {}
        self.by_raw_hash: dict[str, set[str]] = {}
        self.by_normalised_hash: dict[str, set[str]] = {}
        # Reference phrases as word tuples, by first word, longest first: at one position
        # "modified mit license" wins over "mit license".
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for lic in corpus:
            self.licences[lic.id] = LicenceInfo(lic.id, not lic.is_permissive, lic.is_policy,
                                                lic.incorporates)
            for path in lic.texts:
                data = path.read_bytes()
                try:
                    raw = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise DataError("licence text is not UTF-8", path=path) from None
                norm = normalise(raw)
                words = norm.split()
                entry = Entry(lic.id, path.name, raw, sha256(data), sha256(norm.encode("utf-8")),
                              words, self._encode(words, grow=True))
                self.entries.append(entry)
                self.by_raw_hash.setdefault(entry.raw_hash, set()).add(lic.id)
                self.by_normalised_hash.setdefault(entry.normalised_hash, set()).add(lic.id)
            for phrase in lic.reference_phrases:
                phrase_words = tuple(tokens(normalise(phrase)))
                if phrase_words:
                    self.phrases.setdefault(phrase_words[0], []).append((phrase_words, lic.id))
        for group in self.phrases.values():
            group.sort(key=lambda item: len(item[0]), reverse=True)
        self._differences: dict[tuple[int, int], frozenset[Feature]] = {}
        self._names: dict[int, frozenset[str]] = {}

    def _encode(self, words: Iterable[str], grow: bool = False) -> str:
        vocab = self.vocabulary
        if not vocab:
            vocab.update(dict.fromkeys(STOPWORDS, ""))
        if grow:
            for w in dict.fromkeys(words):
                if w not in vocab:
                    vocab[w] = chr(_FIRST_CHAR + len(vocab))
        return "".join(map(vocab.get, words, repeat(_UNKNOWN)))

    def encode(self, words: list[str]) -> str:
        """Words of an input as the character string rapidfuzz compares."""
        return self._encode(words)

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
