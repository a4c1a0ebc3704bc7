"""Project configuration: `.licheck.yaml`, or `[tool.licheck]` in `pyproject.toml`.

Discovered in the current directory (or named with `--config FILE`). Paths in the config
are relative to the config file's folder. Unknown keys and wrong types are errors that name
the file and line, so a typo never silently changes what the gate checks.

    manifest: licheck.yaml        # checked when `licheck check` gets no target
    context: context.yaml         # a path, or the context mapping inline
    waivers: waivers.yaml         # a path, or a list of waivers inline
    fail_on: error                # error | warning | obligation | never
    offline: false
    strict: false
    cache_dir: .licheck-cache
    extra_licences: [legal/licences]
    extra_rules: [legal/rules]
    extra_catalogue: [legal/catalogue]
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licheck.errors import ConfigError
from licheck.yamlload import YamlList, YamlMap, line_of, load_yaml, read_text

CONFIG_FILE = ".licheck.yaml"
PYPROJECT = "pyproject.toml"
FAIL_ON = ("error", "warning", "obligation", "info", "never")

_KEYS = ("manifest", "context", "waivers", "fail_on", "offline", "cache_dir",
         "extra_licences", "extra_rules", "extra_catalogue", "strict")


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
    line_numbers: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int | None:
        return self.line_numbers.get(key)


DEFAULT_CONFIG = Config()


def find_config(cwd: str | os.PathLike[str] = ".") -> Path | None:
    """`.licheck.yaml` in `cwd`, else a `pyproject.toml` there with a `[tool.licheck]` table."""
    folder = Path(cwd)
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


def _rel(value: str, base: Path) -> str:
    """A config path made relative to the current directory (it is written relative to base)."""
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded):
        return expanded
    return os.path.normpath(os.path.join(base, expanded))


def _validate(raw: Mapping[str, Any], p: Path, lines: Mapping[str, int | None]) -> Config:
    base = p.parent
    where = {k: v for k, v in lines.items() if v is not None}

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(message, path=p, line=where.get(key))

    for key in raw:
        if key not in _KEYS:
            raise fail(key, f"unknown key '{key}' (expected one of: {', '.join(_KEYS)})")

    def opt_str(key: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(key, f"'{key}' must be a non-empty string")
        return value

    def opt_bool(key: str) -> bool | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise fail(key, f"'{key}' must be true or false")
        return value

    def paths(key: str) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(key, f"'{key}' must be a path or a list of paths")
        return tuple(_rel(v, base) for v in value)

    manifest = opt_str("manifest")
    fail_on = opt_str("fail_on")
    if fail_on is not None and fail_on.lower() not in FAIL_ON:
        raise fail("fail_on", f"'fail_on' must be one of: {', '.join(FAIL_ON)} (got '{fail_on}')")

    context = raw.get("context")
    if context is not None:
        if isinstance(context, str) and context.strip():
            context = _rel(context, base)
        elif not isinstance(context, dict):
            raise fail("context", "'context' must be a path or a mapping (see CONTRACT section 2)")

    waivers = raw.get("waivers")
    if waivers is not None:
        if isinstance(waivers, str) and waivers.strip():
            waivers = _rel(waivers, base)
        elif not isinstance(waivers, list):
            raise fail("waivers", "'waivers' must be a path or a list of waivers")
        elif not isinstance(waivers, YamlList):
            # from TOML: keep the list, it has no line numbers of its own
            waivers = YamlList(waivers)
            waivers.line = where.get("waivers")

    cache_dir = opt_str("cache_dir")
    return Config(
        path=os.fspath(p),
        manifest=_rel(manifest, base) if manifest else None,
        context=context,
        waivers=waivers,
        fail_on=fail_on.lower() if fail_on else None,
        offline=opt_bool("offline"),
        strict=opt_bool("strict"),
        cache_dir=_rel(cache_dir, base) if cache_dir else None,
        extra_licences=paths("extra_licences"),
        extra_rules=paths("extra_rules"),
        extra_catalogue=paths("extra_catalogue"),
        line_numbers=dict(where),
    )
