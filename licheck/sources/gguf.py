"""A local `.gguf` file: the licence and lineage keys of its header (docs/formats.md 1.3-1.4).

The trap (docs/formats.md 1.4): a GGUF converted from model X carries X's *declared* licence
(`general.license*`), and `general.base_model.*` describes X's *parents*, not X. X itself is
named only lossily (`general.name`, `general.basename`), or exactly in `general.source.*`
when X's card had a repo URL. So:

* with `general.source.repo_url` on the Hub, X is the parent, relation `quantized`;
* otherwise the `general.base_model.*` Hub repos are recorded as parents with relation
  `unknown` (X sits between them and this file, unrecorded), and a note says so;
* a LoRA GGUF (`general.type = adapter`) is an `adapter` of its base models.

Only the header is read, with bounds (see `licheck.gguf_header`). The weights' structure
(`<arch>.block_count`, widths, heads, the vocabulary's size and special tokens) is read from
the same header by `licheck.structure.read_gguf_facts`, for matching against base-model
fingerprints (`ModelFacts.structure`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.model import ModelFacts, ModelRef, ParentLink, Unresolved, sha256_digest
from licheck.refs import parse_ref

MAX_BASE_MODELS = 64


def hub_id_from_url(url: Any) -> str | None:
    """`https://huggingface.co/org/name[/...]` -> `org/name`; None for anything else."""
    if not isinstance(url, str) or not url.strip():
        return None

    try:
        ref = parse_ref(url.strip())
    except InputError:
        return None
    return ref.name if ref.kind == "hub" and "/" in ref.name else None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


class GgufSource:
    """Facts from a GGUF file's header metadata."""

    name = "gguf"

    def accepts(self, ref: ModelRef) -> bool:
        return ref.kind == "gguf" or (ref.kind == "path" and ref.name.lower().endswith(".gguf"))

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        # The header and structure readers load only for a run that names a .gguf file.
        from licheck.gguf_header import read_gguf_header
        from licheck.structure import read_gguf_facts

        path = Path(ref.name)
        if not path.exists():
            return Unresolved(ref, f"GGUF file not found: {ref.name}")
        header = read_gguf_header(path)   # InputError on a corrupt file: the user's own input
        meta = header.metadata
        facts = ModelFacts(ref=ref, id=ref.name, source="gguf")
        # The header's metadata as canonical JSON: what every fact below was read from.
        facts.documents["GGUF metadata"] = sha256_digest(
            json.dumps(meta, sort_keys=True, default=repr, ensure_ascii=False))
        facts.declared_licence = _text(meta.get("general.license"))
        facts.licence_name = _text(meta.get("general.license.name"))
        facts.licence_link = _text(meta.get("general.license.link"))
        facts.name = _text(meta.get("general.name"))

        described = [f"{key.removeprefix('general.')}={meta[key]!r}" for key in (
            "general.architecture", "general.type", "general.name", "general.organization",
            "general.basename", "general.finetune", "general.size_label",
            "general.quantized_by", "general.file_type") if key in meta]
        facts.notes.append(f"GGUF v{header.version} header: " + (", ".join(described) or "no general.* names"))
        if not any(k.startswith("general.license") for k in meta):
            facts.notes.append("the GGUF header declares no licence (general.license is absent)")
        if isinstance(meta.get("split.no"), int) and meta["split.no"] != 0:
            facts.notes.append(f"this is shard {meta['split.no'] + 1} of a split GGUF; the general "
                               "metadata is written in the first shard")

        is_adapter = _text(meta.get("general.type")) == "adapter"
        source_id = None
        for key in ("general.source.repo_url", "general.source.url"):
            source_id = source_id or hub_id_from_url(meta.get(key))
        if source_id and not is_adapter:
            facts.parents.append(ParentLink(ModelRef("hub", source_id), "quantized"))
            facts.relation = "quantized"
            facts.notes.append(f"converted from {source_id} (general.source.*)")

        bases = self._base_models(meta, facts)
        if is_adapter:
            for base in bases:
                facts.parents.append(ParentLink(ModelRef("hub", base), "adapter"))
            facts.relation = "adapter" if bases else None
            if source_id:
                facts.notes.append(f"adapter converted from {source_id} (general.source.*)")
        elif bases and not source_id:
            for base in bases:
                facts.parents.append(ParentLink(ModelRef("hub", base), "unknown"))
            facts.relation = "unknown"
            facts.notes.append(
                "general.base_model.* names the parents of the model this file was converted "
                "from, which the file does not record; they are linked as ancestors")
        elif bases:
            facts.notes.append("that model's own parents per general.base_model.*: " + ", ".join(bases))
        if not is_adapter:   # a LoRA's tensors are not a model's shape
            try:
                structure = read_gguf_facts(path)
            except InputError as exc:   # the licence keys above were read: keep them
                facts.notes.append(f"the weights' structure could not be read: {exc}")
            else:
                facts.structure = structure if structure.says_anything else None
        return facts

    @staticmethod
    def _base_models(meta: dict[str, Any], facts: ModelFacts) -> list[str]:
        count = meta.get("general.base_model.count")
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            return []
        out: list[str] = []
        for i in range(min(count, MAX_BASE_MODELS)):
            prefix = f"general.base_model.{i}."
            hub_id = hub_id_from_url(meta.get(prefix + "repo_url")) or \
                hub_id_from_url(meta.get(prefix + "url"))
            if hub_id:
                if hub_id not in out:
                    out.append(hub_id)
                continue
            shown = " / ".join(t for t in (_text(meta.get(prefix + "organization")),
                                           _text(meta.get(prefix + "name"))) if t)
            facts.notes.append(f"general.base_model.{i} has no Hub repo URL"
                               + (f" (named {shown!r}; names in GGUF are lossy)" if shown else ""))
        return out
