"""The table of base-model fingerprints, and matching structural facts against it.

`catalogue/fingerprints.yml` records, per base model family and size, the shape its weights
have (layers, widths, heads, vocabulary, tokenizer markers) and the bases and licences that
shape implies. `FingerprintTable.match(facts)` compares a model's `StructuralFacts` with every
entry and returns the candidates with the evidence for each:

* level "shape": the dimensions agree (and the vocabulary and tokenizer do not contradict);
  entries that share a shape are all reported (Llama 3.1 70B and Llama 3.3 70B);
* level "tokenizer": no entry has this shape (a merge, a pruned or a depth-extended model),
  but the tokenizer identifies a family, and the width or the tokenizer's own markers agree;
* level "none": nothing known, which is the right answer for a new architecture.

A match is evidence about where weights came from, never a replacement for what a card
declares: `licheck.structure_findings` turns it into findings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from licheck.data import bundled_name, data_dir, keep, load_data_yaml, proven
from licheck.errors import DataError
from licheck.licences import Corpus, default_corpus
from licheck.model import StructuralFacts
from licheck.schema import Field, Schema, did_you_mean
from licheck.yamldoc import YamlList, YamlMap, line_of

FILE_NAME = "fingerprints.yml"

# A vocabulary a little larger than the base's is a fine-tune's added tokens (chat markers,
# padding to a multiple of 64); a little smaller is an embedding resized to the tokenizer.
VOCAB_GROWTH = 256
VOCAB_SHRINK = 512

# Discriminators rank candidates of the same shape; a fine-tune may change any of them, so
# they never exclude an entry. RoPE scaling is rarely changed, context length often.
_WEIGHTS = {"rope_type": 2, "architecture": 1, "context_length": 1, "vocab": 1}

_HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")
_ENTRY_ID = re.compile(r"[a-z0-9][a-z0-9.-]*")


@dataclass(frozen=True)
class TokenizerFamily:
    id: str
    name: str
    vocab: tuple[int, ...]
    markers: tuple[str, ...] = ()
    gguf_pre: tuple[str, ...] = ()
    source: str = ""
    notes: str | None = None


@dataclass(frozen=True)
class Fingerprint:
    id: str
    family: str
    size: str
    tokenizer: TokenizerFamily
    bases: tuple[str, ...]
    licences: tuple[str, ...]
    source: str
    architecture: tuple[str, ...] = ()
    layers: int | None = None
    hidden: int | None = None
    intermediate: int | None = None
    heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    experts: int | None = None
    vocab: tuple[int, ...] = ()
    rope_type: str | None = None
    context_length: int | None = None
    via: tuple[str, ...] = ()
    notes: str | None = None
    path: str = ""
    line: int | None = None

    @property
    def name(self) -> str:
        return f"{self.family} {self.size}"

    @property
    def vocabs(self) -> tuple[int, ...]:
        return self.vocab or self.tokenizer.vocab

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class Candidate(NamedTuple):
    """One entry the facts fit, the facts that agree, and what differs but is allowed."""

    fingerprint: Fingerprint
    evidence: tuple[str, ...]
    differences: tuple[str, ...] = ()


class StructureMatch(NamedTuple):
    level: str                                   # "shape" | "tokenizer" | "none"
    candidates: tuple[Candidate, ...] = ()
    also_possible: tuple[Candidate, ...] = ()    # same shape, ranked lower by a discriminator
    near_misses: tuple[Candidate, ...] = ()      # closest shapes when only the tokenizer fits
    tokenizer: tuple[TokenizerFamily, ...] = ()
    note: str = ""

    @property
    def matched(self) -> bool:
        return self.level != "none"

    @property
    def fingerprints(self) -> tuple[Fingerprint, ...]:
        return tuple(c.fingerprint for c in self.candidates)

    @property
    def licences(self) -> tuple[str, ...]:
        return _unique(lic for fp in self.fingerprints for lic in fp.licences)

    @property
    def bases(self) -> tuple[str, ...]:
        return _unique(b for fp in self.fingerprints for b in fp.bases)

    @property
    def names(self) -> tuple[str, ...]:
        return _unique(fp.name for fp in self.fingerprints)

    @property
    def ambiguous(self) -> bool:
        return len(self.names) > 1

    def summary(self) -> str:
        """One sentence: what the structure says (for `resolve` and reports)."""
        if self.level == "none":
            return self.note or "the structure matches no known base model"
        names = " or ".join(self.names) if self.level == "shape" else ", ".join(
            t.name for t in self.tokenizer)
        lead = ("shaped like " if self.level == "shape" else "tokenizer of the ") + names
        return f"{lead}; {self.note}" if self.note else lead

    def to_json(self) -> dict[str, Any]:
        def cand(c: Candidate) -> dict[str, Any]:
            fp = c.fingerprint
            return {"fingerprint": fp.id, "name": fp.name, "bases": list(fp.bases),
                    "licences": list(fp.licences), "evidence": list(c.evidence),
                    "differences": list(c.differences)}
        return {"level": self.level, "summary": self.summary(),
                "candidates": [cand(c) for c in self.candidates],
                "also_possible": [cand(c) for c in self.also_possible],
                "tokenizer": [t.id for t in self.tokenizer]}


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# --- matching ----------------------------------------------------------------------------------

_DIMS = (("layers", "layers"), ("hidden", "hidden size"), ("intermediate", "intermediate size"),
         ("heads", "attention heads"), ("kv_heads", "KV heads"))


def _shape(fp: Fingerprint, facts: StructuralFacts) -> tuple[list[str], list[str]]:
    """(agreeing, contradicting) statements about the core dimensions."""
    agree: list[str] = []
    differ: list[str] = []
    for attr, label in _DIMS:
        mine, theirs = getattr(fp, attr), getattr(facts, attr)
        if mine is None or theirs is None:
            continue
        (agree if mine == theirs else differ).append(
            f"{label} {theirs}" if mine == theirs else f"{label} {theirs} (not {mine})")
    if fp.heads and fp.hidden:
        head_dim = fp.head_dim or fp.hidden // fp.heads
        for attr, count, label in (("q_width", fp.heads, "query width"),
                                   ("kv_width", fp.kv_heads, "key width")):
            theirs = getattr(facts, attr)
            if theirs is not None and count is not None:
                want = count * head_dim
                (agree if theirs == want else differ).append(
                    f"{label} {theirs}" if theirs == want else f"{label} {theirs} (not {want})")
    if facts.has_shape:
        mine_e, theirs_e = fp.experts or 0, facts.experts or 0
        if mine_e != theirs_e:
            differ.append(f"{theirs_e or 'no'} experts (not {mine_e or 'dense'})")
        elif mine_e:
            agree.append(f"{mine_e} experts")
    return agree, differ


def _vocab(fp: Fingerprint, facts: StructuralFacts) -> tuple[str, str | None]:
    """("exact" | "near" | "unknown" | "different", statement)."""
    if facts.vocab is None:
        return "unknown", None
    if facts.vocab in fp.vocabs:
        return "exact", f"vocabulary {facts.vocab:,}"
    for v in fp.vocabs:
        if 0 < facts.vocab - v <= VOCAB_GROWTH:
            return "near", f"vocabulary {facts.vocab:,} = {v:,} + {facts.vocab - v} added tokens"
        if 0 < v - facts.vocab <= VOCAB_SHRINK:
            return "near", f"vocabulary {facts.vocab:,} (embedding of {v:,} resized)"
    return "different", f"vocabulary {facts.vocab:,} (not {' or '.join(f'{v:,}' for v in fp.vocabs)})"


def _tokenizer(tok: TokenizerFamily, facts: StructuralFacts) -> tuple[str, list[str]]:
    """("confirmed" | "unknown" | "contradicted", statements) from markers and GGUF pre."""
    said: list[str] = []
    found = [m for m in tok.markers if m in facts.special_tokens]
    if found:
        said.append("special tokens " + ", ".join(found))
    if facts.tokenizer_pre and facts.tokenizer_pre in tok.gguf_pre:
        said.append(f"tokenizer.ggml.pre '{facts.tokenizer_pre}'")
    if said:
        return "confirmed", said
    if tok.markers and facts.special_tokens and facts.special_tokens_complete:
        return "contradicted", [f"none of {', '.join(tok.markers)} among its special tokens"]
    if tok.gguf_pre and facts.tokenizer_pre and facts.tokenizer_pre not in ("default",):
        return "contradicted", [f"tokenizer.ggml.pre '{facts.tokenizer_pre}' "
                                f"(not {' or '.join(tok.gguf_pre)})"]
    return "unknown", []


def _score(fp: Fingerprint, facts: StructuralFacts,
           keys: Iterable[str] = ("rope_type", "context_length", "architecture"),
           ) -> tuple[int, list[str], list[str]]:
    """Weighted disagreements (<= 0) on the discriminators in `keys`: an entry is never
    ranked up for having more fields, nor for lacking one."""
    score, agree, differ = 0, [], []
    labels = {"rope_type": "RoPE scaling", "context_length": "context",
              "architecture": "architecture"}
    for key in keys:
        mine, theirs = getattr(fp, key), getattr(facts, key)
        if not mine or not theirs:
            continue
        label = labels[key]
        same = theirs in mine if isinstance(mine, tuple) else theirs == mine
        shown = f"{theirs:,}" if isinstance(theirs, int) else f"'{theirs}'"
        if same:
            agree.append(f"{label} {shown}")
        else:
            score -= _WEIGHTS[key]
            want = " or ".join(mine) if isinstance(mine, tuple) else (
                f"{mine:,}" if isinstance(mine, int) else f"'{mine}'")
            differ.append(f"{label} {shown} (not {want})")
    return score, agree, differ


@dataclass(frozen=True)
class FingerprintTable:
    tokenizers: Mapping[str, TokenizerFamily]
    fingerprints: tuple[Fingerprint, ...]

    def by_base(self, model_id: str) -> tuple[Fingerprint, ...]:
        """The entries that list `model_id` (case-insensitive) among their bases."""
        key = model_id.strip().lower()
        return tuple(fp for fp in self.fingerprints if key in (b.lower() for b in fp.bases))

    @property
    def architectures(self) -> frozenset[str]:
        """Every architecture name (HF model_type, GGUF general.architecture) an entry has."""
        return frozenset(a for fp in self.fingerprints for a in fp.architecture)

    def get(self, fingerprint_id: str) -> Fingerprint | None:
        return next((fp for fp in self.fingerprints if fp.id == fingerprint_id), None)

    def match(self, facts: StructuralFacts) -> StructureMatch:
        if facts.has_shape:
            found = self._match_shape(facts)
            if found is not None:
                return found
        return self._match_tokenizer(facts)

    def _match_shape(self, facts: StructuralFacts) -> StructureMatch | None:
        strong: list[tuple[int, Candidate]] = []
        weak: list[tuple[int, Candidate]] = []
        for fp in self.fingerprints:
            agree, differ = _shape(fp, facts)
            labels = " ".join(agree)
            if differ or "layers" not in labels or "hidden size" not in labels:
                continue
            vocab_status, vocab_said = _vocab(fp, facts)
            if vocab_status == "different":
                continue
            if vocab_status == "unknown" and fp.intermediate and "intermediate" not in labels:
                continue        # depth, width and heads alone are shared by too many models
            tok_status, tok_said = _tokenizer(fp.tokenizer, facts)
            evidence = agree + ([vocab_said] if vocab_said and vocab_status == "exact" else [])
            evidence += tok_said if tok_status == "confirmed" else []
            differences = ([vocab_said] if vocab_status == "near" and vocab_said else [])
            differences += tok_said if tok_status == "contradicted" else []
            # an exact vocabulary elsewhere ranks first
            penalty = _WEIGHTS["vocab"] if vocab_status == "near" else 0
            (weak if tok_status == "contradicted" else strong).append(
                (-penalty, Candidate(fp, tuple(evidence), tuple(differences))))
        pool = strong or weak
        if not pool:
            return None
        # Discriminators count only where every entry of the pool records them.
        keys = [k for k in ("rope_type", "context_length", "architecture")
                if all(getattr(c.fingerprint, k) for _p, c in pool)]
        ranked = []
        for penalty, cand in pool:
            score, d_agree, d_differ = _score(cand.fingerprint, facts, keys)
            ranked.append((score + penalty, Candidate(
                cand.fingerprint, cand.evidence + tuple(d_agree), cand.differences + tuple(d_differ))))
        best = max(score for score, _c in ranked)
        candidates = tuple(c for score, c in ranked if score == best)
        also = tuple(c for score, c in ranked if score < best)
        notes = []
        if not strong:
            notes.append("the dimensions fit, but the tokenizer does not look like the family's")
        if len({c.fingerprint.name for c in candidates}) > 1:
            notes.append("these share one shape: the structure cannot tell them apart")
        return StructureMatch("shape", candidates, also,
                              tokenizer=_unique_toks(c.fingerprint.tokenizer for c in candidates),
                              note="; ".join(notes))

    def _match_tokenizer(self, facts: StructuralFacts) -> StructureMatch:
        confirmed: list[TokenizerFamily] = []
        by_vocab: list[TokenizerFamily] = []
        for tok in self.tokenizers.values():
            status, _said = _tokenizer(tok, facts)
            if status == "confirmed":
                confirmed.append(tok)
            elif status == "unknown" and facts.vocab is not None and any(
                    0 <= facts.vocab - v <= VOCAB_GROWTH for v in tok.vocab):
                by_vocab.append(tok)
        if not confirmed and by_vocab:
            # A vocabulary size alone is a weak link: keep a family only when a member has
            # this width and this architecture, as a merge or a depth-pruned model keeps both.
            def plausible(tok: TokenizerFamily) -> bool:
                members = [fp for fp in self.fingerprints if fp.tokenizer == tok]
                return facts.architecture is not None and any(
                    fp.hidden == facts.hidden and facts.architecture in fp.architecture
                    for fp in members)
            by_vocab = [t for t in by_vocab if plausible(t)]
        families = confirmed or by_vocab
        if not families:
            return StructureMatch("none", note="neither the shape nor the tokenizer matches a "
                                  "known base model")
        members = [fp for fp in self.fingerprints if fp.tokenizer in families]
        cands = []
        for fp in members:
            _status, said = _tokenizer(fp.tokenizer, facts)
            v_status, v_said = _vocab(fp, facts)
            evidence = said + ([v_said] if v_said and v_status == "exact" else [])
            if facts.hidden is not None and facts.hidden == fp.hidden:
                evidence.append(f"hidden size {facts.hidden}")
            cands.append(Candidate(fp, tuple(evidence)))
        near = []
        if facts.has_shape:
            for fp in members:
                agree, differ = _shape(fp, facts)
                if agree and len(differ) <= 2:
                    near.append(Candidate(fp, tuple(agree), tuple(differ)))
        shape = (f"{facts.layers} layers of width {facts.hidden}" if facts.has_shape
                 else "an unknown shape")
        note = (f"{shape} match no known size: a merge, a pruned or an extended model, or a "
                "new model reusing the tokenizer (tokenizer family only)")
        return StructureMatch("tokenizer", tuple(cands), near_misses=tuple(near),
                              tokenizer=tuple(families), note=note)


def _unique_toks(items: Iterable[TokenizerFamily]) -> tuple[TokenizerFamily, ...]:
    return tuple({t.id: t for t in items}.values())


# --- loading -----------------------------------------------------------------------------------

_STRINGS = Field((list,), items=str, nonempty=True)
TOKENIZER_SCHEMA = Schema("a tokenizer family", {
    "name": Field((str,), required=True, nonempty=True),
    "vocab": Field((list,), required=True, items=int, min_items=1),
    "markers": _STRINGS,
    "gguf_pre": _STRINGS,
    "source": Field((str,), required=True, nonempty=True),
    "notes": Field((str,)),
})
_INT_KEYS = ("layers", "hidden", "intermediate", "heads", "kv_heads", "head_dim", "experts",
             "context_length")
FINGERPRINT_SCHEMA = Schema("a fingerprint", {
    "id": Field((str,), required=True),
    "family": Field((str,), required=True, nonempty=True),
    "size": Field((str, int, float), required=True),
    "architecture": _STRINGS,
    **{key: Field((int,), required=key in ("layers", "hidden"), minimum=1) for key in _INT_KEYS},
    "vocab": Field((list,), items=int),
    "tokenizer": Field((str,), required=True),
    "rope_type": Field((str,), nonempty=True),
    "bases": Field((list,), required=True, items=str, nonempty=True, min_items=1),
    "licences": Field((list,), required=True, items=str, nonempty=True),
    "source": Field((str,), required=True, nonempty=True),
    "via": _STRINGS,
    "notes": Field((str,)),
})
FINGERPRINTS_FILE = Schema(FILE_NAME, {
    "tokenizers": Field((dict,), required=True, expect="a mapping of tokenizer families"),
    "fingerprints": Field((list,), required=True, expect="a list of fingerprints"),
})


def _check(doc: YamlMap, schema: Schema, path: Path, what: str) -> None:
    problems = schema.problems(doc)
    if problems:
        raise DataError(f"{what}: {problems[0].message}", path=path, line=problems[0].line)


def _items(doc: YamlMap, key: str, path: Path, what: str) -> tuple[Any, ...]:
    """A checked list's items (strings stripped); a number must be positive."""
    items = doc.get(key) or YamlList()
    for i, item in enumerate(items):
        if isinstance(item, int) and item <= 0:
            raise DataError(f"{what}: every item of '{key}' must be a positive number",
                            path=path, line=line_of(items, i) or doc.line_of(key))
    return tuple(item.strip() if isinstance(item, str) else item for item in items)


