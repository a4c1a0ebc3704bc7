"""The Hugging Face Hub's repo-id grammar: the one place that decides what a Hub id is.

Every part of licheck that parses or validates a Hub id (references users write, catalogue
data, Ollama and adapter configs pointing at the Hub, the CycloneDX purl) asks here, so an id
accepted in one place is accepted in all. An id is checked *before* anything builds a URL or a
cache path from it: `../`, absolute paths posing as ids, NUL bytes, URL-encoded traversal
(`%2e%2e`) and overlong ids are refused.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_SEGMENT = 96          # the Hub's limit for a namespace or a repo name
MAX_HUB_ID = 2 * MAX_SEGMENT + 1

# One segment of a Hub id: letters, digits, '-', '_', '.', starting and ending alphanumeric.
_SEGMENT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")   # control characters (a NUL included)


def segment_problem(part: str) -> str | None:
    """Why `part` is not one segment (an organisation or a repo name) of a Hub id."""
    if not part:
        return "model id has an empty part"
    if len(part) > MAX_SEGMENT:
        return f"a part of the model id is longer than {MAX_SEGMENT} characters"
    if not _SEGMENT.fullmatch(part):
        return ("model id may use only letters, digits, '-', '_' and '.', and must start "
                "and end with a letter or digit")
    return None


@lru_cache(maxsize=4096)   # a run asks about the same few hundred ids from several stages
def hub_id_problem(text: str, *, namespaced: bool = False) -> str | None:
    """Why `text` is not a valid Hub repo id (`org/name`, or `name` unless `namespaced`)."""
    if not text:
        return "empty model id"
    if len(text) > MAX_HUB_ID:
        return f"model id is longer than {MAX_HUB_ID} characters"
    if _CONTROL.search(text):
        return "model id contains a control character"
    if "%" in text:
        return "model id contains '%' (URL-encoded characters are not allowed in ids)"
    if ".." in text:
        return "model id contains '..'"
    if "--" in text:
        return "model id contains '--'"
    if text.startswith(("/", "\\", "~")) or _DRIVE.match(text):
        return "an absolute path is not a model id"
    parts = text.split("/")
    if len(parts) > 2:
        return "model id has more than one '/' (expected org/name)"
    if namespaced and len(parts) != 2:
        return "model id has no organisation (expected org/name)"
    for part in parts:
        problem = segment_problem(part)
        if problem:
            return problem
    if text.endswith(".git"):
        return "model id ends with '.git'"
    return None


def is_hub_id(text: object, *, namespaced: bool = False) -> bool:
    """Whether `text` is a syntactically valid Hub repo id (no revision)."""
    return isinstance(text, str) and hub_id_problem(text, namespaced=namespaced) is None
