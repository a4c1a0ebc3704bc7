"""The content of the legal review report, shared by the Markdown and HTML renderers.

Both formats say the same things in the same order; only the markup differs. Everything a
reviewer must weigh is computed here once: the verdict, each model's lineage and licences,
every finding with its clause, the obligations checklist, the waivers, and what licheck
could not determine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from licheck.formats._common import (
    TreeRow,
    advice,
    kind_title,
    lineage_rows,
    model_of,
    where,
    where_text,
)
from licheck.kinds import KINDS
from licheck.model import Finding, Severity
from licheck.report import ModelReport, Report, jsonable, sort_findings

# Obligations stay on the checklist even when waived: a waiver does not remove the duty.
OBLIGATION_KINDS = tuple(k.name for k in KINDS.values() if k.severity is Severity.OBLIGATION)
DISCLAIMER = ("This report was produced by licheck, an automated tool. It states what licheck "
              "found against the licence texts in its corpus and the deployment context as "
              "declared; it is not legal advice and does not replace the reviewer's judgement.")
NO_CONTEXT = ("No deployment context was declared. licheck assumed its defaults: a commercial "
              "production deployment, with no other facts (no user or revenue figures, no sectors, "
              "no distribution of weights).")
NOT_A_CLAUSE = "not from a licence clause: a fact about the lineage or the configuration"
SECONDARY = ("SECONDARY: this clause is taken from third-party quotations, not from a verified "
             "copy of the licence text. Check it against the original before relying on it.")


@dataclass(frozen=True)
class LicenceView:
    id: str
    name: str
    url: str | None
    files: tuple[str, ...]       # bundled text file names (licheck's `licences/` folder)
    status: str | None           # corpus status; None when licheck does not know the id
    incorporates: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.status is not None


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    title: str
    where: str
    advice: str
    licence: LicenceView | None
    secondary: bool

    @property
    def severity(self) -> str:
        return str(self.finding.severity)

    @property
    def confidence(self) -> str:
        if self.secondary:
            return SECONDARY
        return "verified against the licence text" if self.finding.clause else NOT_A_CLAUSE


@dataclass
class ModelSection:
    model: ModelReport
    rows: list[TreeRow]
    licences: list[LicenceView]
    findings: list[FindingView]

    def count(self, severity: str) -> int:
        """Unwaived findings of a severity (`waived` counts the waived ones)."""
        if severity == "waived":
            return sum(1 for v in self.findings if v.finding.waived)
        return sum(1 for v in self.findings if not v.finding.waived and v.severity == severity)


@dataclass
class Review:
    title: str
    generated: str
    tool: str
    data_versions: dict[str, str]
    summary: dict[str, int]
    verdict: str
    context_yaml: str | None     # None: no context declared
    models: list[ModelSection]
    other_findings: list[FindingView]
    checklist: list[FindingView]
    waivers: list[tuple[dict[str, Any], int]]   # declared waiver, findings it covers
    unknowns: list[str]
    notes: list[str]
    disclaimer: str = DISCLAIMER
    licences: dict[str, LicenceView] = field(default_factory=dict)
    scope: list[tuple[str, str]] = field(default_factory=list)   # what was checked, at which commit
    sources_notice: str | None = None   # lineage not from live model cards: say so prominently
    # The lock files the lineages came from, (path, digest): a sign-off refers to exact facts.
    locks: list[tuple[str, str]] = field(default_factory=list)


def web_url(url: str | None) -> str | None:
    """`url` if it is an http(s) address; a user's licence metadata must not inject a `javascript:` link."""
    url = (url or "").strip()
    if url.lower().startswith(("https://", "http://")) and not any(c.isspace() or c in '<>"`' for c in url):
        return url
    return None


def licence_view(report: Report, licence_id: str) -> LicenceView:
    lic = report.licence(licence_id)
    if lic is None:
        return LicenceView(licence_id, licence_id, None, (), None)
    return LicenceView(lic.id, lic.name, web_url(lic.url), tuple(p.name for p in lic.texts), lic.status,
                       lic.incorporates)


def _finding_view(report: Report, f: Finding, model: ModelReport | None) -> FindingView:
    return FindingView(
        finding=f,
        title=kind_title(f.kind),
        where=where_text(where(f, model)),
        advice=advice(f),
        licence=licence_view(report, f.licence) if f.licence else None,
        secondary=f.confidence != "verified",
    )


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def verdict(summary: dict[str, int]) -> str:
    if summary["error"]:
        return (f"Conflicts found: {_n(summary['error'], 'error')}. The models cannot be used as "
                "declared until they are resolved.")
    if summary["warning"]:
        return f"Needs review: {_n(summary['warning'], 'warning')}; no conflicts found."
    if summary["obligation"]:
        return f"No conflicts found; {_n(summary['obligation'], 'obligation')} to fulfil."
    return "No conflicts, warnings or obligations found."


