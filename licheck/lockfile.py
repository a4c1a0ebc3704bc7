"""`licheck.lock`: the facts a manifest's models were resolved from, pinned (docs/lock.md).

A TOML file beside the manifest. `[[model]]` lists the manifest's entries, each with the
node its lineage starts at; `[[node]]` lists every model any lineage reached, once, keyed by
the reference it was asked for (`hub:org/name`, `hub:org/name@rev`, `ollama:name`,
`path:dir`), with what its source said: the Hub commit, the parents and how the model
derives from them, the licence fields as written, the LICENSE text the licence was read
from, and the SHA-256 of every document read. What could not be resolved is a node too,
with the reason, so a locked run reports it as the live one did.

Every entry carries the digest of its own content (`digest`), and the head one of `version`,
`manifest` and `[data]`: anything edited by hand is an input error at its line, never
silently used. The file is written by `render_lock`,
deterministically (entries sorted, keys in a fixed order), so re-locking an unchanged world
gives the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from licheck import tomlwrite
from licheck.errors import ConfigError
from licheck.files import read_text
from licheck.model import (
    REF_KINDS,
    RELATIONS,
    ModelFacts,
    ModelRef,
    ParentLink,
    StructuralFacts,
    Unresolved,
    sha256_digest,
)
from licheck.schema import Field, Schema

LOCK_NAME = "licheck.lock"
LOCK_VERSION = 1
MAX_LOCK_BYTES = 64 * 1024 * 1024

_HEADER = """\
# licheck.lock: the lineage of every model of {manifest}, as licheck resolved it.
# Written by `licheck lock`; `licheck check` reads the lineages from here (no network, no cache).
# Do not edit by hand: every entry carries the digest of its own content.
# `licheck lock --update [MODEL...]` refreshes entries; `licheck lock --check` reports upstream drift.
"""

_TEXT = Field((str,), nonempty=True)
_TEXTS = Field((list,), items=str)
_PARENT = Schema("a parent", {"ref": Field((str,), required=True, nonempty=True),
                              "relation": Field((str,), required=True, choices=RELATIONS)})
_TOP = Schema("a lock file", {
    "version": Field((int,), required=True),
    "manifest": _TEXT,
    "digest": Field((str,), required=True, nonempty=True),   # of version, manifest and [data]
    "data": Field((dict,)),
    "model": Field((list,), items=dict),
    "node": Field((list,), items=dict),
})
_MODEL = Schema("a lock entry [[model]]", {
    "ref": Field((str,), required=True, nonempty=True),
    "id": Field((str,), required=True, nonempty=True),
    "node": Field((str,), required=True, nonempty=True),
    "licences": _TEXTS,
    "digest": Field((str,), required=True, nonempty=True),
})
_NODE = Schema("a lock entry [[node]]", {
    "ref": Field((str,), required=True, nonempty=True),
    "unresolved": _TEXT,
    "id": _TEXT,
    "source": _TEXT,
    "commit": _TEXT,
    "relation": Field((str,), choices=RELATIONS),
    "parents": Field((list,), items=dict, schema=_PARENT),
    "licence": _TEXT,
    "licence_from": _TEXT,
    "licence_evidence": Field((str,)),
    "declared_licence": Field((str,)),
    "licence_name": Field((str,)),
    "licence_link": Field((str,)),
    "licence_hint": _TEXT,
    "policies": _TEXTS,
    "gated": Field((bool,)),
    "publisher": Field((str,)),
    "origin": Field((str,)),
    "name": Field((str,)),
    "modalities": _TEXTS,
    "release_date": Field((str,)),
    "unknown_parents": _TEXTS,
    "notes": _TEXTS,
    "structure": Field((dict,)),
    "documents": Field((dict,)),
    "licence_files": Field((dict,)),
    "digest": Field((str,), required=True, nonempty=True),
})
# A node that is not `unresolved` says what was resolved.
_RESOLVED = _NODE.extended({"id": Field((str,), required=True, nonempty=True),
                            "source": Field((str,), required=True, nonempty=True)})
_STRING_FIELDS = ("declared_licence", "licence_name", "licence_link", "licence_hint", "publisher",
                  "origin", "name", "release_date", "commit")


# --- keys ------------------------------------------------------------------------------------

def ref_key(ref: ModelRef, base: Path | None = None) -> str:
    """The key a reference is locked under: `kind:name[@revision]`; a path relative to `base`
    (the lock's folder), so the lock reads the same from any working directory."""
    name = ref.name
    if ref.kind in ("path", "gguf") and base is not None:
        try:
            name = Path(os.path.relpath(os.path.abspath(name), base)).as_posix()
        except ValueError:   # another drive on Windows
            name = Path(name).as_posix()
    return f"{ref.kind}:{name}" + (f"@{ref.revision}" if ref.revision else "")


def portable(facts: ModelFacts, base: Path) -> ModelFacts:
    """`facts` with local parents named relative to `base`, as the lock names them."""
    if not any(p.ref.kind in ("path", "gguf") for p in facts.parents):
        return facts
    return replace(facts, parents=[ParentLink(parse_key(ref_key(p.ref, base)), p.relation)
                                   for p in facts.parents])


def lookup_key(key: str) -> str:
    """Hub ids are case-insensitive: `hub:Org/Name` and `hub:org/name` are one model."""
    return key.lower() if key.startswith("hub:") else key


def parse_key(key: str) -> ModelRef:
    kind, _, rest = key.partition(":")
    if kind not in REF_KINDS or not rest:
        raise ValueError(f"'{key}' is not a locked reference (kind:name, kind one of {', '.join(REF_KINDS)})")
    if kind == "hub" and "@" in rest:
        name, _, revision = rest.rpartition("@")
        return ModelRef(kind, name, revision or None)
    return ModelRef(kind, rest)


# --- the lock ---------------------------------------------------------------------------------

class LockedModel(NamedTuple):
    """A manifest entry and the node its lineage starts at."""

    ref: str                       # the entry: `kind:as written` (see `entry_key`)
    id: str                        # the model's canonical id
    node: str                      # key of its first node
    licences: tuple[str, ...] = ()  # the licences that bound it when locked (for reviewers)


@dataclass
class LockNode:
    """What one source said about one reference, and the licence licheck read from it."""

    key: str
    result: ModelFacts | Unresolved
    licence: str | None = None
    licence_evidence: str | None = None
    licence_from: str | None = None   # declared licence | license_name | license_link | <file> text | catalogue

    @property
    def facts(self) -> ModelFacts | None:
        return self.result if isinstance(self.result, ModelFacts) else None


@dataclass
class LockFile:
    manifest: str
    data: dict[str, str]
    models: list[LockedModel]
    nodes: list[LockNode]
    path: str | None = None
    text: str = ""                                          # as read or rendered
    lines: dict[str, int] = field(default_factory=dict)     # entry key -> line, when read

    def __post_init__(self) -> None:
        self._by_key = {lookup_key(n.key): n for n in self.nodes}
        self._models = {m.ref: m for m in self.models}

    @property
    def digest(self) -> str:
        return sha256_digest(self.text)

    def model(self, entry: str) -> LockedModel | None:
        return self._models.get(entry)

    def node(self, key: str) -> LockNode | None:
        return self._by_key.get(lookup_key(key))

    def closure(self, start: str) -> list[str]:
        """Keys of the nodes reachable from `start` (itself first), breadth-first."""
        out: list[str] = []
        seen: set[str] = set()
        queue = [start]
        while queue:
            key = queue.pop(0)
            node = self.node(key)
            if node is None or lookup_key(node.key) in seen:
                continue
            seen.add(lookup_key(node.key))
            out.append(node.key)
            if node.facts is not None:
                queue.extend(p.ref_key for p in _parent_keys(node))
        return out


class _ParentKey(NamedTuple):
    ref_key: str
    relation: str


def _parent_keys(node: LockNode) -> list[_ParentKey]:
    facts = node.facts
    return [_ParentKey(ref_key(p.ref), p.relation) for p in facts.parents] if facts else []


# --- writing ----------------------------------------------------------------------------------

def _digest(table: Mapping[str, Any]) -> str:
    body = {k: v for k, v in table.items() if k != "digest"}
    return sha256_digest(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def _node_table(node: LockNode) -> dict[str, Any]:
    result = node.result
    if isinstance(result, Unresolved):
        table: dict[str, Any] = {"ref": node.key, "unresolved": result.reason}
    else:
        table = {
            "ref": node.key, "id": result.id, "source": result.source, "commit": result.commit,
            "relation": result.relation,
            "parents": [{"ref": ref_key(p.ref), "relation": p.relation} for p in result.parents] or None,
            "licence": node.licence, "licence_from": node.licence_from,
            "licence_evidence": node.licence_evidence,
            "declared_licence": result.declared_licence, "licence_name": result.licence_name,
            "licence_link": result.licence_link, "licence_hint": result.licence_hint,
            "policies": list(result.policies) or None,
            "gated": True if result.gated else None,
            "publisher": result.publisher, "origin": result.origin, "name": result.name,
            "modalities": list(result.modalities) or None, "release_date": result.release_date,
            "unknown_parents": list(result.unknown_parents) or None,
            "notes": list(result.notes) or None,
            "structure": dict(sorted(result.structure.to_json().items())) if result.structure else None,
            "documents": dict(sorted(result.documents.items())) or None,
            "licence_files": dict(sorted(result.licence_files.items())) or None,
        }
    table = {k: v for k, v in table.items() if v is not None}
    table["digest"] = _digest(table)
    return table


def _model_table(model: LockedModel) -> dict[str, Any]:
    table: dict[str, Any] = {"ref": model.ref, "id": model.id, "node": model.node,
                             "licences": list(model.licences)}
    table["digest"] = _digest(table)
    return table


def render_lock(lock: LockFile) -> str:
    """The lock file's text: entries sorted by key, keys in a fixed order, one per line.
    Local paths in keys and parents are already relative to the lock's folder (`portable`)."""
    out = [_HEADER.format(manifest=lock.manifest)]
    data = dict(sorted(lock.data.items()))
    head = {"version": LOCK_VERSION, "manifest": lock.manifest, "data": data}
    out += tomlwrite.pairs({"version": LOCK_VERSION, "manifest": lock.manifest, "digest": _digest(head)})
    out += ["", "[data]"] + tomlwrite.pairs(data)
    for model in sorted(lock.models, key=lambda m: m.ref):
        out += ["", "[[model]]"] + tomlwrite.pairs(_model_table(model))
    for node in sorted(lock.nodes, key=lambda n: lookup_key(n.key)):
        table = _node_table(node)
        subtables = {k: table.pop(k) for k in ("structure", "documents", "licence_files") if k in table}
        digest = table.pop("digest")
        out += ["", "[[node]]"] + tomlwrite.pairs(table) + tomlwrite.pairs({"digest": digest})
        for name, sub in subtables.items():
            out += [f"[node.{name}]"] + tomlwrite.pairs(sub)
    return "\n".join(out) + "\n"


# --- reading ----------------------------------------------------------------------------------

class _Lines:
    """Lines of the lock's tables and keys (tomllib keeps none), for `file:line` errors."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r'^\s*([A-Za-z0-9_-]+|"[^"]*")\s*=')

    def __init__(self, text: str) -> None:
        self.tables: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[str, int], dict[str, int]] = {}
        counts: dict[str, int] = {}
        current: tuple[str, int] | None = ("", 0)
        self.keys[("", 0)] = {}
        in_string = False
        for number, line in enumerate(text.splitlines(), 1):
            if not in_string:
                header = self._HEADER.match(line)
                if header:
                    name = header.group(1)
                    if line.lstrip().startswith("[["):
                        index = counts.get(name, 0)
                        counts[name] = index + 1
                        current = (name, index)
                        self.tables[current] = number
                        self.keys[current] = {}
                    else:
                        current = None   # a subtable ([data], [node.documents]): its keys are not the entry's
                        owner = counts.get(name.split(".")[0], 1) - 1
                        self.tables.setdefault((name, owner), number)
                    continue
                key = self._KEY.match(line)
                if key and current is not None:
                    self.keys[current].setdefault(key.group(1).strip('"'), number)
            if line.count('"""') % 2 == 1:
                in_string = not in_string

    def table(self, name: str, index: int) -> int | None:
        return self.tables.get((name, index))

    def of(self, name: str, index: int) -> dict[str, int]:
        return self.keys.get((name, index), {})


def _line_of_error(message: str) -> int | None:
    match = re.search(r"\(at line (\d+)", message)
    return int(match.group(1)) if match else None


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only (tomli is a dependency there)
        import tomli as tomllib
    return tomllib


def read_lock(path: str | os.PathLike[str]) -> LockFile:
    """Read and check a lock file; ConfigError with `file:line` for anything wrong in it."""
    shown = os.fspath(path)
    # The writer never puts a raw carriage return in the file: one that is there came from a
    # checkout converting line ends, and must not change a text's digest.
    text = read_text(path, max_bytes=MAX_LOCK_BYTES).replace("\r\n", "\n")
    toml = _toml()
    try:
        doc = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"not a valid lock file (TOML): {message}; regenerate it with "
                          "'licheck lock --update'", path=shown, line=_line_of_error(str(exc)) or 1) from None
    lines = _Lines(text)
    _TOP.check(doc, shown, line=1, lines=lines.of("", 0))
    if doc["version"] != LOCK_VERSION:
        raise ConfigError(f"lock file version {doc['version']} is not one this licheck reads "
                          f"({LOCK_VERSION}); regenerate it with 'licheck lock --update'",
                          path=shown, line=lines.of("", 0).get("version", 1))
    data = doc.get("data") or {}
    for name, value in data.items():
        if not isinstance(value, str):
            raise ConfigError(f"'data.{name}' must be a string", path=shown, line=lines.table("data", 0))
    head = {"version": doc["version"], "manifest": doc.get("manifest", ""), "data": data}
    if doc["digest"] != _digest(head):
        raise ConfigError("the lock's head (version, manifest, [data]) was changed by hand: its digest "
                          "does not match; restore it, or regenerate it with 'licheck lock --update'",
                          path=shown, line=lines.of("", 0).get("digest"))
    nodes = [_read_node(t, i, shown, lines) for i, t in enumerate(doc.get("node") or [])]
    models = [_read_model(t, i, shown, lines) for i, t in enumerate(doc.get("model") or [])]
    lock = LockFile(manifest=str(doc.get("manifest") or ""), data=dict(data), models=models,
                    nodes=nodes, path=shown, text=text)
    _check_references(lock, doc, shown, lines)
    return lock


def _check_digest(table: Mapping[str, Any], what: str, index: int, path: str, lines: _Lines) -> None:
    if table["digest"] != _digest(table):
        line = lines.of(what, index).get("digest") or lines.table(what, index)
        raise ConfigError(f"this [[{what}]] entry ({table.get('ref')}) was changed by hand: its "
                          "digest does not match its content; restore it, or regenerate it with "
                          "'licheck lock --update'", path=path, line=line)


def _read_model(table: Mapping[str, Any], index: int, path: str, lines: _Lines) -> LockedModel:
    _MODEL.check(table, path, line=lines.table("model", index), lines=lines.of("model", index))
    _check_digest(table, "model", index, path, lines)
    return LockedModel(ref=table["ref"], id=table["id"], node=table["node"],
                       licences=tuple(table.get("licences") or ()))


def _read_node(table: Mapping[str, Any], index: int, path: str, lines: _Lines) -> LockNode:
    at = lines.of("node", index)
    _NODE.check(table, path, line=lines.table("node", index), lines=at)
    key = table["ref"]
    try:
        ref = parse_key(key)
    except ValueError as exc:
        raise ConfigError(str(exc), path=path, line=at.get("ref")) from None
    structure = None
    if "structure" in table:
        try:
            structure = StructuralFacts.from_json(dict(table["structure"]))
        except ValueError as exc:
            raise ConfigError(f"[node.structure]: {exc}", path=path,
                              line=lines.table("node.structure", index)) from None
    for sub in ("documents", "licence_files"):
        for name, value in (table.get(sub) or {}).items():
            if not isinstance(value, str):
                raise ConfigError(f"'{sub}.{name}' must be a string", path=path,
                                  line=lines.table(f"node.{sub}", index) or lines.table("node", index))
    _check_digest(table, "node", index, path, lines)
    if "unresolved" in table:
        return LockNode(key, Unresolved(ref, table["unresolved"]))
    _RESOLVED.check(table, path, line=lines.table("node", index), lines=at)
    parents: list[ParentLink] = []
    for item in table.get("parents") or []:
        try:
            parents.append(ParentLink(parse_key(item["ref"]), item["relation"]))
        except ValueError as exc:
            raise ConfigError(str(exc), path=path, line=at.get("parents")) from None
    facts = ModelFacts(ref=ref, id=table["id"], source=table["source"], parents=parents,
                       relation=table.get("relation"), gated=bool(table.get("gated")),
                       modalities=list(table.get("modalities") or []),
                       policies=list(table.get("policies") or []),
                       notes=list(table.get("notes") or []),
                       unknown_parents=list(table.get("unknown_parents") or []),
                       documents=dict(table.get("documents") or {}),
                       licence_files=dict(table.get("licence_files") or {}),
                       revision=ref.revision, structure=structure)
    for name in _STRING_FIELDS:
        setattr(facts, name, table.get(name))
    return LockNode(key, facts, table.get("licence"), table.get("licence_evidence"),
                    table.get("licence_from"))


def _check_references(lock: LockFile, doc: Mapping[str, Any], path: str, lines: _Lines) -> None:
    """Every key an entry names is an entry of the lock: a lineage is never cut short."""
    seen: dict[str, int] = {}
    for index, node in enumerate(lock.nodes):
        key = lookup_key(node.key)
        if key in seen:
            raise ConfigError(f"'{node.key}' is locked twice", path=path,
                              line=lines.of("node", index).get("ref"))
        seen[key] = index
    for index, node in enumerate(lock.nodes):
        for parent in _parent_keys(node):
            if node.facts is not None and node.facts.source in ("local", "gguf"):
                continue   # a local model's files are read at every run, not from the lock
            if lock.node(parent.ref_key) is None:
                raise ConfigError(f"parent '{parent.ref_key}' of '{node.key}' is not in the lock",
                                  path=path, line=lines.of("node", index).get("parents"))
    for index, model in enumerate(lock.models):
        if lock.node(model.node) is None:
            raise ConfigError(f"'{model.node}' is not in the lock", path=path,
                              line=lines.of("model", index).get("node"))


def entry_key(ref: ModelRef, written: str) -> str:
    """The key of a manifest entry: its reference, or for local files the path as written in
    the manifest (relative to the manifest's folder, whatever the working directory)."""
    return ref_key(ref) if ref.kind in ("hub", "ollama") else f"{ref.kind}:{written.strip()}"


def lock_path(manifest: str | os.PathLike[str]) -> Path:
    """Where a manifest's lock file is: beside it."""
    return Path(manifest).parent / LOCK_NAME


def stale_reason(lock: LockFile, key: str, written: str) -> str:
    """Why a manifest entry is not in the lock: new, or its reference changed (a revision)."""
    if key.startswith("hub:"):
        name = key.split("@")[0].lower()
        same = [m.ref for m in lock.models if m.ref.split("@")[0].lower() == name]
        if same:
            return (f"{written}: the manifest's reference changed since the lock was written "
                    f"(the lock has {same[0].split(':', 1)[1]}); run 'licheck lock'")
    return f"{written} is not in {LOCK_NAME}; run 'licheck lock'"
