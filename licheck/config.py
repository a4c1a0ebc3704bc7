"""Project configuration: `.licheck.yaml`, or `[tool.licheck]` in `pyproject.toml`.

Discovered in the current directory (or named with `--config FILE`). Paths in the config
are relative to the config file's folder. Unknown keys and wrong types are errors that name
the file and line, so a typo never silently changes what the gate checks.

    manifest: licheck.yaml        # checked when `licheck check` gets no target
    context: context.yaml         # a path, or the context mapping inline
    waivers: waivers.yaml         # a path, or a list of waivers inline
    fail_on: error                # error | warning | obligation | info | never
    offline: false
    strict: false
    cache_dir: .licheck-cache
    extra_licences: [legal/licences]
    extra_rules: [legal/rules]
    extra_catalogue: [legal/catalogue]
    ollama_models: ~/.ollama/models   # Ollama's local store, read only when named here
    levels: {provenance: info, licence_mismatch: error}   # a severity per finding kind

Keys may also be written as the command line's flags are (`fail-on`), as pyproject tools
allow. Without `--config`, the config is looked for in the current directory, then in each
folder above it up to the repository's root (the folder holding `.git`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from licheck.errors import ConfigError
from licheck.schema import Field, Schema
from licheck.severity import FAIL_ON_CHOICES, SEVERITIES
from licheck.yamlload import YamlList, YamlMap, line_of, load_yaml, read_text

CONFIG_FILE = ".licheck.yaml"
PYPROJECT = "pyproject.toml"
# A key set to null counts as not given.
_PATH = Field((str,), nonempty=True, nullable=True)
_PATHS = Field((str, list), items=str, nonempty=True, nullable=True, expect="a path or a list of paths")
SCHEMA = Schema("the config", {
    "manifest": _PATH,
    "context": Field((str, dict), nonempty=True, nullable=True,
                     expect="a path or a mapping (see docs/contract.md, section 2)"),
    "waivers": Field((str, list), nonempty=True, nullable=True, expect="a path or a list of waivers"),
    "fail_on": Field((str,), choices=FAIL_ON_CHOICES, ignore_case=True, nullable=True),
    "offline": Field((bool,), nullable=True),
    "cache_dir": _PATH,
    "extra_licences": _PATHS,
    "extra_rules": _PATHS,
    "extra_catalogue": _PATHS,
    "ollama_models": _PATH,
    "strict": Field((bool,), nullable=True),
    "levels": Field((dict,), nullable=True, expect="a mapping of finding kind to severity"),
})


@cache
def _levels_schema() -> Schema:
    """What `levels` may map: the finding kinds, each to a severity. The kinds' records are
    loaded only for a config that sets levels (`licences`, `explain` and `identify` never
    need them)."""
    from licheck.kinds import KINDS

    return Schema("'levels'", {kind: Field((str,), choices=SEVERITIES, ignore_case=True) for kind in KINDS})


@dataclass(frozen=True)
class Config:
    """Validated configuration; paths are absolute or relative to the current directory."""

    path: str | None = None                      # the file it came from, for messages
    manifest: str | None = None
    context: str | Mapping[str, Any] | None = None
    waivers: str | list[Any] | None = None       # path, or the inline list (YamlList)
    fail_on: str | None = None
    offline: bool | None = None
    strict: bool | None = None
    cache_dir: str | None = None
    extra_licences: tuple[str, ...] = ()
    extra_rules: tuple[str, ...] = ()
    extra_catalogue: tuple[str, ...] = ()
    ollama_models: str | None = None             # Ollama's local store (`licheck.sources.ollama`)
    levels: Mapping[str, str] = field(default_factory=dict)   # finding kind -> severity
    line_numbers: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int | None:
        return self.line_numbers.get(key)


DEFAULT_CONFIG = Config()


def find_config(cwd: str | os.PathLike[str] = ".") -> Path | None:
    """The config of `cwd`: in `cwd`, else in the nearest folder above it up to the
    repository's root (never above it, nor above `cwd` outside a repository)."""
    start = Path(cwd)
    here = start.resolve()
    root = next((f for f in (here, *here.parents) if (f / ".git").exists()), here)
    for up, folder in enumerate((here, *here.parents)):
        found = _config_in(start if up == 0 else folder)
        if found is not None or folder == root:
            return found
    return None


def _config_in(folder: Path) -> Path | None:
    """`.licheck.yaml` in `folder`, else a `pyproject.toml` there with a `[tool.licheck]` table."""
    candidate = folder / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = folder / PYPROJECT
    if pyproject.is_file():
        text = read_text(pyproject)
        if re.search(r"^\s*\[\s*tool\s*\.\s*licheck\s*[\].]", text, re.MULTILINE):
            return pyproject
    return None


def load_config(path: str | os.PathLike[str] | None = None, *,
                cwd: str | os.PathLike[str] = ".") -> Config:
    """Load `path`, or the config discovered in `cwd`; the defaults when there is none."""
    if path is None:
        found = find_config(cwd)
        if found is None:
            return DEFAULT_CONFIG
        path = os.path.relpath(found) if not Path(cwd).is_absolute() else found
    p = Path(path)
    lines: Mapping[str, int | None]
    if p.name == PYPROJECT or p.suffix == ".toml":
        raw, lines = _load_toml(p)
    else:
        data = load_yaml(p)
        if data is None:
            return Config(path=os.fspath(p))
        if not isinstance(data, dict):
            raise ConfigError("a config file must be a mapping of keys to values",
                              path=p, line=line_of(data))
        raw, lines = dict(data), {k: data.line_of(k) for k in data} if isinstance(data, YamlMap) else {}
    return _validate(raw, p, lines)


