"""The licence corpus: verbatim texts, complete metadata, alias lookup, `licheck licences`."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import cli
from licheck.licences import LICENCE_KINDS, alias_key, default_corpus

LICENCES = Path(__file__).resolve().parent.parent / "licences"


def _sources_table() -> dict[str, str]:
    """file name -> sha256 prefix, as recorded in licences/SOURCES.md."""
    rows = {}
    for line in (LICENCES / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*`([\w.\-]+\.txt)`\s*\|.*\|\s*([0-9a-f]{16})\s*\|\s*$", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def test_every_text_is_byte_identical_to_its_recorded_source() -> None:
    table = _sources_table()
    texts = sorted(p.name for p in LICENCES.glob("*.txt"))
    assert texts, "no licence texts found"
    assert sorted(table) == texts, "SOURCES.md and licences/*.txt list different files"
    for name in texts:
        digest = hashlib.sha256((LICENCES / name).read_bytes()).hexdigest()[:16]
        assert digest == table[name], f"{name} differs from the text recorded in SOURCES.md"


def test_every_text_has_metadata_and_every_metadata_has_texts() -> None:
    corpus = default_corpus()
    used = {p.name for lic in corpus for p in lic.texts}
    assert used == {p.name for p in LICENCES.glob("*.txt")}
    for lic in corpus:
        assert lic.kind in LICENCE_KINDS
        assert lic.has_text or lic.status == "text-missing", lic.id
        assert lic.name and lic.source, lic.id
        for inc in lic.incorporates:
            assert corpus[inc].is_policy, f"{lic.id} incorporates {inc}, which is not a policy"


def test_deepseek_r1_text_is_an_mit_text() -> None:
    corpus = default_corpus()
    assert "deepseek-r1-mit.txt" in {p.name for p in corpus["mit"].texts}
    assert "deepseek-r1-mit" not in corpus


@pytest.mark.parametrize(("spelling", "expected"), [
    ("llama3.1", "llama3.1"), ("Llama 3.1", "llama3.1"), ("llama-3.1", "llama3.1"),
    ("yi-license", "yi"), ("stabilityai-ai-community", "stability-community"),
    ("falcon-180b-tii-license", "falcon-180b-tii"), ("deepseek-license", "deepseek"),
    ("tongyi-qianwen-license-agreement", "tongyi-qianwen"),
    ("nvidia-open-model-license", "nvidia-open-model"),
    ("llama-2-community-license", "llama2"), ("gemma-terms-of-use", "gemma"),
    ("https://mistral.ai/licenses/MRL-0.1.md", "mrl"), ("http://www.apache.org/licenses/LICENSE-2.0/", "apache-2.0"),
    ("other", None), ("unknown", None), ("openrail", None), ("", None),
])
def test_alias_lookup(spelling: str, expected: str | None) -> None:
    assert default_corpus().lookup(spelling) == expected


def test_alias_key_ignores_case_scheme_and_separators() -> None:
    assert alias_key("HTTP://www.Example.com/x/") == alias_key("https://example.com/x")
    assert alias_key("Llama_3.1") == alias_key("llama 3.1") == "llama-3.1"


def test_no_alias_points_to_two_licences() -> None:
    owners: dict[str, str] = {}
    for lic in default_corpus():
        for alias in (lic.id, *lic.aliases):
            key = alias_key(alias)
            assert owners.setdefault(key, lic.id) == lic.id, f"{alias!r}: {owners[key]} and {lic.id}"


def test_licences_command_lists_every_id_in_text_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["licences"])
    assert text.exit_code == 0
    as_json = runner.invoke(cli, ["licences", "--format", "json"])
    assert as_json.exit_code == 0
    doc = json.loads(as_json.output)
    ids = [entry["id"] for entry in doc["licences"]]
    assert ids == default_corpus().ids()
    for licence_id in ids:
        assert re.search(rf"^{re.escape(licence_id)}\s", text.output, re.M)
    gemma = next(e for e in doc["licences"] if e["id"] == "gemma")
    assert gemma["status"] == "incomplete" and gemma["third_party_copy"] is True


def test_a_licence_without_text_is_marked_so() -> None:
    qwen = default_corpus()["qwen"]
    assert not qwen.has_text and qwen.status == "text-missing"
    assert default_corpus().lookup("qwen") == "qwen"
