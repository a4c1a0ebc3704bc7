"""The licence corpus: verbatim texts, complete metadata, alias lookup, `licheck licences`."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import cli
from licheck.errors import DataError
from licheck.licences import LICENCE_KINDS, alias_key, default_corpus, load_corpus

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


def test_a_licence_without_text_is_marked_so(tmp_path: Path) -> None:
    (tmp_path / "acme-internal.yml").write_text(
        "id: acme-internal\nname: Acme Internal Licence\nkind: model-licence\ntexts: []\n"
        "status: text-missing\n", encoding="utf-8")
    acme = load_corpus([tmp_path])["acme-internal"]
    assert not acme.has_text and acme.status == "text-missing"
    (tmp_path / "acme-internal.yml").write_text(
        "id: acme-internal\nname: Acme Internal Licence\nkind: model-licence\ntexts: []\n",
        encoding="utf-8")
    with pytest.raises(DataError, match="needs at least one text"):
        load_corpus([tmp_path])


def test_qwen_2024_now_has_its_verbatim_text() -> None:
    qwen = default_corpus()["qwen"]
    assert qwen.has_text and qwen.status == "complete" and qwen.third_party_copy
    # Byte-identical to the Hugging Face Qwen2.5-72B LICENSE (the whole SHA-256, not a prefix).
    assert hashlib.sha256(qwen.texts[0].read_bytes()).hexdigest() == \
        "8aff84e2629edb092f195c1d91bc368d8bb40eeb5fcedce2df19e405ee2cc876"
    assert not [lic.id for lic in default_corpus() if lic.status == "text-missing"]


# Every `license:` / `license_name` / `license_link` spelling the 2024-2026 publishers use.
@pytest.mark.parametrize(("spelling", "expected"), [
    ("tencent-license", "tencent-hunyuan-community-2024-11-05"),
    ("tencent-hunyuan-a13b", "tencent-hunyuan-community"),
    ("https://github.com/Tencent/Hunyuan3D-2/blob/main/LICENSE", "tencent-hunyuan-3d-2.0-community"),
    ("https://github.com/Tencent/HunyuanVideo/blob/main/LICENSE.txt", "tencent-hunyuan-community-2024-12-03"),
    ("https://github.com/MoonshotAI/Kimi-K2/blob/main/LICENSE", "kimi-k2-modified-mit"),
    ("https://github.com/MoonshotAI/Kimi-K2.5/blob/main/LICENSE", "kimi-k2.5-modified-mit"),
    ("https://huggingface.co/moonshotai/Kimi-K3/blob/main/LICENSE", "kimi-k3"),
    ("https://github.com/MiniMax-AI/MiniMax-M2/blob/main/LICENSE", "minimax-m2-modified-mit"),
    ("https://github.com/MiniMax-AI/MiniMax-M2.5/blob/main/LICENSE", "minimax-m2.5-modified-mit"),
    ("minimax-m2.7-license", "minimax-m2.7-non-commercial"),
    ("grok2-community", "grok2-community"), ("k-exaone", "k-exaone"), ("glm-4", "glm-4"),
    ("lfm1.0", "lfm1.0"), ("apple-sample-code-license", "apple-sample-code-license"),
    ("https://www.databricks.com/legal/open-model-license", "dbrx-open-model"),
    ("https://github.com/LG-AI-EXAONE/EXAONE-3.5/blob/main/LICENSE", "exaone-1.1-nc"),
    ("https://github.com/LG-AI-EXAONE/EXAONE-4.0/blob/main/LICENSE", "exaone"),
    ("https://huggingface.co/THUDM/glm-4-9b/blob/main/LICENSE", "glm-4"),
    ("flux-1-dev-non-commercial", "flux-1-dev-non-commercial"),   # an id still names itself
])
def test_new_publisher_spellings(spelling: str, expected: str) -> None:
    assert default_corpus().lookup(spelling) == expected


# Spellings publishers give several licences: no guess, the link or the LICENSE text decides.
@pytest.mark.parametrize(("spelling", "candidates"), [
    ("modified-mit", {"kimi-k2-modified-mit", "kimi-k2.5-modified-mit", "kimi-k3",
                      "minimax-m2-modified-mit", "minimax-m2.5-modified-mit", "mistral-modified-mit"}),
    ("Modified MIT License", {"kimi-k2-modified-mit", "kimi-k2.5-modified-mit",
                              "minimax-m2-modified-mit", "minimax-m2.5-modified-mit",
                              "mistral-modified-mit"}),
    # Also the A13B text's id: HunyuanVideo and Hunyuan3D-2 cards use it for other versions.
    ("tencent-hunyuan-community", {"tencent-hunyuan-community", "tencent-hunyuan-community-2024-12-03",
                                   "tencent-hunyuan-3d-2.0-community"}),
    ("exaone", {"exaone", "exaone-1.1-nc", "exaone-1.0-nc"}),
    ("flux-1-dev-non-commercial-license", {
        "flux-1-dev-non-commercial", "flux-1-dev-non-commercial-v1.1",
        "flux-1-dev-non-commercial-2024-11-21", "flux-1-dev-non-commercial-2024-08-01",
        "flux-dev-non-commercial-v2.0"}),
])
def test_a_shared_spelling_names_no_single_licence(spelling: str, candidates: set[str]) -> None:
    corpus = default_corpus()
    assert corpus.lookup(spelling) is None
    assert set(corpus.ambiguous(spelling)) == candidates
    assert corpus.ambiguous("llama3.1") == []


def test_no_spelling_is_both_an_alias_and_ambiguous() -> None:
    corpus = default_corpus()
    for lic in corpus:
        for alias in lic.aliases:
            assert not corpus.ambiguous(alias), f"{lic.id}: {alias!r} is also listed as ambiguous"


def test_explain_takes_an_id_that_is_also_a_shared_name() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["explain", "exaone"])     # EXAONE 1.2's id; cards use it for 1.1 too
    assert res.exit_code == 0 and "exaone/naming" in res.output
    res = runner.invoke(cli, ["explain", "modified-mit"])
    assert res.exit_code == 2
    assert "several licences share" in res.stderr and "kimi-k2-modified-mit" in res.stderr
    listing = runner.invoke(cli, ["licences"]).output
    assert re.search(r"shared names: modified-mit", listing)


def test_the_data_folders_hold_no_links() -> None:
    """Bundled data is real files: a link can point outside the repository (it did once, and
    the wheel then failed to build on a fresh machine) or swap a text behind a reviewer's back."""
    root = Path(__file__).resolve().parents[1]
    links = [str(p.relative_to(root)) for folder in ("licences", "rules", "catalogue", "vocabularies")
             for p in (root / folder).rglob("*") if p.is_symlink()]
    assert links == []
