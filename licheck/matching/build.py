"""What the wheel build pre-computes for identification (`licheck.matching.prebuilt`)."""

from __future__ import annotations

from pathlib import Path

from licheck.licences import Corpus
from licheck.matching import prebuilt
from licheck.matching.index import Index, phrase_words
from licheck.matching.matchers import Prepared, similarity_scores


def build_prebuilt(corpus: Corpus, out: Path) -> None:
    """Write the pre-built entries of every text of `corpus` to `out`, with the similarity
    scores each gets against the corpus as an input identified by its hash."""
    index = Index(corpus, prebuilt.NONE)
    prebuilt.write(prebuilt.Prebuilt(
        vocabulary=tuple(w for w, ch in index.vocabulary.items() if ch),  # as their characters run
        texts={e.raw_hash: (e.normalised_hash, e.encoded) for e in index.entries},
        phrases={phrase: phrase_words(phrase) for lic in corpus for phrase in lic.reference_phrases},
        corpus=tuple(e.raw_hash for e in index.entries),
        scores=tuple(similarity_scores(index, Prepared.of(e.raw, e.data), rivals=False)
                     for e in index.entries),
    ), out)
