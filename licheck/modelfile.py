"""Parse an Ollama Modelfile far enough to find what it is built from (docs/formats.md 2.1).

The grammar follows Ollama's own parser: one `INSTRUCTION arguments` per line, instructions
case-insensitive, `#` starting a comment line, values bare (to the end of the line), in
`"..."` or in triple double quotes (both may span lines), an unknown instruction or an unclosed quote
being an error, and `FROM` being required. `ollama show --modelfile` writes `FROM` as a blob
path with the model's name in a comment above it (`# FROM llama3.2:latest`); that name is
kept as `comment_name`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from licheck.errors import InputError
from licheck.model import ModelRef
from licheck.yamlload import read_text

INSTRUCTIONS = ("FROM", "ADAPTER", "LICENSE", "TEMPLATE", "SYSTEM", "PARAMETER", "MESSAGE",
                "REQUIRES", "DRAFT", "RENDERER", "PARSER")
# Instructions with a name before the value: PARAMETER <name> <value>, MESSAGE <role> <text>.
_NAMED = ("PARAMETER", "MESSAGE")
MAX_MODELFILE_BYTES = 1024 * 1024

_COMMENT_FROM = re.compile(r"#\s*FROM\s+(\S+)\s*$", re.IGNORECASE)
_PATH_PREFIXES = ("./", "../", "/", "~", ".\\", "..\\", "\\")


class ModelfileDirective(NamedTuple):
    """One instruction of a Modelfile."""

    instruction: str              # upper case: FROM, ADAPTER, LICENSE, ...
    value: str                    # the argument, quotes removed
    line: int                     # 1-based line where the instruction starts
    name: str | None = None       # PARAMETER name or MESSAGE role
    comment_name: str | None = None   # `# FROM <name>` written just above a FROM


def parse_modelfile(text: str, path: str, *,
                    instructions: tuple[str, ...] | None = ("FROM", "ADAPTER", "LICENSE")
                    ) -> list[ModelfileDirective]:
    """The Modelfile's directives (by default FROM, ADAPTER and LICENSE), in file order.

    Raises InputError with `path:line` for what Ollama itself would refuse.
    """
    if len(text) > MAX_MODELFILE_BYTES:
        raise InputError(f"Modelfile is larger than {MAX_MODELFILE_BYTES} bytes", path=path)
    out: list[ModelfileDirective] = []
    i, line, n = 0, 1, len(text)
    last_comment: tuple[int, str] | None = None   # (line, name) of the latest `# FROM name`
    saw_from = False
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            continue
        if ch in " \t\r\ufeff":
            i += 1
            continue
        if ch == "#":
            end = _line_end(text, i)
            match = _COMMENT_FROM.match(text[i:end].strip())
            if match:
                last_comment = (line, match.group(1))
            i = end
            continue
        start_line = line
        j = i
        while j < n and (text[j].isalpha() or text[j] == "_"):
            j += 1
        word = text[i:j]
        if not word:
            raise InputError(f"expected an instruction, found {text[i]!r}", path=path, line=line)
        instruction = word.upper()
        if instruction not in INSTRUCTIONS:
            raise InputError(f"unknown instruction '{word}' (expected one of: "
                             f"{', '.join(INSTRUCTIONS)})", path=path, line=line)
        i = _skip_blanks(text, j)
        name = None
        if instruction in _NAMED:
            k = i
            while k < n and not text[k].isspace():
                k += 1
            name = text[i:k] or None
            if name is None:
                raise InputError(f"{instruction} needs a name and a value", path=path, line=line)
            i = _skip_blanks(text, k)
        value, i, line = _read_value(text, i, line, path, instruction)
        if not value.strip() and instruction in ("FROM", "ADAPTER"):
            raise InputError(f"{instruction} needs a value", path=path, line=start_line)
        if instruction == "FROM":
            saw_from = True
        comment_name = None
        if instruction == "FROM" and last_comment and last_comment[0] == start_line - 1:
            comment_name = last_comment[1]
        if instructions is None or instruction in instructions:
            out.append(ModelfileDirective(instruction, value, start_line, name, comment_name))
    if not saw_from:
        raise InputError("no FROM instruction (a Modelfile must say which model it builds on)",
                         path=path, line=1)
    return out


def read_modelfile(path: str | os.PathLike[str]) -> list[ModelfileDirective]:
    """Read and parse a Modelfile from disk (size-capped)."""

    return parse_modelfile(read_text(path, max_bytes=MAX_MODELFILE_BYTES), os.fspath(path))


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _skip_blanks(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _read_value(text: str, i: int, line: int, path: str, instruction: str) -> tuple[str, int, int]:
    """The value starting at i; returns (value, index after it, current line)."""
    if text.startswith('"""', i):
        close = text.find('"""', i + 3)
        if close < 0:
            raise InputError(f'{instruction}: unclosed """ string', path=path, line=line)
        value = text[i + 3:close]
        end = close + 3
    elif text.startswith('"', i):
        k = i + 1
        while k < len(text) and text[k] != '"':
            k += 2 if text[k] == "\\" else 1
        if k >= len(text):
            raise InputError(f'{instruction}: unclosed " string', path=path, line=line)
        value = text[i + 1:k].replace('\\"', '"')
        end = k + 1
    else:
        end = _line_end(text, i)
        return text[i:end].strip(), end, line
    rest_end = _line_end(text, end)
    if text[end:rest_end].strip():
        raise InputError(f"{instruction}: unexpected text after the closing quote",
                         path=path, line=line + text.count("\n", i, end))
    return value, rest_end, line + text.count("\n", i, rest_end)


def _looks_like_path(value: str) -> bool:
    return value.startswith(_PATH_PREFIXES) or value.lower().endswith(".gguf") or \
        bool(re.match(r"[A-Za-z]:[\\/]", value)) or "\\" in value


def directive_ref(directive: ModelfileDirective, modelfile_path: str | os.PathLike[str]) -> ModelRef:
    """The model a FROM or ADAPTER directive names.

    A value that exists on disk relative to the Modelfile's folder (or absolute, or `~`) is
    local: a file is a GGUF (`gguf`), a folder a Safetensors model (`path`). For FROM, anything
    else is an Ollama name (`llama3.3:70b`, `hf.co/org/repo:Q4_K_M`, `user/model:tag`); a
    blob path written by `ollama show --modelfile` stands for the name in its comment. Paths
    that do not exist stay paths, so the source can say "not found".
    """
    value = directive.value.strip()
    base = Path(os.fspath(modelfile_path)).parent
    if directive.instruction == "FROM" and directive.comment_name and "sha256" in value:
        return ModelRef("ollama", directive.comment_name)
    candidate = Path(os.path.expanduser(value))
    if not candidate.is_absolute():
        candidate = base / candidate
    candidate = Path(os.path.normpath(candidate))
    if candidate.is_file():
        return ModelRef("gguf", str(candidate))
    if candidate.is_dir():
        return ModelRef("path", str(candidate))
    if directive.instruction != "FROM" or _looks_like_path(value):
        kind = "gguf" if value.lower().endswith(".gguf") else "path"
        return ModelRef(kind, str(candidate))
    return ModelRef("ollama", value)
