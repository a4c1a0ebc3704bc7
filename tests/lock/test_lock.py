"""`licheck lock`, `check` with a lock, `--locked` and `lock --check` on the loopback mock Hub."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from lockworld import APACHE, MANIFEST
from mockhub import MockHub

from licheck.cli import main
from licheck.lockfile import read_lock

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lock_text(project: Path) -> str:
    return (project / "licheck.lock").read_text(encoding="utf-8")


def drift(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    code, out, _ = run(capsys, "lock", "--check", "--format", "json")
    return code, json.loads(out)["findings"]


def without_time(text: str) -> str:
    return re.sub(r'"generated_at": "[^"]*"', '"generated_at": "-"', text)


# --- writing the lock ----------------------------------------------------------------------

def test_lock_records_lineage_commits_licences_and_document_digests(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "lock")
    assert code == 0 and "wrote licheck.lock" in err
    doc = tomllib.loads(lock_text(project))
    assert doc["version"] == 1 and doc["manifest"] == "licheck.yaml"
    assert set(doc["data"]) == {"licences", "rules", "catalogue"}
    models = {m["ref"]: m for m in doc["model"]}
    assert set(models) == {"hub:up/fine-tune", "hub:up/licence-file", "hub:up/pinned@v1"}
    assert models["hub:up/fine-tune"]["licences"] == ["llama3.1"]
    nodes = {n["ref"]: n for n in doc["node"]}
    assert set(nodes) == {"hub:up/base-model", "hub:up/fine-tune", "hub:up/licence-file", "hub:up/pinned@v1"}
    fine = nodes["hub:up/fine-tune"]
    assert fine["parents"] == [{"ref": "hub:up/base-model", "relation": "finetune"}]
    assert fine["commit"] == upstream.repos["up/fine-tune"].sha
    assert fine["licence"] == "llama3.1" and fine["licence_evidence"].startswith("card license")
    assert fine["licence_from"] == "declared licence"
    assert set(fine["documents"]) == {"cardData"}
    by_text = nodes["hub:up/licence-file"]
    assert by_text["licence"] == "mit" and "LICENSE identified as mit" in by_text["licence_evidence"]
    assert by_text["licence_from"] == "LICENSE text"
    assert by_text["documents"]["LICENSE"] == "sha256:" + __import__("hashlib").sha256(
        upstream.repos["up/licence-file"].files["LICENSE"]).hexdigest()
    # A pinned revision: the lock records the commit the tag named.
    assert nodes["hub:up/pinned@v1"]["commit"] == "1" * 40


def test_relocking_an_unchanged_world_rewrites_nothing(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "lock")[0] == 0
    path = project / "licheck.lock"
    before, stamp = path.read_bytes(), os.stat(path).st_mtime_ns
    upstream.reset_counts()
    code, _, err = run(capsys, "lock")
    assert code == 0 and "up to date" in err
    assert upstream.count() == 0            # what is locked is not asked again
    code, _, err = run(capsys, "lock", "--update")   # asked again: the same answers
    assert code == 0 and "up to date" in err and upstream.count() > 0
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == stamp


def test_lock_keeps_locked_entries_adds_new_ones_and_drops_removed_ones(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    upstream.repos["up/base-model"].card["license"] = "apache-2.0"   # not looked at: locked
    upstream.add_repo("up/new-model", {"license": "mit"})
    (project / "licheck.yaml").write_text("models:\n  - up/fine-tune\n  - up/new-model\n", encoding="utf-8")
    upstream.reset_counts()
    assert run(capsys, "lock")[0] == 0
    doc = tomllib.loads(lock_text(project))
    assert [m["ref"] for m in doc["model"]] == ["hub:up/fine-tune", "hub:up/new-model"]
    nodes = {n["ref"]: n for n in doc["node"]}
    assert set(nodes) == {"hub:up/base-model", "hub:up/fine-tune", "hub:up/new-model"}
    assert nodes["hub:up/base-model"]["declared_licence"] == "llama3.1"
    assert upstream.count("/api/models/up/new-model") == 1 and upstream.count("/api/models/up/fine-tune") == 0


def test_update_named_entries_only(project: Path, upstream: MockHub,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    upstream.repos["up/pinned"].card["license"] = "mit"
    upstream.repos["up/licence-file"].files["LICENSE"] = APACHE.encode()
    assert run(capsys, "lock", "--update", "up/pinned@v1")[0] == 0
    nodes = {n["ref"]: n for n in tomllib.loads(lock_text(project))["node"]}
    assert nodes["hub:up/pinned@v1"]["declared_licence"] == "mit"
    assert nodes["hub:up/licence-file"]["licence"] == "mit"   # not named: kept as locked
    code, _, err = run(capsys, "lock", "--update", "up/nope")
    assert code == 2 and "'up/nope' is not an entry of the manifest" in err


# --- check reads the lock --------------------------------------------------------------------

def test_check_with_a_lock_asks_nothing_and_gives_the_same_lineage(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code_live, live, _ = run(capsys, "check", "--format", "json")
    run(capsys, "lock")
    upstream.reset_counts()
    code, locked, _ = run(capsys, "check", "--format", "json")
    assert upstream.count() == 0
    assert code == code_live
    assert json.loads(locked)["models"] == json.loads(live)["models"]
    assert json.loads(locked)["locks"] == [{"path": "licheck.lock", "digest": read_lock("licheck.lock").digest}]
    # Another machine: an empty cache and no Hub at all. The same bytes.
    monkeypatch.setenv("LICHECK_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    code_again, again, _ = run(capsys, "check", "--format", "json")
    assert code_again == code and without_time(again) == without_time(locked)


def test_upstream_changes_do_not_change_a_locked_check(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    _, before, _ = run(capsys, "check", "--format", "json")
    upstream.repos["up/base-model"].card["license"] = "cc-by-nc-4.0"
    _, after, _ = run(capsys, "check", "--format", "json")
    assert without_time(after) == without_time(before)


def test_a_lock_given_as_a_target_stands_for_its_manifest(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    _, by_manifest, _ = run(capsys, "check", "licheck.yaml", "--format", "json")
    upstream.reset_counts()
    _, by_lock, _ = run(capsys, "check", "licheck.lock", "--format", "json")
    assert without_time(by_lock) == without_time(by_manifest) and upstream.count() == 0


def test_stale_lock_warns_and_resolves_the_entry_live(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    upstream.add_repo("up/new-model", {"license": "mit"})
    (project / "licheck.yaml").write_text(MANIFEST + "  - up/new-model\n", encoding="utf-8")
    upstream.reset_counts()
    _, out, _ = run(capsys, "check", "--format", "json")
    stale = [f for f in json.loads(out)["findings"] if f["id"] == "drift/lock-stale"]
    assert [(f["kind"], f["severity"], f["model"]) for f in stale] == [("drift", "warning", "up/new-model")]
    assert stale[0]["location"] == {"file": "licheck.yaml", "line": 6}
    assert upstream.count("/api/models/up/new-model") == 1
    assert upstream.count() == upstream.count("/api/models/up/new-model")


def test_locked_with_a_stale_lock_is_an_input_error(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    (project / "licheck.yaml").write_text(MANIFEST.replace("revision: v1", "revision: v2"), encoding="utf-8")
    upstream.reset_counts()
    code, out, err = run(capsys, "check", "--locked")
    assert code == 2 and out == ""
    assert err.startswith("licheck: licheck.yaml:4: ")
    assert "reference changed" in err and "up/pinned@v1" in err and "Traceback" not in err
    assert upstream.count() == 0


def test_locked_without_a_lock_is_an_input_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--locked")
    assert code == 2 and "licheck.yaml: --locked: there is no licheck.lock" in err


def test_locked_with_a_fresh_lock_runs(project: Path, upstream: MockHub,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    code, _, err = run(capsys, "check", "--locked", "--fail-on", "never")
    assert code == 0 and err == ""


# --- a broken lock -----------------------------------------------------------------------------

@pytest.mark.parametrize(("edit", "line_of", "words"), [
    (lambda t: t.replace('manifest = "licheck.yaml"', 'manifest = "licheck.yaml'), 'manifest = "',
     "not a valid lock file"),
    (lambda t: t.replace('licence = "mit"', 'licence = "apache-2.0"'), None, "changed by hand"),
    (lambda t: t.replace('licence = "mit"', 'licnce = "mit"'), 'licnce = "mit"', "did you mean 'licence'"),
    (lambda t: t.replace('version = 1', 'version = 9'), "version = 9", "version 9"),
    (lambda t: t.replace('relation = "finetune" }', 'relation = "cousin" }'), "parents = [", "relation"),
])
def test_a_corrupt_or_hand_edited_lock_is_an_input_error_at_its_line(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str],
        edit: object, line_of: str | None, words: str) -> None:
    run(capsys, "lock")
    path = project / "licheck.lock"
    text = edit(path.read_text(encoding="utf-8"))  # type: ignore[operator]
    assert text != path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    if line_of is None:   # the digest line of the edited entry
        start = next(i for i, line in enumerate(lines) if line == 'licence = "apache-2.0"')
        line_of = next(line for line in lines[start:] if line.startswith("digest = "))
    expected = next(i for i, line in enumerate(lines, 1) if line.startswith(line_of))
    for argv in (("check",), ("lock",), ("lock", "--check")):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "", argv
        assert err.startswith(f"licheck: licheck.lock:{expected}: "), (argv, err)
        assert words in err and "Traceback" not in err


def test_a_node_whose_parent_is_missing_is_an_input_error(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    path = project / "licheck.lock"
    text = path.read_text(encoding="utf-8")
    start = text.index('[[node]]\nref = "hub:up/base-model"')
    end = text.index("[[node]]", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    code, _, err = run(capsys, "check")
    assert code == 2 and "parent 'hub:up/base-model' of 'hub:up/fine-tune' is not in the lock" in err
    assert re.match(r"licheck: licheck\.lock:\d+: ", err)


# --- lock --check: drift ---------------------------------------------------------------------

def _ids(findings: list[dict[str, object]]) -> list[object]:
    return [f["id"] for f in findings]


def test_no_drift_in_an_unchanged_world(project: Path, upstream: MockHub,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    code, findings = drift(capsys)
    assert (code, findings) == (0, [])


def test_licence_tag_changed_upstream(project: Path, upstream: MockHub,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    upstream.repos["up/base-model"].card["license"] = "apache-2.0"
    code, findings = drift(capsys)
    assert code == 1 and _ids(findings) == ["drift/licence-changed"]
    [f] = findings
    assert (f["kind"], f["severity"], f["model"]) == ("drift", "error", "up/fine-tune")
    assert f["via"] == ["up/fine-tune", "up/base-model"]
    assert "was license: llama3.1" in f["message"] and "now license: apache-2.0" in f["message"]


def test_licence_text_changed_upstream(project: Path, upstream: MockHub,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    old = read_lock(project / "licheck.lock").node("hub:up/licence-file")
    assert old is not None and old.facts is not None
    upstream.repos["up/licence-file"].files["LICENSE"] = (MIT_CHANGED := APACHE).encode()
    code, findings = drift(capsys)
    assert code == 1 and _ids(findings) == ["drift/licence-text-changed"]
    [f] = findings
    assert f["severity"] == "error"
    assert old.facts.documents["LICENSE"] in f["message"]
    new = "sha256:" + __import__("hashlib").sha256(MIT_CHANGED.encode()).hexdigest()
    assert new in f["message"]


def test_base_model_changed_upstream(project: Path, upstream: MockHub,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    upstream.add_repo("up/other-base", {"license": "llama3.1"})
    upstream.repos["up/fine-tune"].card["base_model"] = "up/other-base"
    code, findings = drift(capsys)
    assert code == 0 and _ids(findings) == ["drift/base-changed"]
    [f] = findings
    assert f["severity"] == "warning"
    assert "was up/base-model (finetune)" in f["message"] and "now up/other-base (finetune)" in f["message"]


def test_a_new_revision_upstream(project: Path, upstream: MockHub,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    old_sha = upstream.repos["up/fine-tune"].sha
    upstream.repos["up/fine-tune"].sha = "2" * 40
    upstream.repos["up/pinned"].revisions["v1"] = "3" * 40   # the tag moved
    code, findings = drift(capsys)
    assert code == 0 and _ids(findings) == ["drift/revision-moved", "drift/revision-moved"]
    messages = sorted(str(f["message"]) for f in findings)
    assert f"revision main moved upstream: was {old_sha}; now {'2' * 40}" in messages[0]
    assert f"revision v1 moved upstream: was {'1' * 40}; now {'3' * 40}" in messages[1]
    assert {f["severity"] for f in findings} == {"warning"}


def test_a_deleted_repo(project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    del upstream.repos["up/base-model"]
    code, findings = drift(capsys)
    assert code == 0 and _ids(findings) == ["drift/gone"]
    assert findings[0]["severity"] == "warning" and "not found on the Hub" in str(findings[0]["message"])
    assert findings[0]["via"] == ["up/fine-tune", "up/base-model"]


@pytest.mark.parametrize("how", ["api", "files"])
def test_a_repo_turned_gated(project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str],
                             how: str) -> None:
    run(capsys, "lock")
    repo = upstream.repos["up/pinned"]
    if how == "api":
        repo.api_gated = True
    else:
        repo.gated = "manual"
    code, findings = drift(capsys)
    assert code == 0 and _ids(findings) == ["drift/gated"]
    assert "was open" in str(findings[0]["message"])


def test_hub_down_is_not_a_clean_drift_check(project: Path, upstream: MockHub,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, "lock")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    code, findings = drift(capsys)
    assert findings and {f["kind"] for f in findings} == {"unresolved"}
    assert code == 0 and all(f["severity"] == "warning" for f in findings)


def test_drift_text_output_names_old_and_new(project: Path, upstream: MockHub,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    upstream.repos["up/base-model"].card["license"] = "apache-2.0"
    code, out, _ = run(capsys, "lock", "--check")
    assert code == 1 and "drift/licence-changed" in out and "llama3.1" in out and "apache-2.0" in out


# --- the review report names the lock -------------------------------------------------------

@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_review_report_names_the_lock_and_its_digest(project: Path, upstream: MockHub,
                                                     capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    run(capsys, "lock")
    _, out, _ = run(capsys, "check", "--format", fmt, "--fail-on", "never")
    assert "licheck.lock" in out and read_lock("licheck.lock").digest in out


def test_lock_update_replaces_a_broken_lock(project: Path, upstream: MockHub,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    good = lock_text(project)
    (project / "licheck.lock").write_text(good.replace("version = 1", "version = ["), encoding="utf-8")
    assert run(capsys, "lock")[0] == 2
    assert run(capsys, "lock", "--update")[0] == 0
    assert lock_text(project) == good


# --- local models: read live, their Hub ancestors from the lock ----------------------------------

def test_a_local_model_is_read_live_and_its_hub_base_comes_from_the_lock(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    mine = project / "models" / "mine"
    mine.mkdir(parents=True)
    (mine / "README.md").write_text("---\nlicense: llama3.1\nbase_model: up/base-model\n---\n# Mine\n",
                                    encoding="utf-8")
    (mine / "adapter_config.json").write_text('{"base_model_name_or_path": "up/base-model", '
                                              '"peft_type": "LORA"}', encoding="utf-8")
    (project / "licheck.yaml").write_text("models:\n  - path: models/mine\n", encoding="utf-8")
    assert run(capsys, "lock")[0] == 0
    doc = tomllib.loads(lock_text(project))
    assert [m["ref"] for m in doc["model"]] == ["path:models/mine"]
    nodes = {n["ref"]: n for n in doc["node"]}
    assert set(nodes) == {"path:models/mine", "hub:up/base-model"}
    assert set(nodes["path:models/mine"]["documents"]) == {"README.md", "adapter_config.json"}
    _, before, _ = run(capsys, "check", "--format", "json")
    # From the parent folder: the lock holds paths relative to itself, so nothing is stale.
    monkeypatch.chdir(project.parent)
    upstream.reset_counts()
    code, out, err = run(capsys, "check", "--locked", "--format", "json", "project/licheck.yaml")
    assert code in (0, 1) and upstream.count() == 0, err
    assert [m["licences"] for m in json.loads(out)["models"]] == [m["licences"] for m in json.loads(before)["models"]]
    # The card is the repository's own file: a change is seen at once, lock or not.
    (mine / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: up/base-model\n---\n# Mine\n",
                                    encoding="utf-8")
    _, after, _ = run(capsys, "check", "--locked", "--format", "json", "project/licheck.yaml")
    assert json.loads(after)["models"][0]["lineage"][0]["declared_licence"] == "apache-2.0"


def test_a_manifest_entry_not_in_the_lock_is_drift_too(project: Path, upstream: MockHub,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    upstream.add_repo("up/new-model", {"license": "mit"})
    (project / "licheck.yaml").write_text(MANIFEST + "  - up/new-model\n", encoding="utf-8")
    code, findings = drift(capsys)
    assert code == 0 and _ids(findings) == ["drift/lock-stale"]
    assert findings[0]["model"] == "up/new-model" and findings[0]["severity"] == "warning"


def test_a_lock_written_offline_is_not_taken_for_upstream_drift(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "licheck.yaml").write_text("models:\n  - meta-llama/Llama-3.1-8B-Instruct\n", encoding="utf-8")
    assert run(capsys, "lock", "--offline")[0] == 0      # from licheck's catalogue
    code, findings = drift(capsys)                      # the mock Hub has the fixture repos
    assert code == 0 and set(_ids(findings)) == {"drift/source-changed"}


def test_another_manifests_lock_is_neither_used_nor_overwritten(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    before = lock_text(project)
    (project / "models.yaml").write_text("models:\n  - up/pinned\n", encoding="utf-8")
    code, _, err = run(capsys, "lock", "models.yaml")
    assert code == 2 and "licheck.lock beside it is the lock of licheck.yaml" in err
    assert lock_text(project) == before
    assert run(capsys, "check", "--locked", "models.yaml")[0] == 2
    upstream.reset_counts()
    _, out, _ = run(capsys, "check", "--format", "json", "models.yaml")
    assert "locks" not in json.loads(out) and upstream.count() > 0


# --- structure read for fingerprints is locked too -------------------------------------------

def test_structure_facts_are_locked_and_give_the_same_provenance_findings(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str]) -> None:
    configs = json.loads((Path(__file__).resolve().parents[1] / "fingerprints" / "data" /
                          "real_configs.json").read_text(encoding="utf-8"))["configs"]
    config = dict(configs["meta-llama/Meta-Llama-3.1-70B"]["config"], _name_or_path="/data/runs/dpo")
    specials = {128000: "<|begin_of_text|>", 128001: "<|end_of_text|>",
                128006: "<|start_header_id|>", 128009: "<|eot_id|>"}
    tokenizer = {"added_tokens_decoder": {str(i): {"content": t, "special": True} for i, t in specials.items()}}
    upstream.add_repo("acme/acme-70b-chat", {"license": "apache-2.0", "tags": ["chat"]}, files={
        "config.json": json.dumps(config), "tokenizer_config.json": json.dumps(tokenizer),
        "model-00001-of-00030.safetensors": b"\0" * 64})
    (project / "licheck.yaml").write_text("models:\n  - acme/acme-70b-chat\n", encoding="utf-8")
    _, live, _ = run(capsys, "check", "--format", "json", "--fail-on", "never")
    assert any(f["id"].startswith("fingerprint/") for f in json.loads(live)["findings"])
    run(capsys, "lock")
    [node] = tomllib.loads(lock_text(project))["node"]
    assert node["structure"]["layers"] == config["num_hidden_layers"]
    assert {"config.json", "tokenizer_config.json"} <= set(node["documents"])
    upstream.reset_counts()
    _, locked, _ = run(capsys, "check", "--format", "json", "--fail-on", "never")
    assert upstream.count() == 0
    for key in ("models", "findings", "summary"):
        assert json.loads(locked)[key] == json.loads(live)[key], key


def test_a_local_adapter_of_a_local_base_of_a_hub_model(
        project: Path, upstream: MockHub, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = project / "models" / "base"
    base.mkdir(parents=True)
    (base / "README.md").write_text("---\nlicense: llama3.1\nbase_model: up/base-model\n---\n", encoding="utf-8")
    adapter = project / "models" / "adapter"
    adapter.mkdir()
    (adapter / "README.md").write_text("---\nlicense: llama3.1\n---\n", encoding="utf-8")
    (adapter / "adapter_config.json").write_text('{"base_model_name_or_path": "../base", "peft_type": "LORA"}',
                                                 encoding="utf-8")
    (project / "licheck.yaml").write_text("models:\n  - path: models/adapter\n", encoding="utf-8")
    assert run(capsys, "lock")[0] == 0
    nodes = {n["ref"]: n for n in tomllib.loads(lock_text(project))["node"]}
    assert set(nodes) == {"path:models/adapter", "path:models/base", "hub:up/base-model"}
    assert nodes["path:models/adapter"]["parents"] == [{"ref": "path:models/base", "relation": "adapter"}]
    monkeypatch.chdir(project / "models")          # elsewhere: the lock reads the same
    assert run(capsys, "lock", "../licheck.yaml")[1:] == ("", "licheck: up to date: ../licheck.lock "
                                                               "(0 model(s) resolved, 1 kept as locked)\n")
    upstream.reset_counts()
    code, out, err = run(capsys, "check", "--locked", "--format", "json", "../licheck.yaml")
    assert code in (0, 1) and upstream.count() == 0, err
    ids = [n["id"] for n in json.loads(out)["models"][0]["lineage"]]
    assert ids[-1] == "up/base-model" and len(ids) == 3


def test_a_base_no_longer_named_leaves_the_lock(project: Path, upstream: MockHub,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "lock")
    upstream.add_repo("up/other-base", {"license": "llama3.1"})
    upstream.repos["up/fine-tune"].card["base_model"] = "up/other-base"
    assert run(capsys, "lock", "--update", "up/fine-tune")[0] == 0
    refs = {n["ref"] for n in tomllib.loads(lock_text(project))["node"]}
    assert "hub:up/other-base" in refs and "hub:up/base-model" not in refs
