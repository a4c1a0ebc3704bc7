"""`licheck diff`: two licences clause by clause, or two `check` reports."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cmd_helpers import FIXTURES, GOLDEN, no_traceback, run
from envs import corpus as bundled_corpus
from envs import rulebook as bundled_rulebook

from licheck.diff_render import render
from licheck.formats.html import CSP
from licheck.licence_diff import LicenceDiff, RulePair, compare, sections, word_ops
from licheck.report_diff import compare as compare_reports


@pytest.fixture(scope="module")
def llama() -> LicenceDiff:
    return compare("llama3", "llama3.1", bundled_rulebook(), bundled_corpus())


def pair(diff: LicenceDiff, kind: str) -> RulePair:
    (found,) = [p for p in diff.rules if p.kind == kind and p.a is not None and p.a.licence == diff.a.id]
    return found


def changes(p: RulePair) -> dict[str, tuple[Any, Any]]:
    return {c.field: (c.old, c.new) for c in p.changes}


# --- licences ----------------------------------------------------------------------------------

def test_llama3_to_31_output_training_ban_removed(llama: LicenceDiff) -> None:
    p = pair(llama, "output_training")
    assert p.status == "removed" and p.b is None
    assert p.a is not None and p.a.section == "1.b.v" and "improve any other large language model" in p.a.quote


def test_llama3_to_31_prefix_and_outputs(llama: LicenceDiff) -> None:
    p = pair(llama, "naming")
    assert p.status == "changed"
    assert changes(p)["prefix"] == ("Llama 3", "Llama")
    assert changes(p)["derived_from"] == (["materials"], ["materials", "outputs"])
    assert p.a is not None and p.b is not None
    assert "“Llama 3” at the beginning" in p.a.quote and "any outputs or results" in p.b.quote


def test_llama3_to_31_attribution_text(llama: LicenceDiff) -> None:
    p = pair(llama, "attribution")
    assert changes(p)["display_text"] == (["Built with Meta Llama 3"], ["Built with Llama"])
    assert p.a is not None and p.b is not None and p.a.section == p.b.section == "1.b.i"


def test_quotes_are_verbatim_in_the_texts(llama: LicenceDiff) -> None:
    corpus = bundled_corpus()
    flat = {lid: re.sub(r"\s+", " ", " ".join(corpus[lid].read_texts())) for lid in corpus.ids()
            if corpus[lid].has_text}
    for p in llama.rules:
        for side in (p.a, p.b):
            if side is not None:
                assert re.sub(r"\s+", " ", side.quote) in flat[side.licence], side.id


def test_text_aligned_by_section(llama: LicenceDiff) -> None:
    by_label = {t.section: t for t in llama.text}
    assert by_label["1.b.v"].status == "removed"
    assert ("-", "“Llama 3”") in by_label["1.b.i"].ops and ("+", "“Llama”") in by_label["1.b.i"].ops
    assert "2" in by_label and all(not t.section.startswith("part 2") or t.status == "removed" for t in llama.text)
    # Meta Llama 3's file also carries its use policy: a second document, labelled apart
    assert "part 2: 1.a.i" in by_label


def test_section_split_and_word_ops() -> None:
    text = "Title\n1. First. 700 million users\n   a. Sub\n      i. Roman\n      ii. Two\n   b. Next\n2. Second\n"
    assert [label for label, _ in sections(text)] == ["preamble", "1", "1.a", "1.a.i", "1.a.ii", "1.b", "2"]
    ops = word_ops("a b c d", "a x c d e", context=8)
    assert ops == (("=", "a"), ("-", "b"), ("+", "x"), ("=", "c d"), ("+", "e"))
    long = " ".join(f"w{i}" for i in range(40))
    cut = word_ops(long + " old", long + " new", context=3)
    assert cut[0] == ("…", "") and cut[1] == ("=", "w37 w38 w39")


def test_cli_formats_match_golden(work: Path) -> None:
    for fmt, ext in (("text", "txt"), ("markdown", "md"), ("json", "json"), ("html", "html")):
        code, out, err = run("diff", "llama3", "llama3.1", "--format", fmt)
        assert code == 0, err
        assert out == (GOLDEN / f"diff-llama3-llama3.1.{ext}").read_text(encoding="utf-8")
    doc = json.loads((GOLDEN / "diff-llama3-llama3.1.json").read_text(encoding="utf-8"))
    assert {r["kind"]: r["status"] for r in doc["rules"] if r["a"] and r["a"]["licence"] == "llama3"} == {
        "mau_cap": "changed", "notice": "changed", "attribution": "changed", "naming": "changed",
        "output_training": "removed", "acceptable_use": "unchanged"}


def test_aliases_and_identical_licences(work: Path) -> None:
    code, out, err = run("diff", "llama-3.1", "llama3.1")
    assert code == 0, err
    assert "0 changed, 0 removed, 0 added" in out and "0 section(s) differ" in out


@pytest.mark.parametrize(("args", "message"), [
    (["lama3", "llama3.1"], "did you mean 'llama3'?"),
    (["llama3", "gemmma"], "did you mean 'gemma'?"),
    (["llama3", "old.json"], "no such file, and not a licence id"),
])
def test_unknown_argument_exits_2_with_a_suggestion(work: Path, args: list[str], message: str) -> None:
    code, _out, err = run("diff", *args)
    assert code == 2 and message in err and err.count("\n") == 1
    no_traceback(err)


def test_mixed_and_bad_reports_exit_2(work: Path) -> None:
    (work / "r.json").write_text("{\"schema_version\": 1,\n \"models\": [], \"findings\": [}", encoding="utf-8")
    (work / "other.json").write_text("{\"hello\": 1}", encoding="utf-8")
    (work / "ok.json").write_text(json.dumps({"schema_version": 1, "models": [], "findings": []}), encoding="utf-8")
    assert "cannot compare a licence" in run("diff", "llama3", "ok.json")[2]
    code, _o, err = run("diff", "r.json", "ok.json")
    assert code == 2 and "r.json:2: not JSON" in err
    code, _o, err = run("diff", "other.json", "ok.json")
    assert code == 2 and "not a licheck JSON report" in err
    assert run("diff", "ok.json", "ok.json")[1].endswith("No differences.\n")


# --- reports ---------------------------------------------------------------------------------

def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_reports_models_findings_waivers() -> None:
    d = compare_reports(load("review-old.json"), load("review-new.json"))
    assert d.models_added == ["google/gemma-2-9b-it", "meta-llama/Llama-3.1-8B-Instruct"]
    assert d.models_removed == ["meta-llama/Meta-Llama-3-8B-Instruct", "mistralai/Mistral-7B-Instruct-v0.3"]
    status = {(f.status, f.id) for f in d.findings}
    assert ("resolved", "llama3/naming") in status and ("new", "llama3.1/notice") in status
    assert ("new", "waiver/expired") in status
    assert [w["rule"] for w in d.waivers_expired] == ["llama3.1/attribution"]
    assert ("use.trains_on_outputs", False, True) in d.context


def test_reports_licence_and_severity_changes() -> None:
    old = load("review-old.json")
    new = copy.deepcopy(old)
    qwen = next(m for m in new["models"] if m["id"] == "Qwen/Qwen2.5-7B-Instruct")
    qwen["licences"] = ["apache-2.0", "qwen"]
    finding = next(f for f in new["findings"] if f["id"] == "llama3/notice")
    finding["severity"] = "error"
    waived = next(f for f in new["findings"] if f["id"] == "apache-2.0/notice")
    waived["waived"] = True
    d = compare_reports(old, new)
    assert [(c.model, c.added, c.removed) for c in d.licences] == [("Qwen/Qwen2.5-7B-Instruct", ("qwen",), ())]
    got = {f.id: (f.status, f.old_severity, f.new_severity) for f in d.findings}
    assert got == {"llama3/notice": ("severity", "obligation", "error"),
                   "apache-2.0/notice": ("waived", "obligation", "obligation")}
    assert not d.models_added and not d.waivers_expired


def test_report_cli_formats_match_golden(work: Path) -> None:
    shutil.copy(FIXTURES / "review-old.json", work / "review-old.json")
    shutil.copy(FIXTURES / "review-new.json", work / "review-new.json")
    for fmt, ext in (("text", "txt"), ("markdown", "md"), ("json", "json"), ("html", "html")):
        code, out, err = run("diff", "review-old.json", "review-new.json", "--format", fmt)
        assert code == 0, err
        assert out == (GOLDEN / f"diff-reports.{ext}").read_text(encoding="utf-8")
    code, _o, err = run("diff", "review-old.json", "review-new.json", "--format", "html",
                        "--output", "diff.html")
    assert code == 0 and (work / "diff.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- HTML ----------------------------------------------------------------------------------------

def test_html_is_self_contained_and_escaped() -> None:
    old = load("review-old.json")
    new = copy.deepcopy(old)
    new["findings"][0]["message"] = "<script>document.title='pwned'</script>"
    new["findings"][0]["severity"] = "error" if new["findings"][0]["severity"] != "error" else "warning"
    page = render(compare_reports(old, new), "html")
    assert f'content="{CSP.replace(chr(39), "&#x27;")}"' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"<(script|link|iframe|img)\b", page)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.parametrize(("page_name", "expected"), [
    ("diff-llama3-llama3.1.html", ("<title>Licence diff: Meta Llama 3 Community License Agreement",
                                   "REMOVED output_training: llama3/output-training",
                                   "<del>“Llama 3”</del>", "<ins>“Llama”</ins>")),
    ("diff-reports.html", ("<title>Report diff: review-old.json → review-new.json",
                           "resolved</span> <code>llama3/naming</code>", "Waivers expired",
                           "<code>use.trains_on_outputs</code>")),
])
def test_html_in_headless_chromium(tmp_path: Path, page_name: str, expected: tuple[str, ...]) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed; HTML not checked in a browser")
    page = tmp_path / page_name
    page.write_text((GOLDEN / page_name).read_text(encoding="utf-8"), encoding="utf-8")
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run",
           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1600",
           f"--screenshot={tmp_path / 'shot.png'}", "--dump-dom", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    for text in expected:
        assert text in dom, text
    assert not re.search(r"<script\b", dom)
    shot = (tmp_path / "shot.png").read_bytes()
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000   # a page with text, not blank

def test_a_lone_rule_of_a_kind_pairs_across_names() -> None:
    from dataclasses import replace

    from licheck.licence_diff import compare_rules

    rulebook = bundled_rulebook()
    a = rulebook.get("llama3/output-training")
    assert a is not None
    b = replace(a, id="other/no-distillation", licence="other", params={**a.params, "excluding": None})
    (p,) = compare_rules([a], [b])
    assert p.status == "changed" and p.b is not None and p.b.id == "other/no-distillation"
    assert [c.field for c in p.changes] == ["excluding"]
    both = compare_rules([a, replace(a, id="llama3/second")], [b])
    assert [x.status for x in both] == ["removed", "removed", "added"]   # two on one side: no guess


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_every_licence_compares_in_every_format(fmt: str) -> None:
    corpus, rulebook = bundled_corpus(), bundled_rulebook()
    ids = corpus.ids()
    for a, b in zip(ids, ids[1:] + ids[:1], strict=True):
        page = render(compare(a, b, rulebook, corpus), fmt)
        assert corpus[a].name.split()[0] in page or fmt == "json"


def test_a_licence_without_text_says_its_text_was_not_compared(work: Path) -> None:
    # every bundled licence has its text now; a user's may be known by its metadata only
    lic = work / "our-licences"
    lic.mkdir()
    (lic / "acme.yml").write_text("id: acme\nname: Acme Model Licence\nkind: model-licence\ntexts: []\n"
                                  "status: text-missing\n", encoding="utf-8")
    (work / ".licheck.yaml").write_text("extra_licences: [our-licences]\n", encoding="utf-8")
    for fmt in ("text", "json"):
        code, out, err = run("diff", "mit", "acme", "--format", fmt)
        assert code == 0, err
        if fmt == "json":
            doc = json.loads(out)
            assert doc["missing_text"] == ["acme"] and doc["text"] == []
        else:
            assert "Texts not compared: licheck has no verbatim text of acme." in out


def test_a_users_own_licence_and_rules_via_the_config(work: Path) -> None:
    lic = work / "our-licences"
    lic.mkdir()
    text = "ACME MODEL LICENCE\n\n1. Use. You may use the model.\n2. Naming. Name derived models Acme-first.\n"
    (lic / "acme.txt").write_text(text, encoding="utf-8")
    (lic / "acme.yml").write_text("id: acme\nname: Acme Model Licence\nkind: model-licence\ntexts: [acme.txt]\n",
                                  encoding="utf-8")
    (work / ".licheck.yaml").write_text("extra_licences: [our-licences]\n", encoding="utf-8")
    code, out, err = run("diff", "acme", "mit")
    assert code == 0, err
    assert "Acme Model Licence (acme) → MIT License (mit)" in out
    assert run("diff", "acme", "mit", "--config", "missing.yaml")[0] == 2


def test_a_section_label_worded_differently_is_not_a_change_but_a_new_number_is() -> None:
    from dataclasses import replace

    from licheck.licence_diff import compare_rules

    a = bundled_rulebook().get("llama3-aup/military")
    assert a is not None and a.section == "Prohibited Uses 2.1"
    reworded = replace(a, id="llama3.1-aup/military", licence="llama3.1-aup", section="Prohibited Uses, bullet 2.1")
    (same,) = compare_rules([a], [reworded])
    assert same.status == "unchanged" and same.changes == ()
    moved = replace(reworded, section="Prohibited Uses, bullet 2.2")
    (p,) = compare_rules([a], [moved])
    assert p.status == "changed" and [(c.field, c.old, c.new) for c in p.changes] == [
        ("section", "Prohibited Uses 2.1", "Prohibited Uses, bullet 2.2")]
