"""One checker per rule kind: compare a rule's parameters with the deployment context.

A checker returns `Hit`s (usually zero or one). It never builds a Finding itself: the
evaluator adds the rule's id, clause, licence and lineage path. Whether a rule is relevant
at all (`triggered_by` / `only_if`) is decided before a checker runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from licheck.context import Context, MonthlyValue
from licheck.countries import in_eu
from licheck.kinds import TRIGGERS
from licheck.model import LineageNode, Severity
from licheck.rules.schema import Rule
from licheck.rules.wording import (
    FIGURE_WORDS,
    fmt_number,
    month_before,
    region_name,
    regions_in_words,
)


class ModelView(NamedTuple):
    """The model facts a checker may use: from the lineage, never from the context."""

    model: LineageNode
    holders: tuple[LineageNode, ...]   # the nodes that carry the licence being checked

    @property
    def multimodal(self) -> bool | None:
        """True if the model or a node carrying the licence is multimodal; None if unknown."""
        nodes = (self.model, *self.holders)
        if any(n.multimodal for n in nodes):
            return True
        if any(n.modalities for n in nodes):
            return False
        return None


@dataclass
class Hit:
    severity: Severity
    context_field: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    note: str | None = None        # appended to the message: an assumption or what is missing
    replace_message: str | None = None   # for "could not check" hits, instead of the rule's message
    how_to_comply: str | None = None     # for "could not check" hits: which fact to give


Checker = Callable[[Rule, Context, ModelView], list[Hit]]


def facts(ctx: Context) -> dict[str, bool]:
    """Each trigger's answer in this context: its `use.` field, or whether a name is given."""
    out: dict[str, bool] = {}
    for name, trigger in TRIGGERS.items():
        value = getattr(ctx.use, trigger.context_field.removeprefix("use."))
        out[name] = value if isinstance(value, bool) else value is not None
    return out


def applies(rule: Rule, f: Mapping[str, bool]) -> str | None:
    """The context field that makes the rule relevant, "" when it always is, None when not
    (`f`: the context's `facts`)."""
    if not all(f[c] for c in rule.only_if):
        return None
    if rule.triggered_by:
        fired = [t for t in rule.triggered_by if f[t]]
        return TRIGGERS[fired[0]].context_field if fired else None
    return TRIGGERS[rule.only_if[0]].context_field if rule.only_if else ""


# --- one checker per kind -------------------------------------------------------------------


