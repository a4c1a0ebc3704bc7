from __future__ import annotations

from pathlib import Path

import pytest

from licheck.errors import InputError
from licheck.model import ModelRef
from licheck.refs import is_hub_id, parse_ref


@pytest.mark.parametrize(("text", "expected"), [
    ("meta-llama/Llama-3.1-8B", ModelRef("hub", "meta-llama/Llama-3.1-8B")),
    ("gpt2", ModelRef("hub", "gpt2")),
    ("Qwen/Qwen2.5-7B@v1.0", ModelRef("hub", "Qwen/Qwen2.5-7B", "v1.0")),
    ("hf:org/name", ModelRef("hub", "org/name")),
    ("hf:org/name@refs/pr/1", ModelRef("hub", "org/name", "refs/pr/1")),
    ("https://huggingface.co/org/name", ModelRef("hub", "org/name")),
    ("https://huggingface.co/org/name/tree/dev", ModelRef("hub", "org/name", "dev")),
    ("https://huggingface.co/org/name/blob/main/README.md", ModelRef("hub", "org/name", "main")),
    ("https://hf.co/org/name/", ModelRef("hub", "org/name")),
    ("ollama:llama3.3:70b", ModelRef("ollama", "llama3.3:70b")),
    ("  org/name  ", ModelRef("hub", "org/name")),
])
def test_accepted_forms(text: str, expected: ModelRef) -> None:
    assert parse_ref(text) == expected


def test_local_directory_and_gguf(tmp_path: Path) -> None:
    (tmp_path / "models" / "acme").mkdir(parents=True)
    (tmp_path / "x.Q4.gguf").write_bytes(b"GGUF")
    ref = parse_ref("./models/acme", base_dir=tmp_path)
    assert ref.kind == "path" and Path(ref.name) == tmp_path / "models" / "acme"
    assert parse_ref("models/acme", base_dir=tmp_path).kind == "path"   # an existing dir wins
    gguf = parse_ref("x.Q4.gguf", base_dir=tmp_path)
    assert gguf.kind == "gguf" and Path(gguf.name) == tmp_path / "x.Q4.gguf"


@pytest.mark.parametrize("text", [
    "../../etc/passwd",
    "meta-llama/../../../etc/passwd",
    "../etc",
    "/etc/passwd",
    "org/na\x00me",
    "org/%2e%2e",
    "%2e%2e/%2e%2e/etc",
    "hf:../secret",
    "https://huggingface.co/org/%2e%2e/x",
    "https://evil.example/org/name",
    "a" * 97 + "/b",
    "org/" + "n" * 600,
    "org/name/extra",
    "org/-name",
    "org/name.git",
    "org--x/name",
    "org/name@../../x",
    "org/name@",
    "llama3.3:70b",
    "",
    "ollama:../x",
    "C:\\Windows\\system32",
    "missing.gguf",
])
def test_hostile_or_bad_refs_are_refused(text: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        parse_ref(text, base_dir=tmp_path)
    message = str(info.value)
    assert "\x00" not in message and len(message) < 400


def test_is_hub_id() -> None:
    assert is_hub_id("org/name") and is_hub_id("gpt2")
    for bad in ("../x", "org/name@rev", "a/b/c", "org/na me", "", "org/%41"):
        assert not is_hub_id(bad)
