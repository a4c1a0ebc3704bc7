"""The matcher cascade: exact, normalised, similarity, reference (first that fires wins).

* `exact`: the SHA-256 of the bytes is a corpus text's.
* `normalised`: the SHA-256 of the normalised text is (`licheck.matching.normalise`).
* `similarity`: rapidfuzz's Indel similarity over the words (function words left out)
  reaches SIMILARITY_THRESHOLD.
* `reference`: the text names one licence by a phrase from its `reference_phrases`
  ("licensed under the Llama 3.1 Community License"); only tried when the text resembles
  no licence text at all (below RESEMBLANCE_FLOOR), since a modified licence names the
  one it was made from.

Near-twins (Llama 3.1/3.2/3.3/4, the dated Gemma terms, CC-BY and CC-BY-NC, ...) are as
similar to each other as a reformatted copy is to its original, so similarity alone only
finds the family. Within it, the licence is decided by the words that differ: a licence
wins only if the text holds nearly all of what sets it apart from each close rival and
almost none of what sets the rival apart. A similarity winner is further refused when the
text holds a variant word its licence lacks (ShareAlike, NonCommercial; for a permissive
licence, restriction words too), names a licence its text does not name, or, where the
licence has near-twins, puts a version number its text lacks after a licence word in its
title ("... Agreement 1.3 - NC"): a newer version, not the one we hold. Whenever no
licence wins, the answer is None with the candidates and their scores: never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from licheck.matching.index import MARKER_WORDS, Feature, Index, features, sha256
from licheck.matching.normalise import normalise, tokens
from licheck.matching.result import Identification

# A text is a licence if its words are this similar to the licence's (rapidfuzz Indel
# over words: 1.0 identical). Reformatted copies score above 0.96.
SIMILARITY_THRESHOLD = 0.93
# Between this and the threshold the text resembles a licence but is not one of ours
# (a modified or newer version): no reference phrase can then name it either.
RESEMBLANCE_FLOOR = 0.6
# Licences scoring within this of the best are its near-twins and must be told apart.
TWIN_MARGIN = 0.08
# A permissive winner must also beat every restrictive licence within this margin.
PERMISSIVE_MARGIN = 0.30
# Discriminating features: the winner's must be nearly all present, a rival's nearly all
# absent. A reformatted copy keeps all its words, so it holds 1.0 of its own.
OWN_FEATURES_MIN = 0.8
RIVAL_FEATURES_MAX = 0.2
# Words that make a licence another licence (CC's NonCommercial, ShareAlike and
# NoDerivatives variants, after licensee's guard): a text holding one its winner lacks is
# not that licence.
def _as_features(*phrases: str) -> frozenset[Feature]:
    return frozenset((p.split()[0], p.split()[1]) if " " in p else p for p in phrases)


VARIANT_WORDS = _as_features(
    "noncommercial", "non commercial", "sharealike", "share alike", "noderivatives",
    "noderivs", "no derivatives",
)
# A permissive winner is refused when the text adds restriction words its licence lacks
# (an MIT text with "may not be used for commercial purposes" appended is not MIT).
RESTRICTION_WORDS = VARIANT_WORDS | _as_features(
    "commercial", "commercially", "research", "non production", "acceptable use",
    "may not", "must not", "shall not", "prohibited",
)
# A licence named by a reference phrase ("licensed under the X") is less certain than
# one whose text is present.
REFERENCE_CONFIDENCE = 0.9
TOP_CANDIDATES = 3


@dataclass
class Prepared:
    """An input text, normalised once for every matcher."""

    raw: str
    raw_hash: str
    normalised: str
    words: list[str]
    content_hash: str

    @classmethod
    def of(cls, raw: str, raw_bytes: bytes) -> Prepared:
        norm = normalise(raw)
        return cls(raw, sha256(raw_bytes), norm, norm.split(), sha256(norm.encode("utf-8")))

    @cached_property
    def tokens(self) -> list[str]:
        return tokens(self.normalised)

    @cached_property
    def features(self) -> frozenset[Feature]:
        return features(self.tokens, self.raw)


def exact(index: Index, text: Prepared) -> set[str]:
    return index.by_raw_hash.get(text.raw_hash, set())


def normalised(index: Index, text: Prepared) -> set[str]:
    return index.by_normalised_hash.get(text.content_hash, set())


def similarity_scores(index: Index, text: Prepared, rivals: bool = True) -> dict[int, float]:
    """Similarity of the input to the corpus texts that matter; the rest stay unscored.

    The Indel similarity of sequences of n and m words is at most 2*min(n, m)/(n + m),
    so texts are scored in order of that bound and skipped once it falls below what is
    still needed: while nothing reaches the threshold, the floor (so the closest
    candidates are known); after, the best minus the twin margin (its near-twins), and
    for restrictive texts, when the best is permissive, minus the permissive margin
    (unless `rivals` is False: a hash match needs no rivals, only its closest twins).

    An input that is a corpus text (a hash match) gets the scores the wheel build computed
    for that text, when it computed them for this corpus: no rapidfuzz then.
    """
    if not rivals and (known := index.scores_of_text(text.content_hash)) is not None:
        return known
    from rapidfuzz.distance import Indel  # loaded only when a text must be compared

    encoded = index.encode(text.words)
    n = len(encoded)
    if n == 0:
        return {}
    bounds = sorted(((2 * min(n, len(e.encoded)) / (n + len(e.encoded)), i)
                     for i, e in enumerate(index.entries)), reverse=True)
    scores: dict[int, float] = {}
    top, top_permissive = 0.0, False
    for bound, i in bounds:
        needed = RESEMBLANCE_FLOOR
        if top >= SIMILARITY_THRESHOLD:
            needed = max(needed, top - TWIN_MARGIN)
            if top_permissive and index.licences[index.entries[i].licence].restrictive:
                needed = max(RESEMBLANCE_FLOOR, top - PERMISSIVE_MARGIN)
        if bound < needed:
            if top_permissive and bound >= top - PERMISSIVE_MARGIN:
                continue  # a restrictive rival may still come
            break
        score = Indel.normalized_similarity(encoded, index.entries[i].encoded, score_cutoff=needed)
        if score:
            scores[i] = score
            if score > top:
                top = score
                top_permissive = rivals and not index.licences[index.entries[i].licence].restrictive
    return scores


def best_per_licence(index: Index, scores: dict[int, float]) -> dict[str, tuple[float, int]]:
    """Each licence's best score and the text that gave it (a licence may have several)."""
    best: dict[str, tuple[float, int]] = {}
    for i, score in scores.items():
        lic = index.entries[i].licence
        if lic not in best or score > best[lic][0]:
            best[lic] = (score, i)
    return best