def check_mau_cap(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    mau = ctx.organisation.monthly_active_users
    if mau is None:
        return []
    threshold = rule.param("threshold")
    cf = "organisation.monthly_active_users"
    base = {"threshold": fmt_number(threshold)}
    measured_at = rule.param("measured_at")
    if measured_at == "month_before_release":
        month = month_before(rule.param("release_date"))
        value, assumed = mau.at(month)
        if value is None:
            # A month the cap is measured in and the context does not give: unverified, never clean.
            highest = mau.max()
            other = (" (another month exceeds the cap)" if highest is not None and highest > threshold
                     else " (the months given do not include it)")
            return [Hit(Severity.WARNING, cf, {**base, "month": month}, replace_message=(
                f"could not check the {fmt_number(threshold)} monthly-active-user cap: it is measured "
                f"in {month}, and no figure is given for that month{other}"),
                how_to_comply=(f"Give the monthly active users of you and your affiliates for {month} "
                               "in organisation.monthly_active_users."))]
        if value <= threshold:
            return []
        note = (f"one monthly-active-user figure was given; it was assumed to hold in {month}"
                if assumed else None)
        return [Hit(rule.severity, cf, {**base, "value": fmt_number(value), "month": month}, note=note)]
    if measured_at == "current":
        return _current(rule, mau, cf, base, threshold, "monthly active users",
                        lambda v: v > threshold, "")
    value = mau.max()
    if value is None or value <= threshold:
        return []
    peak_month = mau.max_month()
    note = ("one monthly-active-user figure was given; it was assumed to hold at every date"
            if mau.is_single else None)
    return [Hit(rule.severity, cf, {**base, "value": fmt_number(value), "month": peak_month or "any month"},
                note=note)]


def _current(rule: Rule, series: MonthlyValue, cf: str, base: dict[str, Any], threshold: float,
             what: str, over: Callable[[float], bool], unit: str, note: str | None = None) -> list[Hit]:
    """A cap on the present figure ("has more than", "for the preceding month"): the latest month
    given decides; an earlier month above the cap, with the latest under it, is a warning."""
    month, value = series.latest()
    if value is None:
        return []
    if over(value):
        if series.is_single:
            note = note or f"one figure was given for {what}; it was taken as the current one"
        return [Hit(rule.severity, cf, {**base, "value": fmt_number(value), "month": month or "the latest month"},
                    note=note)]
    earlier = [(m, v) for m, v in series.by_month if over(v)]
    if not earlier:
        return []
    m, v = max(earlier, key=lambda kv: kv[1])
    return [Hit(Severity.WARNING, cf, {**base, "value": fmt_number(v), "month": m}, replace_message=(
        f"{what} were {unit}{fmt_number(v)} in {m}, above the {unit}{fmt_number(threshold)} cap, but "
        f"{unit}{fmt_number(value)} in {month}, the latest month given: the cap reads the current "
        "figure; review whether it was exceeded while you used the model"),
        how_to_comply=(f"Give the current month's figure in {cf}; if the cap was exceeded while you used "
                       "the model, ask the licensor whether a licence was needed then."))]


def _reached(value: float, threshold: float, rule: Rule) -> bool:
    """Is `value` over the cap: above it, or at it too for an inclusive cap ("$10M or more")?"""
    return value >= threshold if rule.param("inclusive") else value > threshold


def check_revenue_cap(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    threshold = rule.param("threshold_usd")
    base = {"threshold": fmt_number(threshold), "period": rule.param("period")}
    severity = rule.severity
    if not ctx.use.commercial and rule.param("non_commercial_severity"):
        # A cap that ends every licence (Stability III: "any licenses"), the non-commercial one too.
        severity = Severity.parse(rule.param("non_commercial_severity"))
    if rule.param("period") == "annual":
        return _annual_cap(rule, ctx, base, threshold, severity)
    series, from_annual = ctx.monthly_revenue()
    if series is None:
        return []
    if from_annual:
        value = series.single or 0.0
        if not _reached(value, threshold, rule):
            return []
        return [Hit(severity, "organisation.annual_revenue_usd",
                    {**base, "value": fmt_number(value), "month": "every month"}, note=(
                        "no monthly revenue was given: annual revenue / 12 = US$"
                        f"{fmt_number(value)} was assumed for every month"))]
    hits = _current(rule, series, "organisation.monthly_revenue_usd", base, threshold, "monthly revenue",
                    lambda v: _reached(v, threshold, rule), "US$")
    return [replace(h, severity=severity) if h.severity == rule.severity else h for h in hits]


def _annual_cap(rule: Rule, ctx: Context, base: dict[str, Any], threshold: float,
                severity: Severity) -> list[Hit]:
    """An annual cap against every reading of annual revenue the context gives: a measured one
    above it is the finding; an estimate above it says the cap may be exceeded."""
    figures = [f for f in ctx.annual_revenue() if _reached(f.value, threshold, rule)]
    measured = [f for f in figures if f.measured]
    if measured:
        f = max(measured, key=lambda f: f.value)
        return [Hit(severity, f.field, {**base, "value": fmt_number(f.value)}, note=f.note)]
    if figures:
        f = figures[0]
        return [Hit(Severity.WARNING, f.field, {**base, "value": fmt_number(f.value)}, replace_message=(
            f"annual revenue may exceed the US${fmt_number(threshold)} cap: {f.note}, giving "
            f"US${fmt_number(f.value)}"),
            how_to_comply=(f"Give twelve consecutive months in {f.field} (or organisation.annual_revenue_usd) "
                           "to have the cap checked."))]
    return []


def _always(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    """Kinds whose conditions are wholly expressed by triggered_by / only_if."""
    return [Hit(rule.severity, None)]


def check_non_commercial(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    carve_out = rule.param("evaluation_carve_out")
    use = ctx.use
    evaluating = not (use.production or use.offered_as_service or use.distributes_weights
                      or use.derived_model_name)
    if carve_out and evaluating:
        # The licence's "non-commercial" includes evaluation: a company that only evaluates may
        # be within it; whether its evaluation is commercial use is for review.
        return [Hit(min(rule.severity, Severity.WARNING), "use.commercial", replace_message=(
            f"a commercial organisation evaluating the model: the licence's non-commercial use includes "
            f"evaluation ({carve_out}); review that the use stays research or evaluation, with no "
            "production, service or distribution"),
            how_to_comply=("Keep the model to research or evaluation (no production, no service, no "
                           "distribution), or request a commercial licence before any other use."))]
    return [Hit(rule.severity, None)]


def check_naming(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    name = ctx.use.derived_model_name
    if name is None:
        return []
    prefix = rule.param("prefix")
    if name_begins_with(name, prefix):
        return []
    fields = {"name": name, "prefix": prefix}
    if "outputs" not in rule.param("derived_from") and ctx.use.trains_on_outputs:
        # A duty of models made with the Materials (Llama 3 1.b.i): a model made from outputs
        # alone is not covered, and the context cannot say which this one is.
        return [Hit(min(rule.severity, Severity.WARNING), "use.derived_model_name", fields, note=(
            "the naming duty covers a model made with the Materials, not one made from outputs alone; "
            "the context also trains on outputs, so which this model is was not known: if it was made "
            "from outputs alone, record a waiver with the reason"))]
    return [Hit(rule.severity, "use.derived_model_name", fields)]


_NAME_TOKEN = re.compile(r"[a-z]+|[0-9]+")


def _name_tokens(text: str) -> list[str]:
    """The words of a name: runs of letters or of digits, split at `-`, `_`, `.` and spaces and
    where letters meet digits ("Llama3" is "llama", "3")."""
    return _NAME_TOKEN.findall(text.casefold())


def name_begins_with(name: str, prefix: str) -> bool:
    """Does the model name (after any "org/" part) begin with the words of `prefix`, each whole?

    Case is ignored and `-`, `_`, `.` and spaces are interchangeable between words, so
    "Llama-3-Acme", "llama_3_acme" and "Llama3Acme" begin with "Llama 3"; "Llama-34B-Acme",
    "Llama30-Acme" and "Acme-Llama" do not, nor does "L-l-a-m-a-Acme" begin with "Llama".
    """
    bare = name.rsplit("/", 1)[-1]
    want = _name_tokens(prefix)
    return bool(want) and _name_tokens(bare)[:len(want)] == want


def check_attribution(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    display = " or ".join(f'"{t}"' for t in rule.param("display_text"))
    if rule.param("models") == "multimodal":
        # The licence's own definition decides (a catalogue or card fact), never the model's name.
        holders = view.holders or (view.model,)
        if any(n.multimodal for n in holders):
            pass
        elif all(n.modalities for n in holders):
            return []
        else:
            return [Hit(Severity.WARNING, None, {"display": display}, replace_message=(
                f"could not check whether the duty to display {display} applies: it applies to a multimodal "
                "model shared under the licence, and the modalities of the model carrying it are not known"),
                how_to_comply=(f"Check whether the model takes or produces images, audio or video; if it does, "
                               f"include {display}. Record a text-only model as a waiver."))]
    trigger = rule.param("scale_trigger")
    if not trigger:
        return [Hit(rule.severity, None, {"display": display})]
    return _at_scale(rule, ctx, trigger, display)


def _organisation_bound(figure: str, ctx: Context) -> tuple[float | None, str, bool]:
    """The largest the licence's per-product `figure` can be, from the organisation's figures
    (licensee and affiliates, all products): (bound, the context field it comes from, whether it
    is only an estimate of the figure rather than a measure of it); None when nothing bounds it.

    A product has no more users than all products together, and no more monthly revenue than
    the organisation's largest month, or (an estimate) than its annual revenue. Annual recurring
    revenue is estimated as twelve times the largest month given, else as the annual revenue."""
    org = ctx.organisation
    if figure == "monthly_active_users":
        mau = org.monthly_active_users
        return (mau.max() if mau is not None else None), "organisation.monthly_active_users", False
    if org.monthly_revenue_usd is not None and (month := org.monthly_revenue_usd.max()) is not None:
        if figure == "monthly_revenue_usd":
            return month, "organisation.monthly_revenue_usd", False
        return 12 * month, "organisation.monthly_revenue_usd", True
    return org.annual_revenue_usd, "organisation.annual_revenue_usd", True


def _at_scale(rule: Rule, ctx: Context, trigger: dict[str, Any], display: str) -> list[Hit]:
    """A duty that applies to each product or service above a figure: the organisation's own
    figures bound every product's, so below all of them nothing applies; a measured figure above
    one: the duty applies to the products above it; an estimate above one: it may apply; a figure
    not given: not checked."""
    figures = [f for f in FIGURE_WORDS if f in trigger]
    per = trigger["counted_over"]
    measured: list[tuple[str, str, float]] = []   # (figure in words, context field, bound)
    estimated: list[tuple[str, str, float]] = []
    unknown: list[str] = []
    for figure in figures:
        words = FIGURE_WORDS[figure].format(fmt_number(trigger[figure]))
        bound, cf, estimate = _organisation_bound(figure, ctx)
        if bound is None:
            unknown.append(cf)
        elif bound > trigger[figure]:
            (estimated if estimate else measured).append((words, cf, bound))
    if measured:
        words, cf, bound = measured[0]
        return [Hit(rule.severity, cf, {"display": display, "threshold": words, "value": fmt_number(bound)})]
    if estimated:
        words, cf, bound = estimated[0]
        return [Hit(rule.severity, cf, {"display": display, "threshold": words}, replace_message=(
            f"the duty to display {display} may apply: it applies to {per} with more than {words}, and "
            f"{cf} (US${fmt_number(bound)} a year) allows that"),
            how_to_comply=(f"Display {display} on every commercial product or service above {words}; give "
                           "organisation.monthly_revenue_usd to have it checked."))]
    if not unknown:
        return []
    every = " or ".join(FIGURE_WORDS[f].format(fmt_number(trigger[f])) for f in figures)
    missing = " and ".join(dict.fromkeys(unknown))
    return [Hit(rule.severity, unknown[0], {"display": display, "threshold": every}, replace_message=(
        f"could not check whether the duty to display {display} applies: it applies to {per} with more "
        f"than {every}, and {missing} is not given"),
        how_to_comply=(f"Give {missing} (the organisation's figures bound every product's); meanwhile "
                       f"display {display} on any commercial product or service above {every}."))]


def check_notice(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    return [Hit(rule.severity, None, {"notice": rule.param("notice_text") or ""})]


def check_acceptable_use(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    # By id only: the context's purposes and the rule's uses are ids of the same vocabulary.
    hits: list[Hit] = []
    matched = [p for p in ctx.use.purposes if p in (rule.param("uses") or ())]
    if matched:
        hits.append(Hit(rule.severity, "use.purposes", {"matched": ", ".join(matched)}))
    sectors = [s for s in ctx.sectors if s in (rule.param("sectors") or ())]
    if sectors:
        sev = Severity.parse(rule.param("sector_severity") or "warning")
        hits.append(Hit(sev, "sectors", {"matched": ", ".join(sectors)},
                        note="declared sector: review that the use is not one the policy prohibits"))
    return hits


def _excluding_region(regions: list[str], country: str) -> str | None:
    """The excluded region `country` lies in, or None."""
    return next((r for r in regions if r == country or (r == "EU" and in_eu(country))), None)


def check_jurisdiction(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    if rule.param("scope") == "whole_licence":
        return _territory(rule, ctx)
    # A clause excluding deployers in a region (Llama 3.2+ AUP: multimodal models, EU).
    multimodal = view.multimodal
    assumed = None
    regions = rule.param("excluded_regions")
    where = regions_in_words(regions)
    label = "the EU exclusion" if regions == ["EU"] else f"the exclusion of {where}"
    if rule.param("models") == "multimodal":
        if multimodal is None:
            policy = rule.param("when_modalities_unknown") or "warn"
            if policy == "skip":
                return []
            if policy == "assume_multimodal":
                multimodal = True
                assumed = "the model's modalities are not known; it was taken to be multimodal"
        if multimodal is False:
            return []
    else:
        multimodal = True
    country = ctx.organisation.country
    cf = "organisation.country"
    if country is None:
        if multimodal is None:
            return []   # neither the model's modalities nor the deployer's country known
        return [Hit(Severity.WARNING, cf, replace_message=(
            f"could not check {label} for multimodal models: organisation.country is "
            "not given (the exclusion applies to companies with a principal place of business in, and "
            f"individuals domiciled in, {where})"),
            how_to_comply="Give organisation.country: the ISO 3166-1 alpha-2 code of your principal place of business.")]
    region = _excluding_region(regions, country)
    if region is None:
        return []
    if multimodal is None:
        return [Hit(Severity.WARNING, cf, {"country": country, "region": region_name(region)}, replace_message=(
            f"could not check {label}: the organisation is in {region_name(region)} ({country}) and "
            "the model's modalities are unknown; the exclusion applies to multimodal models"),
            how_to_comply=("Check whether the model takes images, audio or video; if it does, the exclusion "
                           "applies (see 'licheck explain " + rule.id + "'). Record a text-only model as a waiver."))]
    return [Hit(rule.severity, cf, {"country": country, "region": region_name(region)}, note=assumed)]


def _territory(rule: Rule, ctx: Context) -> list[Hit]:
    """The licence itself does not apply in the excluded regions (Tencent Hunyuan's Territory):
    any model, any modality, any use, outputs too if the rule says so; no end-user exception."""
    regions = rule.param("excluded_regions")
    where = regions_in_words(regions)
    outputs = ", outputs included" if rule.param("covers_outputs") else ""
    country = ctx.organisation.country
    cf = "organisation.country"
    if country is None:
        return [Hit(Severity.WARNING, cf, replace_message=(
            f"could not check the licence's territory: organisation.country is not given, and the licence "
            f"does not apply in {where} (any model and any use{outputs})"),
            how_to_comply=("Give organisation.country: the ISO 3166-1 alpha-2 code of your principal place of "
                           f"business. The licence grants nothing in {where}."))]
    region = _excluding_region(regions, country)
    if region is None:
        return []
    return [Hit(rule.severity, cf, {"country": country, "region": region_name(region)})]


def check_output_training(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    """Every model trained on outputs is "another AI model"; a narrower ban is checked as far as
    licheck can: a kind of model (the trained model is taken to be of that kind, and the finding
    says so), or a model that competes (a question of fact: a warning to review)."""
    scope = rule.param("target_scope") or "any_ai_model"
    target = rule.param("restricted_target")
    if scope == "any_ai_model":
        return [Hit(rule.severity, None)]
    if scope in ("competing_with_licensor", "competing_with_model"):
        return [Hit(min(rule.severity, Severity.WARNING), None, note=(
            f"the ban covers only {target}: whether the model you train competes is for you to review; "
            "if it does not, record a waiver with the reason"))]
    return [Hit(rule.severity, None, note=(
        f"the ban covers only {target}: the model you train was taken to be one; if it is not, "
        "the ban does not apply: record a waiver with the reason"))]


# The checker of each kind a rule file may carry (joined with the rest of each kind's record
# in `licheck.rules.kinds`).
CHECKERS: dict[str, Checker] = {
    "mau_cap": check_mau_cap,
    "revenue_cap": check_revenue_cap,
    "non_commercial": check_non_commercial,
    "non_production": _always,
    "output_training": check_output_training,
    "naming": check_naming,
    "attribution": check_attribution,
    "notice": check_notice,
    "acceptable_use": check_acceptable_use,
    "jurisdiction": check_jurisdiction,
    "hosting": _always,
    "registration": _always,
}
