"""The upstream world of the lock tests: licence texts and the manifest."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIT = (ROOT / "licences" / "mit.txt").read_text(encoding="utf-8")
APACHE = (ROOT / "licences" / "apache-2.0.txt").read_text(encoding="utf-8")

MANIFEST = """\
models:
  - up/fine-tune
  - up/licence-file
  - id: up/pinned
    revision: v1
"""
