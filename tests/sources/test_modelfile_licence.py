"""A Modelfile's `LICENSE` text is the licence of the model Ollama builds from it: identified as a
LICENSE file is, whether `FROM` names a local GGUF file or a model."""

from __future__ import annotations

import json
from pathlib import Path

import gguf  # a test extra: writes the fixture files
import pytest
from envs import run_check
from json_schema import violations

from licheck.formats import jsonfmt
from licheck.model import Severity

ROOT = Path(__file__).resolve().parents[2]
LLAMA32 = (ROOT / "licences" / "llama3.2.txt").read_text(encoding="utf-8")


def _bare_gguf(path: Path) -> Path:
    """A metadata-only GGUF that declares no licence."""
    w = gguf.GGUFWriter(str(path), arch="llama")
    w.add_type(gguf.GGUFType.MODEL)
    w.add_name("some weights")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def _modelfile(tmp_path: Path, from_line: str, licence: str | None) -> str:
    body = f"FROM {from_line}\nPARAMETER temperature 0.7\n"
    if licence is not None:
        body += f'LICENSE """{licence}"""\n'
    path = tmp_path / "Modelfile"
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_a_local_gguf_with_the_llama_32_text_is_llama_32(tmp_path: Path) -> None:
    _bare_gguf(tmp_path / "x.gguf")
    report = run_check([_modelfile(tmp_path, "./x.gguf", LLAMA32)], offline=True)
    (model,) = report.models
    assert model.licences == ["llama3.2"]
    assert len(model.lineage.nodes) == 1
    node = model.lineage.model
    assert node.licence == "llama3.2" and "Modelfile LICENSE" in node.evidence
    assert not [f for f in report.findings if f.kind == "licence_unknown"]
    doc = json.loads(jsonfmt.render(report))
    assert not violations(doc, "check")
    assert doc["models"][0]["location"]["line"] == 1


def test_without_a_licence_the_gguf_stays_unknown(tmp_path: Path) -> None:
    _bare_gguf(tmp_path / "x.gguf")
    report = run_check([_modelfile(tmp_path, "./x.gguf", None)], offline=True)
    assert report.models[0].licences == []
    assert [f for f in report.findings if f.kind == "licence_unknown"]


def test_an_unidentified_licence_text_is_unknown_not_guessed(tmp_path: Path) -> None:
    _bare_gguf(tmp_path / "x.gguf")
    report = run_check([_modelfile(tmp_path, "./x.gguf", "You may do as you please, says Acme.")],
                       offline=True)
    assert report.models[0].licences == []
    assert [f for f in report.findings if f.kind == "licence_unknown"]


def test_from_an_ollama_name_keeps_the_named_models_licence(tmp_path: Path) -> None:
    report = run_check([_modelfile(tmp_path, "llama3.2:3b", LLAMA32)], offline=True)
    (model,) = report.models
    assert model.lineage.model.licence == "llama3.2"
    assert [n.id for n in model.lineage.nodes][1:3] == ["ollama:llama3.2:3b", "meta-llama/Llama-3.2-3B-Instruct"]
    assert "llama3.2" in model.licences


def test_a_licence_over_a_different_base_is_a_mismatch(tmp_path: Path) -> None:
    mit = (ROOT / "licences" / "mit.txt").read_text(encoding="utf-8")
    report = run_check([_modelfile(tmp_path, "llama3.2:3b", mit)], offline=True)
    (model,) = report.models
    assert model.lineage.model.licence == "mit"
    assert set(model.licences) == {"mit", "llama3.2"}   # the label removes nothing
    assert [f for f in report.findings if f.kind == "licence_mismatch" and f.severity == Severity.WARNING]


def test_a_missing_from_file_is_still_an_input_error(tmp_path: Path) -> None:
    from licheck.errors import ConfigError
    with pytest.raises(ConfigError):
        run_check([_modelfile(tmp_path, "./missing.gguf", LLAMA32)], offline=True)


def test_ollama_show_output_names_the_model_in_the_comment(tmp_path: Path) -> None:
    """`ollama show --modelfile` writes FROM as a blob path, the model's name in a comment."""
    path = tmp_path / "Modelfile"
    path.write_text(f'# FROM llama3.2:3b\nFROM /nowhere/blobs/sha256-{"a" * 64}\nLICENSE """{LLAMA32}"""\n',
                    encoding="utf-8")
    report = run_check([str(path)], offline=True)
    (model,) = report.models
    assert model.lineage.model.licence == "llama3.2"
    assert model.lineage.model.parents == ["ollama:llama3.2:3b"]