def _load_tokenizers(doc: YamlMap, path: Path) -> dict[str, TokenizerFamily]:
    out = {}
    for tok_id, body in doc.items():
        line = doc.line_of(tok_id)
        what = f"tokenizer '{tok_id}'"
        if not isinstance(tok_id, str) or not _ENTRY_ID.fullmatch(tok_id):
            raise DataError(f"'{tok_id}' is not a tokenizer id (lower case, digits, '.', '-')",
                            path=path, line=line)
        if not isinstance(body, YamlMap):
            raise DataError(f"{what}: expected a mapping (name, vocab, markers, ...)",
                            path=path, line=line)
        _check(body, TOKENIZER_SCHEMA, path, what)
        out[tok_id] = TokenizerFamily(
            id=tok_id, name=body["name"], vocab=_items(body, "vocab", path, what),
            markers=_items(body, "markers", path, what),
            gguf_pre=_items(body, "gguf_pre", path, what),
            source=body["source"], notes=body.get("notes"))
    return out


def _load_entry(item: Any, line: int | None, file: Path, shown: str,
                tokenizers: Mapping[str, TokenizerFamily], licences: Corpus) -> Fingerprint:
    if not isinstance(item, YamlMap):
        raise DataError("each fingerprint must be a mapping (id, family, size, ...)",
                        path=file, line=line)
    what = f"fingerprint '{item.get('id', '?')}'"
    _check(item, FINGERPRINT_SCHEMA, file, what)
    fp_id = item["id"]
    if not _ENTRY_ID.fullmatch(fp_id):
        raise DataError(f"'{fp_id}' is not a fingerprint id (lower case, digits, '.', '-')",
                        path=file, line=item.line_of("id"))
    tok_id = item["tokenizer"]
    if tok_id not in tokenizers:
        raise DataError(f"{what}: unknown tokenizer '{tok_id}'{did_you_mean(tok_id, tokenizers)}",
                        path=file, line=item.line_of("tokenizer"))
    bases = _items(item, "bases", file, what)
    for j, base in enumerate(bases):
        if not _HUB_ID.fullmatch(base):
            raise DataError(f"{what}: base '{base}' is not a Hub id (org/name)", path=file,
                            line=item["bases"].line_of(j))
    lic_ids = _items(item, "licences", file, what)
    for j, lic in enumerate(lic_ids):
        if lic not in licences:
            raise DataError(f"{what}: unknown licence id '{lic}'{did_you_mean(lic, licences.ids())}",
                            path=file, line=item["licences"].line_of(j))
    return Fingerprint(
        id=fp_id, family=item["family"], size=str(item["size"]),
        tokenizer=tokenizers[tok_id], bases=bases, licences=lic_ids, source=item["source"],
        architecture=_items(item, "architecture", file, what),
        vocab=_items(item, "vocab", file, what), rope_type=item.get("rope_type"),
        via=_items(item, "via", file, what), notes=item.get("notes"),
        path=shown, line=line, **{k: item.get(k) for k in _INT_KEYS})


