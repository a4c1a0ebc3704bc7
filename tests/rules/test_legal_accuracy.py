"""Regression tests for the legal-accuracy defects (issue 12, sections 2 and 3), table-driven
against the licence texts: each case names the clause it holds licheck to, and the test first
proves the clause's words are in the bundled text, then checks the verdict.

A case: (case id, (licence whose text holds the clause, section, words of the clause), licence
the model carries, context YAML, lineage kwargs, findings that must appear [(rule id or kind,
severity)], findings that must not [rule id or kind, or (id or kind, severity)]).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from envs import corpus, rulebook
from rules_helpers import assert_verdict, make_context, make_lineage

from licheck.context import annual_from_months
from licheck.countries import EU_MEMBER_STATES, ISO_3166_ALPHA2, in_eu
from licheck.model import Severity
from licheck.rules.checkers import name_begins_with
from licheck.rules.evaluate import evaluate
from licheck.rules.quotes import quote_in

E, W, OB = Severity.ERROR, Severity.WARNING, Severity.OBLIGATION
TEXT = ("text",)
MM = ("text", "image")
EVALUATING = "use: {commercial: true, production: false}"
PUBLIC_APP = "use: {production: true, offered_as_service: false}"
QUIET = "use: {production: false, commercial: false}"

STABILITY_III = ("stability-community", "III",
                 "If at any time You or Your Affiliate(s), either individually or in aggregate, generate more "
                 "than USD $1,000,000 in annual revenue")
STABILITY_ANY = ("stability-community", "III", "any licenses granted to You under this Agreement shall terminate")
GEMMA_WEB = "providing or making Gemma or its functionality available as a hosted service via API, web access"
GEMMA_311 = "You must include the use restrictions referenced in Section 3.2 as an enforceable provision"
RAIL_5 = "You shall require all of Your users who use the Model or a Derivative of the Model to comply"
LLAMA3_NAMING = ("llama3", "1.b.i", "If you use the Llama Materials to create, train, fine tune, or otherwise "
                 "improve an AI model, which is distributed or made available, you shall also include “Llama 3” "
                 "at the beginning of any such AI model name.")
LLAMA31_NAMING = ("llama3.1", "1.b.i", "include “Llama” at the beginning of any such AI model name")
LLAMA31_MAU = ("llama3.1", "2", "greater than 700 million monthly active users in the preceding calendar month")
MISTRAL_2 = ("mistral-modified-mit", "2", "exceeds $20 million (or its equivalent in another currency) for the "
             "preceding month")
QWEN_4 = ("qwen", "4", "your product or service has more than 100 million monthly active users")
TONGYI_4 = ("tongyi-qianwen", "4", "has more than 100 million monthly active users")
QWEN_R = ("qwen-research", "1.i", '"Non-Commercial" shall mean for research or evaluation purposes only.')
TONGYI_R = ("tongyi-qianwen-research", "1.i", '"Non-Commercial" shall mean for research or evaluation purposes only.')
NVIDIA_11 = ("nvidia-open-model", "1.1", "means a multimodal Model shared under this Agreement.")
LLAMA32_EU = ("llama3.2-aup", "", "the rights granted under Section 1(a) of the Llama 3.2 Community License Agreement "
              "are not being granted to you if you are an individual domiciled in, or a company with a principal "
              "place of business in, the European Union.")

CASES: list[tuple[str, tuple[str, str, str], str, str, dict[str, Any], list[tuple[str, Severity]], list[Any]]] = [
    # --- 1. monthly revenue counts toward annual caps; III ends "any licenses" ----------------
    ("1 one month x 12 over", STABILITY_III, "stability-community",
     "organisation: {monthly_revenue_usd: 200000}", {}, [("stability-community/revenue-cap", E)], []),
    ("1 one month x 12 under", STABILITY_III, "stability-community",
     "organisation: {monthly_revenue_usd: 80000}", {}, [], ["revenue_cap"]),
    ("1 twelve months summed over", STABILITY_III, "stability-community",
     "organisation: {monthly_revenue_usd: {" + ", ".join(f"'2025-{m:02d}': 90000" for m in range(1, 13)) + "}}",
     {}, [("stability-community/revenue-cap", E)], []),
    ("1 twelve months summed under", STABILITY_III, "stability-community",
     "organisation: {monthly_revenue_usd: {" + ", ".join(f"'2025-{m:02d}': 80000" for m in range(1, 13)) + "}}",
     {}, [], ["revenue_cap"]),
    ("1 three months already over", STABILITY_III, "stability-community",
     "organisation: {monthly_revenue_usd: {'2025-01': 400000, '2025-02': 400000, '2025-03': 400000}}",
     {}, [("stability-community/revenue-cap", E)], []),
    ("1 three months, average x 12 over: may exceed", STABILITY_III, "stability-community",
     "organisation: {monthly_revenue_usd: {'2025-01': 100000, '2025-02': 100000, '2025-03': 100000}}",
     {}, [("stability-community/revenue-cap", W)], [("revenue_cap", E)]),
    ("1 annual under, months over", STABILITY_III, "stability-community",
     "organisation: {annual_revenue_usd: 500000, monthly_revenue_usd: 200000}",
     {}, [("stability-community/revenue-cap", E)], []),
    ("1 lfm annual cap reads months too", ("lfm1.0", "", "annual revenue"), "lfm1.0",
     "organisation: {monthly_revenue_usd: 2000000}", {}, [("revenue_cap", E)], []),
    ("1 non-commercial user above: any licenses end", STABILITY_ANY, "stability-community",
     "organisation: {annual_revenue_usd: 2000000}\n" + QUIET, {},
     [("stability-community/revenue-cap", W)], [("revenue_cap", E)]),
    # --- 2. pass-through duties for a public app or an API ------------------------------------
    *[(f"2 {lic} public app", (lic, "1.1(b)", GEMMA_WEB), lic, PUBLIC_APP, {},
       [(f"{lic}/use-restrictions", OB)], []) for lic in ("gemma", "gemma-2024-02-21", "gemma-2024-04-01")],
    *[(f"2 {lic} 3.1.1 API", (lic, "3.1.1", GEMMA_311), lic, "use: {offered_as_service: true}", {},
       [(f"{lic}/use-restrictions", OB)], []) for lic in ("gemma", "gemma-2024-02-21", "gemma-2024-04-01")],
    ("2 gemma research only: no users", ("gemma", "3.1.1", GEMMA_311), "gemma", QUIET, {}, [], ["gemma/use-restrictions"]),
    *[(f"2 {lic} 5 public app", (lic, "5", RAIL_5), lic, PUBLIC_APP, {},
       [(f"{lic}/users-comply", OB), (f"{lic}/use-restrictions", OB)], [])
      for lic in ("deepseek", "bigscience-openrail-m", "creativeml-openrail-m")],
    ("2 deepseek end-use application", ("deepseek", "1", "including usage of the Model in an end-use application"),
     "deepseek", PUBLIC_APP, {}, [("deepseek/use-restrictions", OB)], []),
    ("2 llama2 1.b.i API", ("llama2", "1.b.i", "If you distribute or make the Llama Materials, or any derivative works"),
     "llama2", "use: {offered_as_service: true, production: false}", {}, [("llama2/agreement-copy", OB)], []),
    ("2 llama2 1.b.i app", ("llama2", "1.b.i", "available to a third party, you shall provide a copy of this Agreement"),
     "llama2", PUBLIC_APP, {}, [("llama2/agreement-copy", OB)], []),
    ("2 yi 2.4 web access", ("yi", "2.4)", "provide a copy of this Agreement to any Third-Party users"), "yi",
     PUBLIC_APP, {}, [("yi/attribution", OB)], []),
    ("2 mnpl 2.3 derivative notices", ("mnpl", "2.3", "prominent notices stating that You modified the concerned "
                                       "Mistral Model"), "mnpl",
     "use: {derived_model_name: Acme-Ministral, production: false, commercial: false}", {},
     [("mnpl/derivative-notices", OB)], []),
    # --- 3. Gemma PUP 3.d is a flat prohibition ------------------------------------------------
    ("3 gemma 3.d automated decisions", ("gemma-aup", "3.d", "Making automated decisions in domains that affect "
                                         "material or individual rights or well-being"), "gemma",
     "use: {purposes: [automated-decisions]}", {}, [("gemma-aup/automated-decisions", E)], []),
    # --- 4. naming: whole words at the start; Llama 3 by the Materials only ---------------------
    ("4 Llama-34B-Acme is not 'Llama 3'", LLAMA3_NAMING, "llama3", "use: {derived_model_name: Llama-34B-Acme}", {},
     [("llama3/naming", E)], []),
    ("4 Llama30-Acme is not 'Llama 3'", LLAMA3_NAMING, "llama3", "use: {derived_model_name: Llama30-Acme}", {},
     [("llama3/naming", E)], []),
    ("4 Llama-3-Acme is", LLAMA3_NAMING, "llama3", "use: {derived_model_name: Llama-3-Acme}", {}, [], ["naming"]),
    ("4 L-l-a-m-a is not 'Llama'", LLAMA31_NAMING, "llama3.1", "use: {derived_model_name: L-l-a-m-a-Acme}", {},
     [("llama3.1/naming", E)], []),
    ("4 llama_acme is 'Llama'", LLAMA31_NAMING, "llama3.1", "use: {derived_model_name: llama_acme}", {}, [], ["naming"]),
    ("4 Llama 3 outputs too: not known to be the Materials", LLAMA3_NAMING, "llama3",
     "use: {derived_model_name: Acme-8B, trains_on_outputs: true}", {}, [("llama3/naming", W)], [("naming", E)]),
    ("4 Llama 3.1 outputs count", LLAMA31_NAMING, "llama3.1",
     "use: {derived_model_name: Acme-8B, trains_on_outputs: true}", {}, [("llama3.1/naming", E)], []),
    # --- 5. "Built on NVIDIA Cosmos": a Cosmos Model as 1.1 defines it --------------------------
    ("5 multimodal model under the licence", NVIDIA_11, "nvidia-open-model", "{}",
     {"model_id": "nvidia/World-7B", "modalities": ("text", "video")}, [("nvidia-open-model/cosmos-attribution", OB)], []),
    ("5 text model named cosmos", NVIDIA_11, "nvidia-open-model", "{}",
     {"model_id": "acme/cosmos-text", "modalities": TEXT}, [], ["nvidia-open-model/cosmos-attribution"]),
    # --- 6. EU outermost regions and Åland ----------------------------------------------------
    *[(f"6 {code} is in the EU", LLAMA32_EU, "llama3.2", f"organisation: {{country: {code}}}", {"modalities": MM},
       [("jurisdiction", E)], []) for code in ("RE", "GP", "MQ", "GF", "YT", "MF", "AX")],
    ("6 New Caledonia is not", LLAMA32_EU, "llama3.2", "organisation: {country: NC}", {"modalities": MM},
     [], ["jurisdiction"]),
    # --- 7. a cap month not given is unverified -------------------------------------------------
    ("7 llama3.1 month missing, months given under", LLAMA31_MAU, "llama3.1",
     "organisation: {monthly_active_users: {'2025-03': 1000}}", {}, [("llama3.1/mau-cap", W)], [("mau_cap", E)]),
    # --- 8. the current figure, not the peak -----------------------------------------------------
    ("8 mistral latest month under, earlier over", MISTRAL_2, "mistral-modified-mit",
     "organisation: {monthly_revenue_usd: {'2025-01': 30000000, '2025-02': 10000000}}", {},
     [("mistral-modified-mit/revenue-cap", W)], [("revenue_cap", E)]),
    ("8 mistral latest month over", MISTRAL_2, "mistral-modified-mit",
     "organisation: {monthly_revenue_usd: {'2025-01': 10000000, '2025-02': 30000000}}", {},
     [("mistral-modified-mit/revenue-cap", E)], []),
    ("8 qwen latest month under, earlier over", QWEN_4, "qwen",
     "organisation: {monthly_active_users: {'2024-01': 200000000, '2025-01': 5000000}}", {},
     [("qwen/mau-cap", W)], [("mau_cap", E)]),
    ("8 qwen latest month over", QWEN_4, "qwen",
     "organisation: {monthly_active_users: {'2024-01': 5000000, '2025-01': 200000000}}", {},
     [("qwen/mau-cap", E)], []),
    ("8 tongyi latest month under, earlier over", TONGYI_4, "tongyi-qianwen",
     "organisation: {monthly_active_users: {'2024-01': 200000000, '2025-01': 5000000}}", {},
     [("tongyi-qianwen/mau-cap", W)], [("mau_cap", E)]),
    # --- 9. research licences: evaluation is within "Non-Commercial" ---------------------------
    ("9 qwen-research company evaluating", QWEN_R, "qwen-research", EVALUATING, {},
     [("qwen-research/non-commercial", W)], [("non_commercial", E), "non_production"]),
    ("9 tongyi-research company evaluating", TONGYI_R, "tongyi-qianwen-research", EVALUATING, {},
     [("tongyi-qianwen-research/non-commercial", W)], [("non_commercial", E), "non_production"]),
    ("9 qwen-research company serving an API", QWEN_R, "qwen-research",
     "use: {commercial: true, production: false, offered_as_service: true}", {},
     [("qwen-research/non-commercial", E)], []),
    # --- section 3: duties and prohibitions ------------------------------------------------------
    ("s3 llama3.1 1.b.iv trade compliance", ("llama3.1", "1.b.iv", "(including trade compliance laws and "
                                             "regulations)"), "llama3.1",
     "use: {purposes: [export-controlled]}", {}, [("llama3.1/trade-compliance", E)], []),
    ("s3 stability IV.b Trade Control Laws", ("stability-community", "IV.b", "(including Trade Control Laws and "
                                              "equivalent regulations)"), "stability-community",
     "use: {purposes: [export-controlled]}", {}, [("stability-community/trade-compliance", E)], []),
    ("s3 llama3.1 no purpose: no trade finding", ("llama3.1", "1.b.iv", "trade compliance laws"), "llama3.1", "{}", {},
     [], ["llama3.1/trade-compliance"]),
    ("s3 bigscience 7 latest version", ("bigscience-openrail-m", "7", "You shall undertake reasonable efforts to use "
                                        "the latest version of the Model."), "bigscience-openrail-m", QUIET, {},
     [("bigscience-openrail-m/latest-version", OB)], []),
    ("s3 gemma 2024-02-21 4.1 latest version", ("gemma-2024-02-21", "4.1", "you must make reasonable efforts to use "
                                                "the latest version of Gemma"), "gemma-2024-02-21", QUIET, {},
     [("gemma-2024-02-21/latest-version", OB)], []),
    ("s3 gemma 2024-04-01 has no 4.1 duty", ("gemma-2024-04-01", "4.1", "Updates"), "gemma-2024-04-01", QUIET, {},
     [], ["gemma-2024-04-01/latest-version"]),
    ("s3 mrl 3.1 misrepresentation", ("mrl", "3.1", "is an official product of Mistral AI"), "mrl",
     "use: {derived_model_name: Acme-Codestral, commercial: false, production: false}", {},
     [("mrl/misrepresentation", OB)], []),
    ("s3 yi 3 logo", ("yi", "3", "you are\nnot allowed to use any Logo associated with the Licensor"), "yi", PUBLIC_APP, {},
     [("yi/logo", OB)], []),
    ("s3 nvidia 2.1 guardrail bypass", ("nvidia-open-model", "2.1", "safety guardrail or associated safety guardrail "
                                        "hyperparameter"), "nvidia-open-model",
     "use: {purposes: [safety-circumvention]}", {"modalities": TEXT}, [("nvidia-open-model/guardrail-bypass", E)], []),
    ("s3 bigscience (e) machine-generated disclosure", ("bigscience-openrail-m", "Attachment A (e)", "without expressly and intelligibly disclaiming that the information and/or content is machine generated"),
     "bigscience-openrail-m", "use: {purposes: [undisclosed-ai-content]}", {},
     [("bigscience-openrail-m/machine-generated-disclosure", E)], []),
    ("s3 bigcode (f) machine-generated disclosure", ("bigcode-openrail-m", "Attachment A (f)", "without expressly and intelligibly disclaiming that the information and/or content is machine generated"),
     "bigcode-openrail-m", "use: {purposes: [undisclosed-ai-content]}", {},
     [("bigcode-openrail-m/machine-generated-disclosure", E)], []),
]


@pytest.mark.parametrize(("clause", "licence", "ctx", "kw", "present", "absent"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_clause_verdict(clause: tuple[str, str, str], licence: str, ctx: str, kw: dict[str, Any],
                        present: list, absent: list) -> None:
    text_of, _section, words = clause
    assert quote_in(words, corpus().get(text_of).read_texts()), f"not in {text_of}'s text: {words!r}"
    assert_verdict(licence, ctx, kw, present, absent)


def _one(licence: str, ctx: str, rule_id: str, **kw: Any):
    found = [f for f in evaluate(make_lineage(licence, **kw), make_context(ctx), rulebook()) if f.id == rule_id]
    assert len(found) == 1, found
    return found[0]


def test_monthly_revenue_assumption_is_stated() -> None:
    """Defect 1: one monthly number is taken x 12, and the finding says so (docs/contract.md 2)."""
    f = _one("stability-community", "organisation: {monthly_revenue_usd: 200000}", "stability-community/revenue-cap")
    assert "2,400,000" in f.message and "twelve months" in f.message
    assert f.context_field == "organisation.monthly_revenue_usd"
    summed = _one("stability-community",
                  "organisation: {monthly_revenue_usd: {" + ", ".join(f"'2024-{m:02d}': 100000" for m in range(3, 13))
                  + ", '2025-01': 100000, '2025-02': 100000}}", "stability-community/revenue-cap")
    assert "2024-03 to 2025-02" in summed.message and "1,200,000" in summed.message


def test_annual_from_months_table() -> None:
    """The one reading of annual revenue from monthly figures, case by case."""
    from licheck.context import MonthlyValue

    single = annual_from_months(MonthlyValue(single=100.0))
    assert [(f.value, f.measured) for f in single] == [(1200.0, True)]
    twelve = MonthlyValue(by_month=tuple((f"2025-{m:02d}", float(m)) for m in range(1, 13)))
    assert [(f.value, f.measured) for f in annual_from_months(twelve)] == [(78.0, True)]
    # Fourteen months: the largest twelve-month sum ("at any time").
    fourteen = MonthlyValue(by_month=(("2024-11", 500.0), ("2024-12", 1.0),
                                      *((f"2025-{m:02d}", 1.0) for m in range(1, 13))))
    assert annual_from_months(fourteen)[0].value == 511.0
    gap = MonthlyValue(by_month=(("2025-01", 10.0), ("2025-06", 20.0)))
    lower, estimate = annual_from_months(gap)
    assert (lower.value, lower.measured) == (30.0, True) and (estimate.value, estimate.measured) == (180.0, False)


def test_cap_month_not_given_names_it() -> None:
    """Defect 7: Llama 3.1's cap is measured in 2024-06 (the month before 2024-07-23): name it."""
    f = _one("llama3.1", "organisation: {monthly_active_users: {'2025-03': 1000}}", "llama3.1/mau-cap")
    assert f.severity == W and "2024-06" in f.message and "2024-06" in (f.how_to_comply or "")


