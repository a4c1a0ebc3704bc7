"""A folder that is not a model: find what to check under it, as `trivy fs .` does.

`licheck check .` at a repository root means "check this project", not "the model named
`.`". The folder is searched for licheck manifests (`licheck.yaml`, `models.yaml`) and
model cards (`README.md` with front matter): a walk that skips hidden folders and
dependency folders and, in a git work tree, what `.gitignore` excludes (read by
`licheck.targets.ignore`, never by running git). Weights are never read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from licheck.cardmeta import split_front_matter
from licheck.errors import LicheckError
from licheck.files import read_text
from licheck.targets.ignore import Ignored, work_tree_root

MANIFEST_NAMES = ("licheck.yaml", "models.yaml")
CARD_NAME = "README.md"
# Folders a plain walk never enters (besides hidden ones): environments and dependencies.
_SKIPPED = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
_MODEL_FILES = ("config.json", "adapter_config.json", "mergekit_config.yml", "params.json")
_WEIGHT_SUFFIXES = (".safetensors", ".gguf", ".bin", ".pt", ".pth")


def is_model_folder(folder: Path) -> bool:
    """A folder holding a model: its config, adapter, merge recipe, weights, or a model card."""
    if any((folder / name).is_file() for name in _MODEL_FILES):
        return True
    try:
        if any(p.suffix.lower() in _WEIGHT_SUFFIXES for p in folder.iterdir() if p.is_file()):
            return True
    except OSError:
        return False
    return is_model_card(folder / CARD_NAME)


def is_model_card(path: Path) -> bool:
    """A README.md that opens with YAML front matter (the card hook's own test)."""
    if not path.is_file():
        return False
    try:
        head = read_text(path)
    except LicheckError:
        return False
    return split_front_matter(head)[0] is not None


def find_targets(folder: Path) -> list[str]:
    """Manifests, then model cards, under `folder` (each sorted)."""
    manifests: list[str] = []
    cards: list[str] = []
    for path in _files(folder):
        if path.name in MANIFEST_NAMES:
            manifests.append(os.path.normpath(path))
        elif path.name == CARD_NAME and is_model_card(path):
            cards.append(os.path.normpath(path))
    manifest_dirs = {os.path.dirname(m) for m in manifests}
    # A card beside a manifest is that project's README, not a model being published.
    cards = [c for c in cards if os.path.dirname(c) not in manifest_dirs]
    return sorted(manifests) + sorted(cards)


def _files(folder: Path) -> Iterator[Path]:
    """Manifest and card files under `folder`, skipping hidden folders, dependency folders,
    and, in a git work tree, what its ignore rules exclude."""
    root = work_tree_root(folder.resolve())
    ignored = Ignored(root) if root is not None else None
    for here, dirs, files in os.walk(folder):
        base = Path(here)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED
                         and not (ignored and ignored(base / d, is_dir=True)))
        for name in sorted(files):
            if (name in MANIFEST_NAMES or name == CARD_NAME) and \
                    not (ignored and ignored(base / name, is_dir=False)):
                yield base / name
