"""`licheck diff LICENCE_A LICENCE_B`: what changes, clause by clause, between two licences.

Rules are matched by kind and subject (the part of the rule id after the licence id,
`llama3/naming` <-> `llama3.1/naming`); a rule left alone on each side is paired with the
one rule of the same kind on the other side, if there is exactly one. Each pair lists the
parameters that changed (thresholds, dates, prefixes, display and notice texts, scope,
triggers, the clause number), always with both quotes and sections; a section label worded
differently around the same clause number is not a change. The incorporated policies are
compared the same way when each licence incorporates exactly one. Then the texts, split at
their section markers and aligned by section, are compared word by word.

Pure: takes the rulebook and corpus, returns data; rendering is in `licheck.diff_render`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from licheck.licences import Corpus, Licence
from licheck.rules.loader import Rulebook
from licheck.rules.schema import Rule

# Licence metadata a reviewer weighs, in this order.
META_FIELDS = ("name", "version", "date", "publisher", "publisher_country", "kind", "status", "incorporates")
# Words of unchanged text kept on each side of a change in the word diff.
CONTEXT_WORDS = 8


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RuleSide:
    id: str
    licence: str
    section: str
    quote: str
    title: str

    @classmethod
    def of(cls, rule: Rule) -> RuleSide:
        return cls(rule.id, rule.licence, rule.section, rule.quote, rule.title)


@dataclass(frozen=True)
class RulePair:
    status: str                  # added | removed | changed | unchanged
    kind: str
    subject: str
    a: RuleSide | None
    b: RuleSide | None
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class TextPart:
    section: str                 # label such as "1.b.i", or "preamble"
    status: str                  # changed | added | removed
    ops: tuple[tuple[str, str], ...]   # ("=", text) | ("-", text) | ("+", text) | ("…", "")


@dataclass
class LicenceDiff:
    a: Licence
    b: Licence
    metadata: list[Change] = field(default_factory=list)
    rules: list[RulePair] = field(default_factory=list)
    policies: tuple[str, str] | None = None     # (a policy, b policy) compared in `rules` too
    text: list[TextPart] = field(default_factory=list)
    unchanged_sections: int = 0
    missing_text: tuple[str, ...] = ()          # licences licheck has no verbatim text of

    @property
    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
        for pair in self.rules:
            out[pair.status] += 1
        return out


def _subject(rule: Rule) -> str:
    return rule.id.split("/", 1)[1] if "/" in rule.id else rule.id


def _params(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = dict(rule.params)
    out["severity"] = str(rule.severity)
    out["triggered_by"] = list(rule.triggered_by)
    out["only_if"] = list(rule.only_if)
    if rule.models_matching:
        out["models_matching"] = list(rule.models_matching)
    out["section"] = rule.section
    out["confidence"] = rule.confidence
    return out


# A clause number in a section label: "1.b.i", "4", "1.1.1" (the prose around it varies).
_CLAUSE_NUMBER = re.compile(r"[0-9]+(?:\.[0-9a-z]+)*")


def _same_clause(a: str, b: str) -> bool:
    """Whether two section labels name the same clause: the same clause numbers, however
    the rule files word the label ("Prohibited Uses 1.1.1", "Prohibited Uses, bullet
    1.1.1"); labels without numbers compare whole."""
    na, nb = _CLAUSE_NUMBER.findall(a.lower()), _CLAUSE_NUMBER.findall(b.lower())
    if na or nb:
        return na == nb
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _changes(a: Rule, b: Rule) -> tuple[Change, ...]:
    pa, pb = _params(a), _params(b)
    if _same_clause(a.section, b.section):   # a wording of the label is not a change to sign
        pb["section"] = pa["section"]
    keys = list(pa) + [k for k in pb if k not in pa]
    return tuple(Change(k, pa.get(k), pb.get(k)) for k in keys if pa.get(k) != pb.get(k))


def compare_rules(rules_a: list[Rule], rules_b: list[Rule]) -> list[RulePair]:
    """Pairs of rules matched by kind and subject, in A's order, then B's additions."""
    left = list(rules_a)
    right = list(rules_b)
    pairs: list[tuple[Rule | None, Rule | None]] = []
    by_key = {(r.kind, _subject(r)): r for r in right}
    matched_b: set[str] = set()
    unmatched_a: list[Rule] = []
    for ra in left:
        rb = by_key.get((ra.kind, _subject(ra)))
        if rb is not None and rb.id not in matched_b:
            matched_b.add(rb.id)
            pairs.append((ra, rb))
        else:
            unmatched_a.append(ra)
            pairs.append((ra, None))
    rest_b = [r for r in right if r.id not in matched_b]
    # A lone rule of a kind on each side is the same clause under another name.
    for i, (lone, other) in enumerate(pairs):
        if other is not None or lone is None:
            continue
        same_a = [r for r in unmatched_a if r.kind == lone.kind]
        same_b = [r for r in rest_b if r.kind == lone.kind]
        if len(same_a) == 1 and len(same_b) == 1:
            pairs[i] = (lone, same_b[0])
            rest_b.remove(same_b[0])
    pairs += [(None, added) for added in rest_b]
    out = []
    for old, new in pairs:
        if old is not None and new is not None:
            changes = _changes(old, new)
            out.append(RulePair("changed" if changes else "unchanged", old.kind, _subject(new),
                                RuleSide.of(old), RuleSide.of(new), changes))
        elif old is not None:
            out.append(RulePair("removed", old.kind, _subject(old), RuleSide.of(old), None))
        elif new is not None:
            out.append(RulePair("added", new.kind, _subject(new), None, RuleSide.of(new)))
    return out


def _metadata(a: Licence, b: Licence) -> list[Change]:
    out = []
    for key in META_FIELDS:
        va, vb = getattr(a, key), getattr(b, key)
        if isinstance(va, tuple):
            va, vb = list(va), list(vb)
        if va != vb:
            out.append(Change(key, va, vb))
    return out


def compare(id_a: str, id_b: str, rulebook: Rulebook, corpus: Corpus) -> LicenceDiff:
    """The comparison of two licence ids of `corpus` (callers resolve aliases first)."""
    a, b = corpus[id_a], corpus[id_b]
    diff = LicenceDiff(a, b, metadata=_metadata(a, b))
    diff.rules = compare_rules(rulebook.rules_for(a.id), rulebook.rules_for(b.id))
    if len(a.incorporates) == 1 and len(b.incorporates) == 1:
        pa, pb = a.incorporates[0], b.incorporates[0]
        diff.policies = (pa, pb)
        if pa != pb:
            diff.rules += compare_rules(rulebook.rules_for(pa), rulebook.rules_for(pb))
    if a.has_text and b.has_text:
        diff.text, diff.unchanged_sections = compare_texts(a.read_text(0), b.read_text(0))
    diff.missing_text = tuple(lic.id for lic in (a, b) if not lic.has_text)
    return diff


# --- texts ---------------------------------------------------------------------------------

# "1. " or "3.1 " / "3.1. ": a bare number needs its dot, so "700 million" starts nothing.
_NUMBER = re.compile(r"^\s*(?:Section\s+)?(\d+\.\d+(?:\.\d+)*|\d+(?=\.))\.?\s+\S")
_LETTER = re.compile(r"^\s*\(?([a-z])[.)]\s+\S")
_ROMAN = re.compile(r"^\s*\(?([ivx]+)[.)]\s+\S")


def sections(text: str) -> list[tuple[str, str]]:
    """(label, text) blocks, split at lines that start a numbered, lettered or roman item."""
    top, letter, roman = "", "", ""
    out: list[tuple[str, list[str]]] = [("preamble", [])]
    part, seen = 1, {"preamble"}
    for line in text.splitlines():
        label = None
        m_num, m_let, m_rom = _NUMBER.match(line), _LETTER.match(line), _ROMAN.match(line)
        # "i." after "h." is a letter; after a letter item other than "h", a roman numeral.
        if m_rom and letter and not (m_let and letter == chr(ord(m_let.group(1)) - 1)):
            roman = m_rom.group(1)
            label = f"{top}.{letter}.{roman}" if top else f"{letter}.{roman}"
        elif m_num:
            top, letter, roman = m_num.group(1), "", ""
            label = top
        elif m_let and top:
            letter, roman = m_let.group(1), ""
            label = f"{top}.{letter}"
        if label is not None:
            # Numbering that starts again is a second document in the file (Meta Llama 3's
            # LICENSE carries its use policy): its sections are labelled apart.
            if (f"part {part}: {label}" if part > 1 else label) in seen:
                part += 1
            if part > 1:
                label = f"part {part}: {label}"
            seen.add(label)
            out.append((label, [line]))
        else:
            out[-1][1].append(line)
    merged: dict[str, str] = {}
    for label, lines in out:
        body = "\n".join(lines).strip()
        if body:
            merged[label] = (merged[label] + "\n" + body) if label in merged else body
    return list(merged.items())


def word_ops(old: str, new: str, context: int = CONTEXT_WORDS) -> tuple[tuple[str, str], ...]:
    """A word-level diff: runs of kept ("="), removed ("-") and added ("+") words; long kept
    runs are cut to `context` words on each side of a change ("…")."""
    wa, wb = old.split(), new.split()
    ops: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("=", " ".join(wa[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(("-", " ".join(wa[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("+", " ".join(wb[j1:j2])))
    out: list[tuple[str, str]] = []
    for i, (op, text) in enumerate(ops):
        words = text.split()
        if op != "=" or len(words) <= 2 * context:
            out.append((op, text))
            continue
        head = " ".join(words[:context]) if i > 0 else ""
        tail = " ".join(words[-context:]) if i < len(ops) - 1 else ""
        if head:
            out.append(("=", head))
        out.append(("…", ""))
        if tail:
            out.append(("=", tail))
    return tuple(out)


def compare_texts(text_a: str, text_b: str) -> tuple[list[TextPart], int]:
    """Changed, added and removed sections (aligned by label), and the count left unchanged."""
    sa, sb = sections(text_a), sections(text_b)
    labels_a, labels_b = [s[0] for s in sa], [s[0] for s in sb]
    body_a, body_b = dict(sa), dict(sb)
    parts: list[TextPart] = []
    unchanged = 0
    matcher = difflib.SequenceMatcher(None, labels_a, labels_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for label in labels_a[i1:i2]:
                old, new = body_a[label], body_b[label]
                if old.split() == new.split():
                    unchanged += 1
                else:
                    parts.append(TextPart(label, "changed", word_ops(old, new)))
            continue
        parts += [TextPart(label, "removed", (("-", " ".join(body_a[label].split())),))
                  for label in labels_a[i1:i2]]
        parts += [TextPart(label, "added", (("+", " ".join(body_b[label].split())),))
                  for label in labels_b[j1:j2]]
    return parts, unchanged
