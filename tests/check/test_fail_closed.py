"""What the user got wrong fails closed (issue 13, section 1): mistyped ids, misspelt folders,
unknown licence ids, a dead Hub, a folder that is not a model, Ctrl-C."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run, write
from mockhub import MockHub, mock_hub  # noqa: F401 - fixture


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def unresolved(doc: dict) -> list[dict]:
    return [f for f in doc["findings"] if f["kind"] == "unresolved"]


# --- mistyped model ids --------------------------------------------------------------------------

def test_offline_typo_stays_a_warning_with_a_suggestion(work: Path) -> None:
    code, out, err = run("check", "--offline", "--format", "json", "meta-llama/Llama-3.1-8B-Instruc")
    doc = json.loads(out)
    (finding,) = unresolved(doc)
    assert code == 0 and finding["severity"] == "warning"
    assert "did you mean 'meta-llama/Llama-3.1-8B-Instruct'?" in finding["message"]


@pytest.mark.parametrize("typo, meant", [
    ("meta-lama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"),     # the organisation
    ("mistral/Mistral-7B-Instruct-v0.3", "mistralai/Mistral-7B-Instruct-v0.3"),  # a shorter org
    ("metallama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ("Qwen/Qwen2.5-7B-Instrut", "Qwen/Qwen2.5-7B-Instruct"),                     # the name
])
def test_offline_suggestions_search_the_whole_catalogue(work: Path, typo: str, meant: str) -> None:
    # Only the files of the organisation and of the closest organisation name are read.
    code, out, _ = run("check", "--offline", "--format", "json", typo)
    (finding,) = unresolved(json.loads(out))
    assert f"did you mean '{meant}'?" in finding["message"]


def test_an_id_like_nothing_known_gets_no_suggestion(work: Path) -> None:
    code, out, _ = run("check", "--offline", "--format", "json", "acme-internal/triage-bot-v2")
    (finding,) = unresolved(json.loads(out))
    assert code == 0 and "did you mean" not in finding["message"]


def test_hub_404_for_a_named_model_is_an_error_with_a_suggestion(work: Path, mock_hub: MockHub) -> None:  # noqa: F811
    code, out, err = run("check", "--format", "json", "meta-llama/Llama-3.1-8B-Instruc")
    doc = json.loads(out)
    (finding,) = unresolved(doc)
    assert code == 1, err
    assert finding["severity"] == "error"
    assert "did you mean 'meta-llama/Llama-3.1-8B-Instruct'?" in finding["message"]


def test_a_missing_ancestor_stays_a_warning(work: Path, mock_hub: MockHub) -> None:  # noqa: F811
    mock_hub.add_repo("acme/orphan-ft", {"license": "apache-2.0", "base_model": "acme/gone-base"})
    code, out, _ = run("check", "--format", "json", "acme/orphan-ft")
    (finding,) = unresolved(json.loads(out))
    assert finding["severity"] == "warning" and code == 0


def test_suggestions_come_from_the_cache_too(work: Path, mock_hub: MockHub) -> None:  # noqa: F811
    mock_hub.add_repo("acme/support-classifier", {"license": "apache-2.0"})
    assert run("check", "acme/support-classifier")[0] == 0   # now in the cache
    code, out, _ = run("check", "--offline", "--format", "json", "acme/support-clasifier")
    (finding,) = unresolved(json.loads(out))
    assert "did you mean 'acme/support-classifier'?" in finding["message"]


# --- paths of the working tree ---------------------------------------------------------------------

def test_a_misspelt_folder_under_an_existing_one_is_a_path_not_a_hub_id(work: Path) -> None:
    write(work / "models" / "support-classifier" / "README.md", "# x\n")
    code, _, err = run("check", "--offline", "models/support-classifer")
    assert code == 2
    assert "models/support-classifier" in err and "did you mean" in err


def test_a_missing_dot_slash_path_is_an_input_error(work: Path) -> None:
    code, _, err = run("check", "--offline", "./support-classifier")
    assert code == 2 and err.count("\n") == 1


def test_the_same_rule_in_a_manifest(work: Path) -> None:
    write(work / "models" / "a" / "README.md", "# x\n")
    write(work / "licheck.yaml", "models:\n  - models/b\n")
    code, _, err = run("check", "--offline", "licheck.yaml")
    assert code == 2 and "models/b" in err


# --- licence ids in context, config and waivers ------------------------------------------------------

@pytest.mark.parametrize("key", ["deny_licences", "allow_licences"])
def test_unknown_policy_licence_id_is_exit_2_with_line_and_suggestion(work: Path, key: str) -> None:
    write(work / "ctx.yaml", f"sectors: []\npolicy:\n  {key}:\n    - mit\n    - cc-by-nc\n")
    code, _, err = run("check", "--offline", "--context", "ctx.yaml", "mistralai/Mistral-7B-v0.1")
    assert code == 2
    assert err.startswith("licheck: ctx.yaml:5:") and "cc-by-nc" in err and "did you mean" in err


def test_aliases_and_the_users_own_licences_are_known(work: Path) -> None:
    write(work / "ctx.yaml", "policy:\n  deny_licences: [llama-2-community-license, gemma-terms-of-use]\n")
    code, _, err = run("check", "--offline", "--context", "ctx.yaml", "mistralai/Mistral-7B-v0.1")
    assert code == 0, err


def test_unknown_licence_in_the_configs_inline_context(work: Path) -> None:
    write(work / ".licheck.yaml", "context:\n  policy:\n    deny_licences: [agpl]\n")
    code, _, err = run("check", "--offline", "mistralai/Mistral-7B-v0.1")
    assert code == 2 and ".licheck.yaml:3" in err


def test_unknown_licence_in_a_manifest_context(work: Path) -> None:
    write(work / "licheck.yaml", "context:\n  policy:\n    allow_licences: [apachee-2.0]\n"
                                 "models: [mistralai/Mistral-7B-v0.1]\n")
    code, _, err = run("check", "--offline", "licheck.yaml")
    assert code == 2 and "licheck.yaml:3" in err and "apache-2.0" in err


def test_waiver_rule_naming_an_unknown_licence(work: Path) -> None:
    write(work / "licheck.yaml", "models: [meta-llama/Llama-3.1-8B-Instruct]\nwaivers:\n"
                                 "  - rule: llama31/attribution\n    reason: r\n    approved_by: x\n"
                                 "    expires: 2099-01-01\n")
    code, _, err = run("check", "--offline", "licheck.yaml")
    assert code == 2 and "licheck.yaml:3" in err and "llama3.1/attribution" in err


def test_waiver_rules_with_globs_and_lineage_ids_are_accepted(work: Path) -> None:
    write(work / "licheck.yaml", "models: [meta-llama/Llama-3.1-8B-Instruct]\nwaivers:\n"
                                 "  - rule: llama3*/attribution\n    reason: r\n    approved_by: x\n"
                                 "    expires: 2099-01-01\n"
                                 "  - rule: lineage/unresolved\n    reason: r\n    approved_by: x\n"
                                 "    expires: 2099-01-01\n"
                                 "  - rule: fingerprint/undeclared-base\n    reason: r\n    approved_by: x\n"
                                 "    expires: 2099-01-01\n")
    code, _, err = run("check", "--offline", "licheck.yaml")
    assert code in (0, 1) and "licheck.yaml" not in err, err


# --- a dead Hub -------------------------------------------------------------------------------------

def test_dead_hub_is_said_once_on_stderr_and_in_the_report(work: Path) -> None:
    # conftest points HF_ENDPOINT at a closed port
    write(work / "licheck.yaml", "models:\n  - meta-llama/Llama-3.1-8B-Instruct\n  - acme/nowhere\n")
    code, out, err = run("check", "--format", "json", "licheck.yaml")
    assert err.count("Hub unreachable") == 1
    note = next(n for n in json.loads(out)["notes"] if n.startswith("Hub unreachable"))
    assert "model(s) from the built-in catalogue" in note and "1 unresolved" in note


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "sarif", "github", "cyclonedx"])
def test_dead_hub_is_in_every_format(work: Path, fmt: str) -> None:
    code, out, err = run("check", "--format", fmt, "meta-llama/Llama-3.1-8B-Instruct")
    assert "Hub unreachable" in out


def test_a_hub_that_answers_gives_no_notice(work: Path, mock_hub: MockHub) -> None:  # noqa: F811
    code, out, err = run("check", "--format", "json", "NousResearch/Hermes-3-Llama-3.1-8B")
    assert "Hub unreachable" not in err + out


# --- a folder that is not a model --------------------------------------------------------------------

CARD = "---\nlicense: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1\n---\n# Acme 7B\n"


def test_a_project_folder_is_searched_for_manifests_and_cards(work: Path) -> None:
    write(work / "README.md", "# My project\n\nNot a model card.\n")
    write(work / "LICENSE", "MIT\n")
    write(work / "deploy" / "licheck.yaml", "models: [mistralai/Mistral-7B-v0.1]\n")
    write(work / "models" / "acme-7b" / "README.md", CARD)
    write(work / ".hidden" / "licheck.yaml", "models: [nowhere/at-all]\n")
    code, out, err = run("check", "--offline", "--format", "json", ".")
    doc = json.loads(out)
    assert code == 0, err
    assert sorted(m["location"]["file"] for m in doc["models"]) == [
        "deploy/licheck.yaml", "models/acme-7b/README.md"]


def test_gitignore_is_honoured_in_a_git_work_tree(work: Path) -> None:
    (work / ".git").mkdir()   # a work tree (licheck never runs git)
    write(work / ".gitignore", "vendor/\n")
    write(work / "licheck.yaml.d" / "x", "")
    write(work / "app" / "models.yaml", "models: [mistralai/Mistral-7B-v0.1]\n")
    write(work / "vendor" / "licheck.yaml", "models: [nowhere/at-all]\n")
    code, out, err = run("check", "--offline", "--format", "json", ".")
    assert code == 0, err
    assert [m["location"]["file"] for m in json.loads(out)["models"]] == ["app/models.yaml"]


def test_nothing_found_is_exit_2(work: Path) -> None:
    write(work / "README.md", "# My project\n")
    write(work / "src" / "main.py", "print()\n")
    code, _, err = run("check", "--offline", ".")
    assert code == 2 and "no manifest under" in err and err.count("\n") == 1


def test_a_model_folder_is_still_a_model(work: Path) -> None:
    write(work / "m" / "config.json", "{}")
    write(work / "m" / "README.md", CARD)
    code, out, err = run("check", "--offline", "--format", "json", "m")
    assert [m["ref"] for m in json.loads(out)["models"]] == ["m"]


@pytest.mark.parametrize(("rules", "path", "is_dir", "ignored"), [
    ("vendor/\n", "vendor", True, True),
    ("vendor/\n", "vendor", False, False),
    ("*.yaml\n!keep.yaml\n", "a/keep.yaml", False, False),
    ("*.yaml\n!keep.yaml\n", "a/other.yaml", False, True),
    ("/top.yaml\n", "a/top.yaml", False, False),
    ("/top.yaml\n", "top.yaml", False, True),
    ("docs/**/README.md\n", "docs/a/b/README.md", False, True),
    ("build\n!build/licheck.yaml\n", "build/licheck.yaml", False, True),   # under an ignored folder
    ("# comment\n\\#hash\n", "#hash", False, True),
])
def test_gitignore_rules(tmp_path: Path, rules: str, path: str, is_dir: bool, ignored: bool) -> None:
    from licheck.targets.ignore import Ignored

    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", rules)
    assert Ignored(tmp_path)(tmp_path / path, is_dir=is_dir) is ignored


def test_nested_gitignore_applies_below_its_folder(tmp_path: Path) -> None:
    from licheck.targets.ignore import Ignored

    (tmp_path / ".git").mkdir()
    write(tmp_path / "sub" / ".gitignore", "x.yaml\n")
    assert Ignored(tmp_path)(tmp_path / "sub" / "x.yaml", is_dir=False)
    assert not Ignored(tmp_path)(tmp_path / "x.yaml", is_dir=False)


# --- Ctrl-C ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_ctrl_c_stops_at_once_with_130_and_leaves_nothing(work: Path) -> None:
    import signal
    import socket
    import subprocess
    import sys
    import time

    hanging = socket.socket()   # accepts connections and never answers: a hanging Hub
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(64)
    root = Path(__file__).resolve().parents[2]
    write(work / "licheck.yaml", "models:\n" + "".join(f"  - acme/model-{i}\n" for i in range(6)))
    cache = work / "cache"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "LICHECK_CACHE_DIR": str(cache),
           "HF_ENDPOINT": f"http://127.0.0.1:{hanging.getsockname()[1]}", "NO_COLOR": "1",
           "HF_HOME": str(work / "hf"), "NO_PROXY": "127.0.0.1"}
    proc = subprocess.Popen([sys.executable, "-m", "licheck", "check", "licheck.yaml", "-o", "out.json",
                             "--format", "json"], cwd=work, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(2.0)   # well into the requests that hang
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        proc.kill()
        hanging.close()
    assert proc.returncode == 130, err
    assert took < 1.0
    assert b"Traceback" not in err
    assert not (work / "out.json").exists()
    assert not list(work.glob(".out.json.*"))
    leftovers = [p for p in cache.rglob("*") if p.is_file() and p.name.endswith(".tmp")] if cache.exists() else []
    assert leftovers == []


def test_a_name_several_licences_share_must_be_made_precise(work: Path) -> None:
    write(work / "ctx.yaml", "policy:\n  deny_licences: [modified-mit]\n")
    code, _, err = run("check", "--offline", "--context", "ctx.yaml", "mistralai/Mistral-7B-v0.1")
    assert code == 2 and "ctx.yaml:2" in err and "several licences share" in err


def test_suggestions_come_from_the_lock_too(work: Path, mock_hub: MockHub,  # noqa: F811
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    mock_hub.add_repo("acme/support-classifier", {"license": "apache-2.0"})
    write(work / "licheck.yaml", "models: [acme/support-classifier]\n")
    code, _, err = run("lock")
    assert code == 0, err
    monkeypatch.setenv("LICHECK_CACHE_DIR", str(work / "empty-cache"))   # only the lock knows it
    write(work / "licheck.yaml", "models: [acme/support-classifier, acme/support-clasifier]\n")
    code, out, err = run("check", "--offline", "--format", "json", "licheck.yaml")
    typo = [f for f in unresolved(json.loads(out)) if f["model"] == "acme/support-clasifier"]
    assert typo and "did you mean 'acme/support-classifier'?" in typo[0]["message"], out
