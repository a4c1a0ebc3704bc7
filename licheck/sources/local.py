"""A local model directory: card, licence files, configs and merge recipes.

What is read, and what a broken file means:

* `README.md` front matter (the user's own card): parsed by `licheck.cardmeta`; broken YAML
  is a `ConfigError` with the line, because silently ignoring it would hide the licence. A
  `base_model` that is a path (`../base`, as transformers writes) is followed; one that is
  neither a path nor a Hub id is an unresolved parent.
* `LICENSE*`, `LICENCE*`, `NOTICE*`, `USE_POLICY*`, `COPYING*`: into `licence_files`, each
  capped in size.
* `config.json`: `_name_or_path` (where the weights were loaded from when saved: the model
  itself or its base) and `model_type`. An architecture says nothing about a licence. A
  broken config.json only adds a note: it describes the weights, not the lineage.
* the weights' structure (`licheck.structure.read_folder_facts`: config.json, tokenizer
  files, safetensors headers, each read within a bound), kept as `ModelFacts.structure` for
  matching against base-model fingerprints. A structure that cannot be read is a note: it
  is evidence about the weights, not the lineage they declare.
* `adapter_config.json` (PEFT) and mergekit configs (`mergekit_config.yml`, or any top-level
  `*.yml`/`*.yaml` with `merge_method` (sniffed before parsing, read up to 64 KiB, at most
  four), or a fenced YAML block with `merge_method` in the README): read here, interpreted
  by `licheck.repofiles` (as for a Hub repository). A
  config that cannot be read or parsed raises `InputError` / `ConfigError` with the path:
  it defines the lineage, and guessing without it would drop licences.

A missing directory is `Unresolved` (a parent named by a config may not be on this machine).
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

from licheck.cardmeta import card_facts, read_card
from licheck.errors import ConfigError, InputError
from licheck.files import decode_text, read_capped, read_head, read_text
from licheck.model import ModelFacts, ModelRef, ParentLink, Unresolved, sha256_digest
from licheck.refs import hub_ref, is_hub_id
from licheck.repofiles import apply_adapter_config, apply_merge_recipe
from licheck.yamlload import parse_yaml

MAX_CARD_BYTES = 5 * 1024 * 1024
MAX_LICENCE_FILE_BYTES = 1024 * 1024
MAX_LICENCE_FILES = 20
MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_MERGE_FILES = 20
MAX_MERGE_BYTES = 256 * 1024           # mergekit_config.yml: recipes are a few KB
MAX_SNIFFED_RECIPE_BYTES = 64 * 1024   # any other YAML file read as a possible recipe
MAX_SNIFFED_RECIPES = 4
MAX_CARD_YAML_BLOCKS = 20

_LICENCE_FILE = re.compile(r"(licen[cs]e|notice|use[_-]policy|copying)([._-].*)?", re.IGNORECASE)
_README_NAMES = ("README.md", "readme.md", "README.MD", "Readme.md")
# A mergekit recipe has a `merge_method:` key (block or flow style): the sniff before parsing.
_RECIPE_KEY = re.compile(r"(?m)(?:^\s*|[{,]\s*)['\"]?merge_method['\"]?\s*:")
_YAML_FENCE = re.compile(r"^```ya?ml[ \t]*\r?\n(.*?)^```", re.MULTILINE | re.DOTALL)


class LocalDirSource:
    """Facts from a model directory on disk."""

    name = "local"

    def accepts(self, ref: ModelRef) -> bool:
        return ref.kind == "path" and not ref.name.lower().endswith(".gguf")

    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        folder = Path(ref.name)
        if not folder.is_dir():
            what = "is a file, not a model directory" if folder.exists() else "no such directory"
            return Unresolved(ref, f"{ref.name}: {what}")
        readme = next((folder / n for n in _README_NAMES if (folder / n).is_file()), None)
        card_text = read_text(readme, max_bytes=MAX_CARD_BYTES) if readme else None
        facts = self._card(ref, readme, card_text)
        if readme is not None and card_text is not None:
            facts.documents[readme.name] = sha256_digest(card_text)
        if not facts.id:
            facts.id = ref.name
        facts.source = "local"
        self._hf_cache_snapshot(folder, facts)
        self._licence_files(folder, facts)
        self._config(folder, facts)
        self._adapter(folder, facts)
        self._merge(folder, facts, readme, card_text)
        self._structure(folder, facts)
        return facts

    # -- card -----------------------------------------------------------------------------

    @staticmethod
    def _card(ref: ModelRef, readme: Path | None, text: str | None) -> ModelFacts:
        if readme is None or text is None:
            facts = ModelFacts(ref=ref, id=ref.name, source="local")
            facts.notes.append("no README.md model card")
            return facts
        meta = read_card(text, str(readme))
        facts = card_facts(meta, ref, source="local",
                           local=lambda value: _card_path_ref(value, readme.parent))
        if not meta:
            facts.notes.append(f"{readme.name} has no metadata block")
        return facts

    @staticmethod
    def _hf_cache_snapshot(folder: Path, facts: ModelFacts) -> None:
        """`.../models--org--name/snapshots/<sha>/` is a download of org/name at <sha>."""
        resolved = folder.resolve()
        repo_dir = resolved.parent.parent.name
        if resolved.parent.name != "snapshots" or not repo_dir.startswith("models--"):
            return
        parts = repo_dir[len("models--"):].split("--")
        hub_id = "/".join(parts)
        if len(parts) != 2 or not is_hub_id(hub_id):
            return
        facts.name = facts.name or hub_id
        if re.fullmatch(r"[0-9a-f]{40}", resolved.name):
            facts.revision = facts.revision or resolved.name
        facts.notes.append(f"a Hugging Face cache snapshot of {hub_id} at {resolved.name}")

    # -- licence files --------------------------------------------------------------------

    @staticmethod
    def _licence_files(folder: Path, facts: ModelFacts) -> None:
        try:
            names = sorted(p.name for p in folder.iterdir() if _LICENCE_FILE.fullmatch(p.name))
        except OSError as exc:
            facts.notes.append(f"cannot list {folder}: {exc.strerror or exc}")
            return
        for name in names[:MAX_LICENCE_FILES]:
            path = folder / name
            if path.is_dir():
                continue
            try:
                data = read_capped(path, MAX_LICENCE_FILE_BYTES)
            except InputError as exc:   # too large for a licence text, a FIFO, a device
                facts.notes.append(f"{name} skipped: {exc.message}")
                continue
            facts.documents[name] = sha256_digest(data)
            try:
                facts.licence_files[name] = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                facts.licence_files[name] = data.decode("latin-1")
                facts.notes.append(f"{name} is not UTF-8; read as Latin-1")
        if len(names) > MAX_LICENCE_FILES:
            facts.notes.append(f"only the first {MAX_LICENCE_FILES} licence files were read")

    # -- config.json / adapter_config.json --------------------------------------------------

    @staticmethod
    def _json(path: Path) -> Any:
        """Parse a size-capped JSON file; raises ValueError with a readable reason."""
        try:
            data = read_capped(path, MAX_JSON_BYTES)
        except InputError as exc:
            raise ValueError(exc.message) from None
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
        except UnicodeDecodeError:
            raise ValueError("not UTF-8 text") from None
        except RecursionError:
            raise ValueError("nested too deeply") from None

    def _config(self, folder: Path, facts: ModelFacts) -> None:
        path = folder / "config.json"
        if not path.is_file():
            return
        try:
            config = self._json(path)
        except (OSError, ValueError) as exc:
            facts.notes.append(f"config.json ignored: {exc}")
            return
        if not isinstance(config, dict):
            facts.notes.append("config.json ignored: not a JSON object")
            return
        facts.documents["config.json"] = sha256_digest(read_capped(path, MAX_JSON_BYTES))
        model_type = config.get("model_type")
        if isinstance(model_type, str) and model_type:
            facts.notes.append(f"config.json model_type={model_type!r} (an architecture; it says "
                               "nothing about the licence)")
        quant = config.get("quantization_config")
        if isinstance(quant, dict) and isinstance(quant.get("quant_method"), str):
            facts.notes.append(f"config.json: quantized weights ({quant['quant_method']})")
            if facts.parents and facts.relation is None:
                facts.relation = "quantized"
        loaded_from = config.get("_name_or_path")
        if not isinstance(loaded_from, str) or not loaded_from.strip():
            return
        ref = _hub_ref(loaded_from)
        if ref is None:
            facts.notes.append(f"config.json _name_or_path={loaded_from!r} (a local path where "
                               "the weights were saved from)")
            return
        if any(p.ref.name.lower() == ref.name.lower() for p in facts.parents):
            return
        if facts.parents:
            facts.notes.append(f"config.json _name_or_path={ref.name} (not a declared parent)")
            return
        # No other lineage: these weights are that model or derive from it; either way its
        # licence binds, so link it with relation "unknown" rather than lose it.
        facts.parents.append(ParentLink(ref, "unknown"))
        facts.relation = facts.relation or "unknown"
        facts.notes.append(f"config.json _name_or_path={ref.name}: the weights were loaded from "
                           "it (this model is it or derives from it)")

    @staticmethod
    def _structure(folder: Path, facts: ModelFacts) -> None:
        from licheck.structure import read_folder_facts  # only a run with a model folder reads one

        try:
            structure = read_folder_facts(folder)
        except InputError as exc:
            facts.notes.append(f"the weights' structure could not be read: {exc}")
            return
        if structure.says_anything:
            facts.structure = structure

    def _adapter(self, folder: Path, facts: ModelFacts) -> None:
        path = folder / "adapter_config.json"
        if not path.is_file():
            return
        try:
            config = self._json(path)
        except ValueError as exc:
            raise InputError(f"{exc}; the adapter's base model cannot be read", path=path) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
        facts.documents["adapter_config.json"] = sha256_digest(read_capped(path, MAX_JSON_BYTES))
        apply_adapter_config(facts, config, "adapter_config.json", lambda text: _model_ref(text, folder))

    # -- mergekit ---------------------------------------------------------------------------

    @staticmethod
    def _sniff_recipe(path: Path, facts: ModelFacts) -> str | None:
        """The text of a YAML file that has a `merge_method:` key, else None. A file too large
        to be read as a recipe that looks like one is reported (an `unresolved` parent),
        since its bases would otherwise be lost without a word."""
        try:
            head = read_head(path, MAX_SNIFFED_RECIPE_BYTES)
        except InputError:
            return None   # not a regular file, or unreadable: not a recipe we can know
        if not _RECIPE_KEY.search(head[:MAX_SNIFFED_RECIPE_BYTES].decode("utf-8", "replace")):
            return None
        if len(head) > MAX_SNIFFED_RECIPE_BYTES:
            facts.unknown_parents.append(
                f"{path.name} looks like a merge recipe but is larger than the "
                f"{MAX_SNIFFED_RECIPE_BYTES // 1024} KiB licheck reads as one; name it "
                "mergekit_config.yml if it is the recipe")
            return None
        try:
            return decode_text(head, path)
        except InputError:
            return None

    def _merge(self, folder: Path, facts: ModelFacts, readme: Path | None, card: str | None) -> None:
        recipes: list[tuple[str, Any]] = []
        candidates = sorted(p for p in folder.iterdir()
                            if p.is_file() and p.suffix.lower() in (".yml", ".yaml"))
        sniffed = 0
        for path in candidates[:MAX_MERGE_FILES]:
            named = path.stem.lower() in ("mergekit_config", "merge_config")
            if named:
                text = read_text(path, max_bytes=MAX_MERGE_BYTES)
            else:
                # Any other YAML file is sniffed before it is parsed: YAML costs ~7 s a MB here,
                # and a folder of data files is not a folder of recipes.
                sniffed_text = self._sniff_recipe(path, facts)
                if sniffed_text is None:
                    continue
                text = sniffed_text
                sniffed += 1
                if sniffed > MAX_SNIFFED_RECIPES:
                    facts.unknown_parents.append(
                        f"{path.name} may be a merge recipe, but only {MAX_SNIFFED_RECIPES} "
                        "files that are not named mergekit_config.yml are read")
                    continue
            try:
                doc = parse_yaml(text, str(path))
            except (ConfigError, InputError):
                if named:
                    raise   # the merge recipe itself is broken: the lineage cannot be known
                continue    # some other YAML file that does not parse: not ours to judge
            if isinstance(doc, dict) and (named or "merge_method" in doc):
                recipes.append((path.name, doc))
                facts.documents[path.name] = sha256_digest(read_capped(path, MAX_MERGE_BYTES))
        if not recipes and readme is not None and card:
            # A recipe quoted in a card is among its first blocks; a card of 300 000 blocks
            # would otherwise cost seconds of YAML parsing.
            for match in itertools.islice(_YAML_FENCE.finditer(card), MAX_CARD_YAML_BLOCKS):
                try:
                    doc = parse_yaml(match.group(1), str(readme))
                except ConfigError:
                    continue
                if isinstance(doc, dict) and "merge_method" in doc:
                    recipes.append((f"{readme.name} (YAML block)", doc))
                    break
        for where, doc in recipes:
            apply_merge_recipe(facts, doc, where, lambda text: _model_ref(text, folder))


def _hub_ref(text: str) -> ModelRef | None:
    """A Hub ref for `org/name[@rev]`, or None when the text is a path or not an id."""
    value = text.strip()
    name, _, rev = value.partition("@")
    if "/" not in name or not is_hub_id(name) or os.path.isabs(name):
        return None
    try:
        return hub_ref(name, rev or None)
    except InputError:
        return None


def _path_ref(text: str, folder: Path) -> ModelRef:
    path = Path(os.path.expanduser(text.strip()))
    if not path.is_absolute():
        path = folder / path
    path = Path(os.path.normpath(path))
    kind = "gguf" if path.name.lower().endswith(".gguf") else "path"
    return ModelRef(kind, str(path))


def _card_path_ref(text: str, folder: Path) -> ModelRef | None:
    """A card's `base_model` as a path, when it is one: written as a path (`../base`,
    `/abs`, `~/x`, `C:\\x`) or naming a folder that exists next to the card (a local folder
    wins over a Hub id of the same spelling, as in transformers). A URL is never a path."""
    value = text.strip()
    if "://" in value or value.lower().startswith(("hf:", "http:", "https:")):
        return None
    looks_like_path = value.startswith(("./", "../", "/", "~", ".\\", "..\\", "\\")) or \
        value in (".", "..") or "\\" in value or bool(re.match(r"[A-Za-z]:[\\/]", value))
    if looks_like_path or (folder / value).is_dir():
        return _path_ref(value, folder)
    return None


def _model_ref(text: str, folder: Path) -> ModelRef:
    return _hub_ref(text) or _path_ref(text, folder)
