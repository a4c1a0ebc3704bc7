"""Findings from a structure match: an undeclared base, or a declared base the weights deny.

Plain inputs in, immutable findings out, so lineage, `resolve` and `check` can call this
wherever they hold a model's declared facts and its `StructureMatch`:

* no base declared, and the weights are shaped like a family whose licence is not plainly
  permissive: a `provenance` warning (an error under `--strict`) naming the probable base,
  the licence it would carry, and the evidence;
* a declared base that the table knows, contradicted by the structure ("declares
  Mistral-7B, is shaped like Llama 3 8B"): a `provenance` warning.

A match never replaces what was declared: these findings only say what the structure shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from licheck.fingerprints import FingerprintTable, StructureMatch
from licheck.licences import Corpus
from licheck.model import Finding, Location, Severity

UNDECLARED_ID = "fingerprint/undeclared-base"
CONTRADICTED_ID = "fingerprint/base-contradicted"


def _permissive_in(corpus: Corpus) -> Callable[[str], bool | None]:
    def is_permissive(licence_id: str) -> bool | None:
        lic = corpus.get(licence_id)
        return None if lic is None else lic.is_permissive
    return is_permissive


def _evidence(match: StructureMatch, limit: int = 14) -> str:
    first = match.candidates[0]
    items = list(first.evidence[:limit])
    if first.differences:
        items.append("differs: " + "; ".join(first.differences))
    return ", ".join(items)


def _licence_question(match: StructureMatch) -> str:
    """'Llama 3.1 70B (llama3.1) or Llama 3.3 70B (llama3.3)': which licence each carries."""
    parts = []
    for name in match.names:
        lics = [lic for fp in match.fingerprints if fp.name == name for lic in fp.licences]
        shown = " + ".join(dict.fromkeys(lics)) or "licence not recorded"
        parts.append(f"{name} ({shown})")
    return " or ".join(parts)


def structure_findings(
    model: str,
    match: StructureMatch,
    *,
    table: FingerprintTable,
    corpus: Corpus,
    declared_bases: Sequence[str] = (),
    declared_licence: str | None = None,
    licence: str | None = None,
    strict: bool = False,
    location: Location | None = None,
) -> list[Finding]:
    """The findings a structure match gives for `model`.

    `table` is the fingerprint table the match came from; `corpus` the run's licences
    (a licence counts as permissive when its metadata says `kind: permissive`; an id the
    corpus does not know counts as restrictive: fail closed). `declared_bases` are the base
    ids its card, config or GGUF names (empty when none); `declared_licence` the licence it
    declares, if any (for the message only); `licence` the corpus id licheck determined.

    No base declared gives nothing when the model is itself one of the candidates' bases, or
    when its licence is one the candidates carry: the structure agrees with what it says.
    """
    if not match.matched or not match.candidates:
        return []
    permissive = _permissive_in(corpus)
    bases = [b for b in declared_bases if b and b.strip()]
    if not bases:
        if model.lower() in {b.lower() for b in match.bases} or (licence and licence in match.licences):
            return []
        return _undeclared(model, match, declared_licence, strict, permissive, location)
    return _contradicted(model, match, bases, table, location)


def _undeclared(model: str, match: StructureMatch, declared_licence: str | None, strict: bool,
                permissive: Callable[[str], bool | None], location: Location | None) -> list[Finding]:
    restrictive = [lic for lic in match.licences if permissive(lic) is not True]
    if not restrictive:
        return []
    level = ("its weights are shaped like " if match.level == "shape"
             else "its tokenizer is that of the ")
    subject = (_licence_question(match) if match.level == "shape"
               else " / ".join(t.name for t in match.tokenizer))
    if match.ambiguous and match.level == "shape":
        licence_part = (f"these share one shape, so the base is one of them; either way a "
                        f"restrictive licence applies ({', '.join(restrictive)})")
    elif match.level == "shape":
        licence_part = f"a model derived from it carries {', '.join(match.licences)}"
    else:
        licence_part = (f"{match.note}; derived weights would carry one of "
                        f"{', '.join(restrictive)}")
    declared = (f" The card declares '{declared_licence}'." if declared_licence else "")
    message = (f"No base model is declared, but {level}{subject}: {_evidence(match)}. "
               f"{licence_part[0].upper()}{licence_part[1:]}.{declared}")
    return [Finding(
        id=UNDECLARED_ID, kind="provenance",
        severity=Severity.ERROR if strict else Severity.WARNING,
        model=model, message=message,
        licence=restrictive[0] if len(restrictive) == 1 else None,
        via=[model],
        how_to_comply=("Ask the publisher which base model the weights come from and record it "
                       f"(base_model in the card, or parents in a catalogue entry); probable: "
                       f"{', '.join(match.bases[:4])}"),
        location=location)]


def _contradicted(model: str, match: StructureMatch, bases: list[str], table: FingerprintTable,
                  location: Location | None) -> list[Finding]:
    found_ids = {fp.id for fp in match.fingerprints}
    found_tokenizers = {t.id for t in match.tokenizer}
    out = []
    for base in bases:
        known = table.by_base(base)
        if not known:
            continue            # not a base the table knows (a fine-tune of a fine-tune): no claim
        if match.level == "shape" and found_ids & {fp.id for fp in known}:
            continue
        if match.level == "tokenizer" and found_tokenizers & {fp.tokenizer.id for fp in known}:
            continue
        declared_as = " / ".join(dict.fromkeys(fp.name for fp in known))
        shaped = (f"is shaped like {' or '.join(match.names)}" if match.level == "shape"
                  else f"has the tokenizer of the {' / '.join(t.name for t in match.tokenizer)}")
        message = (f"Declares {base} ({declared_as}) as its base, but {shaped}: "
                   f"{_evidence(match)}. The declared lineage may be wrong; the structure "
                   f"points to {', '.join(match.bases[:4])} "
                   f"({', '.join(match.licences) or 'licence not recorded'}).")
        out.append(Finding(
            id=CONTRADICTED_ID, kind="provenance", severity=Severity.WARNING, model=model,
            message=message,
            licence=match.licences[0] if len(match.licences) == 1 else None,
            via=[model, base],
            how_to_comply=("Check the declared base against the weights' origin before relying on "
                           "its licence"),
            location=location))
    return out


__all__ = ["CONTRADICTED_ID", "UNDECLARED_ID", "structure_findings"]
