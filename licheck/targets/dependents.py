"""Files a verdict depends on besides the manifest: which manifests to check when one changes.

The pre-commit hook passes the files that changed. A context file, a waivers file or the
config (`.licheck.yaml`, `pyproject.toml` with `[tool.licheck]`) changes the verdict of the
manifests that use it, so given one of them `licheck check` checks those manifests: the
manifests under the current directory (pre-commit runs at the repository root) whose
`context:` or `waivers:` names the file, and the manifest the config checks when the config
names it (or is it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from licheck.config import Config, load_config
from licheck.errors import LicheckError
from licheck.targets.search import MANIFEST_NAMES, find_targets
from licheck.yamlload import load_yaml

# Top-level keys of a context file and of a waivers file (docs/contract.md sections 2 and 4).
_CONTEXT_KEYS = frozenset({"organisation", "sectors", "use", "policy"})


def looks_like_dependency(data: Any) -> bool:
    """A context mapping, a waivers mapping, or a list of waivers."""
    if isinstance(data, Mapping):
        return bool(data) and (set(data) <= _CONTEXT_KEYS or set(data) == {"waivers"})
    return isinstance(data, list) and all(isinstance(w, Mapping) and ("rule" in w or "kind" in w)
                                          for w in data)


def config_manifests(config: Config) -> list[str]:
    """What a config checks: its `manifest`, else licheck.yaml / models.yaml in its folder."""
    if config.manifest:
        return [config.manifest]
    folder = Path(config.path).parent if config.path else Path(".")
    return [os.path.normpath(folder / n) for n in MANIFEST_NAMES if (folder / n).is_file()][:1]


def manifests_using(path: str, config: Config | None = None) -> list[str]:
    """The manifests whose verdict `path` (a context or waivers file) changes."""
    found: list[str] = []
    config = config if config is not None else load_config()
    for value in (config.context, config.waivers):
        if isinstance(value, str) and _same(value, path):
            found += config_manifests(config)
    for manifest in find_targets(Path(".")):
        if Path(manifest).name not in MANIFEST_NAMES:
            continue
        try:
            data = load_yaml(manifest)
        except LicheckError:
            continue   # reported when that manifest is itself checked
        if not isinstance(data, Mapping):
            continue
        base = Path(manifest).parent
        if any(isinstance(data.get(k), str) and _same(base / data[k].strip(), path)
               for k in ("context", "waivers")):
            found.append(manifest)
    return list(dict.fromkeys(found))


def _same(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
