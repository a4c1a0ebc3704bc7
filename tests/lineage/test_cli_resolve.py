"""`licheck resolve` end to end (in process): formats, exit codes, hostile input."""

from __future__ import annotations

import json

import pytest
from mockhub import MockHub

from licheck.cli import main


def test_json_output_shape(mock_hub: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "acme/laundered-8b", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"schema_version", "model", "lineage", "licences", "findings"}
    assert out["schema_version"] == 1 and out["model"] == "acme/laundered-8b"
    assert [n["id"] for n in out["lineage"]] == ["acme/laundered-8b", "meta-llama/Llama-3.1-8B-Instruct",
                                                 "meta-llama/Llama-3.1-8B"]
    first = out["lineage"][0]
    assert set(first) >= {"id", "relation", "parents", "declared_licence", "licence", "publisher",
                          "origin", "source", "evidence"}
    assert out["licences"] == ["apache-2.0", "llama3.1"]
    mismatch = [f for f in out["findings"] if f["kind"] == "licence_mismatch"]
    assert mismatch and mismatch[0]["severity"] == "warning" and mismatch[0]["id"] == "lineage/licence_mismatch"


def test_text_output_is_a_tree(mock_hub: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "bartowski/Hermes-3-Llama-3.1-8B-GGUF"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("bartowski/Hermes-3-Llama-3.1-8B-GGUF  [quantized]  licence: llama3")
    assert any(line.startswith("    └─ NousResearch/Hermes-3-Llama-3.1-8B") for line in lines)
    assert any(line.startswith("        └─ meta-llama/Llama-3.1-8B") for line in lines)
    assert "Licences that bind: llama3, llama3.1" in out and "evidence:" in out


def test_unresolved_still_exits_zero(mock_hub: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "nope/missing", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lineage"][0]["source"] == "unresolved" and out["findings"][0]["kind"] == "unresolved"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "meta-llama/../../../etc/passwd", "org/%2e%2e", "a/b/c"])
def test_hostile_ids_exit_2_with_one_line(bad: str, mock_hub: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", bad]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and "invalid model reference" in captured.err
    assert mock_hub.count() == 0


def test_offline_flag_makes_no_requests(mock_hub: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "acme/nc-model", "--offline", "--format", "json"]) == 0
    assert mock_hub.count() == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lineage"][0]["source"] in ("unresolved", "catalogue")


def test_default_sources_enrich_from_the_bundled_catalogue(mock_hub: MockHub) -> None:
    import licheck.catalogue as catalogue
    if catalogue.default_catalogue().model("meta-llama/Llama-3.1-8B") is None:
        pytest.skip("the bundled catalogue has no entry for meta-llama/Llama-3.1-8B")
    from envs import resolve

    lin = resolve("meta-llama/Llama-3.1-8B")
    assert lin.model.source == "hub" and lin.model.licence == "llama3.1"
    assert lin.model.publisher and lin.model.origin == "US"


def test_huggingface_hub_is_imported_only_when_the_hub_is_asked(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = ("import sys; import licheck.lineage, licheck.sources.registry, licheck.cli.resolve; "
            "from licheck.env import build_env; from licheck.lineage import resolve; "
            "from licheck.sources.registry import standard_sources; "
            "env = build_env(offline=True, sources=standard_sources); "
            "lin = resolve('acme/x', sources=env.sources, corpus=env.corpus); "
            "print('huggingface_hub' in sys.modules, lin.model.source)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         timeout=60, env={"PATH": "", "LICHECK_CACHE_DIR": str(tmp_path),
                                          "HF_ENDPOINT": "http://127.0.0.1:9", "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "unresolved"]
