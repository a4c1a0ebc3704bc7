"""The shared vocabulary of the pipeline: model references and what sources learn about
them, severities, clauses, findings, lineage nodes.

Pure data, no I/O, the bottom layer: every stage (targets, sources, lineage, rules, check,
reports) speaks in these types, and `to_json()` gives the shapes of CONTRACT.md section 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    """Lowest first, so `severity >= threshold` reads naturally."""

    INFO = 0
    OBLIGATION = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity '{value}' (expected one of: {names})") from None


RELATIONS = ("base", "finetune", "adapter", "merge", "quantized", "unknown")


# --- models as sources see them ----------------------------------------------------------

REF_KINDS = ("hub", "ollama", "path", "gguf")


@dataclass(frozen=True)
class ModelRef:
    """A reference to a model as a user or a card wrote it, classified."""

    kind: str                    # one of REF_KINDS
    name: str                    # hub: "org/name"; ollama: "llama3.3:70b"; path/gguf: a path
    revision: str | None = None  # hub only

    def __str__(self) -> str:
        if self.kind == "hub":
            return self.name if not self.revision else f"{self.name}@{self.revision}"
        if self.kind == "ollama":
            return f"ollama:{self.name}"
        return self.name


@dataclass(frozen=True)
class ParentLink:
    """A parent of a model and how the model derives from it."""

    ref: ModelRef
    relation: str = "unknown"    # finetune | adapter | merge | quantized | unknown


@dataclass
class ModelFacts:
    """What one source knows about one model. Unknown facts stay None / empty."""

    ref: ModelRef
    id: str                                   # canonical id (Hub id after redirects, or a path)
    source: str                               # hub | local | gguf | ollama | catalogue | cache
    declared_licence: str | None = None       # card `license:` (or GGUF general.license), as written
    licence_name: str | None = None           # card `license_name`
    licence_link: str | None = None           # card `license_link`
    licence_files: dict[str, str] = field(default_factory=dict)  # file name -> text (LICENSE, ...)
    licence_hint: str | None = None           # a corpus id from a curated source (catalogue)
    parents: list[ParentLink] = field(default_factory=list)
    relation: str | None = None               # how this model derives from its parents
    publisher: str | None = None
    origin: str | None = None                 # publisher country, ISO 3166-1 alpha-2
    modalities: list[str] = field(default_factory=list)
    release_date: str | None = None
    name: str | None = None
    revision: str | None = None
    gated: bool = False
    notes: list[str] = field(default_factory=list)  # how the facts were obtained, for evidence
    # Parents the model's files say exist but do not name (an adapter config without its base
    # model): why, each reported as `unresolved`.
    unknown_parents: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Unresolved:
    """A source could not learn about a model; `reason` is said to the user as is."""

    ref: ModelRef
    reason: str
    source: str = "unresolved"
    # The input error behind it, when a file could not be read: raised again (exit 2) when the
    # file is a target the user named, reported as `unresolved` when it is only an ancestor.
    error: Exception | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Location:
    """Where a model reference was written (manifest, card, config), for reports."""

    file: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}


@dataclass(frozen=True)
class Clause:
    """A verbatim excerpt of a licence text, with the licence's own section number."""

    licence: str
    section: str
    quote: str

    def to_json(self) -> dict[str, Any]:
        return {"licence": self.licence, "section": self.section, "quote": self.quote}


@dataclass(frozen=True)
class Finding:
    """One thing a user must know: a conflict, an obligation, or something not checked.

    A value: stages that change one (`--strict`, waivers, placing it at a manifest entry)
    make a new one with `dataclasses.replace`."""

    id: str                      # rule id ("llama3.1/naming") or "<area>/<kind>" for non-rule findings
    kind: str                    # a finding kind (licheck.kinds.KINDS)
    severity: Severity
    model: str                   # the model the finding is about (lineage[0] id)
    message: str
    licence: str | None = None
    via: list[str] = field(default_factory=list)   # lineage path from the model to the licence's holder
    clause: Clause | None = None
    context_field: str | None = None
    how_to_comply: str | None = None
    confidence: str = "verified"  # "secondary" when the clause comes from third-party quotations
    location: Location | None = None
    waived: bool = False
    waiver: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "severity": str(self.severity),
            "licence": self.licence,
            "model": self.model,
            "via": list(self.via),
            "message": self.message,
            "clause": self.clause.to_json() if self.clause else None,
            "context_field": self.context_field,
            "waived": self.waived,
            "waiver": self.waiver,
        }
        if self.how_to_comply:
            out["how_to_comply"] = self.how_to_comply
        if self.confidence != "verified":
            out["confidence"] = self.confidence
        if self.location is not None:
            out["location"] = self.location.to_json()
        return out


@dataclass
class LineageNode:
    """One model in a lineage, with what is known about it and how it was learnt."""

    id: str
    relation: str = "unknown"            # how this node derives from its parents (RELATIONS)
    parents: list[str] = field(default_factory=list)
    declared_licence: str | None = None  # what the model's own metadata says, as written
    licence: str | None = None           # the corpus id licheck determined, or None
    publisher: str | None = None
    origin: str | None = None            # publisher country, ISO 3166-1 alpha-2
    source: str = "unresolved"           # hub | local | gguf | ollama | catalogue | cache | unresolved
    evidence: str = ""                   # human-readable: which field or file, which matcher
    modalities: list[str] = field(default_factory=list)   # e.g. ["text"], ["text", "image"]
    release_date: str | None = None      # ISO date, when known
    name: str | None = None              # display name (e.g. GGUF general.name, card model_name)
    revision: str | None = None
    licence_confidence: float | None = None

    @property
    def resolved(self) -> bool:
        return self.source != "unresolved"

    @property
    def multimodal(self) -> bool:
        return any(m != "text" for m in self.modalities)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "relation": self.relation,
            "parents": list(self.parents),
            "declared_licence": self.declared_licence,
            "licence": self.licence,
            "publisher": self.publisher,
            "origin": self.origin,
            "source": self.source,
            "evidence": self.evidence,
        }
        if self.modalities:
            out["modalities"] = list(self.modalities)
        if self.release_date:
            out["release_date"] = self.release_date
        if self.revision:
            out["revision"] = self.revision
        return out


@dataclass
class Lineage:
    """A resolved model: lineage[0] is the model itself, then every ancestor once."""

    ref: str
    nodes: list[LineageNode]
    findings: list[Finding] = field(default_factory=list)

    @property
    def model(self) -> LineageNode:
        return self.nodes[0]

    @property
    def licences(self) -> list[str]:
        """Sorted licence ids that bind a user: the model's own and every inherited one."""
        return sorted({n.licence for n in self.nodes if n.licence})

    def node(self, model_id: str) -> LineageNode | None:
        return next((n for n in self.nodes if n.id == model_id), None)

    def path_to(self, model_id: str) -> list[str]:
        """Ids from the model down to `model_id` following parents (breadth-first)."""
        start = self.nodes[0].id
        prev: dict[str, str | None] = {start: None}
        queue = [start]
        while queue:
            cur = queue.pop(0)
            if cur == model_id:
                path = [cur]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])  # type: ignore[arg-type]
                return path[::-1]
            node = self.node(cur)
            for p in node.parents if node else []:
                if p not in prev:
                    prev[p] = cur
                    queue.append(p)
        return [start, model_id] if model_id != start else [start]
