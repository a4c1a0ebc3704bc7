"""Ollama models (`ollama:llama3.3:70b`): map the library name to the Hub model it ships.

Design: an Ollama model is a GGUF quantization of a Hub model. The facts returned are about
the Ollama model itself (id `ollama:<name>`), with the Hub model as its parent, relation
`quantized`, so the lineage shows both the name the user wrote and the model whose licence
binds. The licence hint of the Ollama node is the catalogue licence of that Hub model (Ollama
ships the upstream licence as the model's licence layer), and its modalities are copied (a
quantization takes the same inputs).

* Library names go through the catalogue (`catalogue/ollama.yml`); the tag matters where the
  licence differs by size (`qwen2.5:3b` vs `qwen2.5:72b`). An unknown name or size is
  `Unresolved`: "add it to a user catalogue".
* `hf.co/<org>/<repo>[:quant]` names are GGUF files pulled from that Hub repo: the repo is
  the parent.
* With `models_dir` (Ollama's local store; the command line passes the config's
  `ollama_models`), the manifest is read too: its licence layers become `licence_files`, and
  the model blob's GGUF header is read (bounded) for `general.license` and lineage, and a
  model built locally (`ollama create`) has the model its layers came `from` as its parent.
  That catches tags Ollama has re-pointed since the catalogue was written, and local models.
  The store is read only when a folder is given, so results never depend silently on the
  machine.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from licheck.catalogue import Catalogue, split_ollama_name
from licheck.errors import InputError
from licheck.files import read_capped
from licheck.model import ModelFacts, ModelRef, ParentLink, Unresolved
from licheck.modelfile import ModelfileDirective, directive_ref, parse_modelfile, read_modelfile
from licheck.refs import is_hub_id
from licheck.sources.gguf import GgufSource

__all__ = ["OllamaSource", "parse_modelfile", "read_modelfile", "directive_ref",
           "ModelfileDirective", "default_models_dir"]

MAX_MANIFEST_BYTES = 1024 * 1024
MAX_LICENCE_LAYER_BYTES = 1024 * 1024
MAX_LICENCE_LAYERS = 16
_DIGEST = re.compile(r"sha256:([0-9a-f]{64})")
_HF_HOSTS = ("hf.co/", "huggingface.co/")
_NAME_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def default_models_dir() -> Path | None:
    """Ollama's local store, if there is one: `$OLLAMA_MODELS` or `~/.ollama/models`."""
    env = os.environ.get("OLLAMA_MODELS")
    folder = Path(env) if env else Path.home() / ".ollama" / "models"
    return folder if folder.is_dir() else None


def _strip_prefix(name: str) -> str:
    text = name.strip()
    return text[len("ollama:"):] if text.lower().startswith("ollama:") else text


def _hf_repo(name: str) -> tuple[str, str | None] | None:
    """`hf.co/org/repo[:quant]` -> (`org/repo`, quant)."""
    lower = name.lower()
    host = next((h for h in _HF_HOSTS if lower.startswith(h)), None)
    if host is None:
        return None
    repo, _, tag = name[len(host):].partition(":")

    return (repo, tag or None) if "/" in repo and is_hub_id(repo) else None


def _size_order(tag: str) -> tuple[float, str]:
    """Tags by the size they start with (`1.5b` before `14b`), then by name."""
    match = re.match(r"(\d+(?:\.\d+)?)", tag)
    return (float(match.group(1)) if match else float("inf"), tag)


def _manifest_path(root: Path, name: str) -> Path | None:
    """`<root>/manifests/<host>/<namespace>/<model>/<tag>` (docs/formats.md 2.4), or None if the
    name cannot be one (so no path is ever built from junk)."""
    base, _, tag = name.partition(":")
    parts = base.split("/")
    if len(parts) == 1:
        parts = ["registry.ollama.ai", "library", *parts]
    elif len(parts) == 2:
        parts = ["registry.ollama.ai", *parts]
    if len(parts) != 3 or not all(_NAME_PART.fullmatch(p) for p in parts):
        return None
    if parts[0].lower() == "huggingface.co":
        parts[0] = "hf.co"
    tag = tag or ("latest" if parts[0] != "hf.co" else "")
    if not tag or not _NAME_PART.fullmatch(tag) or ".." in base:
        return None
    return root / "manifests" / parts[0] / parts[1] / parts[2] / tag


