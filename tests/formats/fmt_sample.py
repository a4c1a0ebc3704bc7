"""Sample reports for the format tests: a hand-built Report covering what every format must show.

Two models from a manifest `deploy/licheck.yaml`:
  1. acme/AcmeChat-8B, a fine-tune of meta-llama/Llama-3.1-8B declaring apache-2.0: a
     licence_mismatch, a naming error with its clause, an attribution obligation and a
     waived notice obligation;
  2. acme/Merge-8B, a merge of NousResearch/Hermes-3-Llama-3.1-8B (on the same Llama base)
     and an ancestor that could not be fetched (an unresolved finding), plus an info finding
     resting on a secondary-confidence clause;
and a waiver that matched nothing (a finding about no listed model) and a note.
Clause quotes are verbatim from the bundled llama3.1 text (a test checks that).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from licheck.licences import default_corpus
from licheck.model import Clause, Finding, Lineage, LineageNode, Location, Severity
from licheck.report import ModelReport, Report

MANIFEST = "deploy/licheck.yaml"
BASE = "meta-llama/Llama-3.1-8B"
BASE_SHA = "0E9E39F249A16976918F6564B8830BC894C89659"

NAMING_QUOTE = ("If you use the Llama Materials or any outputs or results of the Llama Materials to "
                "create, train, fine tune, or otherwise improve an AI model, which is distributed or "
                "made available, you shall also include \u201cLlama\u201d at the beginning of any such "
                "AI model name.")
ATTRIBUTION_QUOTE = ("prominently display \u201cBuilt with Llama\u201d on a related website, user "
                     "interface, blogpost, about page, or product documentation.")
NOTICE_QUOTE = ("You must retain in all copies of the Llama Materials that you distribute the "
                "following attribution notice within a \u201cNotice\u201d text file distributed as a "
                "part of such copies:")

WAIVER = {
    "rule": "llama3.1/notice",
    "kind": None,
    "model": "acme/*",
    "reason": "The Notice file ships in the release tarball",
    "approved_by": "legal@acme.example",
    "expires": dt.date(2027, 6, 30),
}

CONTEXT = {
    "organisation": {"name": "Acme", "country": "FR", "in_eu": True, "monthly_active_users": 12_000_000,
                     "annual_revenue_usd": 5_000_000, "monthly_revenue_usd": None},
    "sectors": ["healthcare"],
    "use": {"commercial": True, "production": True, "offered_as_service": False,
            "distributes_weights": True, "derived_model_name": "AcmeChat-8B",
            "trains_on_outputs": False, "purposes": []},
    "policy": {"deny_licences": [], "allow_licences": None, "review_origins": ["CN"],
               "sensitive_sectors": ["defence", "government", "healthcare", "finance",
                                     "critical-infrastructure"]},
}


def base_node() -> LineageNode:
    return LineageNode(id=BASE, relation="base", declared_licence="llama3.1", licence="llama3.1",
                       publisher="Meta", origin="US", source="hub", revision=BASE_SHA,
                       evidence="card metadata license: llama3.1", modalities=["text"],
                       release_date="2024-07-23")


def model_one() -> ModelReport:
    loc = Location(MANIFEST, 4)
    me = "acme/AcmeChat-8B"
    nodes = [
        LineageNode(id=me, relation="finetune", parents=[BASE], declared_licence="apache-2.0",
                    licence="apache-2.0", source="hub", evidence="card metadata license: apache-2.0"),
        base_node(),
    ]
    via = [me, BASE]
    findings = [
        Finding(id="llama3.1/naming", kind="naming", severity=Severity.ERROR, model=me,
                message="derived model name 'AcmeChat-8B' must begin with 'Llama'",
                licence="llama3.1", via=via, clause=Clause("llama3.1", "1.b.i", NAMING_QUOTE),
                context_field="use.derived_model_name",
                how_to_comply="Rename the model so that its name begins with \u201cLlama\u201d, "
                              "e.g. Llama-AcmeChat-8B.", location=loc),
        Finding(id="lineage/licence_mismatch", kind="licence_mismatch", severity=Severity.WARNING,
                model=me, message="declares apache-2.0 but inherits llama3.1 from meta-llama/Llama-3.1-8B",
                licence="llama3.1", via=via, location=loc),
        Finding(id="llama3.1/attribution", kind="attribution", severity=Severity.OBLIGATION, model=me,
                message="display \u201cBuilt with Llama\u201d", licence="llama3.1", via=via,
                clause=Clause("llama3.1", "1.b.i", ATTRIBUTION_QUOTE), location=loc),
        Finding(id="llama3.1/notice", kind="notice", severity=Severity.OBLIGATION, model=me,
                message="ship a \u201cNotice\u201d text file with the attribution notice",
                licence="llama3.1", via=via, clause=Clause("llama3.1", "1.b.iii", NOTICE_QUOTE),
                location=loc, waived=True, waiver=dict(WAIVER)),
    ]
    return ModelReport(ref=me, lineage=Lineage(ref=me, nodes=nodes), location=loc, findings=findings)


def model_two() -> ModelReport:
    loc = Location(MANIFEST, 9)
    me, hermes, missing = "acme/Merge-8B", "NousResearch/Hermes-3-Llama-3.1-8B", "private/missing-model"
    nodes = [
        LineageNode(id=me, relation="merge", parents=[hermes, missing], declared_licence="llama3.1",
                    licence="llama3.1", source="local", evidence="README.md front matter"),
        LineageNode(id=hermes, relation="finetune", parents=[BASE], declared_licence="llama3",
                    licence="llama3", source="hub", evidence="card metadata license: llama3"),
        LineageNode(id=missing, relation="unknown", source="unresolved", evidence="404 from the Hub"),
        base_node(),
    ]
    findings = [
        Finding(id="lineage/unresolved", kind="unresolved", severity=Severity.WARNING, model=me,
                message=f"{missing} could not be fetched (not found on the Hub)", via=[me, missing],
                location=loc),
        Finding(id="llama3.1/mau_cap", kind="mau_cap", severity=Severity.INFO, model=me,
                message="12,000,000 monthly active users is under the 700 million cap",
                licence="llama3.1", via=[me, hermes, BASE],
                clause=Clause("llama3.1", "2", "is greater than 700 million monthly active users in "
                                               "the preceding calendar month"),
                confidence="secondary", location=loc),
    ]
    return ModelReport(ref="./models/merge", lineage=Lineage(ref="./models/merge", nodes=nodes),
                       location=loc, findings=findings)


def make_report() -> Report:
    models = [model_one(), model_two()]
    stray = Finding(id="waiver/unused", kind="waiver", severity=Severity.WARNING, model="*",
                    message="waiver for rule gemma/naming on '*' matched no finding",
                    location=Location("deploy/licheck.yaml", 20))
    return Report(
        context=CONTEXT,
        models=models,
        findings=[f for m in models for f in m.findings] + [stray],
        # As `licheck check` lists them: the waiver, its location and what it did in this run
        # (expiry as text here, while the finding carries a date: both must match up).
        waivers=[{**WAIVER, "kind": None, "expires": "2027-06-30", "status": "active",
                  "location": {"file": MANIFEST, "line": 14}},
                 {"rule": "gemma/naming", "kind": None, "model": "*", "reason": "legacy",
                  "approved_by": "cto@acme.example", "expires": dt.date(2027, 1, 1), "status": "unused",
                  "location": {"file": MANIFEST, "line": 19}}],
        generated_at=dt.datetime(2026, 11, 22, 1, 30, tzinfo=dt.timezone.utc),
        licheck_version="0.1.0",
        data_versions={"licences": "2026-11-01", "rules": "2026-11-15"},
        notes=["hosted API model gpt-4o ignored (not an open-weight model)"],
        corpus=default_corpus(),
    )


def make_empty_report() -> Report:
    return Report(context=CONTEXT, models=[], findings=[], waivers=[],
                  generated_at=dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc),
                  licheck_version="0.1.0", data_versions={}, notes=[],
                  corpus=default_corpus())


def replace_finding(report: Report, old: Finding, **changes: Any) -> Finding:
    """Give `old` new values wherever the report lists it (findings are immutable values)."""
    new = dataclasses.replace(old, **changes)
    report.findings = [new if f is old else f for f in report.findings]
    for model in report.models:
        model.findings = [new if f is old else f for f in model.findings]
    return new
