"""The shared vocabulary of the pipeline: model references and what sources learn about
them, severities, clauses, findings, lineage nodes.

Pure data, no I/O, the bottom layer: every stage (targets, sources, lineage, rules, check,
reports) speaks in these types, and `to_json()` gives the shapes of docs/contract.md section 5.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, replace
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


_JSON_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float),
                                             "bool": (bool,)}


@dataclass(frozen=True)
class StructuralFacts:
    """What the structure of a model says, each field None when its source was silent."""

    architecture: str | None = None          # HF model_type or GGUF general.architecture
    architectures: tuple[str, ...] = ()      # HF `architectures` (class names)
    layers: int | None = None
    hidden: int | None = None
    intermediate: int | None = None
    heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    q_width: int | None = None               # rows of the query projection (heads * head_dim)
    kv_width: int | None = None              # rows of the key projection (kv_heads * head_dim)
    vocab: int | None = None                 # rows of the embedding (config vocab_size)
    experts: int | None = None
    rope_type: str | None = None             # "default" when the config says no scaling
    rope_theta: float | None = None
    context_length: int | None = None
    tie_word_embeddings: bool | None = None
    tokenizer_model: str | None = None       # GGUF tokenizer.ggml.model or tokenizer_class
    tokenizer_pre: str | None = None         # GGUF tokenizer.ggml.pre
    special_tokens: frozenset[str] = frozenset()
    special_tokens_complete: bool = True     # False: a bounded read may have missed some
    sources: tuple[str, ...] = ()            # the files the facts came from
    notes: tuple[str, ...] = ()              # what could not be read, or disagreed

    @property
    def has_shape(self) -> bool:
        return self.layers is not None and self.hidden is not None

    @property
    def says_anything(self) -> bool:
        """Whether there is anything to match (a shape, a vocabulary or tokenizer markers)."""
        return (self.has_shape or self.vocab is not None or bool(self.special_tokens)
                or self.tokenizer_pre is not None)

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON (for the cache of Hub facts); `from_json` reads them back."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == f.default:
                continue
            out[f.name] = sorted(value) if isinstance(value, frozenset) else (
                list(value) if isinstance(value, tuple) else value)
        return out

    @classmethod
    def from_json(cls, doc: Any) -> StructuralFacts:
        """Inverse of `to_json`; ValueError on a document that is not one."""
        if not isinstance(doc, dict):
            raise ValueError("structural facts must be a JSON object")
        kinds = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in doc.items():
            kind = kinds.get(key)
            if kind is None:
                raise ValueError(f"unknown structural fact '{key}'")
            kind = str(kind)
            if kind.startswith(("frozenset", "tuple")):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"structural fact '{key}' must be a list of strings")
                value = frozenset(value) if kind.startswith("frozenset") else tuple(value)
            elif value is not None:
                want = _JSON_TYPES[kind.split(" ")[0]]
                if not isinstance(value, want) or (isinstance(value, bool) and bool not in want):
                    raise ValueError(f"structural fact '{key}' has the wrong type")
            values[key] = value
        return cls(**values)

    def merged(self, other: StructuralFacts, *, other_name: str) -> StructuralFacts:
        """These facts, with gaps filled from `other`; a disagreement is kept as a note."""
        changes: dict[str, Any] = {}
        notes = list(self.notes) + [n for n in other.notes if n not in self.notes]
        for f in fields(self):
            if f.name in ("sources", "notes", "special_tokens", "architectures",
                      "special_tokens_complete"):
                continue
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if mine is None and theirs is not None:
                changes[f.name] = theirs
            elif (mine is not None and theirs is not None and mine != theirs
                  and f.name in ("layers", "hidden", "intermediate", "vocab", "q_width", "kv_width")):
                notes.append(f"{f.name}: {mine} here, but {theirs} in {other_name}")
        changes["special_tokens"] = self.special_tokens | other.special_tokens
        changes["special_tokens_complete"] = (self.special_tokens_complete
                                              and other.special_tokens_complete)
        changes["architectures"] = self.architectures or other.architectures
        changes["sources"] = self.sources + tuple(s for s in other.sources if s not in self.sources)
        changes["notes"] = tuple(notes)
        return replace(self, **changes)


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
    policies: list[str] = field(default_factory=list)   # acceptable-use policies the catalogue attaches
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
    # The shape of the weights (config.json, tokenizer files, safetensors or GGUF header), read
    # for matching against base-model fingerprints; None when not read.
    structure: StructuralFacts | None = None
    # For `licheck lock`: the commit (Hub sha) these facts were read at, and the SHA-256 of
    # every document they were read from (card data, LICENSE, adapter config, GGUF header).
    commit: str | None = None
    documents: dict[str, str] = field(default_factory=dict)   # document -> "sha256:<hex>"


def sha256_digest(data: str | bytes) -> str:
    """`sha256:<hex>` of a document (text is digested as its UTF-8 bytes)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Unresolved:
    """A source could not learn about a model; `reason` is said to the user as is."""

    ref: ModelRef
    reason: str
    source: str = "unresolved"
    # The input error behind it, when a file could not be read: raised again (exit 2) when the
    # file is a target the user named, reported as `unresolved` when it is only an ancestor.
    error: Exception | None = field(default=None, compare=False, repr=False)
    # The source answered that the model does not exist (a Hub 404), as opposed to "could not
    # ask": for a model the user named, a typo (docs/contract.md section 3).
    missing: bool = False


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
    # What the weights' structure says (`StructureMatch.to_json()`), when it was read, and the
    # bases it points to that no declaration names: marked edges, never among `parents`.
    structure: dict[str, Any] | None = None
    structure_parents: list[dict[str, Any]] = field(default_factory=list)
    # Why this node's licence does not bind the lineage's model, when it does not: its licensor
    # published a descendant under a licence of its own (a licensor is not bound by its own
    # licence). None: it binds, as every ancestor's licence does by default.
    not_inherited: str | None = None
    # Acceptable-use policies the publisher attaches beside a licence that does not incorporate
    # them (the catalogue's `policies`): they bind with this node's licence, as incorporated ones do.
    policies: list[str] = field(default_factory=list)

    @property
    def binds(self) -> bool:
        """Whether this node's licence binds users of the lineage's model."""
        return self.not_inherited is None

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
        if self.not_inherited:
            out["not_inherited"] = self.not_inherited
        if self.policies:
            out["policies"] = list(self.policies)
        if self.structure is not None:
            out["structure"] = self.structure
        if self.structure_parents:
            out["structure_parents"] = [dict(p) for p in self.structure_parents]
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
        """Sorted licence ids that bind a user: the model's own and every inherited one (not an
        ancestor's whose licensor relicensed a descendant: `LineageNode.not_inherited`)."""
        return sorted({n.licence for n in self.nodes if n.licence and n.binds})

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
