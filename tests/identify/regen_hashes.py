"""Regenerate `normalised_hashes.json`: the SHA-256 of every corpus text once normalised.

Run from the repository root after a deliberate change to the normaliser or the corpus:

    python tests/identify/regen_hashes.py

and review the diff: every changed hash is a text that now normalises differently.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HASHES = HERE / "normalised_hashes.json"


def current() -> dict[str, object]:
    from licheck.licences import load_corpus
    from licheck.matching.normalise import PASS_NAMES, normalise

    texts: dict[str, dict[str, str]] = {}
    for lic in load_corpus():
        for path in lic.texts:
            norm = normalise(path.read_text(encoding="utf-8"))
            texts[path.name] = {"licence": lic.id,
                                "sha256": hashlib.sha256(norm.encode("utf-8")).hexdigest()}
    return {"passes": list(PASS_NAMES), "texts": dict(sorted(texts.items()))}


def main() -> int:
    sys.path.insert(0, str(HERE.parent.parent))
    HASHES.write_text(json.dumps(current(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {HASHES.relative_to(Path.cwd()) if HASHES.is_relative_to(Path.cwd()) else HASHES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