def sources_notice(report: Report) -> str | None:
    """A notice when some lineage came from licheck's catalogue or cache, not live cards."""
    by_source: dict[str, list[str]] = {}
    for m in report.models:
        for node in m.lineage.nodes:
            if node.source in ("catalogue", "cache") and node.id not in by_source.get(node.source, []):
                by_source.setdefault(node.source, []).append(node.id)
    if not by_source:
        return None
    said = {"catalogue": "licheck's built-in catalogue", "cache": "licheck's cache (an earlier run's copy)"}
    parts = [f"{len(ids)} model(s) from {said[src]} ({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''})"
             for src, ids in sorted(by_source.items())]
    return ("Lineage not read from live model cards: " + "; ".join(parts) + ". Their cards may have "
            "changed since; re-run online before relying on this report.")


def _unknowns(report: Report, views: list[FindingView]) -> list[str]:
    out: list[str] = []
    unresolved_nodes: set[str] = set()
    undetermined: set[str] = set()
    in_lineage_of: dict[str, list[str]] = {}
    for m in report.models:
        for node in m.lineage.nodes:
            in_lineage_of.setdefault(node.id, [])
            if m.id not in in_lineage_of[node.id]:
                in_lineage_of[node.id].append(m.id)
    for m in report.models:
        for node in m.lineage.nodes:
            others = [x for x in in_lineage_of[node.id] if x != node.id]
            where_in = f" (in the lineage of {', '.join(others)})" if others else ""
            if not node.resolved:
                if node.id in unresolved_nodes:
                    continue
                unresolved_nodes.add(node.id)
                out.append(f"licheck could not fetch {node.id}{where_in}: its licence and its own "
                           "ancestors have not been checked.")
            elif node.licence is None and node.id not in undetermined:
                undetermined.add(node.id)
                declared = f" (it declares '{node.declared_licence}')" if node.declared_licence else ""
                out.append(f"licheck could not determine the licence of {node.id}{declared} "
                           "\u2014 this has not been checked.")
        for lic_id in m.licences:
            lic = licence_view(report, lic_id)
            if not lic.known:
                out.append(f"Licence '{lic_id}' is not in licheck's corpus \u2014 its terms have not "
                           "been checked.")
            elif lic.status in ("text-missing", "incomplete"):
                out.append(f"licheck's copy of {lic.name} ('{lic_id}') is {lic.status.replace('-', ' ')}"
                           " \u2014 terms not in it have not been checked.")
    for v in views:
        f = v.finding
        about = f.via[-1] if f.via else f.model
        if f.kind == "licence_unknown" and about in undetermined:
            continue   # said once above, about the node
        if f.kind in ("unresolved", "licence_unknown") and about not in unresolved_nodes:
            out.append(f"{f.model}: {f.message} \u2014 this has not been checked.")
        if v.secondary:
            out.append(f"Finding {f.id} for {f.model} rests on a clause from third-party quotations, "
                       "not a verified licence text.")
    return list(dict.fromkeys(out))  # de-duplicated, first mention kept


def _context_yaml(context: dict[str, Any]) -> str | None:
    if not context:
        return None
    return yaml.safe_dump(jsonable(context), sort_keys=False, allow_unicode=True,
                          default_flow_style=False).rstrip("\n")


def build(report: Report) -> Review:
    all_views: list[FindingView] = []
    models: list[ModelSection] = []
    licences: dict[str, LicenceView] = {}
    for m in report.models:
        fviews = [_finding_view(report, f, m) for f in sort_findings(m.findings)]
        all_views.extend(fviews)
        # Policies a publisher attaches (`LineageNode.policies`) bind as incorporated ones do:
        # a reviewer sees them beside the licences.
        attached = dict.fromkeys(p for n in m.lineage.nodes if n.binds for p in n.policies
                                 if p not in m.licences)
        lviews = [licence_view(report, lid) for lid in [*m.licences, *attached]]
        for lv in lviews:
            licences[lv.id] = lv
            for inc in lv.incorporates:
                licences.setdefault(inc, licence_view(report, inc))
        models.append(ModelSection(m, list(lineage_rows(m.lineage)), lviews, fviews))
    others = [_finding_view(report, f, model_of(report, f))
              for f in sort_findings(report.unassigned_findings())]
    all_views.extend(others)
    checklist = [v for v in all_views if v.finding.kind in OBLIGATION_KINDS
                 or (v.finding.severity == Severity.OBLIGATION and not v.finding.waived)]
    summary = report.summary()
    return Review(
        title="Licence review report",
        generated=jsonable(report.generated_at),
        tool=f"licheck {report.licheck_version}",
        data_versions={str(k): str(jsonable(v)) for k, v in report.data_versions.items()},
        summary=summary,
        verdict=verdict(summary),
        context_yaml=_context_yaml(report.context),
        models=models,
        other_findings=others,
        checklist=checklist,
        waivers=[(w, len(report.waiver_matches(w))) for w in report.waivers],
        unknowns=_unknowns(report, all_views),
        notes=list(report.notes),
        licences=licences,
        scope=list(report.scope),
        sources_notice=sources_notice(report),
        locks=[(str(lock.get("path")), str(lock.get("digest"))) for lock in report.locks],
    )