class OllamaSource:
    """Ollama library models, through the catalogue and optionally the local store."""

    name = "ollama"

    def __init__(self, catalogue: Catalogue, models_dir: str | os.PathLike[str] | None = None) -> None:
        self.catalogue = catalogue
        self.models_dir = Path(models_dir) if models_dir is not None else None

    def accepts(self, ref: ModelRef) -> bool:
        return ref.kind == "ollama"

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        name = _strip_prefix(ref.name)
        facts = ModelFacts(ref=ref, id=f"ollama:{name}", source="ollama", name=name)
        known = self._from_catalogue(name, facts) or self._from_hub_name(name, facts)
        stored = self._from_store(name, facts) if self.models_dir else False
        if known or stored:
            return facts
        where = f" or in the Ollama store at {self.models_dir}" if self.models_dir else ""
        add = "add it to a user catalogue (catalogue/ollama.yml in a folder named by extra_catalogue)"
        if not self.models_dir:
            add += ", or, for a model in your Ollama store, name the store in the config (ollama_models)"
        parsed = split_ollama_name(name)
        tags = self.catalogue.ollama_tags(parsed[0]) if parsed else []
        if parsed and tags:   # a known family: say which tags are known rather than guess a size
            tag = parsed[1] or "latest"
            return Unresolved(ref, f"Ollama '{parsed[0]}' is in licheck's catalogue but its tag "
                                   f"'{tag}' is not{where} (known tags: {', '.join(sorted(tags, key=_size_order))}); sizes "
                                   "are not guessed because the licence can differ by size; "
                                   f"name a known tag, or {add.replace('add it', 'add the tag')}")
        return Unresolved(ref, f"Ollama model '{name}' is not in licheck's catalogue{where}; {add}")

    def _from_catalogue(self, name: str, facts: ModelFacts) -> bool:
        target = self.catalogue.ollama_target(name)
        if target is None:
            parsed = split_ollama_name(name)
            if parsed and parsed[0] in self.catalogue.ollama_names():
                facts.notes.append(f"the catalogue knows Ollama '{parsed[0]}' but not the tag "
                                   f"'{parsed[1] or 'latest'}'; sizes are not guessed because "
                                   "the licence can differ by size")
            return False
        facts.parents.append(ParentLink(ModelRef("hub", target.hub_id), "quantized"))
        facts.relation = "quantized"
        facts.notes.append(f"Ollama '{target.name}' ships a GGUF quantization of "
                           f"{target.hub_id} (licheck catalogue)")
        if target.notes:
            facts.notes.append(target.notes)
        entry = self.catalogue.model(target.hub_id)
        if entry is not None:
            facts.licence_hint = entry.licence
            facts.modalities = list(entry.modalities)
        return True

    def _from_hub_name(self, name: str, facts: ModelFacts) -> bool:
        found = _hf_repo(name)
        if found is None:
            return False
        repo, quant = found
        facts.parents.append(ParentLink(ModelRef("hub", repo), "quantized"))
        facts.relation = "quantized"
        facts.notes.append(f"a GGUF file ({quant or 'default quantization'}) pulled from the "
                           f"Hub repository {repo}")
        return True

    def _from_store(self, name: str, facts: ModelFacts) -> bool:
        assert self.models_dir is not None
        manifest_path = _manifest_path(self.models_dir, name)
        if manifest_path is None or not manifest_path.is_file():
            return False
        try:
            manifest = json.loads(read_capped(manifest_path, MAX_MANIFEST_BYTES))
            layers = manifest["layers"]
            if not isinstance(layers, list):
                raise ValueError("'layers' is not a list")
        except (InputError, ValueError, KeyError, TypeError, RecursionError) as exc:
            facts.notes.append(f"Ollama manifest {manifest_path} could not be read ({exc})")
            return False
        facts.notes.append(f"Ollama store manifest {manifest_path}")
        licences = 0
        built_from: str | None = None   # the model layer's `from`: what `ollama create` built on
        adapted = False                 # an adapter layer of this model's own (not inherited)
        for layer in layers:
            if not isinstance(layer, dict):
                continue
            media = str(layer.get("mediaType", ""))
            match = _DIGEST.fullmatch(str(layer.get("digest", "")))
            if not match:
                continue
            blob = self.models_dir / "blobs" / f"sha256-{match.group(1)}"
            if media.endswith(".license") and licences < MAX_LICENCE_LAYERS:
                text = self._read_licence_layer(blob, facts)
                if text is not None:
                    licences += 1
                    facts.licence_files[f"ollama-license-{licences}"] = text
            elif media.endswith(".model"):
                origin = layer["from"] if isinstance(layer.get("from"), str) else None
                built_from = built_from or origin
                facts.notes.append(f"model layer {match.group(0)}" + (f" (from {origin})" if origin else ""))
                self._merge_gguf(blob, facts)
            elif media.endswith(".adapter") and not layer.get("from"):
                adapted = True
        if not facts.parents and built_from:
            self._link_built_from(built_from, manifest_path, adapted, facts)
        return True

    def _link_built_from(self, parent: str, manifest_path: Path, adapted: bool, facts: ModelFacts) -> None:
        """`ollama create` copies the layers of the model it builds on with `from` naming that
        model. When neither the catalogue nor the weights' header gave a lineage, that model is
        the parent, so its licence binds whatever this model's own licence layers say."""
        assert self.models_dir is not None
        path = _manifest_path(self.models_dir, _strip_prefix(parent))
        if path is None or str(path).lower() == str(manifest_path).lower():
            facts.notes.append(f"the model layer's 'from' ({parent[:80]!r}) names no other "
                               "Ollama model; not followed")
            return
        relation = "adapter" if adapted else "quantized"
        facts.parents.append(ParentLink(ModelRef("ollama", _strip_prefix(parent)), relation))
        facts.relation = relation
        facts.notes.append(f"built by ollama create from {parent} (the model layer's 'from')")

    @staticmethod
    def _read_licence_layer(blob: Path, facts: ModelFacts) -> str | None:
        try:
            return read_capped(blob, MAX_LICENCE_LAYER_BYTES).decode("utf-8", errors="replace")
        except InputError as exc:
            facts.notes.append(f"licence layer {blob.name} skipped ({exc.message})")
            return None

    def _merge_gguf(self, blob: Path, facts: ModelFacts) -> None:
        try:
            found = GgufSource().fetch(ModelRef("gguf", str(blob)))
        except InputError as exc:
            facts.notes.append(f"model blob header could not be read: {exc}")
            return
        if isinstance(found, Unresolved):
            facts.notes.append(f"model blob missing: {found.reason}")
            return
        facts.declared_licence = found.declared_licence
        facts.licence_name = found.licence_name
        facts.licence_link = found.licence_link
        facts.notes.extend(found.notes)
        if not facts.parents:   # the catalogue did not know the name: the blob is all we have
            facts.parents = list(found.parents)
            facts.relation = found.relation
            return
        expected = set()
        for link in facts.parents:
            expected.add(link.ref.name.lower())
            entry = self.catalogue.model(link.ref.name)
            expected.update(p.lower() for p, _rel in (entry.parents if entry else ()))
        seen = [p for p in found.parents if p.ref.name.lower() not in expected]
        if found.parents and len(seen) == len(found.parents):
            # The file on disk disagrees with the catalogue (a re-pointed tag?): keep both,
            # so no licence that may bind is dropped, and say so.
            facts.notes.append("the model blob's GGUF metadata names "
                               + ", ".join(p.ref.name for p in seen)
                               + ", which the catalogue mapping does not: the tag may have been "
                               "re-pointed; both are kept in the lineage")
            facts.parents.extend(seen)
