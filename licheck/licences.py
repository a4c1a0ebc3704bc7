"""The licence corpus: verbatim texts in `licences/` and the metadata beside each.

Each licence is a `<id>.yml` metadata file naming one or more verbatim `.txt` texts. Users
add their own folders of the same shape (config `extra_licences`); a user licence with an
id that already exists replaces the bundled one, so a corrected text never needs a fork.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from licheck.countries import country_problem
from licheck.data import data_dir, keep, load_data_yaml, proven
from licheck.errors import DataError
from licheck.files import read_text
from licheck.schema import Field, Schema

LICENCE_KINDS = ("model-licence", "acceptable-use-policy", "permissive", "copyleft", "non-commercial")
# "text-missing": known by name and from quotations, but no verbatim text could be obtained;
# rules about it can only be marked `confidence: secondary`.
STATUSES = ("complete", "incomplete", "superseded", "text-missing")
DATE_KINDS = ("release", "effective", "last-modified")
MAX_TEXT_BYTES = 2 * 1024 * 1024   # the largest bundled text is ~20 KB

_TEXT = Field((str,), nullable=True)
_WORDS = Field((list,), items=str, nonempty=True)
SCHEMA = Schema("licence metadata", {
    "id": Field((str,), required=True, nonempty=True),
    "name": Field((str,), required=True, nonempty=True),
    "version": _TEXT,
    "date": _TEXT,
    "date_kind": Field((str,), nullable=True, choices=DATE_KINDS),
    "publisher": _TEXT,
    "publisher_country": _TEXT,
    "kind": Field((str,), required=True, choices=LICENCE_KINDS),
    "url": _TEXT,
    "incorporates": _WORDS,
    # Documents the licence incorporates whose text licheck does not have, each with the clause
    # that incorporates it: nothing in them is checked, and `explain` says so.
    "incorporates_missing": _WORDS,
    "texts": Field((list,), required=True, items=str, nonempty=True),
    "status": Field((str,), choices=STATUSES),
    "third_party_copy": Field((bool,)),
    "source": _TEXT,
    "aliases": _WORDS,
    # Spellings publishers use for this licence and for others too (Moonshot's and MiniMax's
    # `modified-mit`): never resolved to one licence, so the link or the text must decide.
    "ambiguous_aliases": _WORDS,
    "reference_phrases": _WORDS,
    "notes": _TEXT,
})


@dataclass(frozen=True)
class Licence:
    id: str
    name: str
    kind: str
    texts: tuple[Path, ...]
    version: str | None = None
    date: str | None = None
    date_kind: str | None = None
    publisher: str | None = None
    publisher_country: str | None = None
    url: str | None = None
    incorporates: tuple[str, ...] = ()
    incorporates_missing: tuple[str, ...] = ()
    status: str = "complete"
    third_party_copy: bool = False
    source: str | None = None
    aliases: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str, ...] = ()
    reference_phrases: tuple[str, ...] = ()
    notes: str | None = None
    metadata_path: Path | None = None

    @property
    def is_permissive(self) -> bool:
        """Plainly permissive: no use restrictions beyond notices (Apache-2.0, MIT, CC-BY)."""
        return self.kind == "permissive"

    @property
    def is_policy(self) -> bool:
        return self.kind == "acceptable-use-policy"

    @property
    def has_text(self) -> bool:
        return bool(self.texts)

    def read_text(self, index: int = 0) -> str:
        return read_text(self.texts[index], max_bytes=MAX_TEXT_BYTES)

    def read_texts(self) -> list[str]:
        return [read_text(p, max_bytes=MAX_TEXT_BYTES) for p in self.texts]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "date": self.date,
            "date_kind": self.date_kind,
            "publisher": self.publisher,
            "publisher_country": self.publisher_country,
            "kind": self.kind,
            "url": self.url,
            "incorporates": list(self.incorporates),
            "incorporates_missing": list(self.incorporates_missing),
            "texts": [p.name for p in self.texts],
            "status": self.status,
            "third_party_copy": self.third_party_copy,
            "source": self.source,
            "aliases": list(self.aliases),
            "ambiguous_aliases": list(self.ambiguous_aliases),
            "notes": self.notes,
        }


_WS = re.compile(r"\s+")


def alias_key(value: str) -> str:
    """Normalise a `license:`/`license_name`/`license_link` spelling for alias lookup.

    Case, surrounding space, http vs https, `www.`, a trailing slash and the separator
    between words ("llama 3.1", "llama_3.1", "llama-3.1") do not matter.
    """
    s = value.strip().lower()
    if s.startswith(("http://", "https://")):
        s = s.split("://", 1)[1]
        s = s.removeprefix("www.").rstrip("/")
        return "url:" + s
    return _WS.sub("-", s.replace("_", "-"))


class Corpus:
    """All licences by id, with alias lookup."""

    def __init__(self, licences: Iterable[Licence]) -> None:
        self._by_id: dict[str, Licence] = {}
        for lic in licences:
            self._by_id[lic.id] = lic
        self._aliases: dict[str, str] = {}
        for lic in self._by_id.values():
            for alias in (lic.id, *lic.aliases):
                self._aliases.setdefault(alias_key(alias), lic.id)
            # An id always resolves to itself, even if another licence listed it as alias.
            self._aliases[alias_key(lic.id)] = lic.id
        # A spelling several licences share resolves to none of them, even when it is also
        # one licence's id (the A13B text's id is a name Tencent gives other versions too):
        # a declaration using it is decided by its link or its text.
        self._ambiguous: dict[str, set[str]] = {}
        for lic in self._by_id.values():
            for alias in lic.ambiguous_aliases:
                self._ambiguous.setdefault(alias_key(alias), set()).add(lic.id)
        for key, ids in self._ambiguous.items():
            owner = self._aliases.pop(key, None)
            if owner is not None:
                ids.add(owner)

    def __iter__(self) -> Iterator[Licence]:
        return iter(sorted(self._by_id.values(), key=lambda lic: lic.id))

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, licence_id: object) -> bool:
        return licence_id in self._by_id

    def get(self, licence_id: str) -> Licence | None:
        return self._by_id.get(licence_id)

    def __getitem__(self, licence_id: str) -> Licence:
        return self._by_id[licence_id]

    def ids(self) -> list[str]:
        return sorted(self._by_id)

    def lookup(self, spelling: str | None) -> str | None:
        """The licence id a declared spelling (id, alias or URL) stands for, or None.

        None too for a spelling several licences share (see `ambiguous`)."""
        if not spelling or not isinstance(spelling, str):
            return None
        return self._aliases.get(alias_key(spelling))

    def ambiguous(self, spelling: str | None) -> list[str]:
        """The licences a spelling may stand for when it names several (else [])."""
        if not spelling or not isinstance(spelling, str):
            return []
        return sorted(self._ambiguous.get(alias_key(spelling), ()))


def _load_one(meta_path: Path) -> Licence:
    found: Licence | None = proven(meta_path, (Licence,))   # checked when the wheel was built
    if found is not None:
        return found
    licence = _check_one(meta_path)
    keep(meta_path, licence)
    return licence


def _check_one(meta_path: Path) -> Licence:
    doc = load_data_yaml(meta_path)
    SCHEMA.check(doc, os.fspath(meta_path), cls=DataError, line=1)
    status = doc.get("status", "complete")
    country = doc.get("publisher_country")
    if country is not None and (problem := country_problem(country)):
        raise DataError(f"'publisher_country': {problem}", path=meta_path, line=doc.line_of("publisher_country"))
    if doc["id"] != meta_path.stem:
        raise DataError(f"id '{doc['id']}' does not match the file name", path=meta_path, line=doc.line_of("id"))
    texts = []
    for name in doc["texts"]:
        text_path = meta_path.parent / str(name)
        if not text_path.is_file():
            raise DataError(f"licence text '{name}' not found", path=meta_path, line=doc.line_of("texts"))
        # A user corpus is read whole into the matching index: keep it to licence-sized files.
        if text_path.stat().st_size > MAX_TEXT_BYTES:
            raise DataError(f"licence text '{name}' is larger than {MAX_TEXT_BYTES} bytes",
                            path=meta_path, line=doc.line_of("texts"))
        texts.append(text_path)
    if not texts and status != "text-missing":
        raise DataError("a licence needs at least one text (or status: text-missing)", path=meta_path,
                        line=doc.line_of("texts"))
    return Licence(
        id=doc["id"], name=doc["name"], kind=doc["kind"], texts=tuple(texts),
        version=doc.get("version"), date=doc.get("date"), date_kind=doc.get("date_kind"),
        publisher=doc.get("publisher"), publisher_country=doc.get("publisher_country"),
        url=doc.get("url"), incorporates=tuple(str(x) for x in doc.get("incorporates") or ()),
        incorporates_missing=tuple(str(x) for x in doc.get("incorporates_missing") or ()),
        status=status, third_party_copy=bool(doc.get("third_party_copy", False)),
        source=doc.get("source"), aliases=tuple(str(x) for x in doc.get("aliases") or ()),
        ambiguous_aliases=tuple(str(x) for x in doc.get("ambiguous_aliases") or ()),
        reference_phrases=tuple(str(x) for x in doc.get("reference_phrases") or ()),
        notes=doc.get("notes"), metadata_path=meta_path,
    )


def _load_dir(folder: Path) -> list[Licence]:
    if not folder.is_dir():
        raise DataError("licence folder not found", path=folder)
    return [_load_one(p) for p in sorted(folder.glob("*.yml"))]


@cache
def _bundled() -> tuple[Licence, ...]:
    return tuple(_load_dir(data_dir("licences")))


def load_corpus(extra_dirs: Iterable[str | os.PathLike[str]] = ()) -> Corpus:
    """The bundled corpus, plus users' folders (later folders win on equal ids)."""
    licences = list(_bundled())
    for folder in extra_dirs:
        licences.extend(_load_dir(Path(folder)))
    corpus = Corpus(licences)
    for lic in corpus:
        for inc in lic.incorporates:
            if inc not in corpus:
                raise DataError(f"incorporates unknown licence '{inc}'", path=lic.metadata_path)
    return corpus


@cache
def default_corpus() -> Corpus:
    """The bundled corpus alone (for building an environment: `licheck.env`)."""
    return load_corpus()
