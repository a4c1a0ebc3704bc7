"""Table-driven verdicts for the 2024-2026 licences, one clause shape at a time, against the texts.

Same shape as `test_verdicts.CASES`: (case id, licence, context YAML, lineage kwargs, findings that
MUST appear [(rule id or kind, severity)], findings that must NOT appear)."""

from __future__ import annotations

from typing import Any

import pytest
from rules_helpers import assert_verdict

from licheck.model import Severity

E, W, OB, INFO = Severity.ERROR, Severity.WARNING, Severity.OBLIGATION, Severity.INFO
HY_LARGE, HY_VIDEO, HY_A13B = ("tencent-hunyuan-community-2024-11-05",
                               "tencent-hunyuan-community-2024-12-03", "tencent-hunyuan-community")
HY_3D20, HY_3D21 = "tencent-hunyuan-3d-2.0-community", "tencent-hunyuan-3d-2.1-community"
TEXT = {"modalities": ("text",)}

NEW_CASES: list[tuple[str, str, str, dict[str, Any], list[tuple[str, Severity]], list[str]]] = [
    # --- territory in the licence itself, by version: the EU for all; the UK and South Korea from
    # HunyuanVideo (2024-12-03) on. Whatever the modality (text models too), research use too ------
    ("hunyuan large DE text model", HY_LARGE, "organisation: {country: DE}", TEXT, [(f"{HY_LARGE}/territory", E)], []),
    ("hunyuan large GB: not yet excluded", HY_LARGE, "organisation: {country: GB}", TEXT, [], ["jurisdiction"]),
    ("hunyuan large KR: not yet excluded", HY_LARGE, "organisation: {country: KR}", TEXT, [], ["jurisdiction"]),
    ("hunyuan video FR", HY_VIDEO, "organisation: {country: FR}", {}, [(f"{HY_VIDEO}/territory", E)], []),
    ("hunyuan video GB", HY_VIDEO, "organisation: {country: GB}", {}, [(f"{HY_VIDEO}/territory", E)], []),
    ("hunyuan video KR", HY_VIDEO, "organisation: {country: KR}", {}, [(f"{HY_VIDEO}/territory", E)], []),
    ("hunyuan a13b IT research only", HY_A13B, "organisation: {country: IT}\nuse: {commercial: false, production: false}", TEXT, [(f"{HY_A13B}/territory", E)], []),
    ("hunyuan a13b GB text model", HY_A13B, "organisation: {country: GB}", TEXT, [(f"{HY_A13B}/territory", E)], []),
    ("hunyuan a13b KR text model", HY_A13B, "organisation: {country: KR}", TEXT, [(f"{HY_A13B}/territory", E)], []),
    ("hunyuan 3d 2.0 GB", HY_3D20, "organisation: {country: GB}", {}, [(f"{HY_3D20}/territory", E)], []),
    ("hunyuan 3d 2.0 KR", HY_3D20, "organisation: {country: KR}", {}, [(f"{HY_3D20}/territory", E)], []),
    ("hunyuan 3d 2.1 NL", HY_3D21, "organisation: {country: NL}", {}, [(f"{HY_3D21}/territory", E)], []),
    ("hunyuan 3d 2.1 KR", HY_3D21, "organisation: {country: KR}", {}, [(f"{HY_3D21}/territory", E)], []),
    ("hunyuan a13b US", HY_A13B, "organisation: {country: US}", TEXT, [], ["jurisdiction"]),
    ("hunyuan a13b CH (not EU)", HY_A13B, "organisation: {country: CH}", TEXT, [], ["jurisdiction"]),
    ("hunyuan a13b NO (EEA, not EU)", HY_A13B, "organisation: {country: 'NO'}", TEXT, [], ["jurisdiction"]),
    ("hunyuan a13b JP", HY_A13B, "organisation: {country: JP}", TEXT, [], ["jurisdiction"]),
    ("hunyuan no country: not checked", HY_A13B, "{}", TEXT, [(f"{HY_A13B}/territory", W)], [("jurisdiction", E)]),
    ("hunyuan large no country: not checked", HY_LARGE, "{}", {}, [(f"{HY_LARGE}/territory", W)], [("jurisdiction", E)]),
    ("llama 3.2 AUP GB: not the EU", "llama3.2-aup", "organisation: {country: GB}", {"modalities": ("text", "image")}, [], ["jurisdiction"]),
    ("llama 3.2 AUP DE text model: clause is multimodal only", "llama3.2-aup", "organisation: {country: DE}", TEXT, [], ["jurisdiction"]),
    # --- one-time MAU tests at the version's release date -------------------------------------------
    ("hunyuan large 150M in 2024-10", HY_LARGE, "organisation: {monthly_active_users: {'2024-10': 150000000}}", {}, [(f"{HY_LARGE}/mau-cap", E)], []),
    ("hunyuan large 150M only later", HY_LARGE, "organisation: {monthly_active_users: {'2024-10': 90000000, '2025-05': 150000000}}", {}, [], [("mau_cap", E)]),
    ("hunyuan a13b reads 2025-05", HY_A13B, "organisation: {monthly_active_users: {'2025-05': 150000000}}", {}, [(f"{HY_A13B}/mau-cap", E)], []),
    ("hunyuan video exactly 100M", HY_VIDEO, "organisation: {monthly_active_users: {'2024-11': 100000000}}", {}, [], ["mau_cap"]),
    ("hunyuan 3d 2.0: 2M is above 1M", HY_3D20, "organisation: {monthly_active_users: {'2024-12': 2000000}}", {}, [(f"{HY_3D20}/mau-cap", E)], []),
    ("hunyuan a13b: 2M is fine", HY_A13B, "organisation: {monthly_active_users: {'2025-05': 2000000}}", {}, [], ["mau_cap"]),
    ("hunyuan 3d 2.1 reads 2025-05", HY_3D21, "organisation: {monthly_active_users: {'2025-05': 1500000}}", {}, [(f"{HY_3D21}/mau-cap", E)], []),
    ("dbrx 800M in 2024-02", "dbrx-open-model", "organisation: {monthly_active_users: {'2024-02': 800000000}}", {}, [("dbrx-open-model/mau-cap", E)], []),
    ("dbrx 800M only in 2025", "dbrx-open-model", "organisation: {monthly_active_users: {'2024-02': 600000000, '2025-01': 800000000}}", {}, [], [("mau_cap", E)]),
    ("minimax jan 2025: 150M in 2024-12", "minimax-model-2025-01-14", "organisation: {monthly_active_users: {'2024-12': 150000000}}", {}, [("minimax-model-2025-01-14/mau-cap", E)], []),
    ("minimax feb 2025: no cap", "minimax-model", "organisation: {monthly_active_users: 900000000}", {}, [], ["mau_cap"]),
    ("qwen 2024 150M commercial", "qwen", "organisation: {monthly_active_users: 150000000}", {}, [("qwen/mau-cap", E)], []),
    # --- output-training bans and their scopes ----------------------------------------------------
    ("hunyuan a13b: any other AI model", HY_A13B, "use: {trains_on_outputs: true}", {}, [(f"{HY_A13B}/output-training", E)], []),
    ("hunyuan large: LLMs, taken to be one", HY_LARGE, "use: {trains_on_outputs: true}", {}, [(f"{HY_LARGE}/output-training", E)], []),
    ("hunyuan video: any other AI model", HY_VIDEO, "use: {trains_on_outputs: true}", {}, [(f"{HY_VIDEO}/output-training", E)], []),
    ("hunyuan 3d 2.1: any other AI model", HY_3D21, "use: {trains_on_outputs: true}", {}, [(f"{HY_3D21}/output-training", E)], []),
    ("hunyuan a13b: no training, no ban", HY_A13B, "{}", {}, [], ["output_training"]),
    ("grok 2: foundational/LLM/general-purpose", "grok2-community", "use: {trains_on_outputs: true}", {}, [("grok2-community/output-training", E)], []),
    ("dbrx: other LLMs", "dbrx-open-model", "use: {trains_on_outputs: true}", {}, [("dbrx-open-model/output-training", E)], []),
    ("flux dev: competing models, review", "flux-1-dev-non-commercial", "use: {trains_on_outputs: true, commercial: false, production: false}", {}, [("flux-1-dev-non-commercial/output-training", W)], [("output_training", E)]),
    ("flux v2.0 outputs", "flux-dev-non-commercial-v2.0", "use: {trains_on_outputs: true, commercial: false, production: false}", {}, [("flux-dev-non-commercial-v2.0/output-training", W)], []),
    ("exaone 1.1: any other model", "exaone-1.1-nc", "use: {trains_on_outputs: true, commercial: false, production: false}", {}, [("exaone-1.1-nc/output-training", E)], []),
    ("exaone 1.2: competing models, review", "exaone", "use: {trains_on_outputs: true, commercial: false, production: false}", {}, [("exaone/output-training", W)], [("output_training", E)]),
    ("qwen 2024: no output ban", "qwen", "use: {trains_on_outputs: true}", {}, [], ["output_training"]),
    ("kimi k2: no output ban", "kimi-k2-modified-mit", "use: {trains_on_outputs: true}", {}, [], ["output_training"]),
    ("k-exaone: no output ban", "k-exaone", "use: {trains_on_outputs: true}", {}, [], ["output_training"]),
    ("glm-4: no output ban", "glm-4", "use: {trains_on_outputs: true}", {}, [], ["output_training"]),
    ("minimax feb 2025: ban dropped", "minimax-model", "use: {trains_on_outputs: true}", {}, [], ["output_training"]),
    ("minimax jan 2025: LLMs, taken to be one", "minimax-model-2025-01-14", "use: {trains_on_outputs: true}", {}, [("minimax-model-2025-01-14/output-training", E)], []),
    # --- non-commercial licences -----------------------------------------------------------------
    ("flux dev commercial", "flux-1-dev-non-commercial", "{}", {}, [("flux-1-dev-non-commercial/non-commercial", E), ("flux-1-dev-non-commercial/non-production", E)], []),
    ("flux 2024-08-01 commercial", "flux-1-dev-non-commercial-2024-08-01", "{}", {}, [("flux-1-dev-non-commercial-2024-08-01/non-commercial", E)], []),
    ("flux 2024-11-21 commercial", "flux-1-dev-non-commercial-2024-11-21", "{}", {}, [("flux-1-dev-non-commercial-2024-11-21/non-commercial", E)], []),
    ("flux v1.1 commercial", "flux-1-dev-non-commercial-v1.1", "{}", {}, [("flux-1-dev-non-commercial-v1.1/non-commercial", E)], []),
    ("flux v2.1 commercial", "flux-non-commercial-v2.1", "{}", {}, [("flux-non-commercial-v2.1/non-commercial", E)], []),
    ("flux research: allowed", "flux-dev-non-commercial-v2.0", "use: {commercial: false, production: false}", {}, [], ["non_commercial", "non_production"]),
    ("exaone 1.0 commercial", "exaone-1.0-nc", "{}", {}, [("exaone-1.0-nc/non-commercial", E), ("exaone-1.0-nc/non-production", E)], []),
    ("exaone 1.2 education: allowed", "exaone", "use: {commercial: false, production: false}", {}, [], ["non_commercial", "non_production"]),
    ("minimax m2.7 commercial", "minimax-m2.7-non-commercial", "{}", {}, [("minimax-m2.7-non-commercial/non-commercial", E), ("minimax-m2.7-non-commercial/attribution", OB)], []),
    ("minimax m2.7 personal", "minimax-m2.7-non-commercial", "use: {commercial: false}", {}, [], ["non_commercial", "attribution"]),
    ("k-exaone commercial own product", "k-exaone", "{}", {}, [], ["non_commercial", "hosting"]),
    ("exaone 1.0: no distribution", "exaone-1.0-nc", "use: {commercial: false, production: false, distributes_weights: true}", {}, [("exaone-1.0-nc/no-distribution", E)], []),
    ("k-exaone commercial API", "k-exaone", "use: {offered_as_service: true}", {}, [("k-exaone/commercial-distribution", E)], []),
    # --- name prefixes ---------------------------------------------------------------------------
    ("exaone 1.2 AcmeChat", "exaone", "use: {commercial: false, production: false, derived_model_name: AcmeChat}", {}, [("exaone/naming", E)], []),
    ("exaone 1.1 EXAONE-Acme", "exaone-1.1-nc", "use: {commercial: false, production: false, derived_model_name: acme/EXAONE-3.5-Acme}", {}, [], ["naming"]),
    ("exaone 1.0 has no naming rule", "exaone-1.0-nc", "use: {commercial: false, production: false, derived_model_name: AcmeChat}", {}, [], ["naming"]),
    ("k-exaone needs K-EXAONE", "k-exaone", "use: {derived_model_name: EXAONE-Acme}", {}, [("k-exaone/naming", E)], []),
    ("k-exaone K-EXAONE-Acme", "k-exaone", "use: {derived_model_name: K-EXAONE-Acme, commercial: false}", {}, [], ["naming"]),
    ("glm-4 Acme-9B", "glm-4", "use: {derived_model_name: Acme-9B}", {}, [("glm-4/naming", E)], []),
    ("glm-4 glm-4-acme", "glm-4", "use: {derived_model_name: glm-4-acme}", {}, [], ["naming"]),
    ("minimax jan 2025 prefix", "minimax-model-2025-01-14", "use: {derived_model_name: Acme-Text}", {}, [("minimax-model-2025-01-14/naming", E)], []),
    ("minimax feb 2025 no prefix", "minimax-model", "use: {derived_model_name: Acme-Text}", {}, [], ["naming"]),
    # --- registration before commercial use --------------------------------------------------------
    ("glm-4 commercial", "glm-4", "{}", {}, [("glm-4/commercial-registration", OB)], []),
    ("glm-4 research", "glm-4", "use: {commercial: false}", {}, [], ["registration"]),
    # --- revenue thresholds ----------------------------------------------------------------------
    ("lfm 12M annual", "lfm1.0", "organisation: {annual_revenue_usd: 12000000}", {}, [("lfm1.0/revenue-threshold", E)], []),
    ("lfm exactly 10M (inclusive)", "lfm1.0", "organisation: {annual_revenue_usd: 10000000}", {}, [("lfm1.0/revenue-threshold", E)], []),
    ("lfm 9M", "lfm1.0", "organisation: {annual_revenue_usd: 9000000}", {}, [], ["revenue_cap"]),
    ("lfm 50M non-commercial", "lfm1.0", "organisation: {annual_revenue_usd: 50000000}\nuse: {commercial: false}", {}, [], ["revenue_cap"]),
    ("kimi k3 MaaS 30M", "kimi-k3", "organisation: {annual_revenue_usd: 30000000}\nuse: {offered_as_service: true}", {}, [("kimi-k3/maas-revenue", E)], []),
    ("kimi k3 30M, no MaaS", "kimi-k3", "organisation: {annual_revenue_usd: 30000000}", {}, [], ["revenue_cap"]),
    # --- attribution and notices -----------------------------------------------------------------
    # display duties that switch on at scale: the organisation's figures bound every product's
    ("kimi k2 commercial, no figures: not checked", "kimi-k2-modified-mit", "{}", {}, [("kimi-k2-modified-mit/attribution-at-scale", OB)], []),
    ("kimi k2 150M users", "kimi-k2-modified-mit", "organisation: {monthly_active_users: 150000000, annual_revenue_usd: 5000000}", {}, [("kimi-k2-modified-mit/attribution-at-scale", OB)], []),
    ("kimi k2 exactly 100M users, small revenue", "kimi-k2-modified-mit", "organisation: {monthly_active_users: 100000000, annual_revenue_usd: 5000000}", {}, [], ["attribution"]),
    ("kimi k2 25M in one month", "kimi-k2-modified-mit", "organisation: {monthly_active_users: 1000, monthly_revenue_usd: {'2026-01': 25000000}}", {}, [("kimi-k2-modified-mit/attribution-at-scale", OB)], []),
    ("kimi k2 small: below both", "kimi-k2-modified-mit", "organisation: {monthly_active_users: 2000000, annual_revenue_usd: 15000000}", {}, [], ["attribution"]),
    ("kimi k2 annual 120M: a month may be above 20M", "kimi-k2-modified-mit", "organisation: {monthly_active_users: 2000000, annual_revenue_usd: 120000000}", {}, [("kimi-k2-modified-mit/attribution-at-scale", OB)], []),
    ("kimi k2 users only: revenue not checked", "kimi-k2-modified-mit", "organisation: {monthly_active_users: 2000000}", {}, [("kimi-k2-modified-mit/attribution-at-scale", OB)], []),
    ("kimi k2.5 150M users", "kimi-k2.5-modified-mit", "organisation: {monthly_active_users: 150000000}", {}, [("kimi-k2.5-modified-mit/attribution-at-scale", OB)], []),
    ("kimi k3 25M monthly revenue", "kimi-k3", "organisation: {monthly_active_users: 1000, monthly_revenue_usd: 25000000}", {}, [("kimi-k3/attribution-at-scale", OB)], []),
    ("kimi k3 small", "kimi-k3", "organisation: {monthly_active_users: 1000, annual_revenue_usd: 1000000}", {}, [], ["attribution"]),
    ("minimax m2 ARR: 3M a month is 36M a year", "minimax-m2-modified-mit", "organisation: {monthly_active_users: 1000, monthly_revenue_usd: 3000000}", {}, [("minimax-m2-modified-mit/attribution-at-scale", OB)], []),
    ("minimax m2: 2M a month is 24M ARR, below 30M", "minimax-m2-modified-mit", "organisation: {monthly_active_users: 1000, monthly_revenue_usd: 2000000}", {}, [], ["attribution"]),
    ("minimax m2 150M users", "minimax-m2-modified-mit", "organisation: {monthly_active_users: 150000000, annual_revenue_usd: 1000000}", {}, [("minimax-m2-modified-mit/attribution-at-scale", OB)], []),
    ("minimax m2 non-commercial", "minimax-m2-modified-mit", "organisation: {monthly_active_users: 150000000}\nuse: {commercial: false}", {}, [], ["attribution"]),
    ("kimi k2.5 non-commercial: nothing", "kimi-k2.5-modified-mit", "use: {commercial: false}", {}, [], ["attribution"]),
    ("flux v1.1.1 content filters", "flux-1-dev-non-commercial", "use: {commercial: false, production: false}", {}, [("flux-1-dev-non-commercial/content-filters", OB)], []),
    ("flux 2024 has no 2.e", "flux-1-dev-non-commercial-2024-08-01", "use: {commercial: false, production: false}", {}, [], ["attribution"]),
    ("minimax m2.5 any commercial use", "minimax-m2.5-modified-mit", "{}", {}, [("minimax-m2.5-modified-mit/attribution", OB)], []),
    ("minimax m2.5 non-commercial", "minimax-m2.5-modified-mit", "use: {commercial: false}", {}, [], ["attribution"]),
    ("grok 2 API: Powered by xAI", "grok2-community", "use: {offered_as_service: true}", {}, [("grok2-community/attribution", OB), ("grok2-community/notice", OB)], []),
    ("glm-4 distributed", "glm-4", "use: {distributes_weights: true}", {}, [("glm-4/attribution", OB), ("glm-4/notice", OB)], []),
    ("hunyuan 3d notice", HY_3D20, "use: {distributes_weights: true}", {}, [(f"{HY_3D20}/notice", OB), (f"{HY_3D20}/flow-down", OB)], []),
    ("hunyuan API flow-down only", HY_A13B, "use: {offered_as_service: true}", {}, [(f"{HY_A13B}/flow-down", OB)], [f"{HY_A13B}/notice"]),
    ("flux distributes", "flux-1-dev-non-commercial", "use: {distributes_weights: true, commercial: false, production: false}", {}, [("flux-1-dev-non-commercial/notice", OB)], []),
    ("kimi k2 distributes", "kimi-k2-modified-mit", "use: {distributes_weights: true}", {}, [("kimi-k2-modified-mit/notice", OB)], []),
    ("kimi k2.5 distributes", "kimi-k2.5-modified-mit", "use: {distributes_weights: true}", {}, [("kimi-k2.5-modified-mit/notice", OB)], []),
    ("minimax m2 distributes", "minimax-m2-modified-mit", "use: {distributes_weights: true}", {}, [("minimax-m2-modified-mit/notice", OB)], []),
    ("minimax m2.5 model notice", "minimax-model-m2.5", "use: {distributes_weights: true}", {}, [("minimax-model-m2.5/notice", OB)], []),
    ("dbrx notice", "dbrx-open-model", "use: {distributes_weights: true}", {}, [("dbrx-open-model/notice", OB)], []),
    ("qwen notice", "qwen", "use: {distributes_weights: true}", {}, [("qwen/notice", OB)], []),
    ("lfm notice", "lfm1.0", "use: {distributes_weights: true}", {}, [("lfm1.0/notice", OB)], []),
    ("apple notice", "apple-sample-code-license", "use: {distributes_weights: true}", {}, [("apple-sample-code-license/notice", OB)], []),
    ("exaone 1.2 notice", "exaone", "use: {commercial: false, production: false, distributes_weights: true}", {}, [("exaone/notice", OB)], []),
    ("k-exaone notice", "k-exaone", "use: {commercial: false, distributes_weights: true}", {}, [("k-exaone/notice", OB)], []),
    # --- acceptable use, incl. policies incorporated by reference ----------------------------------
    ("hunyuan military", HY_A13B, "use: {purposes: [military]}", {}, [(f"{HY_A13B}/military", E)], []),
    ("hunyuan automated decisions", HY_VIDEO, "use: {purposes: [automated decisions]}", {}, [(f"{HY_VIDEO}/automated-decisions", E)], []),
    ("grok 2 carries the xAI AUP", "grok2-community", "use: {purposes: [fraud]}", {}, [("xai-aup/espionage", E)], []),
    ("dbrx carries its AUP", "dbrx-open-model", "use: {purposes: [medical advice]}", {}, [("dbrx-aup/medical-advice", E)], []),
    ("dbrx AUP has no military item", "dbrx-open-model", "use: {purposes: [military]}", {}, [], ["acceptable_use"]),
    ("minimax military", "minimax-model", "use: {purposes: [military]}", {}, [("minimax-model/military", E)], []),
    ("minimax m2.5 model military", "minimax-model-m2.5", "use: {purposes: [military]}", {}, [("minimax-model-m2.5/military", E)], []),
    ("minimax m2.7 military", "minimax-m2.7-non-commercial", "use: {commercial: false, purposes: [military]}", {}, [("minimax-m2.7-non-commercial/military", E)], []),
    ("flux surveillance", "flux-1-dev-non-commercial", "use: {commercial: false, production: false, purposes: [surveillance]}", {}, [("flux-1-dev-non-commercial/surveillance", E)], []),
    ("glm-4 military", "glm-4", "use: {purposes: [military]}", {}, [("glm-4/military", E)], []),
    ("k-exaone misinformation", "k-exaone", "use: {purposes: [disinformation]}", {}, [("k-exaone/misinformation", E)], []),
    ("gpt-oss policy in finance: review", "gpt-oss-usage-policy", "sectors: [finance]", {}, [("gpt-oss-usage-policy/applicable-law", W)], []),
    ("kimi k2 military: no AUP", "kimi-k2-modified-mit", "use: {purposes: [military]}", {}, [], ["acceptable_use"]),
]


@pytest.mark.parametrize(("licence", "ctx", "kw", "present", "absent"),
                         [c[1:] for c in NEW_CASES], ids=[c[0] for c in NEW_CASES])
def test_verdict(licence: str, ctx: str, kw: dict[str, Any], present: list, absent: list) -> None:
    assert_verdict(licence, ctx, kw, present, absent)