def _load_toml(p: Path) -> tuple[dict[str, Any], dict[str, int]]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        try:
            import tomli as tomllib
        except ImportError:
            raise ConfigError("reading pyproject.toml on Python 3.10 needs the 'tomli' package "
                              "(pip install tomli), or use .licheck.yaml", path=p) from None
    text = read_text(p)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else None
        msg = getattr(exc, "msg", None) or str(exc).split(" (at line")[0]
        raise ConfigError(f"invalid TOML: {msg}", path=p, line=line) from None
    tool = doc.get("tool", {})
    table = tool.get("licheck") if isinstance(tool, dict) else None   # `tool = 1` is valid TOML
    if table is None:
        raise ConfigError("no [tool.licheck] table", path=p)
    if not isinstance(table, dict):
        raise ConfigError("[tool.licheck] must be a table", path=p)
    return table, _toml_key_lines(text, table)


def _toml_key_lines(text: str, table: Mapping[str, Any]) -> dict[str, int]:
    """Best-effort line numbers of the keys of `[tool.licheck]` (tomllib keeps none)."""
    lines: dict[str, int] = {}
    in_table = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("["):
            name = stripped.strip("[] \t").replace(" ", "")
            in_table = name == "tool.licheck" or name.startswith("tool.licheck.")
            if name.startswith("tool.licheck."):
                lines.setdefault(name.split(".")[2].strip('"'), number)
            continue
        if in_table:
            m = re.match(r'["\']?([A-Za-z0-9_.-]+)["\']?\s*=', stripped)
            if m:
                lines.setdefault(m.group(1).split(".")[0], number)
    return {k: v for k, v in lines.items() if k in table}


def _flag_spelling(raw: Mapping[str, Any], lines: Mapping[str, int | None],
                   p: Path) -> tuple[dict[str, Any], dict[str, int | None]]:
    """Keys written as the flags are (`fail-on`) read as `fail_on`; both at once is an error."""
    out: dict[str, Any] = {}
    out_lines: dict[str, int | None] = {}
    for key, value in raw.items():
        name = key.replace("-", "_") if isinstance(key, str) and key.replace("-", "_") in SCHEMA.fields \
            else key
        if name in out:
            raise ConfigError(f"'{key}' and '{name}' are the same setting; keep one", path=p,
                              line=lines.get(key))
        out[name] = value
        out_lines[name] = lines.get(key)
    return out, out_lines


def _rel(value: str, base: Path) -> str:
    """A config path made relative to the current directory (it is written relative to base)."""
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded):
        return expanded
    return os.path.normpath(os.path.join(base, expanded))


def _ollama_models(value: str | None, base: Path, p: Path, line: int | None) -> str | None:
    """The store folder as written (`~` expanded, relative to the config), or Ollama's own
    variable when the value is exactly `$OLLAMA_MODELS`: naming it is the user's explicit
    choice to let the machine decide. No other variable is expanded."""
    if value is None:
        return None
    text = value.strip()
    if text in ("$OLLAMA_MODELS", "${OLLAMA_MODELS}"):
        folder = os.environ.get("OLLAMA_MODELS", "")
        if not folder.strip():
            raise ConfigError("'ollama_models' is $OLLAMA_MODELS, but that environment variable "
                              "is not set (set it, or write the folder, e.g. ~/.ollama/models)",
                              path=p, line=line)
        return os.path.expanduser(folder)   # as Ollama reads it: relative to where it runs
    if text.startswith("$"):
        raise ConfigError(f"'ollama_models': only $OLLAMA_MODELS is expanded, not {text!r}; "
                          "write the folder (e.g. ~/.ollama/models)", path=p, line=line)
    return _rel(value, base)


def _validate(raw: Mapping[str, Any], p: Path, lines: Mapping[str, int | None]) -> Config:
    base = p.parent
    raw, lines = _flag_spelling(raw, lines, p)
    where = {k: v for k, v in lines.items() if v is not None}

    SCHEMA.check(raw, os.fspath(p), lines=where)
    if raw.get("levels"):
        _levels_schema().check(raw["levels"], os.fspath(p), line=where.get("levels"), prefix="levels")
    manifest: str | None = raw.get("manifest")
    fail_on: str | None = raw.get("fail_on")
    paths = {key: tuple(_rel(v, base) for v in ([raw[key]] if isinstance(raw[key], str) else raw[key]))
             for key in ("extra_licences", "extra_rules", "extra_catalogue") if raw.get(key) is not None}

    context = raw.get("context")
    if context is not None:
        if isinstance(context, str):
            context = _rel(context, base)

    waivers = raw.get("waivers")
    if waivers is not None:
        if isinstance(waivers, str):
            waivers = _rel(waivers, base)
        elif not isinstance(waivers, YamlList):
            # from TOML: keep the list, it has no line numbers of its own
            waivers = YamlList(waivers)
            waivers.line = where.get("waivers")

    cache_dir: str | None = raw.get("cache_dir")
    return Config(
        path=os.fspath(p),
        manifest=_rel(manifest, base) if manifest else None,
        context=context,
        waivers=waivers,
        fail_on=fail_on.strip().lower() if fail_on else None,
        offline=raw.get("offline"),
        strict=raw.get("strict"),
        cache_dir=_rel(cache_dir, base) if cache_dir else None,
        extra_licences=paths.get("extra_licences", ()),
        extra_rules=paths.get("extra_rules", ()),
        extra_catalogue=paths.get("extra_catalogue", ()),
        ollama_models=_ollama_models(raw.get("ollama_models"), base, p, where.get("ollama_models")),
        levels={k: str(v).strip().lower() for k, v in (raw.get("levels") or {}).items()},
        line_numbers=dict(where),
    )
