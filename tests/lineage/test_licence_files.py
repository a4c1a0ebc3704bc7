"""A model folder that ships several licence texts: each one binds, and none is dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run

LICENCES = Path(__file__).resolve().parents[2] / "licences"


@pytest.fixture
def model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "acme-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "llama"}', encoding="utf-8")
    return folder


def ship(folder: Path, name: str, licence: str | None = None, text: str = "") -> None:
    body = (LICENCES / f"{licence}.txt").read_text(encoding="utf-8") if licence else text
    (folder / name).write_text(body, encoding="utf-8")


def checked(folder: Path) -> tuple[dict, list[dict]]:
    code, out, err = run("check", "--offline", "--format", "json", folder.name)
    assert code in (0, 1), err
    doc = json.loads(out)
    (report,) = doc["models"]
    return report["lineage"][0], doc["findings"]


def test_every_licence_text_binds(model: Path) -> None:
    ship(model, "LICENSE", "llama3.1")
    ship(model, "LICENSE-CODE", "apache-2.0")
    node, _ = checked(model)
    assert [node["licence"], *node.get("other_licences", [])] == ["llama3.1", "apache-2.0"]


def test_a_licence_file_that_matches_nothing_is_reported(model: Path) -> None:
    ship(model, "LICENSE", "apache-2.0")
    ship(model, "LICENSE-MODEL", text="ACME MODEL LICENCE\n\nYou may use this model only on Tuesdays.\n")
    node, findings = checked(model)
    assert node["licence"] == "apache-2.0"
    unknown = [f for f in findings if f["kind"] == "licence_unknown"]
    assert len(unknown) == 1 and "LICENSE-MODEL" in unknown[0]["message"], findings


def test_a_notice_or_use_policy_is_not_a_licence_of_its_own(model: Path) -> None:
    ship(model, "LICENSE", "llama3.1")
    ship(model, "USE_POLICY.md", "llama3.1-aup")
    ship(model, "NOTICE", text="Llama 3.1 is licensed under the Llama 3.1 Community License.\n")
    node, findings = checked(model)
    assert node["licence"] == "llama3.1" and not node.get("other_licences")
    assert not [f for f in findings if f["kind"] == "licence_unknown"], findings
