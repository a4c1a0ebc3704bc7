"""Plain-words descriptions of rules and licences, generated from the rule data.

Used by `licheck explain`; kept here (no click) so reports can reuse them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from licheck.kinds import TRIGGERS
from licheck.licences import Licence
from licheck.rules.schema import Rule
from licheck.rules.wording import FIGURE_WORDS, fmt_number, month_before, regions_in_words

_SOURCES = {"materials": "the licensed materials", "outputs": "their outputs"}


def conditions(rule: Rule) -> list[str]:
    """When the rule is relevant, from `triggered_by` / `only_if`."""
    out = []
    if rule.triggered_by:
        out.append("when any of: " + "; ".join(TRIGGERS[t].description for t in rule.triggered_by))
    if rule.only_if:
        out.append(("and only if: " if out else "only if: ") + "; ".join(TRIGGERS[t].description for t in rule.only_if))
    if rule.models_matching:
        out.append("only for models whose name contains: " + ", ".join(rule.models_matching))
    return out or ["always (whatever the use)"]


# --- what each kind's checker compares, in words ----------------------------------------------


def _mau_cap(rule: Rule) -> str:
    p = rule.param
    when = {
        "month_before_release": f"in {month_before(p('release_date') or '2000-01-01')}, the calendar month "
                                f"before the version's date {p('release_date')}",
        "current": "now (the latest month given is read; an earlier month above the cap is a warning)",
    }.get(p("measured_at"), "at any time (the largest figure given is read)")
    return (f"more than {fmt_number(p('threshold'))} monthly active users, counted over "
            f"{p('counted_over')}, {when} (context: organisation.monthly_active_users)")


def _revenue_cap(rule: Rule) -> str:
    p = rule.param
    field = ("organisation.annual_revenue_usd, and organisation.monthly_revenue_usd counted toward a "
             "year (twelve months summed, or one number x 12, said in the finding)"
             if p("period") == "annual" else
             "the latest organisation.monthly_revenue_usd month (the preceding month), else "
             "annual_revenue_usd / 12 (said in the finding)")
    than = "US${} or more".format(fmt_number(p("threshold_usd"))) if p("inclusive") else \
        "more than US${}".format(fmt_number(p("threshold_usd")))
    also = (f"; for a non-commercial use too, as a {p('non_commercial_severity')}"
            if p("non_commercial_severity") else "")
    return (f"{than} {p('period')} revenue, counted over "
            f"{p('counted_over')} (context: {field}){also}")


def _non_commercial(rule: Rule) -> str:
    carve_out = rule.param("evaluation_carve_out")
    also = (f"; a commercial user only evaluating (no production, service or distribution) gets a "
            f"warning instead: {carve_out}" if carve_out else "")
    return f"commercial use (use.commercial); permitted: {rule.param('permitted_use')}{also}"


def _registration(rule: Rule) -> str:
    return f"the use the conditions above name: register with {rule.param('register_with')} first"


def _non_production(rule: Rule) -> str:
    return f"a production deployment (use.production); permitted: {rule.param('permitted_use')}"


def _output_training(rule: Rule) -> str:
    p = rule.param
    excl = f", except {p('excluding')}" if p("excluding") else ""
    scope = _SCOPES[p("target_scope") or "any_ai_model"]
    return (f"outputs used to create, train or improve {p('restricted_target')}{excl} "
            f"(use.trains_on_outputs; {scope})")


_SCOPES = {
    "any_ai_model": "any model trained on them is within the ban",
    "large_language_model": "the trained model is taken to be a large language model, and the finding says so",
    "foundational_or_general_purpose": ("the trained model is taken to be a foundational or general-purpose "
                                        "one, and the finding says so"),
    "competing_with_licensor": "whether the trained model competes is reported as a warning to review",
    "competing_with_model": "whether the trained model competes is reported as a warning to review",
}


def _naming(rule: Rule) -> str:
    p = rule.param
    made = " or ".join(_SOURCES[s] for s in p("derived_from"))
    return (f"the name of a distributed derived model (use.derived_model_name), made with {made}, "
            f"must begin with \"{p('prefix')}\" (case and - _ . separators ignored)")


def _attribution(rule: Rule) -> str:
    p = rule.param
    where = f" on {p('where')}" if p("where") else ""
    duty = "display " + " or ".join(f'"{t}"' for t in p("display_text")) + where
    if p("models") == "multimodal":
        duty += (" (only when a model carrying the licence is multimodal, from its card or catalogue "
                 "facts; unknown modalities: a warning)")
    trigger = p("scale_trigger")
    if not trigger:
        return duty
    figures = " or ".join(words.format(fmt_number(trigger[f])) for f, words in FIGURE_WORDS.items() if f in trigger)
    return (f"{duty}, for {trigger['counted_over']} with more than {figures} (continuously; the "
            "organisation's figures bound every product's: below them nothing applies, a figure not given "
            "is reported as not checked)")


def _notice(rule: Rule) -> str:
    p = rule.param
    parts = []
    if p("notice_text"):
        parts.append(f'a "Notice" file reading "{p("notice_text")}"')
    parts.extend(p("requirements") or [])
    return "ship: " + "; ".join(parts) if parts else "licence notices when distributing"


def _acceptable_use(rule: Rule) -> str:
    p = rule.param
    parts = []
    if p("uses"):
        parts.append(f"a declared purpose (use.purposes) among: {', '.join(p('uses'))} "
                     f"({rule.severity})")
    if p("sectors"):
        parts.append(f"a declared sector among: {', '.join(p('sectors'))} "
                     f"({p('sector_severity') or 'warning'}, to review)")
    return "; ".join(parts)


def _jurisdiction(rule: Rule) -> str:
    p = rule.param
    where = regions_in_words(p("excluded_regions"))
    if p("scope") == "whole_licence":
        outputs = ", outputs included" if p("covers_outputs") else ""
        return (f"the organisation's country (organisation.country) is in {where}, where the licence "
                f"does not apply at all (any model, any modality, any use{outputs}; no end-user exception; "
                "no country given: reported as not checked)")
    models = "multimodal models" if p("models") == "multimodal" else "all models"
    unknown = {"warn": "reported as not checked", "assume_multimodal": "taken to be multimodal",
               "skip": "not reported"}[p("when_modalities_unknown") or "warn"]
    exc = "; end users of a product that incorporates the model are exempt" if p("end_user_exception") else ""
    return (f"the organisation's country (organisation.country) is in {where}, for {models} (from the "
            f"lineage; unknown modalities are {unknown}){exc}")


def _hosting(rule: Rule) -> str:
    return "offering the model to third parties as an API or managed service (use.offered_as_service)"


TESTS: dict[str, Callable[[Rule], str]] = {
    "mau_cap": _mau_cap,
    "revenue_cap": _revenue_cap,
    "non_commercial": _non_commercial,
    "non_production": _non_production,
    "output_training": _output_training,
    "naming": _naming,
    "attribution": _attribution,
    "notice": _notice,
    "acceptable_use": _acceptable_use,
    "jurisdiction": _jurisdiction,
    "hosting": _hosting,
    "registration": _registration,
}


def test(rule: Rule) -> str:
    """What the checker compares, in words."""
    describe = TESTS.get(rule.kind)
    return describe(rule) if describe else ""


def rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "licence": rule.licence, "kind": rule.kind, "severity": str(rule.severity),
        "title": rule.title, "clause": {"licence": rule.licence, "section": rule.section, "quote": rule.quote},
        "applies": conditions(rule), "test": test(rule), "how_to_comply": rule.how_to_comply,
        "confidence": rule.confidence, "source": rule.source, "notes": rule.notes,
        "parameters": dict(rule.params),
    }


def rule_text(rule: Rule, licence: Licence | None) -> str:
    name = f" ({licence.name})" if licence else ""
    lines = [
        f"{rule.id}: {rule.title}",
        f"  licence:       {rule.licence}{name}",
        f"  kind:          {rule.kind}",
        f"  severity:      {rule.severity}",
        f"  clause:        section {rule.section}",
        f"                 \"{rule.quote}\"",
        f"  applies:       {conditions(rule)[0]}",
        *(f"                 {c}" for c in conditions(rule)[1:]),
        f"  finding if:    {test(rule)}",
        f"  how to comply: {rule.how_to_comply}",
        f"  confidence:    {rule.confidence}",
    ]
    if rule.source:
        lines.append(f"  source:        {' '.join(rule.source.split())}")
    if rule.notes:
        lines.append(f"  notes:         {' '.join(rule.notes.split())}")
    return "\n".join(lines)


def licence_text(licence: Licence, rules: list[Rule]) -> str:
    date = f"{licence.date} ({licence.date_kind})" if licence.date and licence.date_kind else licence.date
    publisher = licence.publisher or "-"
    if licence.publisher_country:
        publisher += f" ({licence.publisher_country})"
    lines = [
        f"{licence.id}: {licence.name}",
        f"  version:      {licence.version or '-'}",
        f"  date:         {date or '-'}",
        f"  publisher:    {publisher}",
        f"  kind:         {licence.kind}",
        f"  status:       {licence.status}",
        f"  incorporates: {', '.join(licence.incorporates) or '-'}",
    ]
    if licence.url:
        lines.append(f"  url:          {licence.url}")
    lines.append(f"  rules ({len(rules)}):" if rules else "  rules:        none")
    width = max((len(r.id) for r in rules), default=0)
    for r in rules:
        mark = "  [secondary]" if r.confidence == "secondary" else ""
        lines.append(f"    {r.id:<{width}}  {r.kind:<15} {str(r.severity):<10} {r.title}{mark}")
    if licence.incorporates:
        lines.append(f"  (the rules of {', '.join(licence.incorporates)} apply too: licheck explain "
                     f"{licence.incorporates[0]})")
    if licence.incorporates_missing:
        lines.append("  not checked (incorporated, text not available to licheck):")
        lines.extend(f"    - {doc}" for doc in licence.incorporates_missing)
    return "\n".join(lines)
