"""Where licheck's data folders are.

In a wheel the folders are shipped inside the package (`licheck/_data/...`); in a source
checkout or an editable install they sit at the repository root. Users add their own
folders through configuration (`extra_licences`, `extra_rules`, `extra_catalogue`), never
by editing these.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The bundled folder `name` ("licences", "rules", "catalogue" or "vocabularies")."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"licheck's bundled '{name}' folder is missing from this installation")
