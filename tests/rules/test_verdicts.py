"""Table-driven verdicts: each rule kind and licence version, with positive and negative cases.

Each case names the licence the model carries, a context, lineage facts (modalities, origin),
the findings that MUST appear (rule id or kind, with severity) and the ones that must NOT.
"""

from __future__ import annotations

from typing import Any

import pytest
from envs import rulebook
from rules_helpers import assert_verdict, make_context, make_lineage

from licheck.licences import default_corpus
from licheck.model import Severity
from licheck.rules.quotes import quote_in

E, W, OB = Severity.ERROR, Severity.WARNING, Severity.OBLIGATION
MM = ("text", "image")
TEXT = ("text",)
QUIET = "use: {production: false, commercial: false}\n"   # nothing distributed, no product

# (case id, licence, context YAML, lineage kwargs, must contain [(id-or-kind, severity)], must not contain [id-or-kind])
CASES: list[tuple[str, str, str, dict[str, Any], list[tuple[str, Severity]], list[str]]] = [
    # --- output training: only Llama 2 and Meta Llama 3 ban it -------------------------------
    ("llama3.1 outputs, not distributed", "llama3.1", "use: {trains_on_outputs: true}", {}, [], ["output_training", "naming"]),
    ("llama3 outputs", "llama3", "use: {trains_on_outputs: true}", {}, [("llama3/output-training", E)], []),
    ("llama2 outputs", "llama2", "use: {trains_on_outputs: true}", {}, [("llama2/output-training", E)], []),
    ("llama3.2 outputs", "llama3.2", "use: {trains_on_outputs: true}", {}, [], ["output_training"]),
    ("llama3.3 outputs", "llama3.3", "use: {trains_on_outputs: true}", {}, [], ["output_training"]),
    ("llama4 outputs", "llama4", "use: {trains_on_outputs: true}", {"modalities": MM}, [], ["output_training"]),
    ("llama3 no outputs", "llama3", "{}", {}, [], ["output_training"]),
    ("tongyi 5.b outputs", "tongyi-qianwen", "use: {trains_on_outputs: true}", {}, [("tongyi-qianwen/output-training", E)], []),
    ("tongyi research outputs", "tongyi-qianwen-research", "use: {trains_on_outputs: true}", {}, [("tongyi-qianwen-research/output-training", E)], []),
    ("qwen research outputs allowed", "qwen-research", "use: {trains_on_outputs: true, commercial: false, production: false}", {}, [], ["output_training"]),
    ("stability IV.b outputs", "stability-community", "use: {trains_on_outputs: true}", {}, [("stability-community/output-training", E)], []),
    ("gemma outputs allowed", "gemma", "use: {trains_on_outputs: true}", {}, [], ["output_training"]),
    ("c4ai synthetic data commercial", "c4ai-aup", "use: {trains_on_outputs: true}", {}, [("c4ai-aup/synthetic-data", E)], []),
    ("c4ai synthetic data research", "c4ai-aup", "use: {trains_on_outputs: true, commercial: false}", {}, [], ["output_training"]),
    ("mrl outputs commercial", "mrl", "use: {trains_on_outputs: true}", {}, [("mrl/output-training", E)], []),
    ("mnpl outputs free", "mnpl", "use: {trains_on_outputs: true, production: false}", {}, [], ["output_training"]),
    # --- naming ------------------------------------------------------------------------------
    ("3.1 Llama-Acme", "llama3.1", "use: {derived_model_name: Llama-Acme}", {}, [], ["naming"]),
    ("3.1 org/llama-3.1-acme", "llama3.1", "use: {derived_model_name: acme/llama-3.1-acme}", {}, [], ["naming"]),
    ("3.1 Acme-Llama", "llama3.1", "use: {derived_model_name: Acme-Llama}", {}, [("llama3.1/naming", E)], []),
    ("3.2 Acme", "llama3.2", "use: {derived_model_name: AcmeChat-8B}", {}, [("llama3.2/naming", E)], []),
    ("4 Acme", "llama4", "use: {derived_model_name: Acme-Scout}", {"modalities": MM}, [("llama4/naming", E)], []),
    ("llama3 needs 'Llama 3'", "llama3", "use: {derived_model_name: Llama-Acme}", {}, [("llama3/naming", E)], []),
    ("llama3 Llama-3-Acme", "llama3", "use: {derived_model_name: Llama-3-Acme}", {}, [], ["naming"]),
    ("llama3 Llama3Acme", "llama3", "use: {derived_model_name: Llama3Acme}", {}, [], ["naming"]),
    ("llama2 has no naming rule", "llama2", "use: {derived_model_name: Acme}", {}, [], ["naming"]),
    ("gemma has no naming rule", "gemma", "use: {derived_model_name: Acme}", {}, [], ["naming"]),
    # --- MAU: Llama once, the month before the version's date; Qwen at any time ---------------
    ("3.1 800M in 2024-06", "llama3.1", "organisation: {monthly_active_users: {'2024-06': 800000000}}", {}, [("llama3.1/mau-cap", E)], []),
    ("3.1 800M only in 2025", "llama3.1", "organisation: {monthly_active_users: {'2024-06': 500000000, '2025-03': 800000000}}", {}, [], ["mau_cap"]),
    ("3.1 exactly 700M", "llama3.1", "organisation: {monthly_active_users: {'2024-06': 700000000}}", {}, [], ["mau_cap"]),
    ("3.1 single 800M", "llama3.1", "organisation: {monthly_active_users: 800000000}", {}, [("llama3.1/mau-cap", E)], []),
    ("3.1 month missing, other month high", "llama3.1", "organisation: {monthly_active_users: {'2025-03': 800000000}}", {}, [("llama3.1/mau-cap", W)], [("llama3.1/mau-cap", E)]),
    ("3.2 reads 2024-08 not 2024-06", "llama3.2", "organisation: {monthly_active_users: {'2024-06': 800000000, '2024-08': 1000}}", {}, [], ["mau_cap"]),
    ("3.2 800M in 2024-08", "llama3.2", "organisation: {monthly_active_users: {'2024-08': 800000000}}", {}, [("llama3.2/mau-cap", E)], []),
    ("3.3 800M in 2024-11", "llama3.3", "organisation: {monthly_active_users: {'2024-11': 800000000}}", {}, [("llama3.3/mau-cap", E)], []),
    ("4 800M in 2025-03", "llama4", "organisation: {monthly_active_users: {'2025-03': 800000000}}", {"modalities": MM}, [("llama4/mau-cap", E)], []),
    ("llama3 800M in 2024-03", "llama3", "organisation: {monthly_active_users: {'2024-03': 800000000}}", {}, [("llama3/mau-cap", E)], []),
    ("llama2 800M in 2023-06", "llama2", "organisation: {monthly_active_users: {'2023-06': 800000000}}", {}, [("llama2/mau-cap", E)], []),
    ("tongyi 150M any month", "tongyi-qianwen", "organisation: {monthly_active_users: {'2022-01': 1, '2026-05': 150000000}}", {}, [("tongyi-qianwen/mau-cap", E)], []),
    ("tongyi 150M not commercial", "tongyi-qianwen", "organisation: {monthly_active_users: 150000000}\nuse: {commercial: false}", {}, [], ["mau_cap"]),
    ("tongyi 90M", "tongyi-qianwen", "organisation: {monthly_active_users: 90000000}", {}, [], ["mau_cap"]),
    ("qwen 150M", "qwen", "organisation: {monthly_active_users: 150000000}", {}, [("qwen/mau-cap", E)], []),
    ("gemma has no cap", "gemma", "organisation: {monthly_active_users: 5000000000}", {}, [], ["mau_cap"]),
    # --- revenue -----------------------------------------------------------------------------
    ("stability 2M annual", "stability-community", "organisation: {annual_revenue_usd: 2000000}", {}, [("stability-community/revenue-cap", E)], []),
    ("stability 900k", "stability-community", "organisation: {annual_revenue_usd: 900000}", {}, [], ["revenue_cap"]),
    ("stability 2M non-commercial: III ends any licenses", "stability-community", "organisation: {annual_revenue_usd: 2000000}\nuse: {commercial: false}", {}, [("stability-community/revenue-cap", W)], [("revenue_cap", E)]),
    ("mistral 25M monthly", "mistral-modified-mit", "organisation: {monthly_revenue_usd: 25000000}", {}, [("mistral-modified-mit/revenue-cap", E)], []),
    ("mistral monthly map", "mistral-modified-mit", "organisation: {monthly_revenue_usd: {'2026-01': 5000000, '2026-02': 21000000}}", {}, [("mistral-modified-mit/revenue-cap", E)], []),
    ("mistral 15M monthly", "mistral-modified-mit", "organisation: {monthly_revenue_usd: 15000000, annual_revenue_usd: 900000000}", {}, [], ["revenue_cap"]),
    ("mistral annual/12", "mistral-modified-mit", "organisation: {annual_revenue_usd: 300000000}", {}, [("mistral-modified-mit/revenue-cap", E)], []),
    ("mistral annual/12 below", "mistral-modified-mit", "organisation: {annual_revenue_usd: 120000000}", {}, [], ["revenue_cap"]),
    # --- research / non-production -----------------------------------------------------------
    ("mrl commercial production", "mrl", "{}", {}, [("mrl/non-commercial", E), ("mrl/non-production", E)], []),
    ("mrl research", "mrl", QUIET, {}, [], ["non_commercial", "non_production"]),
    ("mnpl production", "mnpl", "use: {commercial: false}", {}, [("mnpl/non-production", E)], ["non_commercial"]),
    ("mnpl internal evaluation", "mnpl", "use: {production: false}", {}, [], ["non_production", "non_commercial"]),
    ("mnpl commercial SaaS", "mnpl", "use: {production: false, offered_as_service: true}", {}, [("mnpl/commercial-supply", E)], []),
    ("qwen research commercial", "qwen-research", "{}", {}, [("qwen-research/non-commercial", E), ("qwen-research/non-production", E)], []),
    ("tongyi research production", "tongyi-qianwen-research", "use: {commercial: false}", {}, [("tongyi-qianwen-research/non-production", E)], ["non_commercial"]),
    ("cc-by-nc commercial", "cc-by-nc-4.0", "{}", {}, [("cc-by-nc-4.0/non-commercial", E)], []),
    ("cc-by-nc research", "cc-by-nc-4.0", QUIET, {}, [], ["non_commercial"]),
    ("cc-by commercial", "cc-by-4.0", "{}", {}, [], ["non_commercial", "non_production"]),
    ("yi commercial registration", "yi", "{}", {}, [("yi/commercial-registration", OB)], []),
    ("stability registration", "stability-community", "{}", {}, [("stability-community/commercial-registration", OB)], []),
    # --- hosting -----------------------------------------------------------------------------
    ("falcon 180B as a service", "falcon-180b-tii", "use: {offered_as_service: true}", {}, [("falcon-180b-tii/hosting", E)], []),
    ("falcon 180B in a product", "falcon-180b-tii", "{}", {}, [], ["hosting"]),
    ("falcon 3 as a service", "falcon-3-tii", "use: {offered_as_service: true}", {}, [], ["hosting"]),
    # --- EU exclusion: AUPs of 3.2/3.3/4, multimodal models only -----------------------------
    ("3.2 vision DE", "llama3.2", "organisation: {country: DE}", {"modalities": MM}, [("llama3.2-aup/eu-multimodal", E)], []),
    ("3.2 vision US", "llama3.2", "organisation: {country: US}", {"modalities": MM}, [], ["jurisdiction"]),
    ("3.2 3B text DE", "llama3.2", "organisation: {country: DE}", {"modalities": TEXT}, [], ["jurisdiction"]),
    ("3.2 vision NO (EEA, not EU)", "llama3.2", "organisation: {country: 'NO'}", {"modalities": MM}, [], ["jurisdiction"]),
    ("3.2 vision CH", "llama3.2", "organisation: {country: CH}", {"modalities": MM}, [], ["jurisdiction"]),
    ("3.2 unknown modalities DE", "llama3.2", "organisation: {country: FR}", {}, [("llama3.2-aup/eu-multimodal", W)], [("jurisdiction", E)]),
    ("3.2 vision, no country", "llama3.2", "{}", {"modalities": MM}, [("llama3.2-aup/eu-multimodal", W)], [("jurisdiction", E)]),
    ("3.1 multimodal DE", "llama3.1", "organisation: {country: DE}", {"modalities": MM}, [], ["jurisdiction"]),
    ("3.3 text DE", "llama3.3", "organisation: {country: IT}", {"modalities": TEXT}, [], ["jurisdiction"]),
    ("3.3 unknown DE", "llama3.3", "organisation: {country: IT}", {}, [], ["jurisdiction"]),
    ("4 unknown modalities DE", "llama4", "organisation: {country: NL}", {}, [("llama4-aup/eu-multimodal", E)], []),
    ("4 text-only fine-tune DE", "llama4", "organisation: {country: NL}", {"modalities": TEXT}, [], ["jurisdiction"]),
    # --- acceptable use ----------------------------------------------------------------------
    ("military llama3.1", "llama3.1", "use: {purposes: [military]}", {}, [("llama3.1-aup/military", E)], []),
    ("military logistics llama2", "llama2", "use: {purposes: [Military], description: Military logistics}", {}, [("llama2-aup/military", E)], []),
    ("military llama3.2", "llama3.2", "use: {purposes: [military]}", {"modalities": TEXT}, [("llama3.2-aup/military", E)], []),
    ("military deepseek", "deepseek", "use: {purposes: [military]}", {}, [("deepseek/military", E)], []),
    ("military yi", "yi", "use: {purposes: [military]}", {}, [("yi/military", E)], []),
    ("military gemma", "gemma", "use: {purposes: [military]}", {}, [], ["acceptable_use"]),
    ("military apache", "apache-2.0", "use: {purposes: [military]}", {}, [], ["acceptable_use"]),
    ("customer support llama3.1", "llama3.1", "use: {description: customer support for a military museum}", {}, [], ["acceptable_use"]),
    ("defence sector llama3.1", "llama3.1", "sectors: [defense]", {}, [("llama3.1-aup/military", W)], [("acceptable_use", E)]),
    ("healthcare sector llama3.1", "llama3.1", "sectors: [healthcare]", {}, [("llama3.1-aup/regulated-professions", W)], []),
    ("gemma automated decisions finance", "gemma", "sectors: [finance]\nuse: {purposes: [automated decisions]}", {}, [("gemma-aup/automated-decisions", E), ("gemma-aup/automated-decisions", W)], []),
    ("gemma sexual chatbot", "gemma-2024-02-21", "use: {purposes: [sexual-content]}", {}, [("gemma-aup/sexual-content", E)], []),
    ("openrail medical advice", "bigscience-openrail-m", "use: {purposes: [medical advice]}", {}, [("bigscience-openrail-m/medical-advice", E)], []),
    ("creativeml law enforcement", "creativeml-openrail-m", "use: {purposes: [justice-and-immigration]}", {}, [("creativeml-openrail-m/justice", E)], []),
    ("creativeml law-enforcement sector", "creativeml-openrail-m", "sectors: [law-enforcement]", {}, [("creativeml-openrail-m/justice", W)], [("acceptable_use", E)]),
    ("bigcode medical advice", "bigcode-openrail-m", "use: {purposes: [medical advice]}", {}, [("bigcode-openrail-m/medical-advice", E)], []),
    ("falcon-2 disinformation", "falcon-2-11b-tii", "use: {purposes: [disinformation]}", {}, [("falcon-2-11b-tii-aup/disinformation", E)], []),
    # --- notice and attribution obligations --------------------------------------------------
    ("llama3.1 distributes", "llama3.1", "use: {distributes_weights: true, production: false}", {}, [("llama3.1/notice", OB), ("llama3.1/attribution", OB)], []),
    ("llama3.1 internal research", "llama3.1", QUIET, {}, [], ["notice", "attribution"]),
    ("llama3.1 product in production", "llama3.1", "{}", {}, [("llama3.1/attribution", OB)], ["notice"]),
    ("llama3 Built with Meta Llama 3", "llama3", "use: {offered_as_service: true}", {}, [("llama3/attribution", OB)], ["notice"]),
    ("llama2 distributes (no Built with)", "llama2", "use: {distributes_weights: true}", {}, [("llama2/notice", OB)], ["attribution"]),
    ("gemma hosted: pass-through, no Notice", "gemma", "use: {offered_as_service: true, production: false}", {}, [("gemma/use-restrictions", OB)], ["gemma/notice"]),
    ("gemma distributes: both", "gemma-2024-04-01", "use: {distributes_weights: true}", {}, [("gemma-2024-04-01/use-restrictions", OB), ("gemma-2024-04-01/notice", OB)], []),
    ("deepseek hosted: flow-down", "deepseek", "use: {offered_as_service: true}", {}, [("deepseek/use-restrictions", OB)], []),
    ("qwen research derived model", "qwen-research", "use: {derived_model_name: Acme-7B, commercial: false, production: false}", {}, [("qwen-research/attribution", OB)], []),
    ("stability powered by", "stability-community", "use: {offered_as_service: true}", {}, [("stability-community/attribution", OB)], []),
    ("falcon 180B statement", "falcon-180b-tii", "use: {derived_model_name: Acme-180B}", {}, [("falcon-180b-tii/attribution", OB)], []),
    ("apache distributes", "apache-2.0", "use: {distributes_weights: true}", {}, [("apache-2.0/notice", OB)], []),
    ("mit distributes", "mit", "use: {distributes_weights: true}", {}, [("mit/notice", OB)], []),
    ("cc-by distributes", "cc-by-4.0", "use: {distributes_weights: true}", {}, [("cc-by-4.0/attribution", OB)], []),
    ("nvidia 2026 distributes", "nvidia-open-model-agreement-2026", "use: {distributes_weights: true}", {}, [("nvidia-open-model-agreement-2026/notice", OB)], []),
    # 1.1: a Cosmos Model is "a multimodal Model shared under this Agreement" (not a name)
    ("nvidia OML Cosmos", "nvidia-open-model", "{}", {"model_id": "nvidia/Cosmos-1.0-Diffusion-7B", "modalities": ("text", "video")}, [("nvidia-open-model/cosmos-attribution", OB)], []),
    ("nvidia OML not Cosmos", "nvidia-open-model", "use: {distributes_weights: true}", {"model_id": "nvidia/Nemotron-Mini", "modalities": TEXT}, [("nvidia-open-model/notice", OB)], ["attribution"]),
    ("nvidia OML text model named cosmos", "nvidia-open-model", "{}", {"model_id": "acme/cosmos-chat", "modalities": TEXT}, [], ["attribution"]),
    ("nvidia OML multimodal not named cosmos", "nvidia-open-model", "{}", {"model_id": "nvidia/Vision-X", "modalities": MM}, [("nvidia-open-model/cosmos-attribution", OB)], []),
    ("nvidia OML modalities unknown", "nvidia-open-model", "{}", {"model_id": "nvidia/Cosmos-X"}, [("nvidia-open-model/cosmos-attribution", W)], [("attribution", OB)]),
    ("mistral MIT distributes", "mistral-modified-mit", "use: {distributes_weights: true}", {}, [("mistral-modified-mit/notice", OB)], []),
    ("apache in production: nothing", "apache-2.0", "{}", {}, [], ["notice", "attribution", "acceptable_use"]),
    # --- no rule file: nothing ---------------------------------------------------------------
    ("unknown licence id", "no-such-licence", "use: {distributes_weights: true, purposes: [military]}", {}, [], ["notice", "acceptable_use"]),
]


