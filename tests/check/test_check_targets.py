"""Targets: each file type read into model references that keep their file:line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from licheck.config import Config
from licheck.errors import ConfigError, InputError, LicheckError
from licheck.model import ModelRef
from licheck.targets import discover, read_target


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- manifest ------------------------------------------------------------------------------

MANIFEST = """\
context: ctx/context.yaml
models:
  - meta-llama/Llama-3.3-70B-Instruct
  - id: NousResearch/Hermes-3-Llama-3.1-8B
    revision: main
    use: {trains_on_outputs: true}
  - path: ./models/acme-chat
  - gguf: ./models/acme.gguf
  - ollama: llama3.3:70b
  - hf:google/gemma-2-9b@v1
waivers:
  - rule: llama3.1/attribution
    model: "meta-llama/*"
    reason: on the About page
    approved_by: legal@acme.example
    expires: 2027-06-30
"""


def _manifest_tree(root: str = "proj") -> Path:
    _write(f"{root}/ctx/context.yaml", "use: {commercial: true}\n")
    _write(f"{root}/models/acme-chat/config.json", "{}\n")
    _write(f"{root}/models/acme.gguf", "GGUF")
    return _write(f"{root}/licheck.yaml", MANIFEST)


def test_manifest_entries_keep_their_lines() -> None:
    path = _manifest_tree()
    target = read_target(str(path))
    assert target.kind == "manifest"
    got = [(e.ref, e.location.line) for e in target.entries]
    assert got == [
        (ModelRef("hub", "meta-llama/Llama-3.3-70B-Instruct"), 3),
        (ModelRef("hub", "NousResearch/Hermes-3-Llama-3.1-8B", "main"), 4),
        (ModelRef("path", os.path.join("proj", "models", "acme-chat")), 7),
        (ModelRef("gguf", os.path.join("proj", "models", "acme.gguf")), 8),
        (ModelRef("ollama", "llama3.3:70b"), 9),
        (ModelRef("hub", "google/gemma-2-9b", "v1"), 10),
    ]
    assert all(e.location.file == str(path) for e in target.entries)
    assert target.entries[1].use == {"trains_on_outputs": True}
    assert target.context == os.path.join("proj", "ctx", "context.yaml")
    assert [(w.rule, w.location.line) for w in target.waivers] == [("llama3.1/attribution", 12)]


def test_inline_context_is_kept_with_its_file() -> None:
    path = _write("m.yaml", "context:\n  use: {commercial: false}\nmodels: [org/name]\n")
    target = read_target(str(path))
    assert target.context == {"use": {"commercial": False}}
    assert target.context_origin == "m.yaml"


def test_waivers_file_is_relative_to_the_manifest() -> None:
    _write("p/legal/waivers.yaml", "- kind: notice\n  reason: r\n  approved_by: a\n  expires: 2027-01-01\n")
    target = read_target(str(_write("p/models.yaml", "models: [org/name]\nwaivers: legal/waivers.yaml\n")))
    assert target.waivers[0].kind == "notice"
    assert target.waivers[0].location.file == os.path.join("p", "legal", "waivers.yaml")


@pytest.mark.parametrize("body, line, needle", [
    ("models: [a/b]\nmodel: [c/d]\n", 2, "unknown key 'model'"),
    ("models:\n  - id: a/b\n    revison: main\n", 3, "unknown key 'revison'"),
    ("models:\n  - id: a/b\n    path: ./x\n", 2, "exactly one of id, path, gguf, ollama"),
    ("models:\n  - revision: main\n", 2, "exactly one of"),
    ("models:\n  - path: ./missing\n", 2, "no such model directory"),
    ("models:\n  - gguf: ./missing.gguf\n", 2, "GGUF file not found"),
    ("models:\n  - ollama: llama3\n    revision: x\n", 3, "'revision' goes with 'id' only"),
    ("models:\n  - id: ../../etc/passwd\n", 2, "invalid model reference"),
    ("models:\n  - \"org/na\\u0000me\"\n", 2, "control character"),
    ("models:\n  - id: a/b\n    use: [commercial]\n", 3, "'use' must be a mapping"),
    ("models: a/b\n", 1, "'models' must be a list"),
    ("context: nowhere.yaml\nmodels: []\n", 1, "context file not found"),
    ("context: 3\nmodels: []\n", 1, "'context' must be a path or a mapping"),
    ("models: []\nwaivers: nope.yaml\n", 2, "waivers file not found"),
    ("models:\n  - 42\n", 2, "a model entry must be"),
    ("models: [a/b]\nmodels: [c/d]\n", 2, "duplicate key"),
    ("models: [a/b\n", 2, "invalid YAML"),
])
def test_invalid_manifest_is_file_line_error(body: str, line: int, needle: str) -> None:
    path = _write("licheck.yaml", body)
    with pytest.raises(LicheckError) as err:
        read_target(str(path))
    assert str(err.value).startswith(f"licheck.yaml:{line}: "), str(err.value)
    assert needle in str(err.value)


def test_yaml_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 40)]
    _write("licheck.yaml", "\n".join(lines) + "\nmodels: [*a39]\n")
    with pytest.raises(ConfigError, match="aliases"):
        read_target("licheck.yaml")


def test_huge_file_is_refused_before_parsing() -> None:
    path = Path("licheck.yaml")
    with path.open("wb") as fh:
        fh.write(b"models:\n")
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(InputError, match="at most"):
        read_target(str(path))


# --- telling files apart ------------------------------------------------------------------------

def test_yaml_is_told_apart_by_content_not_name() -> None:
    assert read_target(str(_write("models.yaml", "model_list: []\n"))).kind == "litellm"
    assert read_target(str(_write("config.yaml", "models: []\n"))).kind == "manifest"
    with pytest.raises(ConfigError, match="not a licheck manifest"):
        read_target(str(_write("other.yaml", "foo: 1\n")))
    with pytest.raises(ConfigError, match="split them"):
        read_target(str(_write("both.yaml", "models: []\nmodel_list: []\n")))


def test_bare_references_and_missing_files() -> None:
    target = read_target("meta-llama/Llama-3.1-8B@main")
    assert target.kind == "ref" and target.entries[0].ref == ModelRef("hub", "meta-llama/Llama-3.1-8B", "main")
    assert read_target("ollama:llama3.3:70b").entries[0].ref == ModelRef("ollama", "llama3.3:70b")
    for missing in ("licheck.yaml", "./models/x", "cards/README.md", "Modelfile", "x.gguf"):
        with pytest.raises(InputError, match="no such file"):
            read_target(missing)
    with pytest.raises(InputError, match="invalid model reference"):
        read_target("org/../etc")


def test_no_target_uses_config_then_default_names() -> None:
    with pytest.raises(InputError, match="nothing to check"):
        discover([], None)
    _write("models.yaml", "models: [a/b]\n")
    assert discover([], None)[0].path == "models.yaml"
    _write("licheck.yaml", "models: [c/d]\n")
    assert discover([], None)[0].path == "licheck.yaml"
    _write("sub/mine.yaml", "models: [e/f]\n")
    config = Config(path=".licheck.yaml", manifest=os.path.join("sub", "mine.yaml"))
    assert discover([], config)[0].entries[0].ref.name == "e/f"
    with pytest.raises(ConfigError, match="manifest not found"):
        discover([], Config(path=".licheck.yaml", manifest="gone.yaml", line_numbers={"manifest": 1}))


def test_directory_target_prefers_a_manifest_then_a_model_dir() -> None:
    _write("proj/licheck.yaml", "models: [a/b]\n")
    assert read_target("proj").kind == "manifest"
    _write("model/config.json", "{}")
    target = read_target("model")
    assert target.kind == "directory" and target.entries[0].ref == ModelRef("path", "model")
    Path("empty").mkdir()
    with pytest.raises(InputError, match="a directory target must hold"):
        read_target("empty")


def test_dot_licheck_yaml_target_stands_for_its_manifest() -> None:
    _write("m/list.yaml", "models: [a/b]\n")
    _write(".licheck.yaml", "manifest: m/list.yaml\n")
    assert read_target(".licheck.yaml").entries[0].ref.name == "a/b"


# --- model card ---------------------------------------------------------------------------------

CARD = """\
---
license: apache-2.0
base_model: meta-llama/Llama-3.1-8B-Instruct
tags: [llama]
---