def load_fingerprint_file(path: str | os.PathLike[str], *, licences: Corpus,
                          tokenizers: Mapping[str, TokenizerFamily] | None = None,
                          ) -> FingerprintTable:
    """Load and check one fingerprint file; DataError at `file:line`. Its entries may name
    the tokenizer families of `tokenizers` (the bundled ones, for a user's file)."""
    if tokenizers is None:
        # The bundled file, as the wheel's build checked it (else checked now).
        found: FingerprintTable | None = proven(path, (FingerprintTable, Fingerprint, TokenizerFamily))
        if found is None:
            found = _check_file(Path(path), licences, {})
            keep(path, found)
        return found
    return _check_file(Path(path), licences, tokenizers)


def _check_file(file: Path, licences: Corpus, tokenizers: Mapping[str, TokenizerFamily],
                ) -> FingerprintTable:
    doc = load_data_yaml(file)
    FINGERPRINTS_FILE.check(doc, str(file), cls=DataError, line=1)
    known = {**tokenizers, **_load_tokenizers(doc["tokenizers"], file)}
    shown = bundled_name(file) or str(file)
    seen: dict[str, int | None] = {}
    entries = []
    items = doc["fingerprints"]
    for i, item in enumerate(items):
        line = items.line_of(i)
        entry = _load_entry(item, line, file, shown, known, licences)
        if entry.id in seen:
            raise DataError(f"fingerprint '{entry.id}': listed twice (first at line "
                            f"{seen[entry.id]})", path=file, line=line)
        seen[entry.id] = line
        entries.append(entry)
    return FingerprintTable(known, tuple(entries))


