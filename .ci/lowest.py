"""Print pip constraints that pin every direct dependency to the lowest version pyproject.toml allows.

`pip install -c <this output> '.[test]'` then installs the oldest releases the project claims to
support (transitive dependencies stay free), so CI proves the lower bounds are true. A bound
must be written `>=X` (optionally with an upper bound); anything else is an error here, not a
silently untested range. Runs on Python 3.11 or later (tomllib).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$")


def lowest_pins(pyproject: Path, extras: list[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins = []
    for requirement in requirements:
        match = REQUIREMENT.match(requirement)
        lower = re.search(r">=\s*([0-9][^,\s]*)", match.group(3)) if match else None
        if match is None or lower is None:
            raise SystemExit(f"{pyproject}: no '>=' lower bound in {requirement!r}")
        marker = match.group(4) or ""
        pins.append(f"{match.group(1)}=={lower.group(1)}{marker}")
    return pins


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    print("\n".join(lowest_pins(root / "pyproject.toml", sys.argv[1:])))