# AcmeChat-8B

A fine-tune.
"""


def test_model_card_is_its_folder_with_name_and_line() -> None:
    path = _write("acme/README.md", CARD)
    target = read_target(str(path))
    entry = target.entries[0]
    assert target.kind == "card"
    assert entry.ref == ModelRef("path", "acme")
    assert entry.card_name == "AcmeChat-8B"
    assert (entry.location.file, entry.location.line) == (os.path.join("acme", "README.md"), 3)
    assert entry.findings == []


def test_model_name_key_wins_over_heading() -> None:
    path = _write("c/README.md", CARD.replace("tags:", "model_name: Acme Llama Chat\ntags:"))
    assert read_target(str(path)).entries[0].card_name == "Acme Llama Chat"


def test_card_without_base_model_is_an_unresolved_warning() -> None:
    path = _write("c/README.md", CARD.replace("base_model: meta-llama/Llama-3.1-8B-Instruct\n", ""))
    (finding,) = read_target(str(path)).entries[0].findings
    assert (finding.id, finding.kind, str(finding.severity)) == ("card/no-base-model", "unresolved", "warning")


def test_readme_without_front_matter_is_skipped_with_a_note() -> None:
    target = read_target(str(_write("README.md", "# My project\n\nNot a model.\n")))
    assert target.entries == [] and "not a model card" in target.notes[0]
    target = read_target(str(_write("docs/README.md", "---\ntitle: Docs\n---\n# Docs\n")))
    assert target.entries == [] and "no model-card keys" in target.notes[0]


def test_heading_inside_code_fence_is_not_the_name() -> None:
    body = "---\nlicense: mit\n---\n```\n# not-this\n```\n# Real-Name\n"
    assert read_target(str(_write("d/README.md", body))).entries[0].card_name == "Real-Name"


# --- LiteLLM --------------------------------------------------------------------------------------

LITELLM = """\
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: gpt-4o
  - model_name: claude
    litellm_params:
      model: anthropic/claude-3-5-sonnet-20240620
  - model_name: llama
    litellm_params:
      model: huggingface/meta-llama/Llama-3.3-70B-Instruct
  - model_name: routed
    litellm_params:
      model: huggingface/novita/Qwen/Qwen2.5-7B-Instruct
  - model_name: local
    litellm_params:
      model: ollama_chat/llama3.2:3b
      api_base: http://localhost:11434
  - model_name: vllm
    litellm_params:
      model: openai/mistralai/Mistral-7B-Instruct-v0.3
      api_base: http://vllm:8000/v1
  - model_name: real-openai
    litellm_params:
      model: openai/gpt-4o-mini
  - model_name: served-alias
    litellm_params:
      model: hosted_vllm/my-alias
      api_base: http://vllm:8000/v1
  - model_name: endpoint
    litellm_params:
      model: huggingface/https://abc.endpoints.huggingface.cloud
