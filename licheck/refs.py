"""Parse what users write to name a model into a validated `ModelRef`.

Accepted forms: `org/name`, `name`, `org/name@rev`, `hf:org/name[@rev]`,
`https://huggingface.co/org/name[/tree/rev]`, `ollama:llama3.3:70b`, a path to a model
directory, or a path to a `.gguf` file (relative paths are taken from `base_dir`).

Hub ids are checked against the Hub's repo-id grammar (`licheck.hubid`) *before* anything
builds a URL or a cache path from them, so `../`, absolute paths posing as ids, NUL bytes, URL-encoded
traversal (`%2e%2e`) and overlong ids are refused with an `InputError`. An existing local
directory wins over a Hub id of the same spelling (as transformers does).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from licheck.errors import InputError
from licheck.hubid import hub_id_problem, is_hub_id
from licheck.model import ModelRef
from licheck.schema import suggest

MAX_REF_LENGTH = 512
MAX_REVISION = 255

_REVISION = re.compile(r"[A-Za-z0-9._][A-Za-z0-9._/+-]*")
_OLLAMA = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*(?::[A-Za-z0-9._-]+)?")
_HUB_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
# Path forms that are never Hub ids.
_PATH_PREFIXES = ("./", "../", "/", "~", ".\\", "..\\", "\\")

__all__ = ["hub_id_problem", "hub_ref", "is_hub_id", "parse_ref"]


def _revision_problem(rev: str) -> str | None:
    if not rev:
        return "empty revision after '@'"
    if len(rev) > MAX_REVISION:
        return f"revision is longer than {MAX_REVISION} characters"
    if "\x00" in rev or "%" in rev or ".." in rev or "//" in rev or rev.endswith("/"):
        return "revision contains characters that are not allowed"
    if any(part in (".", "..") for part in rev.split("/")):
        # `org/name@.` would make /revision/. in the URL: another endpoint.
        return "revision has a '.' or '..' segment"
    if not _REVISION.fullmatch(rev):
        return "revision may use only letters, digits and . _ / + -"
    return None


def hub_ref(repo_id: str, revision: str | None = None, *, written: str | None = None) -> ModelRef:
    """A validated Hub `ModelRef`; raises InputError naming what was written."""
    shown = written if written is not None else repo_id
    problem = hub_id_problem(repo_id)
    if problem:
        raise InputError(f"invalid model reference {_quote(shown)}: {problem}")
    if revision is not None:
        problem = _revision_problem(revision)
        if problem:
            raise InputError(f"invalid model reference {_quote(shown)}: {problem}")
    return ModelRef(kind="hub", name=repo_id, revision=revision)


def _quote(text: str) -> str:
    # Show hostile input safely: repr escapes NUL and control characters; cut overlong text.
    shown = text if len(text) <= 120 else text[:117] + "..."
    return repr(shown)


def _split_revision(text: str) -> tuple[str, str | None]:
    if "@" in text:
        name, rev = text.split("@", 1)
        return name, rev
    return text, None


def _from_url(text: str) -> ModelRef:
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in _HUB_HOSTS:
        raise InputError(f"invalid model reference {_quote(text)}: only Hugging Face Hub URLs "
                         f"({', '.join(_HUB_HOSTS)}) are understood")
    if "%" in parts.path:
        raise InputError(f"invalid model reference {_quote(text)}: URL-encoded characters are "
                         "not allowed in a model URL")
    segs = [s for s in parts.path.split("/") if s]
    if segs and segs[0] in ("datasets", "spaces"):
        raise InputError(f"invalid model reference {_quote(text)}: this URL is a {segs[0][:-1]}, "
                         "not a model")
    if not segs:
        raise InputError(f"invalid model reference {_quote(text)}: the URL names no model")
    # org/name[/tree|blob|resolve/rev[/...]] or name[/tree/rev]
    markers = ("tree", "blob", "resolve", "commit")
    cut = next((i for i, s in enumerate(segs) if s in markers and i >= 1), len(segs))
    repo_segs = segs[:cut]
    revision = segs[cut + 1] if cut + 1 < len(segs) else None
    if len(repo_segs) > 2:
        raise InputError(f"invalid model reference {_quote(text)}: the URL path is not org/name")
    return hub_ref("/".join(repo_segs), revision, written=text)


def _local(text: str, base_dir: Path | None) -> str:
    """`text` as a local path, relative to `base_dir` (os.path, not pathlib: every entry of a
    manifest is tried as a path, and Path objects were most of the cost of reading one)."""
    path = os.path.expanduser(text)
    if not os.path.isabs(path) and base_dir is not None:
        path = os.path.join(base_dir, path)
    return os.path.normpath(path)


def _nearest(path: Path) -> str:
    """` (did you mean 'x'?)` over the entries of the folder `path` would be in."""
    try:
        names = [p.name for p in path.parent.iterdir()]
    except OSError:
        return ""
    close = suggest(path.name, names)
    return f" (did you mean '{path.parent / close}'?)" if close else ""


def parse_ref(text: str, *, base_dir: Path | None = None) -> ModelRef:
    """Classify and validate a model reference; raise InputError on anything unsafe."""
    if not isinstance(text, str):
        raise InputError(f"invalid model reference {text!r}: expected a string")
    raw = text
    text = text.strip()
    if not text:
        raise InputError("invalid model reference '': empty")
    if len(text) > MAX_REF_LENGTH:
        raise InputError(f"invalid model reference {_quote(text)}: longer than {MAX_REF_LENGTH} characters")
    if "\x00" in text or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise InputError(f"invalid model reference {_quote(raw)}: contains a control character")

    lower = text.lower()
    if lower.startswith("hf:"):
        name, rev = _split_revision(text[3:])
        return hub_ref(name, rev, written=text)
    if lower.startswith("ollama:"):
        name = text[len("ollama:"):]
        if ".." in name or not _OLLAMA.fullmatch(name) or len(name) > 200:
            raise InputError(f"invalid model reference {_quote(text)}: not an Ollama model name "
                             "(expected e.g. ollama:llama3.3:70b)")
        return ModelRef(kind="ollama", name=name)
    if lower.startswith(("http://", "https://")):
        return _from_url(text)

    if lower.endswith(".gguf"):
        path = _local(text, base_dir)
        if not os.path.isfile(path):
            raise InputError(f"GGUF file not found: {text}")
        return ModelRef(kind="gguf", name=path)

    looks_like_path = text.startswith(_PATH_PREFIXES) or text in (".", "..") or \
        bool(re.match(r"[A-Za-z]:[\\/]", text))
    candidate = _local(text, base_dir)
    if "@" not in text and os.path.isdir(candidate):
        return ModelRef(kind="path", name=candidate)
    if looks_like_path:
        raise InputError(f"invalid model reference {_quote(text)}: no such directory, and a path "
                         "is not a Hub model id")
    name, rev = _split_revision(text)
    first = name.split("/", 1)[0]
    if "/" in name and first not in (".", "..") and os.path.isdir(_local(first, base_dir)):
        # `a/b` where the folder `a/` exists here is a path of the working tree, not a Hub id:
        # a misspelt local folder must not be looked up on the Hub.
        raise InputError(f"no such directory: {_quote(text)} (the folder '{first}/' exists here, "
                         f"so this is read as a path){_nearest(Path(candidate))}")
    if ":" in name and hub_id_problem(name):
        raise InputError(f"invalid model reference {_quote(text)}: not a Hub id "
                         "(for an Ollama model write ollama:NAME)")
    return hub_ref(name, rev, written=text)
