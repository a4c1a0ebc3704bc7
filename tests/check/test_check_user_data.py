"""Users extend licheck without forking (their own licences and catalogue), and a target
file that cannot be read stops the run with exit 2 rather than becoming a finding."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from licheck.cli import cli, main

ACME_TEXT = """ACME MODEL LICENCE

1. You may use the Model for any purpose except selling fruit.
2. Redistributions must keep this licence.
"""


def _acme_project(tmp_path: Path) -> Path:
    lic = tmp_path / "our-licences"
    lic.mkdir()
    (lic / "acme-model.txt").write_text(ACME_TEXT)
    (lic / "acme-model.yml").write_text(
        "id: acme-model\nname: ACME Model Licence\nkind: model-licence\ntexts: [acme-model.txt]\n"
        "source: written for this test\naliases: [acme-model-licence]\n")
    model = tmp_path / "acme-chat"
    model.mkdir()
    (model / "README.md").write_text(
        "---\nlicense: other\nlicense_name: acme-model-licence\n---\n# acme-chat\n")
    (tmp_path / ".licheck.yaml").write_text("extra_licences: [our-licences]\n")
    return model


def test_a_users_own_licence_names_a_models_licence(tmp_path: Path, monkeypatch) -> None:
    _acme_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--offline", "--format", "json", "acme-chat"])
    assert result.exit_code == 0, result.output
    model = json.loads(result.output)["models"][0]
    assert model["licences"] == ["acme-model"]
    assert model["lineage"][0]["licence"] == "acme-model"


def test_without_the_users_folder_the_same_licence_is_unknown(tmp_path: Path, monkeypatch) -> None:
    _acme_project(tmp_path)
    (tmp_path / ".licheck.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--offline", "--format", "json", "acme-chat"])
    kinds = {f["kind"] for f in json.loads(result.output)["findings"]}
    assert "licence_unknown" in kinds


def test_a_corrupt_gguf_target_exits_2_naming_the_file(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "broken.Q4_K_M.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00short")
    for command in (["check", "--offline", str(bad)], ["resolve", "--offline", str(bad)]):
        assert main(command) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and str(bad) in err and "GGUF" in err, err