def _presence(wanted: frozenset[Feature], have: frozenset[Feature]) -> float | None:
    if not wanted:
        return None
    return sum(1 for f in wanted if f in have) / len(wanted)


def beats(index: Index, winner: int, rival: int, have: frozenset[Feature]) -> bool:
    """Does the input hold what sets text `winner` apart from `rival`, and not the reverse?"""
    own = _presence(index.difference(winner, rival), have)
    theirs = _presence(index.difference(rival, winner), have)
    if own is None and theirs is None:  # same features: nothing can tell them apart
        return False
    return (own is None or own >= OWN_FEATURES_MIN) and (theirs is None or theirs <= RIVAL_FEATURES_MAX)


def _required_rivals(index: Index, best: dict[str, tuple[float, int]], top: float,
                     contenders: dict[str, tuple[float, int]]) -> dict[str, list[tuple[str, int]]]:
    """For each permissive contender: restrictive licences close enough to be confused."""
    out: dict[str, list[tuple[str, int]]] = {}
    for lic in contenders:
        if index.licences[lic].restrictive:
            continue
        out[lic] = [(other, i) for other, (score, i) in best.items()
                    if other not in contenders and index.licences[other].restrictive
                    and score >= top - PERMISSIVE_MARGIN]
    return out


def decide(index: Index, text: Prepared, ids: set[str] | None,
           best: dict[str, tuple[float, int]]) -> str | None:
    """Pick the licence among `ids` (hash matches) or the near-twins at the top of `best`."""
    if ids is not None and len(ids) == 1:
        return next(iter(ids))
    if ids is not None:  # several licences share the hash (texts differing only in URLs)
        contenders = {lic: best.get(lic, (1.0, _first_entry(index, lic))) for lic in ids}
        top = 1.0
    else:
        top = max(score for score, _ in best.values())
        contenders = {lic: v for lic, v in best.items() if v[0] >= top - TWIN_MARGIN}
    extra = _required_rivals(index, best, top, contenders)
    have = text.features
    winners = []
    for lic, (_, i) in contenders.items():
        rivals = [j for other, (_, j) in contenders.items() if other != lic]
        rivals += [j for _, j in extra.get(lic, [])]
        if all(beats(index, i, j, have) for j in rivals):
            winners.append(lic)
    if len(winners) != 1:
        return None
    i = contenders[winners[0]][1]
    if ids is None:  # similarity only: the words around the match must not contradict it
        words = RESTRICTION_WORDS if not index.licences[winners[0]].restrictive else VARIANT_WORDS
        if (words & have) - index.entries[i].features:
            return None
        # A text naming a licence its match does not name is another licence: the
        # Tongyi Qianwen text renamed "Qwen LICENSE AGREEMENT" is not Tongyi Qianwen.
        if set(named_licences(index, text)) - index.names_in(i) - {winners[0]}:
            return None
        # A version number its match lacks ("EXAONE ... 1.3 - NC", "FLUX.1 [dev] ... v1.2")
        # marks a newer version of a licence that has versions: not the one we hold.
        if len(contenders) > 1 and _versioned(text.tokens[:TITLE_WORDS], index.entries[i].features):
            return None
    return winners[0]