@pytest.mark.parametrize(("licence", "ctx", "kw", "present", "absent"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verdict(licence: str, ctx: str, kw: dict[str, Any], present: list, absent: list) -> None:
    assert_verdict(licence, ctx, kw, present, absent)


def test_every_rule_kind_has_a_positive_case() -> None:
    from licheck.kinds import RULE_KINDS

    positive = {k for c in CASES for k, _ in c[4]}
    kinds_hit = {rulebook().get(k).kind for k in positive if rulebook().get(k)}
    assert set(RULE_KINDS) <= kinds_hit


def test_every_licence_version_has_a_case() -> None:
    from test_new_licences import NEW_CASES  # the 2024-2026 licences have their own table

    tested = {c[1] for c in CASES} | {c[1] for c in NEW_CASES}
    missing = [lid for lid in default_corpus().ids() if lid not in tested and not lid.endswith("-aup")]
    assert missing == []


def test_finding_fields(run) -> None:
    from licheck.model import LineageNode
    from licheck.rules.evaluate import evaluate

    base = LineageNode(id="meta-llama/Llama-3.2-11B-Vision", licence="llama3.2", modalities=list(MM),
                       source="hub", origin="US")
    lineage = make_lineage(None, model_id="acme/vision-ft", base=base)   # fine-tune of unknown modalities
    ctx = make_context("organisation: {country: DE}\nuse: {derived_model_name: Acme-Vision}")
    findings = {f.id: f for f in evaluate(lineage, ctx, rulebook())}
    eu = findings["llama3.2-aup/eu-multimodal"]
    assert eu.severity == E and eu.kind == "jurisdiction"
    assert eu.model == "acme/vision-ft"
    assert eu.via == ["acme/vision-ft", "meta-llama/Llama-3.2-11B-Vision"]
    assert eu.licence == "llama3.2-aup"
    assert eu.context_field == "organisation.country"
    assert eu.how_to_comply and eu.confidence == "verified"
    assert eu.clause is not None and eu.clause.licence == "llama3.2-aup"
    assert quote_in(eu.clause.quote, default_corpus()["llama3.2-aup"].read_texts())
    naming = findings["llama3.2/naming"]
    assert "Acme-Vision" in naming.message and naming.context_field == "use.derived_model_name"
    assert naming.to_json()["clause"]["section"] == "1.b.i"


def test_single_mau_figure_is_said_to_be_assumed(run) -> None:
    [f] = [f for f in run("llama3.1", "organisation: {monthly_active_users: 800000000}") if f.kind == "mau_cap"]
    assert "assumed" in f.message and "2024-06" in f.message
    [g] = [f for f in run("llama3.1", "organisation: {monthly_active_users: {'2024-06': 800000000}}")
           if f.kind == "mau_cap"]
    assert "assumed" not in g.message


def test_annual_revenue_fallback_is_said(run) -> None:
    [f] = [f for f in run("mistral-modified-mit", "organisation: {annual_revenue_usd: 300000000}")
           if f.kind == "revenue_cap"]
    assert "annual revenue / 12" in f.message
    assert f.context_field == "organisation.annual_revenue_usd"


def test_secondary_confidence_reaches_the_finding(tmp_path, run) -> None:
    from envs import corpus

    from licheck.rules.evaluate import evaluate
    from licheck.rules.loader import Rulebook

    (tmp_path / "qwen.yml").write_text(
        "licence: qwen\nrules:\n  - id: qwen/quoted-elsewhere\n    kind: hosting\n"
        "    confidence: secondary\n    source: a third-party quotation\n    title: t\n"
        "    section: '9'\n    quote: a clause no verbatim text holds\n    message: m\n"
        "    how_to_comply: h\n", encoding="utf-8")
    book = Rulebook(corpus(), [tmp_path])
    [f] = [f for f in evaluate(make_lineage("qwen"), make_context("{}"), book)
           if f.id == "qwen/quoted-elsewhere"]
    assert f.confidence == "secondary"
    assert f.to_json()["confidence"] == "secondary"
    [g] = [f for f in run("qwen", "organisation: {monthly_active_users: 150000000}") if f.kind == "mau_cap"]
    assert g.confidence == "verified"   # Qwen 2024 is now verbatim


def test_aup_is_applied_once_per_lineage() -> None:
    from licheck.model import LineageNode
    from licheck.rules.evaluate import evaluate

    base = LineageNode(id="meta-llama/Llama-3.1-8B", licence="llama3.1", source="hub")
    lineage = make_lineage("llama3.1", model_id="acme/ft", base=base)
    findings = evaluate(lineage, make_context("use: {purposes: [military]}"), rulebook())
    assert [f.id for f in findings].count("llama3.1-aup/military") == 1


# --- the organisation's policy ---------------------------------------------------------------


def test_provenance_warning_for_sensitive_sector(run) -> None:
    [f] = [f for f in run("apache-2.0", "sectors: [healthcare]", origin="CN") if f.kind == "provenance"]
    assert f.id == "policy/provenance" and f.severity == W and f.context_field == "sectors"


@pytest.mark.parametrize(("ctx", "origin"), [
    ("sectors: [retail]", "CN"),
    ("sectors: [healthcare]", "US"),
    ("sectors: [healthcare]", None),
    ("sectors: [healthcare]\npolicy: {review_origins: []}", "CN"),
    ("sectors: [healthcare]\npolicy: {sensitive_sectors: [defence]}", "CN"),
])
def test_no_provenance_warning(run, ctx: str, origin: str | None) -> None:
    assert not [f for f in run("apache-2.0", ctx, origin=origin) if f.kind == "provenance"]


def test_provenance_of_an_ancestor_names_the_path() -> None:
    from licheck.model import LineageNode
    from licheck.rules.evaluate import evaluate

    base = LineageNode(id="Qwen/Qwen2.5-7B", licence="apache-2.0", origin="CN", source="hub")
    lineage = make_lineage("apache-2.0", model_id="acme/ft", origin="US", base=base)
    [f] = [f for f in evaluate(lineage, make_context("sectors: [defense]"), rulebook()) if f.kind == "provenance"]
    assert f.via == ["acme/ft", "Qwen/Qwen2.5-7B"] and f.model == "acme/ft"


@pytest.mark.parametrize(("policy", "rule_id"), [
    ("{deny_licences: [llama3.1]}", "policy/deny"),
    ("{deny_licences: [Llama 3.1 Community License Agreement]}", "policy/deny"),   # an alias
    ("{allow_licences: [apache-2.0, mit]}", "policy/allow"),
])
def test_policy_rejects(run, policy: str, rule_id: str) -> None:
    [f] = [f for f in run("llama3.1", f"policy: {policy}") if f.kind == "policy"]
    assert f.id == rule_id and f.severity == E and f.licence == "llama3.1"


@pytest.mark.parametrize("policy", ["{deny_licences: [mit]}", "{allow_licences: [llama3.1]}", "{}"])
def test_policy_accepts(run, policy: str) -> None:
    assert not [f for f in run("llama3.1", f"policy: {policy}") if f.kind == "policy"]


def test_could_not_check_says_which_fact_to_give(run) -> None:
    [mau] = [f for f in run("llama3.1", "organisation: {monthly_active_users: {'2025-03': 800000000}}")
             if f.kind == "mau_cap"]
    assert "2024-06" in mau.how_to_comply and "could not check" in mau.message
    [eu] = [f for f in run("llama3.2", "{}", modalities=MM) if f.kind == "jurisdiction"]
    assert "organisation.country" in eu.how_to_comply