def test_earlier_month_above_is_named() -> None:
    """Defect 8: the warning names the month above the cap and the latest month given."""
    f = _one("mistral-modified-mit", "organisation: {monthly_revenue_usd: {'2025-01': 30000000, '2025-02': 1}}",
             "mistral-modified-mit/revenue-cap")
    assert "2025-01" in f.message and "2025-02" in f.message


def test_evaluation_warning_names_the_carve_out() -> None:
    """Defect 9: the warning quotes the licence's definition of Non-Commercial."""
    f = _one("qwen-research", EVALUATING, "qwen-research/non-commercial")
    assert "research or evaluation purposes only" in f.message


NAMES = [
    # (name, prefix, begins) - the licence's words, whole, at the start
    ("Llama-34B-Acme", "Llama 3", False),
    ("Llama30-Acme", "Llama 3", False),
    ("L-l-a-m-a-Acme", "Llama", False),
    ("Llamas-Acme", "Llama", False),
    ("Acme-Llama-3", "Llama 3", False),
    ("Llama-3-Acme", "Llama 3", True),
    ("llama_3_acme", "Llama 3", True),
    ("Llama 3 Acme", "Llama 3", True),
    ("Llama3-Acme-8B", "Llama 3", True),
    ("acme/Llama-3.1-Acme", "Llama", True),
    ("K-EXAONE-Acme", "K-EXAONE", True),
    ("KEXAONE-Acme", "K-EXAONE", False),
]