litellm_settings: {drop_params: true}
"""


def test_litellm_checks_self_hosted_and_notes_hosted_apis() -> None:
    target = read_target(str(_write("proxy/config.yaml", LITELLM)))
    assert target.kind == "litellm"
    got = [(e.ref, e.location.line) for e in target.entries]
    assert got == [
        (ModelRef("hub", "meta-llama/Llama-3.3-70B-Instruct"), 10),
        (ModelRef("hub", "Qwen/Qwen2.5-7B-Instruct"), 13),
        (ModelRef("ollama", "llama3.2:3b"), 16),
        (ModelRef("hub", "mistralai/Mistral-7B-Instruct-v0.3"), 20),
    ]
    (note,) = target.notes
    assert "3 hosted API model(s) not evaluated" in note
    for hosted in ("gpt-4o", "anthropic/claude-3-5-sonnet-20240620", "openai/gpt-4o-mini"):
        assert hosted in note
    assert [(f.kind, f.location.line) for f in target.findings] == [("unresolved", 27), ("unresolved", 31)]


def test_litellm_entry_without_model_is_an_error() -> None:
    _write("config.yaml", "model_list:\n  - model_name: x\n    litellm_params: {api_key: k}\n")
    with pytest.raises(ConfigError, match="config.yaml:3: 'litellm_params.model'"):
        read_target("config.yaml")


# --- Modelfile -------------------------------------------------------------------------------------

def test_modelfile_from_and_adapter() -> None:
    _write("m/lora.gguf", "GGUF")
    path = _write("m/Modelfile", "# comment\nFROM llama3.3:70b\nPARAMETER temperature 0.2\nADAPTER ./lora.gguf\n")
    target = read_target(str(path))
    got = [(e.ref, e.location.line) for e in target.entries]
    assert got == [(ModelRef("ollama", "llama3.3:70b"), 2),
                   (ModelRef("gguf", os.path.join("m", "lora.gguf")), 4)]


def test_modelfile_missing_adapter_is_an_error() -> None:
    _write("Modelfile", "FROM llama3.2\nADAPTER ./nowhere\n")
    with pytest.raises(ConfigError, match="Modelfile:2: ADAPTER names a file that does not exist"):
        read_target("Modelfile")


def test_gguf_target() -> None:
    _write("w/model.gguf", "GGUF")
    target = read_target("w/model.gguf")
    assert target.kind == "gguf" and target.entries[0].ref == ModelRef("gguf", os.path.join("w", "model.gguf"))


def test_a_file_named_twice_is_checked_once() -> None:
    _write("m/list.yaml", "models: [a/b]\n")
    _write(".licheck.yaml", "manifest: m/list.yaml\n")
    targets = discover(["m/list.yaml", ".licheck.yaml", "./m/list.yaml"], None)
    assert [t.path for t in targets] == [os.path.join("m", "list.yaml")]
