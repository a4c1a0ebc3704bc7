"""The built-in catalogue as a model source: curated facts for well-known Hub models.

Used offline, and beside the Hub for facts cards do not carry (publisher country,
modalities, release date, the bases of distilled models). Its licence is a hint from a
curated source (`licence_hint`), never a declaration by the model's publisher.
"""

from __future__ import annotations

import json

from licheck.cardmeta import parse_base_models
from licheck.catalogue import Catalogue, CatalogueEntry
from licheck.model import ModelFacts, ModelRef, ParentLink, Unresolved, sha256_digest


def catalogue_parents(entry: CatalogueEntry) -> list[ParentLink]:
    """The parents a catalogue entry lists, as lineage links (the one place they become so:
    for the catalogue as a source and for a Hub model the catalogue enriches)."""
    return [ParentLink(ref, relation or "unknown")
            for pid, relation in entry.parents for ref in parse_base_models(pid)]


def policies_note(entry: CatalogueEntry) -> str:
    """The evidence for the policies a catalogue entry attaches (shown on the lineage node)."""
    where = f" ({entry.path}:{entry.line})" if entry.path else ""
    return (f"acceptable-use policies from licheck's catalogue{where}: {', '.join(entry.policies)}, "
            "bound with the licence as the publisher's card or licence requires")


class CatalogueSource:
    """Facts about Hub models the catalogue lists (ids, aliases, renamed orgs)."""

    name = "catalogue"

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def accepts(self, ref: ModelRef) -> bool:
        return ref.kind == "hub" and self.catalogue.model(ref.name) is not None

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        entry = self.catalogue.model(ref.name) if ref.kind == "hub" else None
        if entry is None:
            return Unresolved(ref, f"'{ref.name}' is not in licheck's catalogue")
        facts = ModelFacts(
            ref=ref, id=entry.id, source="catalogue", licence_hint=entry.licence,
            publisher=entry.publisher, origin=entry.origin, modalities=list(entry.modalities),
            release_date=entry.release_date, revision=ref.revision,
            parents=catalogue_parents(entry), policies=list(entry.policies))
        curated = {"id": entry.id, "licence": entry.licence, "publisher": entry.publisher,
                   "origin": entry.origin, "modalities": list(entry.modalities),
                   "release_date": entry.release_date, "parents": [list(p) for p in entry.parents]}
        if entry.policies:
            curated["policies"] = list(entry.policies)
        facts.documents[f"catalogue entry {entry.id}"] = sha256_digest(json.dumps(curated, sort_keys=True))
        relations = {rel for _pid, rel in entry.parents}
        facts.relation = relations.pop() if len(relations) == 1 else ("unknown" if relations else None)
        where = f" ({entry.path}:{entry.line})" if entry.path else ""
        facts.notes.append(f"licheck catalogue entry {entry.id}{where}")
        if entry.checked:   # where the curated licence was read, so a reviewer can follow it
            facts.notes.append(f"licence checked against: {entry.checked}")
        if entry.policies:
            facts.notes.append(policies_note(entry))
        if entry.id.lower() != ref.name.lower():
            facts.notes.append(f"'{ref.name}' is listed as another name of {entry.id}")
        if entry.licence is None:
            facts.notes.append("the catalogue gives no licence for this model (not verified)")
        if entry.notes:
            facts.notes.append(entry.notes)
        return facts
