"""Targets of `licheck check`: the things a user points it at, read into model references.

`discover(paths, config)` turns each command-line TARGET into a `Target`:

* a YAML file is told apart by content, not name: `models:` is a licheck manifest,
  `model_list:` a LiteLLM proxy config (a `.licheck.yaml` config stands for the manifest it
  names);
* `README.md` (or any `.md`) with front matter is a Hugging Face model card;
* `Modelfile` (also `Modelfile.x`, `x.modelfile`) is an Ollama Modelfile;
* a `.gguf` file is a GGUF model;
* a directory holding `licheck.yaml` / `models.yaml` stands for that manifest; otherwise it
  is a local model directory (README.md, config.json, adapter_config.json, ...), checked as
  a model you use (only a `README.md` given itself, or a manifest `card:` entry, is checked
  as your own model about to be published under the card's name);
* anything that does not exist on disk is a model reference (`org/name`, `org/name@rev`,
  `hf:org/name`, `ollama:llama3.3:70b`), unless it plainly names a file (then: not found).

With no TARGET: the manifest named in the config, else `licheck.yaml` / `models.yaml` in
the current directory, else an error saying what to give.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from licheck.config import CONFIG_FILE, PYPROJECT, Config, find_config, load_config
from licheck.errors import ConfigError, InputError
from licheck.hubid import is_hub_id
from licheck.model import Location, ModelRef
from licheck.refs import parse_ref
from licheck.targets.base import ModelEntry, Target, at_line, display_path
from licheck.targets.dependents import config_manifests, looks_like_dependency, manifests_using
from licheck.targets.litellm import is_litellm_config, read_litellm_config
from licheck.targets.manifest import is_manifest, read_manifest
from licheck.targets.modelcard import read_model_card
from licheck.targets.modelfile import is_modelfile_name, modelfile_target
from licheck.targets.search import find_targets, is_model_folder
from licheck.yamlload import line_of, load_yaml

__all__ = ["ModelEntry", "Target", "discover", "read_target", "DEFAULT_MANIFESTS"]

DEFAULT_MANIFESTS = ("licheck.yaml", "models.yaml")
YAML_SUFFIXES = (".yaml", ".yml", ".json")
MODEL_DIR_MARKERS = ("README.md", "config.json", "adapter_config.json", "mergekit_config.yml",
                     "LICENSE", "LICENSE.md", "LICENSE.txt", "params.json")
_FILE_SUFFIXES = YAML_SUFFIXES + (".md", ".gguf", ".toml", ".txt")
_ID_LIKE_SUFFIXES = (".md", ".json", ".txt")
# Files a model folder holds: `cards/README.md` is a missing card, not a Hub repo.
_KNOWN_FILE_NAMES = frozenset({
    "readme.md", "config.json", "adapter_config.json", "generation_config.json", "params.json",
    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "license.md",
    "license.txt", "licence.md", "licence.txt", "notice.txt", "notice.md", "requirements.txt",
    "use_policy.md"})


def discover(paths: Sequence[str], config: Config | None = None) -> list[Target]:
    """Read every TARGET; with none, the default manifest. Raises LicheckError (exit 2)."""
    if not paths:
        return [read_target(default_manifest(config))]
    targets: list[Target] = []
    seen: set[str] = set()
    for item in _expanded(paths):
        target = item if isinstance(item, Target) else read_target(item)
        # The same file named twice (e.g. a manifest and the .licheck.yaml naming it, both
        # passed by pre-commit) is checked once.
        key = os.path.normcase(os.path.abspath(target.path)) if target.path else None
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        targets.append(target)
    return targets


def _expanded(paths: Sequence[str]) -> Iterator[str | Target]:
    """The TARGETs, with a folder that is neither a model nor holds a manifest at its top
    replaced by the manifests and model cards found under it (`licheck.targets.search`), and
    a file a manifest depends on by the manifests that use it (`licheck.targets.dependents`)."""
    for text in paths:
        p = Path(os.path.expanduser(text))
        if p.is_file():
            yield from _dependency(text, p)
            continue
        if not p.is_dir() or any((p / n).is_file() for n in DEFAULT_MANIFESTS) or is_model_folder(p):
            yield text
            continue
        found = find_targets(p)
        if not found:
            raise InputError("no manifest under this folder (licheck.yaml, models.yaml) and no "
                             "model card (README.md with front matter), and it is not a model "
                             "folder (config.json, adapter_config.json, weights)", path=text)
        yield from found


def _dependency(text: str, p: Path) -> Iterator[str | Target]:
    """A config, context or waivers file: the manifests whose verdict it changes."""
    if p.name == PYPROJECT:
        if find_config(p.parent) != p:
            yield Target(kind="manifest", path=text, notes=[f"{text}: no [tool.licheck]; skipped"])
            return
        yield from _config_targets(text, load_config(p))
        return
    if not p.name.lower().endswith((".yaml", ".yml")) or p.name in DEFAULT_MANIFESTS:
        yield text
        return
    if p.name == CONFIG_FILE:
        yield from _config_targets(text, load_config(p))
        return
    data = load_yaml(p)
    if is_manifest(data) or is_litellm_config(data) or not looks_like_dependency(data):
        # read (or refused) as itself, from the document parsed here
        yield _yaml_file(_file_path(str(p) if text.startswith("~") else text), data=data)
        return
    users = manifests_using(text)
    if not users:
        yield Target(kind="manifest", path=text,
                     notes=[f"{text}: no manifest here uses this file; nothing to check"])
    yield from users


def _config_targets(text: str, config: Config) -> Iterator[str | Target]:
    found = config_manifests(config)
    if not found:
        yield Target(kind="manifest", path=text,
                     notes=[f"{text}: the config names no manifest and none is beside it; "
                            "nothing to check"])
    yield from found


def default_manifest(config: Config | None) -> str:
    if config is not None and config.manifest:
        if not Path(config.manifest).is_file():
            raise ConfigError(f"manifest not found: {config.manifest}", path=config.path,
                              line=config.line("manifest"))
        return display_path(config.manifest)
    for name in DEFAULT_MANIFESTS:
        if Path(name).is_file():
            return name
    raise InputError("nothing to check: no TARGET given, no 'manifest' in the config, and no "
                     "licheck.yaml or models.yaml here (give a manifest, a model card, a Modelfile, "
                     "a LiteLLM config, a model directory, a .gguf file or a model id)")


def read_target(text: str, _via: tuple[str, ...] = ()) -> Target:
    """`_via`: the configs that led here, each standing for the manifest it names."""
    p = Path(os.path.expanduser(text))
    if p.is_dir():
        return _directory(p)
    if p.is_file():
        return _file(text if not text.startswith("~") else str(p), _via)
    if p.exists():
        raise InputError("not a regular file or directory", path=text)
    if _names_a_file(text):
        raise InputError("no such file or directory", path=text)
    return _reference(text)


def _names_a_file(text: str) -> bool:
    name = Path(text).name
    if _hub_id_with_a_file_suffix(text):
        return False
    return (text.startswith(("./", "../", "/", "~", ".\\")) or is_modelfile_name(name)
            or name.lower().endswith(_FILE_SUFFIXES) or name.lower() == "readme")


def _hub_id_with_a_file_suffix(text: str) -> bool:
    """`org/model.md`, `org/config.json`, `org/x.txt`: Hub ids that merely end like file
    names. Taken as ids when no such file exists and `org` is not a folder here either (then
    it would be a mistyped path)."""
    name, _, _rev = text.strip().partition("@")
    return (name.lower().endswith(_ID_LIKE_SUFFIXES) and is_hub_id(name, namespaced=True)
            and Path(name).name.lower() not in _KNOWN_FILE_NAMES
            and not Path(name.split("/", 1)[0]).is_dir())


def _reference(text: str) -> Target:
    ref = parse_ref(text)
    return Target(kind="ref", path=None,
                  entries=[ModelEntry(ref=ref, written=text.strip(), location=None)])


def _directory(p: Path) -> Target:
    for name in DEFAULT_MANIFESTS:
        if (p / name).is_file():
            return _file(display_path(p / name))
    if any((p / marker).exists() for marker in MODEL_DIR_MARKERS) or any(p.glob("*.safetensors")):
        folder = display_path(p)
        entry = ModelEntry(ref=_path_ref(folder), written=folder, location=Location(folder))
        target = Target(kind="directory", path=folder, entries=[entry])
        return target
    raise InputError("a directory target must hold licheck.yaml or models.yaml, or be a model "
                     "directory (README.md, config.json, adapter_config.json, LICENSE, "
                     "*.safetensors)", path=display_path(p))


def _path_ref(folder: str) -> ModelRef:
    return ModelRef(kind="path", name=folder)


def _file_path(path: str) -> str:
    return display_path(path) if os.path.isabs(path) else os.path.normpath(path)


def _file(path: str, via: tuple[str, ...] = ()) -> Target:
    path = _file_path(path)
    name = Path(path).name
    lower = name.lower()
    if lower.endswith(".gguf"):
        ref = ModelRef(kind="gguf", name=path)
        return Target(kind="gguf", path=path,
                      entries=[ModelEntry(ref=ref, written=path, location=Location(path))])
    if is_modelfile_name(name):
        return modelfile_target(path)
    if lower.endswith((".md", ".markdown")):
        return read_model_card(path)
    if lower.endswith(YAML_SUFFIXES):
        return _yaml_file(path, via)
    raise InputError("cannot tell what this file is: expected a manifest or LiteLLM config "
                     "(.yaml), a model card (README.md), a Modelfile or a .gguf file", path=path)


def _yaml_file(path: str, via: tuple[str, ...] = (), data: Any = None) -> Target:
    """A YAML target; `data`: its document, when it has been parsed already."""
    if data is None:
        data = load_yaml(path)
    if is_manifest(data) and is_litellm_config(data):
        raise ConfigError("has both 'models:' (licheck manifest) and 'model_list:' (LiteLLM "
                          "config); split them", path=path, line=line_of(data, "model_list"))
    if is_manifest(data):
        return read_manifest(data, path)
    if is_litellm_config(data):
        return read_litellm_config(data, path)
    if Path(path).name == ".licheck.yaml":
        config = load_config(path)
        if config.manifest:
            # A config naming itself, or two naming each other, would recurse for ever.
            here = os.path.normcase(os.path.realpath(path))
            named = os.path.normcase(os.path.realpath(config.manifest))
            if named == here or named in via:
                raise ConfigError("'manifest' names a config, not a manifest: "
                                  f"{config.manifest} leads back to {path}", path=config.path,
                                  line=config.line("manifest"))
            return read_target(default_manifest(config), (*via, here))
        return Target(
            kind="manifest", path=path,
            notes=[f"{path}: the config names no manifest; nothing to check"])
    raise ConfigError("not a licheck manifest (no 'models:') nor a LiteLLM proxy config (no "
                      "'model_list:')", path=path, line=line_of(data) or 1)


__all__ += ["at_line"]