def load_fingerprints(extra_dirs: Iterable[str | os.PathLike[str]] = (), *,
                      licences: Corpus) -> FingerprintTable:
    """The bundled table plus the `fingerprints.yml` of each of a user's catalogue folders
    (the config's `extra_catalogue`): a user's entry replaces a bundled one of the same id,
    and may name the bundled tokenizer families. `licences` is the run's corpus."""
    table = load_fingerprint_file(data_dir("catalogue") / FILE_NAME, licences=licences)
    for folder in extra_dirs:
        file = Path(folder) / FILE_NAME
        if not file.is_file():
            continue
        extra = load_fingerprint_file(file, licences=licences, tokenizers=table.tokenizers)
        replaced = {fp.id for fp in extra.fingerprints}
        table = FingerprintTable(
            {**table.tokenizers, **extra.tokenizers},
            tuple(fp for fp in table.fingerprints if fp.id not in replaced) + extra.fingerprints)
    return table


@cache
def default_fingerprints() -> FingerprintTable:
    """The bundled table alone (for building an environment: `licheck.env`)."""
    return load_fingerprints(licences=default_corpus())


def match_structure(facts: StructuralFacts, table: FingerprintTable) -> StructureMatch:
    """Candidates for the base of a model with these facts."""
    return table.match(facts)


__all__ = ["Candidate", "Fingerprint", "FingerprintTable", "StructureMatch", "TokenizerFamily",
           "default_fingerprints", "load_fingerprint_file", "load_fingerprints",
           "match_structure"]