@pytest.mark.parametrize(("name", "prefix", "begins"), NAMES)
def test_name_begins_with_whole_words(name: str, prefix: str, begins: bool) -> None:
    assert name_begins_with(name, prefix) is begins


def test_eu_territories() -> None:
    """Defect 6: TFEU Art. 349 and 355(1) outermost regions, Art. 355(4) Åland; not the OCTs."""
    for code in ("RE", "GP", "MQ", "GF", "YT", "MF", "AX", *EU_MEMBER_STATES):
        assert code in ISO_3166_ALPHA2 and in_eu(code), code
    for code in ("NC", "PF", "PM", "WF", "BL", "GL", "FO", "AW", "CW", "SX", "BQ", "TF", "NO", "CH", "GB"):
        assert not in_eu(code), code
    assert make_context("organisation: {country: RE}").organisation.in_eu is True


def test_missing_incorporated_texts_are_listed() -> None:
    """Section 3: what licheck could not check is named in the licence metadata."""
    for licence, words in (("stability-community", "Acceptable Use Policy"),
                           ("falcon-180b-tii", "Acceptable Use Policy"),
                           ("nvidia-open-model", "Trustworthy AI")):
        assert any(words in doc for doc in corpus().get(licence).incorporates_missing), licence


def test_monthly_revenue_fails_the_gate_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 1 as reported: `monthly_revenue_usd: 200000` (US$2.4M a year) under the Stability
    AI Community License exited 0. Through the CLI, offline from the catalogue: exit 1."""
    from click.testing import CliRunner

    from licheck.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "ctx.yml").write_text("organisation: {monthly_revenue_usd: 200000}\n", encoding="utf-8")
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = main(["check", "--offline", "stabilityai/stable-diffusion-3.5-large", "--context", "ctx.yml",
                     "--format", "json"])
        doc = json.loads(out.getvalue().decode())
        errors = err.getvalue().decode()  # inside: click 8.2.0-8.2.1 close on exit
    assert code == 1, errors
    cap = [f for f in doc["findings"] if f["id"] == "stability-community/revenue-cap"]
    assert cap and cap[0]["severity"] == "error" and "2,400,000" in cap[0]["message"]
