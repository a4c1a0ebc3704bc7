"""Ollama's local store as `ollama pull` / `ollama create` lay it out (docs/formats.md 2.4), for
tests: content-addressed blobs and one JSON manifest per tag."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MEDIA = "application/vnd.ollama.image."


def blob(root: Path, data: bytes) -> str:
    """Store `data` as a blob of the store at `root`; its digest (`sha256:<hex>`)."""
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs").mkdir(parents=True, exist_ok=True)
    (root / "blobs" / f"sha256-{digest}").write_bytes(data)
    return f"sha256:{digest}"


def layer(root: Path, kind: str, data: bytes, *, parent: str | None = None) -> dict[str, Any]:
    """A manifest layer of media type `application/vnd.ollama.image.<kind>` holding `data`;
    `parent` is the model it was copied from (`ollama create` from another model)."""
    out: dict[str, Any] = {"mediaType": MEDIA + kind, "digest": blob(root, data), "size": len(data)}
    if parent is not None:
        out["from"] = parent
    return out


def manifest(root: Path, name: str, tag: str, layers: list[dict[str, Any]]) -> Path:
    """Write the manifest of library model `name:tag`."""
    path = root / "manifests" / "registry.ollama.ai" / "library" / name / tag
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schemaVersion": 2, "layers": layers}), encoding="utf-8")
    return path


def gguf_bytes(tmp: Path, arch: str = "llama", *, name: str | None = None,
               licence: str | None = None) -> bytes:
    """A small GGUF file's bytes (header and metadata, no tensors)."""
    import gguf
    path = tmp / f"weights-{arch}-{name or 'x'}-{licence or 'none'}.gguf"
    w = gguf.GGUFWriter(str(path), arch=arch)
    if name:
        w.add_name(name)
    if licence:
        w.add_license(licence)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path.read_bytes()
