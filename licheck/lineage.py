"""Resolve a model to its lineage: every ancestor, how it derives, and which licences bind.

**Walking the graph.** Parents are followed through every source (Hub, local directory,
GGUF, Ollama, catalogue), with many parents per node (merges) and the relation on each
node. Every model is fetched at most once per run, across all the models of the run
(`resolve_many` shares one memo), and independent fetches run concurrently on a bounded
number of threads under one overall deadline (`LICHECK_DEADLINE`, default 20 s). Cycles are detected
and reported; the walk stops `MAX_DEPTH` (16) levels below the model. Anything that could
not be followed is a node with `source: "unresolved"` and an `unresolved` finding, never
an exception.

**Which licence a node carries** (the first step that gives an answer wins; the evidence
says which step, which field or file, which matcher, and with what confidence):

1. the card's declared `license:` (or the Hub's `license:<id>` tag), if it is a licence id
   or an alias in the run's corpus (`Corpus.lookup`). A declared id that is not in the
   corpus (e.g. `bsd-3-clause`) stops here as *unknown*: it is reported, not guessed at;
2. with `license: other` / `unknown` / nothing: `license_name`, then `license_link`,
   through the same alias table;
3. the text of the repo's LICENSE file(s), through `licheck.identify` (the corpus in use):
   every licence text found binds (a use policy shipped beside one is left to it), and a
   licence file whose text matches no licence is reported as `licence_unknown`;
4. licheck's catalogue entry for the model.

A model's architecture (`model_type: llama`, an architecture tag) says nothing about its
licence and is never used: TinyLlama is Apache-2.0.

**What binds a user** is the model's own licence plus every ancestor's (`Lineage.licences`).
A derivative's label never removes an ancestor's licence, with one exception: a licensor is
not bound by its own licence. When a model published by the organisation that published its
ancestor declares a licence of its own (DeepSeek-R1, MIT, over DeepSeek's own V3 base), the
ancestor's licence stops at that edge, and so do those of the ancestors above it that the same
organisation published; a third party's licence further up still binds. The organisation is
the catalogue's (`orgs.yml`: a Hub organisation, its renames, and organisations the catalogue
names the same publisher), read from the Hub ids' namespaces; a namespace the catalogue does
not know, or one that merely resembles a known one, is nobody's. Such an ancestor stays in the
lineage with `not_inherited` saying why, and an info `licence_mismatch` finding says so too.
Findings:

* `licence_mismatch`: a node declares a licence different from an ancestor's, or declares
  none over a licensed ancestor. Warning when the ancestor's licence is not plainly
  permissive; info otherwise (docs/contract.md section 3).
* `licence_unknown`: a node's licence could not be determined (and, for a node that
  declares nothing, no ancestor supplies one).
* `unresolved`: not found, gated with no card data, offline and uncached, Hub down or
  rate-limited, deadline passed, a cycle, or deeper than `MAX_DEPTH`. A model left unfetched
  because the run's deadline passed is an *error*: a model not checked for lack of time
  never lets a run pass. The deadline bounds the network only: local references (folders,
  GGUF files, Ollama's store) and offline runs are read whatever the time.
* `provenance` (`fingerprint/*`): a node whose weights' structure was read (a local folder
  or GGUF, or a Hub repo whose card leaves the base open) is matched against the
  fingerprint table (`licheck.fingerprints`). The match is shown on the node (`structure`)
  and the bases it points to as separate, marked edges (`structure_parents`), never among
  the declared parents and never binding by themselves; `licheck.structure_findings` says
  when the structure points to an undeclared restrictive base, or denies a declared one.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING, Any, NamedTuple

from licheck.catalogue import OrgDefaults
from licheck.hubid import is_hub_id
from licheck.kinds import default_severity
from licheck.licences import Corpus
from licheck.model import (
    Finding,
    Lineage,
    LineageNode,
    ModelFacts,
    ModelRef,
    Severity,
    Unresolved,
)
from licheck.refs import parse_ref
from licheck.sources.registry import SourceRegistry

if TYPE_CHECKING:
    from licheck.fingerprints import FingerprintTable, StructureMatch

MAX_DEPTH = 16
DEFAULT_DEADLINE = 20.0
_OPEN_DECLARATIONS = ("other", "unknown", "")
# Reference kinds read from this machine's files: not subject to the network deadline.
LOCAL_KINDS = frozenset({"path", "gguf", "ollama"})

__all__ = ["MAX_DEPTH", "declared_mismatch", "declares", "determine_licence", "resolve", "resolve_many"]


def default_deadline() -> float:
    try:
        value = float(os.environ.get("LICHECK_DEADLINE", ""))
    except ValueError:
        return DEFAULT_DEADLINE
    return value if value > 0 else DEFAULT_DEADLINE


def _key(ref: ModelRef) -> tuple[str, str, str]:
    # Hub ids are case-insensitive; the canonical spelling comes back from the Hub.
    name = ref.name.lower() if ref.kind == "hub" else ref.name
    return (ref.kind, name, ref.revision or "")




# --- fetching: one memo, one crawl, one deadline -----------------------------------------------

class _Crawler:
    def __init__(self, registry: SourceRegistry, max_workers: int, deadline_at: float,
                 deadline_s: float) -> None:
        self.registry = registry
        self.max_workers = max(1, max_workers)
        self.deadline_at = deadline_at
        self.deadline_s = deadline_s
        self.memo: dict[tuple[str, str, str], ModelFacts | Unresolved] = {}
        self.depth: dict[tuple[str, str, str], int] = {}
        self._lock = threading.Lock()

    def _claim(self, ref: ModelRef, depth: int, queued: set[tuple[str, str, str]]) -> bool:
        """Record the shallowest depth a model is reached at; True if it is to be fetched now
        (not fetched or queued yet, and not below the depth cap)."""
        key = _key(ref)
        if depth < self.depth.get(key, MAX_DEPTH + 2):
            self.depth[key] = depth
        if key in self.memo or key in queued or depth > MAX_DEPTH:
            return False
        queued.add(key)
        return True

    def crawl(self, roots: Sequence[ModelRef]) -> None:
        """Fetch the roots and every ancestor they lead to, until none is left or the
        deadline passes; what is still pending then is unresolved.

        Network fetches run on up to `max_workers` threads, under the deadline. Local
        references (folders, GGUF files, Ollama's store), and every fetch of an offline
        registry (local files, the cache and the catalogue only), run in this thread and are
        not cut by the deadline: it bounds the network, and what is left unfetched for lack
        of time is an error (`Unresolved.timed_out`), never a pass."""
        inline = getattr(self.registry, "offline", False) is True
        jobs: SimpleQueue[ModelRef | None] = SimpleQueue()
        done: SimpleQueue[tuple[ModelRef, ModelFacts | Unresolved | BaseException]] = SimpleQueue()
        workers: list[threading.Thread] = []
        pending: dict[tuple[str, str, str], tuple[ModelRef, int]] = {}
        queued: set[tuple[str, str, str]] = set()

        def handle(ref: ModelRef, result: ModelFacts | Unresolved) -> None:
            _, depth = pending.pop(_key(ref))
            self.memo[_key(ref)] = result
            if isinstance(result, ModelFacts):
                for link in result.parents:
                    submit(link.ref, depth + 1)

        def submit(ref: ModelRef, depth: int) -> None:
            if not self._claim(ref, depth, queued):
                return
            pending[_key(ref)] = (ref, depth)
            if inline or ref.kind in LOCAL_KINDS:
                # Files on this machine (an offline registry reads only those: local folders,
                # the cache, the catalogue): read now, whatever the time. The deadline bounds
                # the network; a slow disk must not turn a model into an unchecked one.
                handle(ref, self._fetch_one(ref))
                return
            if len(workers) < self.max_workers:
                worker = threading.Thread(target=self._work, args=(jobs, done), daemon=True,
                                          name=f"licheck-fetch-{len(workers)}")
                worker.start()
                workers.append(worker)
            jobs.put(ref)

        try:
            for ref in roots:
                submit(ref, 0)
            while pending:
                remaining = self.deadline_at - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    ref, result = done.get(timeout=remaining)
                except Empty:
                    break
                if isinstance(result, BaseException):   # a bug in a source: not a result
                    raise result
                handle(ref, result)
        finally:
            # Each worker ends after its current fetch, which the deadline bounds.
            for _ in workers:
                jobs.put(None)
        for ref, _depth in pending.values():
            self.memo[_key(ref)] = Unresolved(
                ref, f"not fetched within the run's deadline of {self.deadline_s:g} s "
                     "(LICHECK_DEADLINE): its licence was not checked", timed_out=True)

    def _work(self, jobs: SimpleQueue[ModelRef | None],
              done: SimpleQueue[tuple[ModelRef, ModelFacts | Unresolved | BaseException]]) -> None:
        while (ref := jobs.get()) is not None:
            try:
                done.put((ref, self._fetch_one(ref)))
            except Exception as exc:  # handed to the crawl, which raises it
                done.put((ref, exc))

    def _fetch_one(self, ref: ModelRef) -> ModelFacts | Unresolved:
        return self.registry.fetch(ref)


# --- licence of one node -----------------------------------------------------------------------

class LicenceChoice(NamedTuple):
    licence: str | None
    evidence: str
    confidence: float | None = None
    unchecked: str | None = None   # a declared licence id that is not in the corpus
    others: tuple[str, ...] = ()   # further declared licences, each binding as `licence` does
    unmatched: tuple[str, ...] = ()   # licence files beside an identified one that match none
    basis: str | None = None       # what decided: the declared licence, license_name,
                                   # license_link, "<file> text" or the catalogue


def determine_licence(facts: ModelFacts, corpus: Corpus) -> LicenceChoice:
    """Apply the written order of precedence (module docstring) to one model's facts."""
    field_name = "GGUF general.license" if facts.source == "gguf" else "card license"
    declared = (facts.declared_licence or "").strip()
    if declared.lower() not in _OPEN_DECLARATIONS:
        # `license: [mit, cc-by-nc-4.0]` (and comma-joined Hub tags or GGUF values): every
        # listed licence binds, and one that is not in the corpus is reported, not skipped.
        whole = corpus.lookup(declared)
        parts = [declared] if whole or "," not in declared else \
            list(dict.fromkeys(p.strip() for p in declared.split(",") if p.strip()))
        found: dict[str, str] = {}   # licence id -> the spelling that named it
        unknown: list[str] = []
        for part in parts:
            lid = corpus.lookup(part)
            if lid:
                found.setdefault(lid, part)
            else:
                unknown.append(part)
        # A name several licences share is no answer yet: alone, the link or the LICENSE text
        # decides; beside a known licence, it is reported as one that could not be checked.
        if not found and not all(corpus.ambiguous(part) for part in parts):
            return LicenceChoice(None, f"{field_name}: {declared}, which is not in licheck's "
                                       "licence corpus", None, unchecked=declared)
        if found:
            shown = ", ".join(part + ("" if lid == part else f" (alias of {lid})")
                              for lid, part in found.items())
            if unknown:
                shown += f"; not in licheck's licence corpus: {', '.join(unknown)}"
            first, *others = found
            return LicenceChoice(first, f"{field_name}: {shown}", 1.0, others=tuple(others),
                                 unchecked=", ".join(unknown) or None, basis="declared licence")
    for field, value in (("license_name", facts.licence_name), ("license_link", facts.licence_link)):
        lid = corpus.lookup(value)
        if lid:
            return LicenceChoice(lid, f"{field_name}: {declared or '(none)'}, {field}: {value}", 0.95,
                                 basis=field)
    tried: list[str] = []
    identified: list[str] = []
    unmatched: list[str] = []
    # licence id -> (file, confidence); a use policy shipped beside a licence is the licence's
    # to name (Llama's USE_POLICY.md), so policies count only where no licence text is found
    licences: dict[str, tuple[str, float | None]] = {}
    policies: dict[str, tuple[str, float | None]] = {}
    for fname, text in facts.licence_files.items():
        # The matcher indexes every licence text: only a repository whose licence is known
        # from nothing but its LICENSE file pays for loading it.
        from licheck.matching import identify
        ident = identify(text, corpus)
        lid = ident.licence
        if lid is None:
            tried.append(f"{fname} matched no known licence")
            if _is_licence_file(fname):
                unmatched.append(fname)
            continue
        identified.append(f"{fname} identified as {lid} ({ident.matcher} matcher, confidence "
                          f"{ident.confidence:.2f})")
        licence = corpus.get(lid)
        kept = policies if licence is not None and licence.is_policy else licences
        kept.setdefault(lid, (fname, ident.confidence))
    texts = licences or policies
    if texts:
        # Every licence text the repository ships binds, as every declared licence does; a
        # licence file that matches none beside them is reported, never dropped.
        (first, (fname, confidence)), *more = texts.items()
        return LicenceChoice(first, "; ".join(identified + tried), confidence,
                             others=tuple(lid for lid, _ in more), unmatched=tuple(unmatched),
                             basis=f"{fname} text")
    if facts.licence_hint:
        lid = corpus.lookup(facts.licence_hint) or (facts.licence_hint if facts.licence_hint in corpus else None)
        if lid:
            return LicenceChoice(lid, f"licheck catalogue: {lid}", None, basis="catalogue")
    said = []
    if declared:
        said.append(f"{field_name}: {declared}" + (f" ({_not_known(declared, corpus)})"
                                                   if corpus.ambiguous(declared) else ""))
    for field, value in (("license_name", facts.licence_name), ("license_link", facts.licence_link)):
        if value:
            said.append(f"{field}: {value} ({_not_known(value, corpus)})")
    said += tried
    return LicenceChoice(None, "; ".join(said) if said else "no licence declared")


def _is_licence_file(name: str) -> bool:
    """A file named as a licence (LICENSE, LICENCE-MODEL, COPYING, an Ollama licence layer),
    not a NOTICE or a use policy, which need not be a licence text of their own."""
    return name.lower().startswith(("licen", "copying", "ollama-license"))


def _not_known(spelling: str, corpus: Corpus) -> str:
    shared = corpus.ambiguous(spelling)
    if shared:   # Moonshot's and MiniMax's `modified-mit`: only the link or the text can tell
        return f"a name several licences share: {', '.join(shared)}"
    return "not a known licence"


# --- assembling one lineage --------------------------------------------------------------------

def _display(ref: ModelRef) -> str:
    return str(ref)


# Sources whose node ids are Hub ids, so that the namespace names the publishing organisation.
_HUB_ID_SOURCES = ("hub", "catalogue", "cache")


class _Licensors:
    """Which organisation published a node, from the catalogue's organisations (`orgs.yml`)."""

    def __init__(self, catalogue: Any | None) -> None:
        self.catalogue = catalogue

    def of(self, node: LineageNode) -> OrgDefaults | None:
        """The catalogue's organisation (an `OrgDefaults`) behind a Hub node, or None."""
        org_of = getattr(self.catalogue, "org", None)
        if not callable(org_of) or node.source not in _HUB_ID_SOURCES or not is_hub_id(node.id, namespaced=True):
            return None
        return org_of(node.id.split("/", 1)[0])

    @staticmethod
    def same(a: OrgDefaults | None, b: OrgDefaults | None) -> bool:
        """One organisation: the same `orgs.yml` entry (renames included), or entries the catalogue
        gives the same publisher (Meta's meta-llama, facebook and codellama)."""
        return a is not None and b is not None and (a.org == b.org or a.publisher == b.publisher)


class _Assembler:
    def __init__(self, root: ModelRef, written: str,
                 memo: dict[tuple[str, str, str], ModelFacts | Unresolved], corpus: Corpus,
                 licensors: _Licensors,
                 fingerprints: Callable[[], FingerprintTable] | None = None) -> None:
        self.corpus = corpus
        self.licensors = licensors
        self.fingerprints = fingerprints
        self.matches: dict[str, tuple[StructureMatch, list[str]]] = {}   # node -> (match, declared)
        self.root = root
        self.written = written
        self.memo = memo
        self.nodes: dict[str, LineageNode] = {}
        self.choices: dict[str, LicenceChoice] = {}
        self.unresolved: list[tuple[str, str, bool]] = []   # (node id, reason, unchecked for time)
        self.unknown_parents: list[tuple[str, str]] = []   # (node id, why a parent is unknown)
        self.cycles: list[list[str]] = []
        self._prev: dict[str, str | None] | None = None   # breadth-first tree, for paths
        self.missing_root = False   # the Hub says the model the user named does not exist

    def build(self) -> Lineage:
        self._visit(self.root, 0, [])
        nodes = list(self.nodes.values())
        root_id = nodes[0].id
        _, waived, self.relicensed = self._reach(root_id)
        for node_id, why in waived.items():
            self.nodes[node_id].not_inherited = why
        lineage = Lineage(ref=self.written, nodes=nodes,
                          timed_out=[node_id for node_id, _why, late in self.unresolved if late])
        lineage.findings = self._findings(lineage)
        return lineage

    def _reach(self, start: str) -> tuple[dict[str, int], dict[str, str], list[tuple[str, str]]]:
        """The ancestors of `start` whose licences bind it (nearest first, with their distance),
        those whose licensor relicensed a model between them and `start` (with why), and the
        relicensing edges (model, ancestor) met on the way.

        A model X relicenses its parent A when X has a licence of its own and one organisation
        published both; the waiver then runs on through A's ancestors from that organisation,
        and stops at the first one it did not publish."""
        binding: dict[str, int] = {}
        waived: dict[str, str] = {}
        edges: list[tuple[str, str]] = []
        seen: set[tuple[str, str | None]] = set()
        # (node, distance, (organisation, relicensing model) or None)
        queue: deque[tuple[str, int, tuple[OrgDefaults, str] | None]] = deque([(start, 0, None)])
        while queue:
            cur, dist, waiver = queue.popleft()
            node = self.nodes.get(cur)
            if node is None:
                continue
            org = self.licensors.of(node)
            for pid in node.parents:
                parent = self.nodes.get(pid)
                if parent is None or pid == start:
                    continue
                porg = self.licensors.of(parent)
                if waiver is not None and self.licensors.same(waiver[0], porg):
                    nxt: tuple[OrgDefaults, str] | None = waiver
                elif org is not None and node.licence and node.resolved and self.licensors.same(org, porg):
                    nxt = (org, cur)
                    if (cur, pid) not in edges:
                        edges.append((cur, pid))
                else:
                    nxt = None
                key = (pid, None if nxt is None else nxt[1])
                if key in seen:
                    continue
                seen.add(key)
                if nxt is None:
                    binding.setdefault(pid, dist + 1)
                elif pid not in waived and parent.licence and parent.licence != self.nodes[nxt[1]].licence:
                    # (an ancestor under the relicensing model's own licence, or none, changes nothing)
                    by = self.nodes[nxt[1]]
                    waived[pid] = (f"published by {nxt[0].publisher}, which also published {by.id} under "
                                   f"its own licence '{by.licence}': a licensor is not bound by its own "
                                   "licence, so this model's licence does not carry past it")
                queue.append((pid, dist + 1, nxt))
        return binding, {k: v for k, v in waived.items() if k not in binding}, edges

    def _unresolved_node(self, node_id: str, reason: str, timed_out: bool = False) -> str:
        if node_id not in self.nodes:
            self.nodes[node_id] = LineageNode(id=node_id, relation="unknown", source="unresolved",
                                              evidence=reason)
            self.unresolved.append((node_id, reason, timed_out))
        return node_id

    def _visit(self, ref: ModelRef, depth: int, path: list[str]) -> str:
        result = self.memo.get(_key(ref))
        if result is None:
            if depth > MAX_DEPTH:
                return self._unresolved_node(_display(ref), f"lineage deeper than {MAX_DEPTH} levels; "
                                                            "stopped here")
            return self._unresolved_node(_display(ref), "not fetched", timed_out=True)
        if isinstance(result, Unresolved):
            self.missing_root = self.missing_root or (depth == 0 and result.missing)
            return self._unresolved_node(_display(ref), result.reason, result.timed_out)
        node_id = result.id
        if node_id in path:
            self.cycles.append(path[path.index(node_id):] + [node_id])
            return node_id
        if node_id in self.nodes:
            return node_id
        choice = determine_licence(result, self.corpus)
        self.choices[node_id] = choice
        node = LineageNode(
            id=node_id, relation="base", declared_licence=result.declared_licence,
            licence=choice.licence, publisher=result.publisher, origin=result.origin,
            source=result.source, evidence="", modalities=list(result.modalities),
            release_date=result.release_date, name=result.name, revision=result.revision,
            licence_confidence=choice.confidence, other_licences=list(choice.others),
            policies=[p for p in result.policies if p in self.corpus],
        )
        self.nodes[node_id] = node
        parent_ids: list[str] = []
        for link in result.parents:
            pid = self._visit(link.ref, depth + 1, [*path, node_id])
            if pid != node_id and pid not in parent_ids:
                parent_ids.append(pid)
        node.parents = parent_ids
        if parent_ids or result.unknown_parents:
            node.relation = result.relation or "unknown"
        self.unknown_parents += [(node_id, why) for why in result.unknown_parents]
        notes = [n for n in result.notes if n]
        node.evidence = "; ".join([choice.evidence, *notes])
        if result.structure is not None and self.fingerprints is not None:
            self._structure(node, result, self.fingerprints().match(result.structure))
        return node_id

    def _structure(self, node: LineageNode, facts: ModelFacts, match: StructureMatch) -> None:
        """Keep a node's fingerprint match, and mark its edges: only to bases no declaration
        names (and not when the node is one of them itself)."""
        declared = list(dict.fromkeys([*(p.ref.name for p in facts.parents), *node.parents]))
        self.matches[node.id] = (match, declared)
        node.structure = match.to_json()
        if match.level != "shape":
            return
        bases = {b.lower() for b in match.bases}
        if node.id.lower() in bases or any(d.lower() in bases for d in declared):
            return
        node.structure_parents = [
            {"id": fp.bases[0], "relation": "unknown", "via": "structure", "fingerprint": fp.id,
             "licences": list(fp.licences)} for fp in match.fingerprints]

    # -- findings --
    def _finding(self, kind: str, severity: Severity, message: str, about: str,
                 licence: str | None = None) -> Finding:
        root_id = next(iter(self.nodes))
        return Finding(id=f"lineage/{kind}", kind=kind, severity=severity, model=root_id,
                       message=message, licence=licence, via=self._path(about))

    def _path(self, node_id: str) -> list[str]:
        """The path from the model to `node_id`, from one breadth-first walk shared by every
        finding (one walk per finding made a lineage of thousands of nodes cubic)."""
        if self._prev is None:
            root = next(iter(self.nodes))
            self._prev = {root: None}
            queue = deque([root])
            while queue:
                cur = queue.popleft()
                for parent in self.nodes[cur].parents if cur in self.nodes else []:
                    if parent not in self._prev:
                        self._prev[parent] = cur
                        queue.append(parent)
        if node_id not in self._prev:
            return self._lineage.path_to(node_id)
        path: list[str] = [node_id]
        while (up := self._prev[path[-1]]) is not None:
            path.append(up)
        return path[::-1]

    def _findings(self, lineage: Lineage) -> list[Finding]:
        self._lineage = lineage
        corpus = self.corpus
        out: list[Finding] = []
        for i, (node_id, reason, timed_out) in enumerate(self.unresolved):
            # A model left unchecked for lack of time can never let a run pass; a model the
            # user named that the Hub says does not exist is their typo (docs/contract.md
            # section 3): both errors. An ancestor that is gone stays a warning.
            typo = i == 0 and self.missing_root and lineage.nodes[0].id == node_id
            severity = Severity.ERROR if timed_out or typo else default_severity("unresolved")
            out.append(self._finding("unresolved", severity,
                                     f"{node_id}: could not be resolved: {reason}", node_id))
        for node_id, why in self.unknown_parents:
            out.append(self._finding("unresolved", default_severity("unresolved"),
                                     f"{node_id}: a parent could not be resolved: {why}", node_id))
        for cycle in self.cycles:
            out.append(self._finding("unresolved", default_severity("unresolved"),
                                     "lineage cycle: " + " -> ".join(cycle) + " (not followed again)",
                                     cycle[0]))
        out += self._structure_findings()

        def permissive(lid: str) -> bool:
            lic = corpus.get(lid)
            return bool(lic and lic.is_permissive)

        for node in lineage.nodes:
            if not node.resolved:
                continue
            choice = self.choices[node.id]
            if not node.binds:
                continue   # its licence binds nobody here, nor what it would inherit from its licensor
            binding, _, _ = self._reach(node.id)
            ancestors = sorted(binding.items(), key=lambda item: item[1])
            inherited: dict[str, str] = {}   # licence -> nearest ancestor holding it
            for anc_id, _dist in ancestors:
                anc = self.nodes.get(anc_id)
                for lid in anc.licences if anc is not None else []:
                    inherited.setdefault(lid, anc_id)
            for fname in choice.unmatched:
                out.append(self._finding(
                    "licence_unknown", default_severity("licence_unknown"),
                    f"{node.id} ships the licence file {fname}, whose text matches no licence in "
                    "licheck's licence corpus: its terms were not checked", node.id))
            if choice.unchecked or (node.licence is None and
                                    ((node.declared_licence or "").strip() or not inherited)):
                if choice.unchecked:
                    msg = (f"{node.id} declares licence '{choice.unchecked}', which is not in "
                           "licheck's licence corpus: its terms were not checked")
                else:
                    msg = f"{node.id}: no licence could be determined ({choice.evidence})"
                out.append(self._finding("licence_unknown", default_severity("licence_unknown"), msg, node.id))
            own = node.licence or choice.unchecked
            for lid, holder in inherited.items():
                if lid == own or lid in node.licences:
                    continue
                strict = not permissive(lid)
                severity = Severity.WARNING if strict else Severity.INFO
                said = "declares no licence" if own is None else declares(own)
                msg = (f"{node.id} {said} but derives from {holder}, licensed '{lid}': "
                       f"'{lid}' still binds users of {node.id}")
                out.append(self._finding("licence_mismatch", severity, msg, holder, licence=lid))
        for model_id, ancestor_id in self.relicensed:
            model, ancestor = self.nodes[model_id], self.nodes[ancestor_id]
            if not ancestor.licence or ancestor.licence == model.licence or ancestor.binds:
                continue
            org = self.licensors.of(model)
            out.append(self._finding(
                "licence_mismatch", Severity.INFO,
                f"{model_id} declares '{model.licence}' over {ancestor_id}, licensed '{ancestor.licence}' by the "
                f"same organisation ({org.publisher if org else '?'}): a licensor is not bound by its own "
                f"licence, so '{ancestor.licence}' does not bind users of {model_id}",
                ancestor_id, licence=ancestor.licence))
        return out

    def _structure_findings(self) -> list[Finding]:
        """What each node's structure says about its declared base, about the lineage's model."""
        if not self.matches or self.fingerprints is None:
            return []
        # The fingerprint table and what it says load only for a lineage with a model whose
        # structure was read (a local folder, a GGUF file, a Hub model with no declared base).
        from licheck.structure_findings import structure_findings

        table = self.fingerprints()
        root_id = next(iter(self.nodes))
        out = []
        for node_id, (match, declared) in self.matches.items():
            node = self.nodes[node_id]
            path = self._path(node_id)
            for f in structure_findings(node_id, match, table=table, corpus=self.corpus,
                                        declared_bases=declared,
                                        declared_licence=node.declared_licence,
                                        licence=node.licence):
                out.append(replace(f, model=root_id, via=[*path, *f.via[1:]]))
        return out


def declares(licence: str) -> str:
    """How a `licence_mismatch` message says what the model declares (after its id)."""
    return f"declares '{licence}'"


def declared_mismatch(finding: Finding, model_id: str) -> bool:
    """A `licence_mismatch` about `model_id` itself declaring a licence (not declaring none,
    not an ancestor's own mismatch)."""
    return finding.kind == "licence_mismatch" and finding.message.startswith(f"{model_id} declares '")


# --- public API ----------------------------------------------------------------------------------

def resolve(ref: str | ModelRef, *, sources: SourceRegistry, corpus: Corpus,
            base_dir: Path | None = None, deadline: float | None = None,
            fingerprints: Callable[[], FingerprintTable] | None = None) -> Lineage:
    """The lineage of one model. Bad references raise InputError; everything else is a result."""
    return resolve_many([ref], sources=sources, corpus=corpus, base_dir=base_dir,
                        deadline=deadline, fingerprints=fingerprints)[0]


def resolve_many(refs: Sequence[str | ModelRef], *, sources: SourceRegistry, corpus: Corpus,
                 base_dir: Path | None = None, max_workers: int = 8,
                 deadline: float | None = None,
                 fingerprints: Callable[[], FingerprintTable] | None = None) -> list[Lineage]:
    """Lineages of many models, sharing fetches, bounded threads and one overall deadline.

    `sources` answer for each model (offline or not); `corpus` names the licences (the
    bundled one, plus a config's `extra_licences`); `fingerprints` gives the table the
    structure a source read is matched against (when first needed; without it, structure
    is not matched)."""
    parsed = [(r if isinstance(r, ModelRef) else parse_ref(r, base_dir=base_dir),
               r if isinstance(r, str) else str(r)) for r in refs]
    registry = sources
    deadline_s = deadline if deadline is not None else default_deadline()
    deadline_at = time.monotonic() + deadline_s
    registry.set_deadline(deadline_at)
    crawler = _Crawler(registry, max_workers, deadline_at, deadline_s)
    try:
        crawler.crawl([ref for ref, _ in parsed])
    finally:
        registry.set_deadline(None)
    for ref, _ in parsed:
        root = crawler.memo.get(_key(ref))
        if isinstance(root, Unresolved) and root.error is not None:
            raise root.error   # a target the user named cannot be read: exit 2, not a finding
    licensors = _Licensors(registry.catalogue)
    return [_Assembler(ref, written.strip(), crawler.memo, corpus, licensors, fingerprints).build()
            for ref, written in parsed]
