"""The bundled rule files are complete and exact, and the validator catches bad ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from envs import rulebook

from licheck.data import data_dir
from licheck.kinds import KINDS
from licheck.licences import default_corpus
from licheck.rules.loader import Rulebook, validate_files
from licheck.rules.quotes import quote_in

RULES = data_dir("rules")

# Licences with no verbatim text: their rules carry third-party quotes (confidence: secondary).
# None left since the Qwen 2024 text was found.
EXPECTED_SECONDARY: set[str] = set()


def test_every_licence_has_a_rule_file() -> None:
    files = {p.stem for p in RULES.glob("*.yml")}
    assert sorted(set(default_corpus().ids()) - files) == []
    assert sorted(files - set(default_corpus().ids())) == []


def test_bundled_rules_are_valid() -> None:
    rules, errors = validate_files([RULES], default_corpus())
    assert [str(e) for e in errors] == []
    assert len(rules) == len(rulebook()) > 100


def test_every_quote_is_verbatim_in_its_licence_text() -> None:
    corpus = default_corpus()
    secondary = set()
    for rule in rulebook():
        if rule.confidence == "secondary":
            secondary.add(rule.id)
            assert rule.source, rule.id
            continue
        texts = corpus[rule.licence].read_texts()
        assert quote_in(rule.quote, texts), f"{rule.id}: quote not in licences/{rule.licence}"
    assert secondary == EXPECTED_SECONDARY


def test_quote_check_is_not_vacuous() -> None:
    text = ["You will not use the Llama Materials\n   to improve any other model."]
    assert quote_in("You will not use the Llama Materials to improve", text)
    assert quote_in("You will not use [...] any other model.", text)
    assert not quote_in("You will not use the Llama materials", text)     # case matters
    assert not quote_in("any other model [...] You will not", text)       # order matters
    assert not quote_in("", text)


def test_rule_ids_are_stable_and_well_formed() -> None:
    book = rulebook()
    for rule in book:
        assert rule.id.startswith(rule.licence + "/")
        assert rule.kind in KINDS
        assert rule.how_to_comply and rule.message and rule.section
    # Ids other engineers and users' waivers rely on.
    for rid in ("llama3.1/naming", "llama3.1/attribution", "llama3.1/notice", "llama3.1/mau-cap",
                "llama3/output-training", "llama2/output-training", "llama3.2-aup/eu-multimodal",
                "falcon-180b-tii/hosting", "stability-community/revenue-cap", "mrl/non-commercial"):
        assert book.get(rid) is not None, rid


def test_output_training_only_where_the_texts_have_it() -> None:
    book = rulebook()
    with_ban = {r.licence for r in book if r.kind == "output_training"}
    assert {"llama2", "llama3", "tongyi-qianwen", "tongyi-qianwen-research", "stability-community",
            "c4ai-aup", "mrl",
            # 2024-2026: Hunyuan (all five), FLUX [dev] (competing models), EXAONE 1.x, Grok 2,
            # DBRX and the first MiniMax licence. Not Qwen 2024, Kimi, K-EXAONE, GLM-4, LFM.
            "tencent-hunyuan-community-2024-11-05", "tencent-hunyuan-community-2024-12-03",
            "tencent-hunyuan-community", "tencent-hunyuan-3d-2.0-community",
            "tencent-hunyuan-3d-2.1-community", "flux-1-dev-non-commercial-2024-08-01",
            "flux-1-dev-non-commercial-2024-11-21", "flux-1-dev-non-commercial-v1.1",
            "flux-1-dev-non-commercial", "flux-dev-non-commercial-v2.0", "flux-non-commercial-v2.1",
            "exaone-1.0-nc", "exaone-1.1-nc", "exaone", "grok2-community", "dbrx-open-model",
            "minimax-model-2025-01-14"} == with_ban


def test_eu_exclusion_only_where_the_texts_have_it() -> None:
    book = rulebook()
    assert {r.licence for r in book if r.kind == "jurisdiction"} == {
        "llama3.2-aup", "llama3.3-aup", "llama4-aup",
        # Hunyuan's Territory excludes the EU in the licence itself, for every model.
        "tencent-hunyuan-community-2024-11-05", "tencent-hunyuan-community-2024-12-03",
        "tencent-hunyuan-community", "tencent-hunyuan-3d-2.0-community",
        "tencent-hunyuan-3d-2.1-community"}


# --- the validator on broken files -----------------------------------------------------------

GOOD_RULE = """\
licence: mit
rules:
  - id: mit/my-notice
    kind: notice
    title: Keep the notice
    section: "1"
    quote: "The above copyright notice and this permission notice shall be included"
    message: "keep the notice"
    how_to_comply: Keep it.
    triggered_by: [distributes_weights]
"""


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("    kind: notice\n", "    kind: notices\n", 4, "did you mean 'notice'"),
    ("    title: Keep the notice\n", "    title: Keep the notice\n    colour: red\n", 6, "unknown key 'colour'"),
    ("    title: Keep the notice\n", "    title: Keep the notice\n    threshold: 5\n", 6, "unknown key 'threshold' in a 'notice' rule"),
    ("    title: Keep the notice\n", "    title: 5\n", 5, "'title' must be a string"),
    ("    title: Keep the notice\n", "", 3, "missing key 'title'"),
    ("  - id: mit/my-notice\n", "  - id: apache-2.0/my-notice\n", 3, "must begin with 'mit/'"),
    ("licence: mit\n", "licence: no-such-licence\n", 1, "unknown licence"),
    ("permission notice shall be included", "permission notice must be included", 7, "not in the text"),
    ("[distributes_weights]", "[ships_weights]", 10, "unknown condition"),
    ('"keep the notice"', '"keep {the} notice"', 8, "unknown placeholder"),
    ("    title: Keep the notice\n", "    title: Keep the notice\n    confidence: secondary\n", 6, "'source'"),
    ("    title: Keep the notice\n", "    title: Keep the notice\n    severity: fatal\n", 6, "'severity' must be one of"),
    ("rules:\n", "rule:\n", 2, "unknown key 'rule'"),
    ("    quote:", "    quote: [", 8, "invalid YAML"),
])
def test_validator_reports_file_and_line(tmp_path: Path, old: str, new: str, line: int, words: str) -> None:
    assert old in GOOD_RULE
    path = tmp_path / "mine.yml"
    path.write_text(GOOD_RULE.replace(old, new, 1), encoding="utf-8")
    _, errors = validate_files([path], default_corpus())
    assert errors, "expected an error"
    assert any(e.line == line and words in e.message for e in errors), [str(e) for e in errors]
    assert all(str(e).startswith(f"{path}:") for e in errors)


def test_good_user_rule_file_extends_the_rulebook(tmp_path: Path) -> None:
    (tmp_path / "mine.yml").write_text(GOOD_RULE, encoding="utf-8")
    rules, errors = validate_files([tmp_path], default_corpus())
    assert errors == [] and [r.id for r in rules] == ["mit/my-notice"]
    book = Rulebook(default_corpus(), [tmp_path])
    assert book.get("mit/my-notice") is not None and book.get("mit/notice") is not None


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(GOOD_RULE, encoding="utf-8")
    (tmp_path / "b.yml").write_text(GOOD_RULE, encoding="utf-8")
    _, errors = validate_files([tmp_path], default_corpus())
    assert len(errors) == 1 and "also defined in" in errors[0].message


def test_load_rulebook_refuses_a_bad_folder(tmp_path: Path) -> None:
    from licheck.errors import RuleFileError

    (tmp_path / "bad.yml").write_text(GOOD_RULE.replace("kind: notice", "kind: nope"), encoding="utf-8")
    book = Rulebook(default_corpus(), [tmp_path])   # users' folders are read on first use
    with pytest.raises(RuleFileError) as err:
        book.rules_for("mit")
    assert err.value.line == 4


def test_each_bundled_rule_file_is_named_for_its_licence() -> None:
    # The rulebook finds a licence's rules by this name, reading no other file.
    rules, _ = validate_files([RULES], default_corpus())
    assert rules and all(Path(r.path).stem == r.licence for r in rules)


def test_the_rulebook_reads_only_the_files_of_the_licences_asked_for() -> None:
    book = Rulebook(default_corpus())
    assert [r.licence for r in book.rules_for("llama3.1")] and set(book._read) == {"llama3.1"}
    assert book.get("mit/notice") is not None and set(book._read) == {"llama3.1", "mit"}
    assert book.rules_for("no-such-licence") == [] and book.get("no-slash") is None


def test_a_bundled_rule_file_under_another_licence_name_is_refused(tmp_path: Path) -> None:
    from licheck.errors import RuleFileError

    (tmp_path / "apache-2.0.yml").write_text(GOOD_RULE, encoding="utf-8")   # rules of 'mit'
    with pytest.raises(RuleFileError, match="name the file mit.yml"):
        Rulebook(default_corpus(), bundled=tmp_path).rules_for("apache-2.0")


@pytest.mark.slow
def test_validate_subprocess_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text(GOOD_RULE.replace("kind: notice", "kind: nope"), encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "licheck", "rules", "validate", str(path)],
                          capture_output=True, text=True, timeout=60, cwd=root)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}:4: ")
    assert "Traceback" not in proc.stderr


def test_a_prohibition_kind_is_never_downgraded_to_a_mere_obligation() -> None:
    """`non_commercial` means "you may not"; a licence that only asks you to register first
    carries a `registration` rule instead, so reports and SARIF name the duty correctly."""
    from licheck.model import Severity

    book = rulebook()
    for licence in book.licences():
        for rule in book.rules_for(licence):
            if rule.kind in ("non_commercial", "non_production"):
                assert rule.severity >= Severity.WARNING, rule.id
    kinds = {rule.id: rule.kind for lic in ("stability-community", "yi") for rule in book.rules_for(lic)}
    assert kinds["stability-community/commercial-registration"] == "registration"
    assert kinds["yi/commercial-registration"] == "registration"
