"""The config's `ollama_models` names Ollama's local store, and the command line reads it:
only then, so a result never depends silently on the machine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_run import run, write
from ollama_store import gguf_bytes, layer, manifest

LICENCES = Path(__file__).resolve().parents[2] / "licences"
LLAMA_33_TEXT = (LICENCES / "llama3.3.txt").read_bytes()
MIT_TEXT = (LICENCES / "mit.txt").read_bytes()
MODEL = "ollama:acme-assistant"   # in no catalogue: only the store knows it


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project beside an Ollama store holding `acme-assistant`, as `ollama create` builds it
    from a Modelfile `FROM llama3.3`: the weights and the licence layer are copied from
    llama3.3. The weights declare no licence, so only the layer's text can name it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OLLAMA_MODELS", raising=False)
    store = tmp_path / "ollama"
    manifest(store, "acme-assistant", "latest", [
        layer(store, "model", gguf_bytes(tmp_path, name="Llama 3.3 70B Instruct"), parent="llama3.3:latest"),
        layer(store, "license", LLAMA_33_TEXT, parent="llama3.3:latest"),
        layer(store, "system", b"You are Acme's assistant."),
    ])
    return tmp_path


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("check", "--offline", "--format", "json", *args, MODEL)
    assert code != 2, err
    return code, json.loads(out)


def test_with_the_key_the_store_resolves_a_locally_built_model(work: Path) -> None:
    write(work / ".licheck.yaml", "ollama_models: ollama\n")
    code, doc = check_json()
    (model,) = doc["models"]
    assert model["licences"] == ["llama3.3"]
    node, built_on, upstream = model["lineage"]
    assert (node["id"], node["source"], node["licence"]) == (MODEL, "ollama", "llama3.3")
    assert "ollama-license-1 identified as llama3.3" in node["evidence"]
    # the model layer's `from` is followed: llama3.3, as the catalogue maps it
    assert node["parents"] == ["ollama:llama3.3:latest"] and node["relation"] == "quantized"
    assert (built_on["id"], upstream["id"]) == ("ollama:llama3.3:latest", "meta-llama/Llama-3.3-70B-Instruct")
    assert doc["summary"]["unresolved"] == 0
    assert "llama3.3/attribution" in {f["id"] for f in doc["findings"]}
    assert code == 0   # an obligation does not fail the default gate


def test_without_the_key_the_store_is_not_read(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not even where Ollama itself would look: the variable alone does not opt in.
    monkeypatch.setenv("OLLAMA_MODELS", str(work / "ollama"))
    monkeypatch.setenv("HOME", str(work))
    (work / ".ollama").mkdir()
    (work / ".ollama" / "models").symlink_to(work / "ollama")
    for config in ("", "offline: true\n"):
        write(work / ".licheck.yaml", config)
        _, doc = check_json()
        (model,) = doc["models"]
        assert model["licences"] == [] and doc["summary"]["unresolved"] == 1
        (unresolved,) = [f for f in doc["findings"] if f["kind"] == "unresolved"]
        assert "ollama_models" in unresolved["message"]   # the way to opt in is named


def test_the_model_it_was_built_from_binds_whatever_its_own_licence_layer_says(work: Path) -> None:
    # `ollama create` from llama3.3 with only `LICENSE <MIT text>` of the author's own
    store = work / "ollama"
    manifest(store, "acme-assistant", "mit", [
        layer(store, "model", gguf_bytes(work, name="Llama 3.3 70B Instruct"), parent="llama3.3:latest"),
        layer(store, "license", MIT_TEXT),
    ])
    write(work / ".licheck.yaml", "ollama_models: ollama\n")
    code, out, err = run("check", "--offline", "--format", "json", f"{MODEL}:mit")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["models"][0]["licences"] == ["llama3.3", "mit"]
    kinds = {(f["kind"], f["licence"]) for f in doc["findings"]}
    assert ("licence_mismatch", "llama3.3") in kinds and ("attribution", "llama3.3") in kinds


def test_resolve_honours_the_key(work: Path) -> None:
    write(work / ".licheck.yaml", "ollama_models: ollama\n")
    code, out, _ = run("resolve", "--offline", "--format", "json", MODEL)
    assert code == 0
    node = json.loads(out)["lineage"][0]
    assert (node["id"], node["licence"]) == (MODEL, "llama3.3")
    assert "ollama-license-1 identified as llama3.3" in node["evidence"]
    (work / ".licheck.yaml").unlink()
    code, out, _ = run("resolve", "--offline", "--format", "json", MODEL)
    assert json.loads(out)["lineage"][0]["licence"] is None


def test_the_path_is_relative_to_the_config_file(work: Path) -> None:
    write(work / "conf" / "licheck.yaml", "ollama_models: ../ollama\n")
    code, out, _ = run("resolve", "--offline", "--config", "conf/licheck.yaml", MODEL)
    assert code == 0 and "llama3.3" in out


def test_tilde_is_the_home_folder(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(work))
    write(work / "conf" / ".licheck.yaml", "ollama_models: ~/ollama\n")
    _, doc = check_json("--config", "conf/.licheck.yaml")
    assert doc["models"][0]["licences"] == ["llama3.3"]


def test_pyproject_takes_the_key_in_either_spelling(work: Path) -> None:
    write(work / "pyproject.toml", "[tool.licheck]\noffline = true\nollama-models = \"ollama\"\n")
    _, doc = check_json()
    assert doc["models"][0]["licences"] == ["llama3.3"]


@pytest.mark.parametrize("command", [["check", "--offline", MODEL], ["resolve", "--offline", MODEL],
                                     ["licences"]])
def test_a_missing_folder_is_an_input_error_at_its_line(work: Path, command: list[str]) -> None:
    write(work / ".licheck.yaml", "offline: true\nollama_models: ollama-typo\n")
    code, out, err = run(*command)
    assert code == 2 and out == ""
    assert err.strip() == "licheck: .licheck.yaml:2: 'ollama_models' folder not found: ollama-typo"


def test_a_missing_folder_in_pyproject_names_its_line(work: Path) -> None:
    write(work / "pyproject.toml", "[tool.licheck]\noffline = true\n\nollama_models = \"nowhere\"\n")
    code, _, err = run("check", MODEL)
    assert code == 2
    assert err.strip() == "licheck: pyproject.toml:4: 'ollama_models' folder not found: nowhere"


def test_ollama_models_variable_is_read_when_the_config_names_it(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(work / ".licheck.yaml", "ollama_models: $OLLAMA_MODELS\n")
    code, _, err = run("check", "--offline", MODEL)
    assert code == 2
    assert err.startswith("licheck: .licheck.yaml:1: 'ollama_models' is $OLLAMA_MODELS, but")
    monkeypatch.setenv("OLLAMA_MODELS", str(work / "ollama"))
    for spelling in ("$OLLAMA_MODELS", "${OLLAMA_MODELS}"):
        write(work / ".licheck.yaml", f"ollama_models: {spelling}\n")
        _, doc = check_json()
        assert doc["models"][0]["licences"] == ["llama3.3"]
    monkeypatch.setenv("OLLAMA_MODELS", str(work / "gone"))
    code, _, err = run("check", "--offline", MODEL)
    assert code == 2 and "'ollama_models' folder not found" in err


@pytest.mark.parametrize("value", ["$HOME/.ollama/models", "${HOME}", "[ollama]", "''"])
def test_other_values_are_refused_at_their_line(work: Path, value: str) -> None:
    write(work / ".licheck.yaml", f"strict: false\nollama_models: {value}\n")
    code, _, err = run("check", "--offline", MODEL)
    assert code == 2 and err.startswith("licheck: .licheck.yaml:2: 'ollama_models'")