# "1.3", "v1.2", "k2.6", "2.0.1": numbering with a dot or a "v", not plain integers (list
# markers and counts).
_VERSION = re.compile(r"(?:v\d+(?:\.\d+)*|[a-z]*\d+[a-z]*(?:\.\d+)+)")


# Where a licence states its version: its title and first lines. (Further on, a rewrapped copy
# turns "4.1." list markers into words, which would look like versions.)
TITLE_WORDS = 40


def _versioned(toks: list[str], known: frozenset[Feature]) -> bool:
    """Is a licence word followed by a version number that `known` (the match's features) does
    not have there? ("agreement 1.3": a section number 1.3 elsewhere in the text must not hide
    a changed title; a project's own "AcmeChat v2.1" header follows no licence word.)"""
    toks = [t for t in toks if t not in MARKER_WORDS]
    return any(_VERSION.fullmatch(b) and a in known and (a, b) not in known
               for a, b in zip(toks, toks[1:], strict=False))


def _first_entry(index: Index, licence: str) -> int:
    return next(i for i, e in enumerate(index.entries) if e.licence == licence)


def named_licences(index: Index, text: Prepared) -> list[str]:
    """Licences named by a reference phrase in the text, in order of first mention."""
    return index.named_in(text.tokens)


def reference(index: Index, text: Prepared) -> list[str]:
    """Licences named by a reference phrase, in order of first mention.

    An acceptable-use policy named beside the licence that incorporates it is folded in.
    """
    found = named_licences(index, text)
    incorporated = {inc for lic in found for inc in index.licences[lic].incorporates}
    return [lic for lic in found if lic not in incorporated]


def run(index: Index, raw: str, raw_bytes: bytes) -> Identification:
    """The cascade over one decoded text."""
    text = Prepared.of(raw, raw_bytes)
    if not text.words:
        return Identification(None, 0.0, None, [], text.content_hash)
    by_exact = exact(index, text)
    hashed = by_exact or normalised(index, text)
    scores = similarity_scores(index, text, rivals=not hashed)
    best = best_per_licence(index, scores)
    ranked = sorted(((lic, s) for lic, (s, _) in best.items()), key=lambda x: (-x[1], x[0]))
    candidates = ranked[:TOP_CANDIDATES]

    def answer(lic: str | None, confidence: float, matcher: str,
               cands: list[tuple[str, float]] = candidates) -> Identification:
        if lic is None:  # no match: no confidence, no matcher, only the candidates
            return Identification(None, 0.0, None, cands, text.content_hash)
        return Identification(lic, confidence, matcher, cands, text.content_hash)

    if hashed:
        matcher = "exact" if by_exact else "normalised"
        return answer(decide(index, text, hashed, best), 1.0, matcher)
    if ranked and ranked[0][1] >= SIMILARITY_THRESHOLD:
        lic = decide(index, text, None, best)
        return answer(lic, best[lic][0] if lic else 0.0, "similarity")
    if ranked and ranked[0][1] >= RESEMBLANCE_FLOOR:  # like a licence, but none of ours
        return answer(None, 0.0, "similarity")
    named = reference(index, text)
    cands = [(lic, REFERENCE_CONFIDENCE) for lic in named]
    cands = (cands + [c for c in candidates if c[0] not in named])[:TOP_CANDIDATES]
    return answer(named[0] if len(named) == 1 else None, REFERENCE_CONFIDENCE, "reference", cands)
