"""The JSON Schema of `--format json` (docs/schema/check-output.schema.json), for tests.

`violations(doc, command)` lists what in a `check`, `resolve` or `identify` document breaks the
schema, or in a `models` or `diff` document breaks its sibling,
docs/schema/commands-output.schema.json. `HOOKS` are the functions whose output
tests/conftest.py validates in every test: the JSON renderer of `check`, of `resolve`, one
`identify` result, and the documents of `models` and `diff`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "docs" / "schema" / "check-output.schema.json"
COMMANDS_SCHEMA_PATH = ROOT / "docs" / "schema" / "commands-output.schema.json"

# (module, attribute, command): the attribute's return value is a document of that command
# (a JSON string), or for "identify-result" one entry of `identify`'s `results` without `file`.
HOOKS = [
    ("licheck.formats.jsonfmt", "render", "check"),
    ("licheck.cli.resolve", "render_json", "resolve"),
    ("licheck.matching.result", "Identification.to_json", "identify-result"),
    ("licheck.cli.models", "to_json", "models"),   # the name the command calls
    ("licheck.diff_render", "to_json", "diff"),
]
# a `models` or `diff` document -> the $defs of commands-output.schema.json it must match
_COMMANDS = {"models": "models", "diff-licences": "diffLicences", "diff-reports": "diffReports"}


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def commands_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(COMMANDS_SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(command: str) -> Draft202012Validator:
    if command in _COMMANDS:   # the sibling schema, which refers to check's shared shapes
        doc = dict(commands_schema())
        doc.pop("oneOf")
        doc["$ref"] = f"#/$defs/{_COMMANDS[command]}"
        registry: Registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in (schema(), commands_schema()))
        return Draft202012Validator(doc, registry=registry)
    pointer = {"check": "#/$defs/check", "resolve": "#/$defs/resolve", "identify": "#/$defs/identify",
               "any": None}[command]
    doc = dict(schema())
    if pointer is not None:
        doc.pop("oneOf")
        doc["$ref"] = pointer
    return Draft202012Validator(doc)


def violations(doc: Any, command: str = "any") -> list[str]:
    """Each schema error as `path: message` (empty when `doc` is valid)."""
    if command == "identify-result":
        doc, command = {"schema_version": 1, "results": [{"file": "f", **doc}]}, "identify"
    if command == "diff":   # the kind of diff the document says it is
        command = "diff-reports" if isinstance(doc, dict) and doc.get("diff") == "reports" else "diff-licences"
    errors = sorted(_validator(command).iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["/".join(map(str, e.absolute_path)) + ": " + e.message[:300] for e in errors]


def checking(original: Callable[..., Any], command: str, found: list[str]) -> Callable[..., Any]:
    """`original`, with each result validated; violations are appended to `found`."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        doc = json.loads(result) if isinstance(result, str) else result
        found.extend(f"{command}: {v}" for v in violations(doc, command))
        return result
    return wrapper
