"""Hardening round 2, class A: inputs that made a run pass that must not pass (issue 14)."""

from __future__ import annotations

import datetime as dt
import struct
import time
from pathlib import Path

import pytest
from envs import corpus, run_check

from licheck.cardmeta import card_facts
from licheck.check import exit_code
from licheck.errors import ConfigError, InputError
from licheck.lineage import determine_licence
from licheck.model import ModelFacts, ModelRef, Severity
from licheck.sources import local as local_source
from licheck.sources.gguf import GgufSource
from licheck.sources.local import LocalDirSource
from licheck.waivers import load_waivers

TODAY = dt.date(2026, 6, 1)
COMMERCIAL = "use:\n  commercial: true\n"


def _unwaived_errors(report) -> list[str]:
    return [f.id for f in report.findings if not f.waived and f.severity >= Severity.ERROR]


def test_a_manifests_waivers_cover_only_its_own_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 1: pre-commit passes two manifests in one run; one's waiver must not waive the other's error."""
    monkeypatch.chdir(tmp_path)
    Path("ctx.yaml").write_text(COMMERCIAL)
    Path("a.yaml").write_text("context: ctx.yaml\nmodels:\n  - CohereForAI/c4ai-command-r-v01\n")
    Path("b.yaml").write_text(
        "context: ctx.yaml\nmodels:\n  - CohereForAI/aya-23-8B\nwaivers:\n"
        "  - kind: non_commercial\n    model: 'CohereForAI/*'\n    reason: r\n    approved_by: a\n"
        "    expires: 2026-12-31\n")
    report = run_check(["a.yaml", "b.yaml"], offline=True, today=TODAY)
    by_model = {(f.model, f.kind): f for f in report.findings if f.kind == "non_commercial"}
    assert by_model[("CohereForAI/aya-23-8B", "non_commercial")].waived
    assert not by_model[("CohereForAI/c4ai-command-r-v01", "non_commercial")].waived
    assert _unwaived_errors(report)
    # The config's waivers still reach every target.


@pytest.mark.parametrize("licence", ["[mit, cc-by-nc-4.0]", "[cc-by-nc-4.0, mit]", "'mit, cc-by-nc-4.0'"])
def test_every_listed_licence_binds(tmp_path: Path, licence: str) -> None:
    """Defect 3: `license: [mit, cc-by-nc-4.0]` bound only the first recognised id."""
    (tmp_path / "ctx.yaml").write_text(COMMERCIAL)
    model = tmp_path / "m"
    model.mkdir()
    (model / "README.md").write_text(f"---\nlicense: {licence}\n---\n# m\n")
    report = run_check([str(model)], offline=True, today=TODAY, context_path=str(tmp_path / "ctx.yaml"))
    [m] = report.models
    assert set(m.lineage.licences) == {"mit", "cc-by-nc-4.0"}
    assert any(f.kind == "non_commercial" for f in report.findings)
    assert _unwaived_errors(report)


def test_every_listed_licence_binds_in_a_check_from_the_lock(
        mock_hub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Defect 3 through `licheck lock`: the lock keeps every licence a card lists, and a
    check read from it (no request) finds what the live check found."""
    import json

    from licheck.cli import main

    mock_hub.add_repo("acme/two", {"license": ["mit", "cc-by-nc-4.0"]})
    (tmp_path / "ctx.yaml").write_text(COMMERCIAL)
    (tmp_path / "licheck.yaml").write_text("models:\n  - acme/two\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["lock"]) == 0
    assert 'licences = ["cc-by-nc-4.0", "mit"]' in (tmp_path / "licheck.lock").read_text(encoding="utf-8")
    mock_hub.reset_counts()
    out = tmp_path / "out.json"
    code = main(["check", "--locked", "--context", "ctx.yaml", "--format", "json", "-o", str(out)])
    assert mock_hub.requests == []
    assert code == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    assert any(f["kind"] == "non_commercial" for f in report["findings"])


def test_a_listed_licence_outside_the_corpus_is_reported_beside_the_known_one(tmp_path: Path) -> None:
    """Defect 3: a known licence in a list does not hide an unknown one."""
    model = tmp_path / "m"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: [mit, acme-secret-licence]\n---\n")
    report = run_check([str(model)], offline=True, today=TODAY)
    assert report.models[0].lineage.licences == ["mit"]
    unknown = [f for f in report.findings if f.kind == "licence_unknown"]
    assert unknown and "acme-secret-licence" in unknown[0].message


def test_multi_licence_gguf_value_binds_every_licence() -> None:
    """Defect 3: a comma-joined GGUF general.license takes the same path."""
    facts = ModelFacts(ref=ModelRef("gguf", "x.gguf"), id="x", source="gguf",
                       declared_licence="apache-2.0, cc-by-nc-4.0")
    choice = determine_licence(facts, corpus())
    assert (choice.licence, choice.others) == ("apache-2.0", ("cc-by-nc-4.0",))


def test_a_local_cards_base_model_path_is_followed(tmp_path: Path) -> None:
    """Defect 2: `base_model: ../base` (as transformers writes) was dropped without a word."""
    (tmp_path / "ctx.yaml").write_text(COMMERCIAL)
    base, tuned = tmp_path / "base", tmp_path / "tuned"
    base.mkdir()
    tuned.mkdir()
    (base / "README.md").write_text("---\nlicense: cc-by-nc-4.0\n---\n")
    (tuned / "README.md").write_text("---\nlicense: mit\nbase_model: ../base\n---\n")
    report = run_check([str(tuned)], offline=True, today=TODAY, context_path=str(tmp_path / "ctx.yaml"))
    lineage = report.models[0].lineage
    assert [n.source for n in lineage.nodes] == ["local", "local"]
    assert "cc-by-nc-4.0" in lineage.licences
    assert _unwaived_errors(report)


@pytest.mark.parametrize("base", ["../gone", "https://github.com/acme/model", "not a model id"])
def test_a_base_model_that_cannot_be_followed_is_unresolved(tmp_path: Path, base: str) -> None:
    """Defect 2: a missing path, a non-Hub URL or free text is reported, never dropped;
    under --strict it fails the run."""
    model = tmp_path / "m"
    model.mkdir()
    (model / "README.md").write_text(f"---\nlicense: mit\nbase_model: {base}\n---\n")
    report = run_check([str(model)], offline=True, today=TODAY, strict=True)
    unresolved = [f for f in report.findings if f.kind == "unresolved"]
    assert unresolved, [f.message for f in report.findings]
    assert _unwaived_errors(report)


def test_a_hub_cards_path_base_is_unresolved() -> None:
    """Defect 2, the Hub side: a path in a Hub card's base_model cannot be followed there."""
    facts = card_facts({"base_model": ["../base", "org/real"]}, ModelRef("hub", "a/b"), source="hub")
    assert [p.ref.name for p in facts.parents] == ["org/real"]
    assert facts.unknown_parents and "../base" in facts.unknown_parents[0]


def test_a_slow_local_folder_does_not_leave_the_next_model_unchecked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 4: offline, a slow local folder spent the deadline and the cc-by-nc model after
    it became a warning (exit 0). Local files are not subject to the network deadline."""
    monkeypatch.setenv("LICHECK_DEADLINE", "0.2")
    real_fetch = LocalDirSource.fetch

    def slow(self: LocalDirSource, ref: ModelRef):   # a folder of large YAML files on a slow disk
        time.sleep(0.4)
        return real_fetch(self, ref)

    monkeypatch.setattr(LocalDirSource, "fetch", slow)
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n")
    (tmp_path / "ctx.yaml").write_text(COMMERCIAL)
    manifest = tmp_path / "m.yaml"
    manifest.write_text("context: ctx.yaml\nmodels:\n  - path: slow\n  - CohereForAI/c4ai-command-r-v01\n")
    report = run_check([str(manifest)], offline=True, today=TODAY)
    assert not [f for f in report.findings if f.kind == "unresolved"]
    assert any(f.kind == "non_commercial" for f in report.findings)


def test_a_model_left_unfetched_at_the_deadline_is_an_error(mock_hub, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 4: a model left unchecked for lack of time can never make a run pass."""
    mock_hub.add_repo("acme/slow", {"license": "mit"})
    mock_hub.latency = 1.5
    monkeypatch.setenv("LICHECK_DEADLINE", "0.5")
    report = run_check(["acme/slow"], today=TODAY)
    [finding] = [f for f in report.findings if f.kind == "unresolved"]
    assert finding.severity == Severity.ERROR
    assert "deadline" in finding.message
    assert exit_code(report) == 1


def test_a_model_left_unfetched_at_the_deadline_is_never_locked(
        mock_hub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Defect 4 through `licheck lock`: a lock holding the model as unresolved would make
    every later check pass on a warning, and one without it could not be read. Exit 2,
    nothing written; the same lock is written once the Hub answers in time."""
    from licheck.cli import main

    mock_hub.add_repo("acme/slow", {"license": "mit"})
    (tmp_path / "licheck.yaml").write_text("models:\n  - acme/slow\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    mock_hub.latency = 1.5
    monkeypatch.setenv("LICHECK_DEADLINE", "0.5")
    assert main(["lock"]) == 2
    assert not (tmp_path / "licheck.lock").exists()
    mock_hub.latency = 0
    monkeypatch.setenv("LICHECK_DEADLINE", "20")
    assert main(["lock"]) == 0
    assert 'licences = ["mit"]' in (tmp_path / "licheck.lock").read_text(encoding="utf-8")


def test_yaml_files_that_are_not_recipes_are_sniffed_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 4 / 14: a folder of large YAML files that are not merge recipes is not parsed."""
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n")
    for i in range(5):
        (folder / f"data{i}.yaml").write_text("items:\n" + "  - {a: 1, b: [x, y]}\n" * 40_000)
    (folder / "recipe.yml").write_text("merge_method: slerp\nmodels:\n  - model: org/base\n")
    parsed: list[str] = []
    real = local_source.parse_yaml

    def spy(text: str, path: str, **kw):
        parsed.append(Path(path).name)
        return real(text, path, **kw)

    monkeypatch.setattr(local_source, "parse_yaml", spy)
    facts = LocalDirSource().fetch(ModelRef("path", str(folder)))
    assert parsed == ["recipe.yml"]
    assert [p.ref.name for p in facts.parents] == ["org/base"]


def _gguf_string_kv(key: str, value: str) -> bytes:
    k, v = key.encode(), value.encode()
    return struct.pack("<Q", len(k)) + k + struct.pack("<IQ", 8, len(v)) + v


def test_a_gguf_header_with_a_key_twice_is_refused(tmp_path: Path) -> None:
    """Defect 5: `general.license` twice (cc-by-nc-4.0 then mit): the last value won."""
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 2)
                     + _gguf_string_kv("general.license", "cc-by-nc-4.0")
                     + _gguf_string_kv("general.license", "mit"))
    with pytest.raises(InputError) as info:
        GgufSource().fetch(ModelRef("gguf", str(path)))
    assert "general.license" in info.value.message and "twice" in info.value.message
    assert str(info.value).startswith(f"{path}: ")


@pytest.mark.parametrize("rule", ["'*'", "'*/*'", "'**'", "'?*'", "'[a-z]*/*'", "' * '"])
def test_a_blanket_waiver_is_refused(rule: str, tmp_path: Path) -> None:
    """Defect 7: `rule: "*"` waived every error of every model, even under --strict."""
    waivers = tmp_path / "w.yaml"
    waivers.write_text(f"- reason: r\n  approved_by: a\n  expires: 2100-01-01\n  rule: {rule}\n")
    with pytest.raises(ConfigError) as err:
        load_waivers(waivers)
    assert str(err.value).startswith(f"{waivers}:4: ") and "every finding" in str(err.value)


def test_a_narrow_glob_waiver_is_still_accepted(tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text("- rule: 'llama3*/attribution'\n  reason: r\n  approved_by: a\n  expires: 2100-01-01\n")
    assert [w.rule for w in load_waivers(waivers)] == ["llama3*/attribution"]
