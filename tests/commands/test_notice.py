"""`licheck notice`: the files the binding licences require for a context, and only those."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cmd_helpers import FIXTURES, GOLDEN, catalogue_env, no_traceback, run
from envs import corpus as bundled_corpus
from envs import env_for, rulebook

from licheck import notice as notice_mod
from licheck.models_query import evaluate_models
from licheck.notice import Bundle, build, evaluate_targets

LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
MODELS = ("meta-llama/Llama-3.1-8B-Instruct", "google/gemma-2-9b-it",
          "stabilityai/stable-diffusion-3.5-medium", "Qwen/Qwen2.5-7B-Instruct")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def catalogue_bundle(context: str) -> Bundle:
    """The bundle for every catalogue model at once under a fixture context."""
    env = catalogue_env()
    ids = [e.id for e in env.catalogue.entries()]
    report = evaluate_models(env, ids, context_path=str(FIXTURES / context))
    return build(report, env.rulebook, env.corpus)


@pytest.fixture(scope="module")
def distributing() -> Bundle:
    return catalogue_bundle("distributes.yaml")


def test_every_notice_sentence_is_verbatim_in_its_licence(distributing: Bundle) -> None:
    corpus = bundled_corpus()
    assert len(distributing.notices) >= 10   # Llama per version, Gemma, Stability, Qwen, ...
    for licence, _section, sentence in distributing.notices:
        texts = [_flat(t) for t in corpus[licence].read_texts()]
        assert any(_flat(sentence) in t for t in texts), (licence, sentence)
    notice = distributing.files["NOTICE"]
    for _licence, _section, sentence in distributing.notices:
        assert sentence in notice


def test_every_licence_copy_is_the_corpus_text(distributing: Bundle) -> None:
    corpus = bundled_corpus()
    copies = {k: v for k, v in distributing.files.items() if k.startswith("LICENSES/")}
    assert copies and set(copies) == {f"LICENSES/{lid}.txt" for lid in distributing.licences
                                      if corpus[lid].has_text}
    for rel, text in copies.items():
        lid = rel.removeprefix("LICENSES/").removesuffix(".txt")
        assert text.rstrip("\n") == corpus[lid].read_text(0).rstrip("\n")
    # an incorporated policy travels with the licence that incorporates it
    assert "llama3.1" in distributing.licences and "llama3.1-aup" in distributing.licences


def test_a_context_that_distributes_nothing_gets_no_distribution_duty() -> None:
    bundle = catalogue_bundle("internal.yaml")
    # No Notice file and no distribution duty (gemma/notice): nothing is distributed. A production
    # deployment still passes the use restrictions on to its users, with a copy of the terms
    # (Gemma 1.1(b) and 3.1.1: the context cannot tell an internal tool from a public web app).
    assert not bundle.notices and "gemma" in bundle.licences
    book = rulebook()
    duties = {duty.rule_id for duty, _what, _done in bundle.duties if duty.kind == "notice"}
    assert "gemma/use-restrictions" in duties and "gemma/notice" not in duties
    for rule_id in duties:   # only duties of any use or of a deployment with users, none of distribution
        rule = book.get(rule_id)
        assert rule is not None and (not rule.triggered_by or "production" in rule.triggered_by), rule_id
    # what remains is display and registration, never a copy or a Notice file
    assert bundle.displays and "Notice" not in "".join(what for _d, what, _x in bundle.duties)


def test_display_duties_name_text_place_rule_and_clause(distributing: Bundle) -> None:
    shown = {d.rule_id: d for d in distributing.displays}
    llama = shown["llama3.1/attribution"]
    assert llama.texts == ("Built with Llama",) and llama.section == "1.b.i"
    assert llama.where and "about page" in llama.where
    assert "“Powered by Stability AI”" in distributing.files["CHECKLIST.md"]


def test_deterministic(distributing: Bundle) -> None:
    again = catalogue_bundle("distributes.yaml")
    assert again.files == distributing.files


def test_conflicts_are_listed_first_and_fail_the_run(work: Path) -> None:
    ctx = work / "ctx.yaml"
    ctx.write_text("use: {distributes_weights: true, derived_model_name: AcmeChat-8B}\n", encoding="utf-8")
    code, out, err = run("notice", "--context", str(ctx), LLAMA)
    assert code == 1, err
    checklist = out.split("==> CHECKLIST.md <==")[1]
    assert checklist.index("## Conflicts to resolve first") < checklist.index("## Display")
    assert "`llama3.1/naming`, llama3.1 section 1.b.i" in checklist
    assert "1 conflict(s)" in err


def test_cli_writes_the_folder_like_the_golden_files(work: Path) -> None:
    code, _out, err = run("notice", "--context", str(FIXTURES / "distributes.yaml"), "--output", "dist", *MODELS)
    assert code == 0, err
    written = sorted(str(p.relative_to(work / "dist")) for p in (work / "dist").rglob("*") if p.is_file())
    listed = (GOLDEN / "notice-distributes" / "LICENSES.list").read_text(encoding="utf-8").split()
    assert written == sorted(["CHECKLIST.md", "NOTICE", *(f"LICENSES/{n}" for n in listed)])
    for name in ("NOTICE", "CHECKLIST.md"):
        assert (work / "dist" / name).read_bytes() == (GOLDEN / "notice-distributes" / name).read_bytes()
    assert "wrote dist: 3 notice sentence(s)" in err


def test_second_run_replaces_the_folder_whole(work: Path) -> None:
    assert run("notice", "--context", str(FIXTURES / "distributes.yaml"), "-o", "out", LLAMA)[0] == 0
    assert (work / "out" / "LICENSES" / "llama3.1.txt").is_file()
    code, _o, err = run("notice", "--context", str(FIXTURES / "internal.yaml"), "-o", "out", LLAMA)
    assert code == 0, err
    assert sorted(p.name for p in (work / "out").iterdir()) == ["CHECKLIST.md"]
    assert not [p for p in work.iterdir() if p.name.startswith(".out.")]   # no temporary left


@pytest.mark.parametrize("output", ["model", "model/sub", "."])
def test_refuses_an_output_folder_that_is_an_input(work: Path, output: str) -> None:
    model = work / "model"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2.5-7B-Instruct\n---\n",
                                     encoding="utf-8")
    code, _out, err = run("notice", "--output", output, "model")
    assert code == 2 and "must not be, contain or lie inside an input" in err
    no_traceback(err)
    assert sorted(p.name for p in model.iterdir()) == ["README.md"]


def test_refuses_a_folder_with_other_files_and_a_context_as_output(work: Path) -> None:
    (work / "docs").mkdir()
    (work / "docs" / "index.md").write_text("mine\n", encoding="utf-8")
    code, _o, err = run("notice", "-o", "docs", LLAMA)
    assert code == 2 and "files licheck did not write (index.md)" in err
    ctx = work / "ctx.yaml"
    ctx.write_text("use: {distributes_weights: true}\n", encoding="utf-8")
    code, _o, err = run("notice", "--context", str(ctx), "-o", str(ctx), LLAMA)
    assert code == 2 and "input" in err
    assert (work / "docs" / "index.md").read_text(encoding="utf-8") == "mine\n"


def test_a_failed_write_keeps_the_earlier_folder(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("notice", "--context", str(FIXTURES / "distributes.yaml"), "-o", "out", LLAMA)[0] == 0
    before = {p.name: p.read_bytes() for p in (work / "out").iterdir() if p.is_file()}
    real_replace = os.replace

    def failing(src: object, dst: object) -> None:
        if str(src).endswith(".tmp"):   # swapping the new folder in fails, after the old moved away
            raise OSError(28, "No space left on device")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(notice_mod.os, "replace", failing)
    code, _o, err = run("notice", "--context", str(FIXTURES / "internal.yaml"), "-o", "out", LLAMA)
    assert code == 2 and "No space left on device" in err
    assert {p.name: p.read_bytes() for p in (work / "out").iterdir() if p.is_file()} == before
    assert not [p for p in work.iterdir() if p.name.startswith(".out.")]


def test_bad_input_exits_2(work: Path) -> None:
    code, _o, err = run("notice", "--context", "missing.yaml", LLAMA)
    assert code == 2 and "missing.yaml" in err
    code, _o, err = run("notice", "--output", "no/such/parent/dir", LLAMA)
    assert code == 2 and "parent folder does not exist" in err
    no_traceback(err)


def test_in_process_and_against_the_mock_hub(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mockhub = pytest.importorskip("mockhub")
    monkeypatch.delenv("HF_HUB_OFFLINE")
    hub = mockhub.MockHub().start()
    try:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_HUB_CACHE", str(work / "hf-cache"))
        monkeypatch.setenv("HF_TOKEN_PATH", str(work / "no-token"))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        env = env_for()
        report = evaluate_targets(env, ["NousResearch/Hermes-3-Llama-3.1-8B"],
                                  context_path=str(FIXTURES / "distributes.yaml"))
    finally:
        hub.stop()
    (model,) = report["models"]
    assert model["lineage"][0]["source"] == "hub"
    bundle = build(report, env.rulebook, env.corpus)
    assert "Llama 3.1 is licensed under the Llama 3.1 Community License" in bundle.files["NOTICE"]
    assert "LICENSES/llama3.1.txt" in bundle.files


def test_a_local_models_own_notice_file_is_carried(work: Path) -> None:
    model = work / "acme-chat"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2.5-7B-Instruct\n---\n",
                                     encoding="utf-8")
    (model / "NOTICE").write_text("AcmeChat\nCopyright 2026 Acme Corp.\n", encoding="utf-8")
    (work / "ctx.yaml").write_text("use: {distributes_weights: true}\n", encoding="utf-8")
    code, _out, err = run("notice", "--context", "ctx.yaml", "-o", "out", "acme-chat", "Qwen/Qwen2.5-7B-Instruct")
    assert code == 0, err
    notice = (work / "out" / "NOTICE").read_text(encoding="utf-8")
    assert notice == "Notices of acme-chat (from its NOTICE file):\n\nAcmeChat\nCopyright 2026 Acme Corp.\n"
    checklist = (work / "out" / "CHECKLIST.md").read_text(encoding="utf-8")
    # 4(d) is done for the folder that was read, open for the Hub model whose files were not
    done = [line for line in checklist.splitlines() if "NOTICE file, if it has one (4(d))" in line]
    assert len(done) == 2 and any(
        line.startswith("- [x]") and "`acme-chat`" in line for line in done) and any(
        line.startswith("- [ ]") and "`Qwen/Qwen2.5-7B-Instruct`" in line for line in done)


def test_a_hosted_openrail_model_gets_its_licence_copy_but_no_notice(work: Path) -> None:
    """CreativeML OpenRAIL-M asks hosted services too to pass its terms on with a copy."""
    (work / "ctx.yaml").write_text("use: {offered_as_service: true, distributes_weights: false}\n", encoding="utf-8")
    env = env_for(offline=True)
    report = evaluate_targets(env, ["CompVis/stable-diffusion-v1-4"], context_path="ctx.yaml")
    bundle = build(report, env.rulebook, env.corpus)
    assert bundle.licences == ["creativeml-openrail-m"] and "NOTICE" not in bundle.files
    assert "Attachment A use restrictions as an enforceable provision" in bundle.files["CHECKLIST.md"]


def test_a_waiver_accepts_a_finding_but_keeps_its_files(work: Path) -> None:
    (work / "licheck.yaml").write_text(
        "context:\n  use: {distributes_weights: true, derived_model_name: AcmeChat-8B}\n"
        f"models: [{LLAMA}]\n"
        "waivers:\n"
        "  - {rule: llama3.1/naming, model: 'meta-llama/*', reason: naming exception, approved_by: legal, expires: 2099-01-01}\n"
        "  - {rule: llama3.1/notice, model: 'meta-llama/*', reason: shipped, approved_by: legal, expires: 2099-01-01}\n",
        encoding="utf-8")
    code, out, err = run("notice")
    assert code == 0, err   # the only conflict is waived
    assert "## Conflicts to resolve first" not in out
    assert "## Waived" in out and "Waived: naming exception, approved by legal, until 2099-01-01" in out
    # a waived notice duty still gets its files: a waiver is no reason to ship less
    assert "Llama 3.1 is licensed under the Llama 3.1 Community License" in out.split("==> NOTICE <==")[1]
    assert "(waived: shipped, approved by legal, until 2099-01-01)" in out
