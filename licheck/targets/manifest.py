"""The licheck manifest (`licheck.yaml` / `models.yaml`, docs/contract.md section 4).

    context: context.yaml      # a path (relative to this file's folder) or the mapping inline
    models:
      - org/name               # a bare reference (anything `licheck.refs.parse_ref` accepts)
      - id: org/name           # or one of id / path / gguf / ollama / card,
        revision: main         #   revision with id only,
        use: {...}             #   and per-model `use:` overrides
    waivers: [...]             # inline, or a path to a waivers file

`card: path/README.md` (an addition to CONTRACT section 4) is your own model, described by
its Hugging Face model card and about to be published: it is checked exactly as a model card
given on the command line (see `licheck.targets.modelcard`), under this manifest's context.

Validation is strict: an unknown key, a wrong type, a missing file or a hostile model id
stops the run with `file:line: message` (exit 2). A typo must never shrink what is checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from licheck.errors import ConfigError, InputError
from licheck.model import Location
from licheck.refs import hub_ref, parse_ref
from licheck.schema import Field, Schema
from licheck.targets.base import ModelEntry, Target, at_line, display_path, local_ref
from licheck.targets.modelcard import read_model_card
from licheck.waivers import load_waivers, parse_waivers
from licheck.yamlload import YamlMap, line_of

_TEXT = Field((str,), nonempty=True)
SCHEMA = Schema("a manifest", {
    "context": Field((str, dict), nonempty=True, nullable=True,
                     expect="a path or a mapping (see docs/contract.md, section 2)"),
    "models": Field((list,), nullable=True),
    "waivers": Field((str, list), nonempty=True, nullable=True,
                     expect="a list of waivers or a path to a waivers file"),
})
ENTRY_SCHEMA = Schema("a model entry", {
    "id": _TEXT,
    # A bare number (`revision: 2`) is taken as its digits.
    "revision": Field((str, int), nonempty=True, expect="a string"),
    "path": _TEXT,
    "gguf": _TEXT,
    "ollama": _TEXT,
    "card": _TEXT,
    "use": Field((dict,), nullable=True, expect="a mapping of use: fields (docs/contract.md, section 2)"),
})
_WHAT = ("id", "path", "gguf", "ollama", "card")


def is_manifest(data: Any) -> bool:
    return isinstance(data, Mapping) and "models" in data


def read_manifest(data: Any, path: str) -> Target:
    """Validate a parsed manifest (from `load_yaml(path)`) into a Target."""
    if not isinstance(data, Mapping):
        raise ConfigError("a manifest must be a mapping with a 'models:' list",
                          path=path, line=line_of(data) or 1)
    SCHEMA.check(data, path)
    base = Path(path).parent
    target = Target(kind="manifest", path=path)

    models = data.get("models")
    if models is None:
        models = []
    if not models:
        target.notes.append(f"{path}: the manifest lists no models")
    for index, item in enumerate(models):
        target.entries.append(_entry(item, path, base, line_of(models, index)))

    context = data.get("context")
    if context is not None:
        line = line_of(data, "context")
        if isinstance(context, str):
            ctx_path = base / context.strip()
            if not ctx_path.is_file():
                raise ConfigError(f"context file not found: {context}", path=path, line=line)
            target.context = display_path(ctx_path)
        else:
            target.context, target.context_origin = context, path

    waivers = data.get("waivers")
    if isinstance(waivers, str):
        w_path = base / waivers.strip()
        if not w_path.is_file():
            raise ConfigError(f"waivers file not found: {waivers}", path=path,
                              line=line_of(data, "waivers"))
        target.waivers = load_waivers(display_path(w_path))
    elif waivers is not None:
        target.waivers = parse_waivers(waivers, path)
    return target


def _entry(item: Any, path: str, base: Path, line: int | None) -> ModelEntry:
    location = Location(path, line)
    if isinstance(item, str):
        try:
            ref = parse_ref(item, base_dir=base)
        except InputError as exc:
            raise at_line(exc, path, line) from None
        if ref.kind in ("path", "gguf"):
            ref = dataclasses.replace(ref, name=display_path(ref.name))
        return ModelEntry(ref=ref, written=item.strip(), location=location)
    if not isinstance(item, Mapping):
        raise ConfigError("a model entry must be a reference (org/name) or a mapping with one of "
                          "id, path, gguf, ollama, card", path=path, line=line)
    ENTRY_SCHEMA.check(item, path, line=line)
    given = [k for k in _WHAT if k in item]
    if len(given) != 1:
        what = "none" if not given else " and ".join(given)
        raise ConfigError(f"a model entry needs exactly one of {', '.join(_WHAT)} (got {what})",
                          path=path, line=line)
    key = given[0]
    value = item[key]
    vline = line_of(item, key)
    revision = item.get("revision")
    if revision is not None and key != "id":
        raise ConfigError("'revision' goes with 'id' only", path=path, line=line_of(item, "revision"))
    if revision is not None:
        revision = str(revision)
    try:
        if key == "id":
            name = value.strip().removeprefix("hf:")
            if "@" in name:
                if revision is not None:
                    raise ConfigError("give the revision once: either id@rev or revision:",
                                      path=path, line=vline)
                name, revision = name.split("@", 1)
            ref = hub_ref(name, revision, written=value)
            written = str(ref)
        elif key == "card":
            return _card_entry(item, value, base, path, location, vline)
        elif key == "ollama":
            ref = parse_ref(f"ollama:{value.strip().removeprefix('ollama:')}")
            written = str(ref)
        else:
            ref = local_ref(value, base, path, vline, want=key)
            written = value.strip()
    except InputError as exc:
        raise at_line(exc, path, vline) from None
    use = _use(item, path)
    return ModelEntry(ref=ref, written=written, location=location, use=use,
                      use_path=path if use else None)


def _use(item: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    use = item.get("use")
    if isinstance(use, Mapping) and not isinstance(use, YamlMap):
        use = YamlMap(use)
    return use or None


def _card_entry(item: Mapping[str, Any], value: str, base: Path, path: str,
                location: Location, line: int | None) -> ModelEntry:

    card = base / value.strip()
    if card.is_dir():
        card = card / "README.md"
    if not card.is_file():
        raise ConfigError(f"model card not found: {value}", path=path, line=line)
    read = read_model_card(display_path(card))
    if not read.entries:
        raise ConfigError(f"not a model card (no front matter with license, base_model, ...): "
                          f"{value}", path=path, line=line)
    entry = read.entries[0]
    entry.written = value.strip()
    entry.location = location
    use = _use(item, path)
    entry.use, entry.use_path = use, (path if use else None)
    return entry
