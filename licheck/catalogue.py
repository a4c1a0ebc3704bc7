"""The built-in model catalogue: curated facts about well-known models.

Model cards are often silent or wrong about what matters for a licence: who published the
model and from which country, whether it is multimodal, when it was released, and (for
distilled models) which base it was trained from. The catalogue records those facts, with
the licence id of the corpus (`licences/`), for models whose licence was checked against
the licence texts. It also maps Ollama library names to the Hub models they ship.

Data lives in `catalogue/` (bundled) and in users' folders of the same shape, which extend
or override it (config `extra_catalogue`):

    orgs.yml            Hub organisation -> publisher and country
    models/<org>.yml    one file per publisher, a list of models
    ollama.yml          Ollama library names (with size tags) -> Hub ids

Everything is validated strictly; a mistake is a `DataError` naming the file and line.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from licheck.countries import country_problem
from licheck.data import bundled_name, data_dir, keep, load_data_yaml, proven
from licheck.errors import DataError
from licheck.files import read_text
from licheck.hubid import hub_id_problem, is_hub_id, segment_problem
from licheck.licences import Corpus, default_corpus
from licheck.model import RELATIONS
from licheck.schema import Field, Schema, did_you_mean, suggest
from licheck.yamldoc import YamlList, YamlMap

MODALITIES = ("text", "image", "audio", "video")
# What a model is for (`licheck models --task`); a model without `tasks:` is not classified.
TASKS = ("text-generation", "embeddings", "vision", "speech", "image-generation")

_OLLAMA_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)*")
_OLLAMA_TAG = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True)
class OrgDefaults:
    """Who stands behind a Hub organisation."""

    org: str
    publisher: str
    origin: str | None          # ISO 3166-1 alpha-2, None when not known
    aliases: tuple[str, ...] = ()   # other spellings of the org on the Hub (renames)
    notes: str | None = None


@dataclass(frozen=True)
class CatalogueEntry:
    """Curated facts about one model. `licence` is a corpus id, or None when not certain."""

    id: str
    publisher: str | None
    origin: str | None
    licence: str | None
    modalities: tuple[str, ...]
    release_date: str | None
    parents: tuple[tuple[str, str], ...] = ()   # (hub id, relation)
    notes: str | None = None
    aliases: tuple[str, ...] = ()
    checked: str | None = None  # where the licence was checked (required in bundled data)
    tasks: tuple[str, ...] = ()   # from TASKS; () when the data does not say
    # Acceptable-use policies the publisher makes a condition of use beside a licence that does
    # not incorporate them (Cohere's C4AI AUP with CC-BY-NC-4.0): they bind like an
    # incorporated policy, for this model and every derivative.
    policies: tuple[str, ...] = ()
    path: str | None = None     # the data file and line it came from, for evidence
    line: int | None = None

    @property
    def multimodal(self) -> bool:
        return any(m != "text" for m in self.modalities)


class OllamaTarget(NamedTuple):
    """What one Ollama library name (and tag) stands for."""

    name: str                   # as looked up, normalised: "llama3.3:70b"
    hub_id: str
    notes: str | None = None


@dataclass(frozen=True)
class _OllamaFamily:
    default: str | None
    tags: Mapping[str, tuple[str, str | None]]   # tag -> (hub id, notes)
    notes: str | None


class Catalogue:
    """Lookups over the loaded catalogue; every match is case-insensitive.

    `entries` and `ollama` are read already (a user's folders); `bundled`, when given, holds
    the bundled models files, read one organisation file at a time when an id of that
    organisation is first looked up (most commands need a handful of the 754 entries), and
    the bundled `ollama.yml`, read when an Ollama name is first looked up. Lineages are
    crawled by several threads: reading a file is done under a lock.
    """

    def __init__(self, entries: Iterable[CatalogueEntry], orgs: Iterable[OrgDefaults],
                 ollama: Mapping[str, _OllamaFamily], *, bundled: _Bundled | None = None) -> None:
        self._orgs: dict[str, OrgDefaults] = {}
        self._org_alias: dict[str, str] = {}
        for org in orgs:
            self._orgs[org.org.lower()] = org
            for alias in org.aliases:
                self._org_alias[alias.lower()] = org.org.lower()
        self._entries: dict[str, CatalogueEntry] = {}
        self._aliases: dict[str, str] = {}
        for entry in entries:
            self._entries[entry.id.lower()] = entry
        for entry in self._entries.values():
            for alias in entry.aliases:
                self._aliases.setdefault(alias.lower(), entry.id.lower())
        self._users_ollama = dict(ollama)
        self._all_ollama = None if bundled is not None else self._users_ollama
        self._bundled = bundled
        self._read_orgs: set[str] = set()   # bundled organisation files merged in so far
        self._lock = threading.Lock()

    def _read_org(self, org: str) -> None:
        """Merge the bundled file of `org` (lower case): a user's entry wins on an equal id;
        a bundled alias is the first one given (as when every file was read in order)."""
        if self._bundled is None or org in self._read_orgs:
            return
        with self._lock:
            if org in self._read_orgs:
                return
            for entry in self._bundled.read(org, self._orgs):
                key = entry.id.lower()
                self._entries.setdefault(key, entry)
                for alias in entry.aliases:
                    self._aliases[alias.lower()] = key
            self._read_orgs.add(org)

    @property
    def _ollama(self) -> dict[str, _OllamaFamily]:
        """The Ollama table; the bundled one read on first use (a user's names win)."""
        if self._all_ollama is None:
            with self._lock:
                if self._all_ollama is None and self._bundled is not None:
                    self._all_ollama = {**self._bundled.ollama(), **self._users_ollama}
        assert self._all_ollama is not None
        return self._all_ollama

    def _read_all(self) -> None:
        if self._bundled is not None:
            for org in self._bundled.orgs():
                self._read_org(org)

    def __len__(self) -> int:
        self._read_all()
        return len(self._entries)

    def entries(self) -> list[CatalogueEntry]:
        self._read_all()
        return sorted(self._entries.values(), key=lambda e: e.id.lower())

    def model(self, hub_id: str | None) -> CatalogueEntry | None:
        """The entry for a Hub id, an alias of one, or the same id under a renamed org."""
        if not isinstance(hub_id, str):
            return None
        key = hub_id.strip().lower()
        if "/" not in key:
            return self._lookup(key)
        org, name = key.split("/", 1)
        spellings = [org, *self._org_spellings(org)]
        for other in spellings:
            self._read_org(other)
        for other in spellings:
            found = self._lookup(f"{other}/{name}")
            if found is not None:
                return found
        if self._bundled is None:
            return None
        # An alias in another organisation's file (a model moved to a new org on the Hub):
        # read the bundled files that name it at all.
        with self._lock:
            naming = self._bundled.naming(f"{other}/{name}" for other in spellings)
        for other in naming:
            self._read_org(other)
        for other in spellings:
            found = self._lookup(f"{other}/{name}")
            if found is not None:
                return found
        return None

    def ids_near(self, hub_id: str) -> list[str]:
        """The ids a misspelling of `hub_id` may stand for, found without reading every
        bundled file: those of its organisation and of the organisation name closest to it."""
        org, _, name = hub_id.strip().lower().partition("/")
        if not name:
            return []
        known = {*self._orgs, *self._org_alias, *(key.split("/", 1)[0] for key in self._entries)}
        if self._bundled is not None:
            known.update(self._bundled.orgs())
        orgs = {org}
        close = suggest(org, sorted(known))
        if close is not None:
            orgs.add(close)
        spellings = {spelling for other in orgs for spelling in (other, *self._org_spellings(other))}
        for other in spellings:
            self._read_org(other)
        return sorted(entry.id for key, entry in self._entries.items()
                      if key.split("/", 1)[0] in spellings)

    def _lookup(self, key: str) -> CatalogueEntry | None:
        return self._entries.get(key) or self._entries.get(self._aliases.get(key, ""))

    def _org_spellings(self, org: str) -> list[str]:
        canonical = self._org_alias.get(org, org)
        spellings = [canonical] if canonical != org else []
        spellings += [a for a, c in self._org_alias.items() if c == canonical and a != org]
        return spellings

    def org(self, org_name: str | None) -> OrgDefaults | None:
        if not isinstance(org_name, str):
            return None
        key = org_name.strip().lower()
        return self._orgs.get(key) or self._orgs.get(self._org_alias.get(key, ""))

    def ollama(self, name: str | None) -> str | None:
        """The Hub id an Ollama library name stands for (`llama3.3:70b`, `qwen2.5`), or None."""
        target = self.ollama_target(name)
        return target.hub_id if target else None

    def ollama_target(self, name: str | None) -> OllamaTarget | None:
        """Like `ollama()`, with the mapping's notes.

        A tag is matched by its longest known dash-separated prefix, so `70b-instruct-q4_K_M`
        finds `70b`. A tag whose size is not listed gives None rather than another size's
        model: within one family the licence can differ by size (Qwen2.5 3B vs 7B vs 72B).
        """
        parsed = split_ollama_name(name)
        if parsed is None:
            return None
        family_name, tag = parsed
        family = self._ollama.get(family_name)
        if family is None:
            return None
        shown = f"{family_name}:{tag}" if tag else family_name
        if tag is None or tag == "latest":
            if family.default is None:
                return None
            hub_id, notes = family.tags.get(family.default, (family.default, None))
            return OllamaTarget(shown, hub_id, _join(family.notes, notes))
        parts = tag.split("-")
        for cut in range(len(parts), 0, -1):
            key = "-".join(parts[:cut])
            if key in family.tags:
                hub_id, notes = family.tags[key]
                return OllamaTarget(shown, hub_id, _join(family.notes, notes))
        return None

    def ollama_names(self) -> list[str]:
        return sorted(self._ollama)

    def ollama_tags(self, family: str) -> list[str]:
        """The tags listed for an Ollama library name (empty when the name is unknown), so a
        missing tag can be answered with the ones that are known."""
        body = self._ollama.get(family.strip().lower())
        return sorted(body.tags) if body else []


def _join(*notes: str | None) -> str | None:
    parts = [n for n in notes if n]
    return " ".join(parts) if parts else None


def split_ollama_name(name: str | None) -> tuple[str, str | None] | None:
    """`[ollama:][registry.ollama.ai/][library/]family[:tag]` -> (family, tag), lower-cased.

    Returns None for names that are not library names (e.g. `hf.co/...`, `user/model`).
    """
    if not isinstance(name, str):
        return None
    text = name.strip().lower()
    text = text.removeprefix("ollama:")
    text = text.removeprefix("registry.ollama.ai/")
    text = text.removeprefix("library/")
    family, _, tag = text.partition(":")
    if not family or not _OLLAMA_NAME.fullmatch(family) or "/" in family:
        return None
    if tag and not _OLLAMA_TAG.fullmatch(tag):
        return None
    return family, tag or None


# --- loading ---------------------------------------------------------------------------

_TEXT = Field((str,), nullable=True)
_NAMES = Field((list,), items=str, nonempty=True)
MODEL_SCHEMA = Schema("a catalogue model", {
    "id": Field((str,), required=True),
    "licence": Field((str,), required=True, nullable=True),
    "modalities": Field((list,), required=True, items=str, nonempty=True, min_items=1),
    "release_date": Field((str, _dt.date), nullable=True, expect="a date YYYY-MM-DD"),
    "publisher": _TEXT,
    "origin": _TEXT,
    "parents": Field((list,), schema=Schema("a parent", {
        "id": Field((str,), required=True),
        "relation": Field((str,), required=True, choices=RELATIONS),
    })),
    "aliases": _NAMES,
    "tasks": Field((list,), items=str, nonempty=True, min_items=1),
    "notes": _TEXT,
    "checked": _TEXT,   # where the licence was checked (required for bundled entries)
    "policies": _NAMES,   # acceptable-use policy ids the publisher attaches (see CatalogueEntry)
})
ORG_SCHEMA = Schema("a catalogue organisation", {
    "publisher": Field((str,), required=True),
    "origin": Field((str,), required=True, nullable=True),
    "aliases": _NAMES,
    "notes": _TEXT,
})
FAMILY_SCHEMA = Schema("an Ollama family", {
    "default": Field((str, int, float), nullable=True, expect="a tag"),
    "tags": Field((dict,), required=True),
    "notes": _TEXT,
})


# The files of a catalogue folder: each one mapping with one key.
ORGS_FILE = Schema("orgs.yml", {"orgs": Field((dict,), required=True,
                                              expect="a mapping of Hub organisations to publisher and origin")})
MODELS_FILE = Schema("a catalogue models file", {"models": Field((list,), required=True,
                                                                 expect="a list of models")})
OLLAMA_FILE = Schema("ollama.yml", {"ollama": Field((dict,), required=True,
                                                    expect="a mapping of library names to their tags")})


def _check_keys(doc: YamlMap, schema: Schema, path: Path, what: str) -> None:
    problems = schema.problems(doc)
    if problems:
        raise DataError(f"{what}: {problems[0].message}", path=path, line=problems[0].line)


def _country(value: str | None, path: Path, line: int | None, what: str) -> str | None:
    if value is None:
        return None
    problem = country_problem(value)
    if problem:
        raise DataError(f"{what}: {problem}", path=path, line=line)
    return value


def _strings(doc: YamlMap, key: str, path: Path, what: str) -> tuple[str, ...]:
    items = doc.get(key) or YamlList()
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise DataError(f"{what}: every item of '{key}' must be a non-empty string",
                            path=path, line=_line_of_item(items, i, doc.line_of(key)))
        out.append(item.strip())
    return tuple(out)


def _line_of_item(items: Any, index: int, default: int | None) -> int | None:
    return items.line_of(index) if isinstance(items, YamlList) else default


def _load_orgs(path: Path) -> tuple[OrgDefaults, ...]:
    found: tuple[OrgDefaults, ...] | None = proven(path, (OrgDefaults,))   # checked at build
    if found is None:
        found = _check_orgs(path)
        keep(path, found)
    return found


def _check_orgs(path: Path) -> tuple[OrgDefaults, ...]:
    doc = load_data_yaml(path)
    ORGS_FILE.check(doc, str(path), cls=DataError, line=1)
    out = []
    for org, body in doc["orgs"].items():
        line = doc["orgs"].line_of(org)
        if not isinstance(org, str) or segment_problem(org):
            raise DataError(f"'{org}' is not a Hub organisation name", path=path, line=line)
        if not isinstance(body, YamlMap):
            raise DataError(f"org '{org}': expected a mapping with publisher and origin",
                            path=path, line=line)
        what = f"org '{org}'"
        _check_keys(body, ORG_SCHEMA, path, what)
        out.append(OrgDefaults(
            org=org, publisher=body["publisher"],
            origin=_country(body["origin"], path, body.line_of("origin"), what),
            aliases=_strings(body, "aliases", path, what), notes=body.get("notes")))
    return tuple(out)


def _iso_date(value: Any, path: Path, line: int | None, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise DataError(f"{what}: release_date '{value}' is not an ISO date (YYYY-MM-DD)",
                        path=path, line=line) from None


# A models file's entries, each with the line of its id (for an error about it in the folder).
_Models = tuple[tuple[int | None, CatalogueEntry], ...]


def _load_models(path: Path, known_licences: Any, bundled: bool = False) -> _Models:
    # A bundled file the wheel's build checked is taken as the build left it.
    found: _Models | None = proven(path, (CatalogueEntry,)) if bundled else None
    if found is None:
        found = _check_models(path, known_licences, bundled)
        if bundled:
            keep(path, found)
    return found


def _check_models(path: Path, known_licences: Any, bundled: bool) -> _Models:
    doc = load_data_yaml(path)
    MODELS_FILE.check(doc, str(path), cls=DataError, line=1)
    out = []
    shown = bundled_name(path) or str(path)   # once per file: path arithmetic per entry is a third of the load
    for i, item in enumerate(doc["models"]):
        line = doc["models"].line_of(i)
        if not isinstance(item, YamlMap):
            raise DataError("each model must be a mapping (id, licence, modalities, ...)",
                            path=path, line=line)
        what = f"model '{item.get('id', '?')}'"
        _check_keys(item, MODEL_SCHEMA, path, what)
        # A bundled licence must say where it was checked; users' folders may omit it.
        if bundled and not (isinstance(item.get("checked"), str) and item["checked"].strip()):
            raise DataError(f"{what}: missing key 'checked' (where the licence was checked)",
                            path=path, line=item.line_of("checked") if "checked" in item else line)
        model_id = item["id"].strip()
        problem = hub_id_problem(model_id, namespaced=True)
        if problem:
            raise DataError(f"'{model_id}' is not a Hub id (org/name): {problem}", path=path,
                            line=item.line_of("id"))
        licence = item["licence"]
        if licence is not None and licence not in known_licences:
            raise DataError(f"{what}: unknown licence id '{licence}' (see `licheck licences`)",
                            path=path, line=item.line_of("licence"))
        modalities = _strings(item, "modalities", path, what)
        for j, modality in enumerate(modalities):
            if modality not in MODALITIES:
                raise DataError(f"{what}: unknown modality '{modality}' (expected one of "
                                f"{', '.join(MODALITIES)})", path=path,
                                line=_line_of_item(item["modalities"], j, item.line_of("modalities")))
        tasks = _strings(item, "tasks", path, what)
        for j, task in enumerate(tasks):
            if task not in TASKS:
                raise DataError(f"{what}: unknown task '{task}'{did_you_mean(task, TASKS)}", path=path,
                                line=_line_of_item(item["tasks"], j, item.line_of("tasks")))
        parents = []
        for j, parent in enumerate(item.get("parents") or ()):
            pline = _line_of_item(item["parents"], j, item.line_of("parents"))
            if not isinstance(parent, YamlMap):
                raise DataError(f"{what}: each parent is a mapping with 'id' and 'relation'",
                                path=path, line=pline)
            if not is_hub_id(parent["id"], namespaced=True):
                raise DataError(f"{what}: parent id '{parent['id']}' is not a Hub id",
                                path=path, line=parent.line_of("id"))
            parents.append((parent["id"], parent["relation"]))
        aliases = _strings(item, "aliases", path, what)
        for j, alias in enumerate(aliases):
            if not is_hub_id(alias, namespaced=True):
                raise DataError(f"{what}: alias '{alias}' is not a Hub id", path=path,
                                line=_line_of_item(item["aliases"], j, item.line_of("aliases")))
        policies = _policies(item, path, what, known_licences)
        origin = _country(item.get("origin"), path, item.line_of("origin"), what)
        entry = CatalogueEntry(
            id=model_id, publisher=item.get("publisher"), origin=origin, licence=licence,
            modalities=modalities,
            release_date=_iso_date(item.get("release_date"), path, item.line_of("release_date"), what),
            parents=tuple(parents), notes=item.get("notes"), aliases=aliases,
            checked=item.get("checked"), tasks=tasks, policies=policies, path=shown, line=line)
        out.append((item.line_of("id"), entry))
    return tuple(out)


def _policies(item: YamlMap, path: Path, what: str, known_licences: Any) -> tuple[str, ...]:
    """`policies`: ids of acceptable-use policies in the corpus, each once."""
    policies = _strings(item, "policies", path, what)
    for j, pid in enumerate(policies):
        where = _line_of_item(item["policies"], j, item.line_of("policies"))
        licence = known_licences.get(pid) if pid in known_licences else None
        if licence is None:
            known = [lic.id for lic in known_licences if lic.is_policy]
            raise DataError(f"{what}: unknown policy id '{pid}'{did_you_mean(pid, known)}",
                            path=path, line=where)
        if not licence.is_policy:
            raise DataError(f"{what}: '{pid}' is a licence, not an acceptable-use policy "
                            "(a model's licence goes in 'licence')", path=path, line=where)
        if pid in policies[:j]:
            raise DataError(f"{what}: policy '{pid}' is listed twice", path=path, line=where)
    return policies


def _load_ollama(path: Path) -> dict[str, tuple[_OllamaFamily, int | None]]:
    found: dict[str, tuple[_OllamaFamily, int | None]] | None = proven(path, (_OllamaFamily,))
    if found is None:
        found = _check_ollama(path)
        keep(path, found)
    return found


def _check_ollama(path: Path) -> dict[str, tuple[_OllamaFamily, int | None]]:
    doc = load_data_yaml(path)
    OLLAMA_FILE.check(doc, str(path), cls=DataError, line=1)
    out: dict[str, tuple[_OllamaFamily, int | None]] = {}
    for family, body in doc["ollama"].items():
        line = doc["ollama"].line_of(family)
        if not isinstance(family, str) or not _OLLAMA_NAME.fullmatch(family) or "/" in family:
            raise DataError(f"'{family}' is not an Ollama library name (lower case, no tag)",
                            path=path, line=line)
        if not isinstance(body, YamlMap):
            raise DataError(f"ollama '{family}': expected a mapping with 'tags'", path=path, line=line)
        what = f"ollama '{family}'"
        _check_keys(body, FAMILY_SCHEMA, path, what)
        tags: dict[str, tuple[str, str | None]] = {}
        for tag, target in body["tags"].items():
            tline = body["tags"].line_of(tag)
            tag = str(tag).lower()   # a bare 7 or 1.5 in YAML is a number
            if not _OLLAMA_TAG.fullmatch(tag):
                raise DataError(f"{what}: '{tag}' is not an Ollama tag", path=path, line=tline)
            notes = None
            if isinstance(target, YamlMap):
                if set(target) - {"id", "notes"} or "id" not in target:
                    raise DataError(f"{what}: tag '{tag}' must be a Hub id or a mapping with "
                                    "'id' and optional 'notes'", path=path, line=tline)
                notes = target.get("notes")
                target = target["id"]
            if not isinstance(target, str) or not is_hub_id(target, namespaced=True):
                raise DataError(f"{what}: tag '{tag}' must map to a Hub id (org/name)",
                                path=path, line=tline)
            tags[tag] = (target, notes if isinstance(notes, str) else None)
        default = body.get("default")
        if default is not None:
            default = str(default).lower()
            if default not in tags:
                raise DataError(f"{what}: default '{default}' is not one of its tags",
                                path=path, line=body.line_of("default"))
        out[family] = (_OllamaFamily(default, tags, body.get("notes")), line)
    return out


class _Bundled:
    """The bundled `models/<org>.yml` files, read one at a time on first need, and `ollama.yml`.

    The file of an organisation is named for it (a test holds every bundled entry to its
    file's organisation), so the organisation of an id says which file to read. Each file
    is validated as it is read; duplicates across files are caught by the test that reads
    every bundled file (`load_catalogue(..., whole=True)`).
    """

    def __init__(self, folder: Path, known_licences: Any) -> None:
        self.folder = folder
        self.known_licences = known_licences
        self._paths: dict[str, list[Path]] = {}
        for path in _model_files(folder / "models"):
            self._paths.setdefault(path.stem.lower(), []).append(path)
        self._texts: dict[str, str] | None = None

    def ollama(self) -> dict[str, _OllamaFamily]:
        path = self.folder / "ollama.yml"
        return {family: body for family, (body, _line) in _load_ollama(path).items()} if path.is_file() else {}

    def orgs(self) -> list[str]:
        return sorted(self._paths)

    def read(self, org: str, orgs: Mapping[str, OrgDefaults]) -> list[CatalogueEntry]:
        out = []
        for path in self._paths.get(org, ()):
            out += _unique_entries([(path, _load_models(path, self.known_licences, bundled=True))],
                                   bundled=True)
        return [_with_org_defaults(entry, orgs) for entry in out]

    def naming(self, keys: Iterable[str]) -> list[str]:
        """The organisations whose files mention one of `keys` (`<org>/<name>`, lower case);
        a plain search of the text, as ids never need quoting or escaping in YAML."""
        if self._texts is None:
            self._texts = {org: "\n".join(read_text(p).lower() for p in paths)
                           for org, paths in self._paths.items()}
        wanted = list(keys)
        return [org for org, text in self._texts.items() if any(k in text for k in wanted)]


def _model_files(models_dir: Path) -> list[Path]:
    if not models_dir.is_dir():
        return []
    return sorted(models_dir.glob("*.yml")) + sorted(models_dir.glob("*.yaml"))


def _unique_entries(files: Iterable[tuple[Path, _Models]],
                    bundled: bool = False) -> list[CatalogueEntry]:
    """The entries of one folder's models files: an id or alias may appear once, and a
    bundled entry is in the file of its organisation (how it is found)."""
    seen: dict[str, tuple[str, int | None]] = {}
    out = []
    for path, items in files:
        for id_line, entry in items:
            key = entry.id.lower()
            if bundled and key.split("/", 1)[0] != path.stem.lower():
                raise DataError(f"'{entry.id}' is in the file of '{path.stem}' (a bundled model "
                                "is listed in models/<its organisation>.yml)", path=path,
                                line=id_line)
            for alias_key in (key, *(a.lower() for a in entry.aliases)):
                if alias_key in seen:
                    first = seen[alias_key]
                    raise DataError(f"'{alias_key}' is listed twice in this catalogue folder "
                                    f"(first at {first[0]}:{first[1]})", path=path,
                                    line=id_line)
                seen[alias_key] = (str(path), entry.line)
            out.append(entry)
    return out


def _load_folder(folder: Path, known_licences: Any, entries: dict[str, CatalogueEntry],
                 orgs: dict[str, OrgDefaults], ollama: dict[str, _OllamaFamily],
                 bundled: bool = False, whole: bool = True) -> None:
    """Add one folder's data (only its `orgs.yml` unless `whole`); within a folder an id may
    appear once, across folders the later folder wins."""
    if not folder.is_dir():
        raise DataError("catalogue folder not found", path=folder)
    orgs_file = folder / "orgs.yml"
    if orgs_file.is_file():
        for org in _load_orgs(orgs_file):
            orgs[org.org.lower()] = org
    if not whole:
        return
    files = [(path, _load_models(path, known_licences, bundled)) for path in _model_files(folder / "models")]
    for entry in _unique_entries(files, bundled):
        entries[entry.id.lower()] = entry
    ollama_file = folder / "ollama.yml"
    if ollama_file.is_file():
        for family, (body, _line) in _load_ollama(ollama_file).items():
            ollama[family] = body


def _with_org_defaults(entry: CatalogueEntry, orgs: Mapping[str, OrgDefaults]) -> CatalogueEntry:
    org = orgs.get(entry.id.split("/", 1)[0].lower())
    if org is None or (entry.publisher and entry.origin):
        return entry
    return replace(entry, publisher=entry.publisher or org.publisher,
                   origin=entry.origin or org.origin)


def load_catalogue(extra_dirs: Iterable[str | os.PathLike[str]] = (), *,
                   licences: Corpus, whole: bool = False) -> Catalogue:
    """The bundled catalogue plus users' folders (later folders win on equal ids).

    `licences` is the corpus to check licence ids against: the run's, so a user's catalogue
    may name a user's licence; it extends or replaces the bundled corpus, never shrinks it.
    Users' folders are read and checked whole now; the bundled models files are read one
    organisation at a time on first need and `ollama.yml` on the first Ollama name, or all
    now with `whole` (the test of the bundled data: every file and no id twice).
    """
    entries: dict[str, CatalogueEntry] = {}
    orgs: dict[str, OrgDefaults] = {}
    ollama: dict[str, _OllamaFamily] = {}
    bundled = data_dir("catalogue")
    _load_folder(bundled, licences, entries, orgs, ollama, bundled=True, whole=whole)
    for folder in extra_dirs:
        _load_folder(Path(folder), licences, entries, orgs, ollama)
    resolved = [_with_org_defaults(e, orgs) for e in entries.values()]
    lazy = None if whole else _Bundled(bundled, licences)
    return Catalogue(resolved, orgs.values(), ollama, bundled=lazy)


@cache
def default_catalogue() -> Catalogue:
    """The bundled catalogue alone (for building an environment: `licheck.env`)."""
    return load_catalogue(licences=default_corpus())
