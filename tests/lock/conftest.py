"""The lock tests: a manifest of models on the loopback mock Hub, locked, then changed upstream."""

from __future__ import annotations

from pathlib import Path

import pytest
from lockworld import MANIFEST, MIT
from mockhub import MockHub, mock_hub  # noqa: F401 - re-exported fixture


@pytest.fixture
def upstream(mock_hub: MockHub) -> MockHub:  # noqa: F811
    """Four models: a fine-tune of a base, one licensed by its LICENSE file, one pinned at a tag."""
    mock_hub.add_repo("up/base-model", {"license": "llama3.1"})
    mock_hub.add_repo("up/fine-tune", {"license": "llama3.1", "base_model": "up/base-model"})
    mock_hub.add_repo("up/licence-file", {"license": "other"}, files={"LICENSE": MIT})
    pinned = mock_hub.add_repo("up/pinned", {"license": "apache-2.0"})
    pinned.revisions["v1"] = "1" * 40
    return mock_hub


@pytest.fixture
def project(tmp_path: Path, upstream: MockHub, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder holding the manifest; the working directory of the test."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "licheck.yaml").write_text(MANIFEST, encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder
