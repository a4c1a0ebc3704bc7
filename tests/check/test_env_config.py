"""Every command honours the config's own data (extra_licences, extra_rules, extra_catalogue,
policy): each builds the run's environment from it (`licheck.env`), and nothing below the
command line reaches for the bundled data alone.

The project below is one a legal team might keep: a licence of its own (with an alias), a rule
about it, and a catalogue entry for an internal fine-tune of Llama 3.1 under that licence.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from licheck.cli import main
from licheck.env import build_env

ACME_TEXT = """ACME INTERNAL MODEL LICENCE

1. You may use the Model inside ACME only.
2. Anyone who ships the Model outside ACME must first ask the legal team in writing.
"""

ACME_RULE = """\
licence: acme-internal
rules:
  - id: acme-internal/ask-legal
    kind: notice
    title: Ask the legal team before shipping
    section: "2"
    quote: "Anyone who ships the Model outside ACME must first ask the legal team in writing."
    message: "ask legal before shipping {model}"
    how_to_comply: Write to the legal team.
    triggered_by: [distributes_weights]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    lic = tmp_path / "legal" / "licences"
    lic.mkdir(parents=True)
    (lic / "acme-internal.txt").write_text(ACME_TEXT)
    (lic / "acme-internal.yml").write_text(
        "id: acme-internal\nname: ACME Internal Model Licence\nkind: model-licence\n"
        "texts: [acme-internal.txt]\nsource: written for this test\n"
        "aliases: [ACME Internal Licence]\n")
    rules = tmp_path / "legal" / "rules"
    rules.mkdir()
    (rules / "acme-internal.yml").write_text(ACME_RULE)
    models = tmp_path / "legal" / "catalogue" / "models"
    models.mkdir(parents=True)
    (models / "acme.yml").write_text(
        "models:\n  - {id: acme/foo-7b, licence: acme-internal, modalities: [text],\n"
        "     parents: [{id: meta-llama/Llama-3.1-8B-Instruct, relation: finetune}]}\n")
    (tmp_path / ".licheck.yaml").write_text(
        "extra_licences: [legal/licences]\nextra_rules: [legal/rules]\n"
        "extra_catalogue: [legal/catalogue]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """The command line as a user runs it: (exit code, stdout + stderr)."""
    def run(*args: str) -> tuple[int, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out + out.err
    return run


def test_resolve_offline_finds_the_users_catalogue_entry_as_check_does(project: Path, run: Run) -> None:
    # The regression: `resolve` said "unresolved" while `check` found the model.
    code, out = run("resolve", "--offline", "--format", "json", "acme/foo-7b")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["lineage"][0]["source"] == "catalogue"
    assert doc["licences"] == ["acme-internal", "llama3.1"]
    assert not any(f["kind"] == "unresolved" for f in doc["findings"])
    code, out = run("check", "--offline", "--format", "json", "acme/foo-7b")
    assert json.loads(out)["models"][0]["licences"] == doc["licences"]


def test_without_the_config_resolve_cannot_find_it(project: Path, run: Run) -> None:
    (project / ".licheck.yaml").unlink()
    code, out = run("resolve", "--offline", "--format", "json", "acme/foo-7b")
    assert code == 0 and json.loads(out)["lineage"][0]["source"] == "unresolved"


def test_an_alias_of_a_users_licence_in_deny_licences_is_honoured(project: Path, run: Run) -> None:
    # The regression: the alias was looked up in the bundled corpus only, and ignored.
    (project / "context.yaml").write_text("policy: {deny_licences: [ACME Internal Licence]}\n")
    code, out = run("check", "--offline", "--format", "json", "--context", "context.yaml",
                     "acme/foo-7b")
    assert code == 1, out
    denied = [f for f in json.loads(out)["findings"] if f["id"] == "policy/deny"]
    assert [f["licence"] for f in denied] == ["acme-internal"]


def test_check_applies_the_users_rules(project: Path, run: Run) -> None:
    (project / "context.yaml").write_text("use: {distributes_weights: true}\n")
    code, out = run("check", "--offline", "--format", "json", "--context", "context.yaml",
                     "acme/foo-7b")
    ids = {f["id"] for f in json.loads(out)["findings"]}
    assert "acme-internal/ask-legal" in ids and "llama3.1/notice" in ids


def test_explain_knows_the_users_rules_and_licences(project: Path, run: Run) -> None:
    code, out = run("explain", "--format", "json", "acme-internal/ask-legal")
    assert code == 0, out
    assert json.loads(out)["rule"]["id"] == "acme-internal/ask-legal"
    code, out = run("explain", "--format", "json", "ACME Internal Licence")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["licence"]["id"] == "acme-internal"
    assert [r["id"] for r in doc["rules"]] == ["acme-internal/ask-legal"]


def test_licences_lists_the_users_licences(project: Path, run: Run) -> None:
    code, out = run("licences", "--format", "json")
    assert code == 0
    ids = [lic["id"] for lic in json.loads(out)["licences"]]
    assert "acme-internal" in ids and "llama3.1" in ids
    (project / ".licheck.yaml").unlink()
    assert "acme-internal" not in run("licences")[1]


def test_identify_matches_the_users_licence_texts(project: Path, run: Run) -> None:
    (project / "LICENSE").write_text(ACME_TEXT)
    code, out = run("identify", "--format", "json", "LICENSE")
    assert code == 0, out
    assert json.loads(out)["results"][0]["licence"] == "acme-internal"


def test_rules_validate_accepts_rules_of_the_users_licences(project: Path, run: Run) -> None:
    code, out = run("rules", "validate", "legal/rules")
    assert code == 0, out
    assert "1 rules for 1 licences" in out
    (project / ".licheck.yaml").unlink()
    code, out = run("rules", "validate", "legal/rules")
    assert code == 2 and "unknown licence 'acme-internal'" in out


def test_every_command_takes_config_from_a_named_file(project: Path, run: Run) -> None:
    (project / ".licheck.yaml").rename(project / "other.yaml")
    assert "acme-internal" in run("licences", "--config", "other.yaml")[1]
    code, out = run("resolve", "--offline", "--config", "other.yaml", "acme/foo-7b")
    assert code == 0 and "catalogue" in out


@pytest.mark.parametrize("command", [["licences"], ["explain", "mit"], ["identify", "LICENSE"],
                                     ["resolve", "--offline", "acme/foo-7b"],
                                     ["check", "--offline", "acme/foo-7b"], ["rules", "validate"]])
def test_a_missing_folder_in_the_config_stops_every_command(project: Path, run: Run,
                                                            command: list[str]) -> None:
    (project / "LICENSE").write_text(ACME_TEXT)
    (project / ".licheck.yaml").write_text("extra_licences: [nowhere]\n")
    code, out = run(*command)
    assert code == 2
    assert out.strip() == "licheck: .licheck.yaml:1: 'extra_licences' folder not found: nowhere"


def test_an_environment_reads_the_bundled_data_only_when_asked(project: Path) -> None:
    from licheck.config import DEFAULT_CONFIG, load_config

    assert "catalogue" not in vars(build_env(DEFAULT_CONFIG))   # `licences` never parses it
    env = build_env(load_config())
    assert "rulebook" not in vars(env)   # `resolve` and `identify` evaluate no rule
    assert "catalogue" in vars(env)      # a user's catalogue is checked at once
    assert env.catalogue.model("acme/foo-7b") is not None
    assert env.rulebook.get("acme-internal/ask-legal") is not None
    assert env.corpus.lookup("ACME Internal Licence") == "acme-internal"


@pytest.mark.parametrize("command", [["licences"], ["explain", "mit"], ["resolve", "--offline", "acme/foo-7b"]])
def test_a_bad_user_catalogue_file_stops_every_command(project: Path, run: Run, command: list[str]) -> None:
    (project / "legal" / "catalogue" / "models" / "zzz.yml").write_text(
        "models:\n  - {id: zzz/a, licence: nope, modalities: [text]}\n")
    code, out = run(*command)
    assert code == 2 and "zzz.yml:2:" in out and "unknown licence id 'nope'" in out, out


def test_a_bad_user_rule_file_stops_check_even_with_no_models(project: Path, run: Run) -> None:
    (project / "legal" / "rules" / "acme-internal.yml").write_text(ACME_RULE.replace("kind: notice",
                                                                                   "kind: nope"))
    (project / "empty.yaml").write_text("models: []\n")
    code, out = run("check", "--offline", "empty.yaml")
    assert code == 2 and "acme-internal.yml:4:" in out, out
