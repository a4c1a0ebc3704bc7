"""What `identify` answers: a licence id (or None), how sure, and which matcher said so."""

from __future__ import annotations

from dataclasses import dataclass, field

MATCHERS = ("exact", "normalised", "similarity", "reference")


@dataclass(frozen=True)
class Identification:
    """The outcome of identifying one text.

    `licence` is None when nothing matched with confidence; `confidence` is then 0.0 and
    `candidates` still lists the closest licences with their scores (best first, at most
    three), so a reader can see how near the text came. `matcher` is one of `MATCHERS`.
    `content_hash` is the SHA-256 of the normalised text (of the raw bytes when they are
    not UTF-8), so two copies that differ only in formatting share it.
    """

    licence: str | None
    confidence: float
    matcher: str | None
    candidates: list[tuple[str, float]] = field(default_factory=list)
    content_hash: str = ""

    @property
    def matched(self) -> bool:
        return self.licence is not None

    def to_json(self) -> dict[str, object]:
        return {
            "licence": self.licence,
            "confidence": round(self.confidence, 4),
            "matcher": self.matcher,
            "candidates": [{"licence": lic, "score": round(score, 4)}
                           for lic, score in self.candidates],
        }
