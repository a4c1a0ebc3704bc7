"""One checker per rule kind: compare a rule's parameters with the deployment context.

A checker returns `Hit`s (usually zero or one). It never builds a Finding itself: the
evaluator adds the rule's id, clause, licence and lineage path. Whether a rule is relevant
at all (`triggered_by` / `only_if`) is decided before a checker runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from licheck.context import Context
from licheck.kinds import TRIGGERS
from licheck.model import LineageNode, Severity
from licheck.rules.schema import Rule


@dataclass(frozen=True)
class ModelView:
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


def applies(rule: Rule, ctx: Context) -> str | None:
    """The context field that makes the rule relevant, "" when it always is, None when not."""
    f = facts(ctx)
    if not all(f[c] for c in rule.only_if):
        return None
    if rule.triggered_by:
        fired = [t for t in rule.triggered_by if f[t]]
        return TRIGGERS[fired[0]].context_field if fired else None
    return TRIGGERS[rule.only_if[0]].context_field if rule.only_if else ""


def fmt_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def month_before(iso_date: str) -> str:
    d = date.fromisoformat(iso_date)
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return f"{y:04d}-{m:02d}"


# --- one checker per kind -------------------------------------------------------------------


def check_mau_cap(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    mau = ctx.organisation.monthly_active_users
    if mau is None:
        return []
    threshold = rule.param("threshold")
    cf = "organisation.monthly_active_users"
    base = {"threshold": fmt_number(threshold)}
    if rule.param("measured_at") == "month_before_release":
        month = month_before(rule.param("release_date"))
        value, assumed = mau.at(month)
        if value is None:
            highest = mau.max()
            if highest is not None and highest > threshold:
                return [Hit(Severity.WARNING, cf, {**base, "month": month}, replace_message=(
                    f"could not check the {fmt_number(threshold)} monthly-active-user cap: it is measured "
                    f"in {month}, and no figure is given for that month (another month exceeds the cap)"),
                    how_to_comply=(f"Give the monthly active users of you and your affiliates for {month} "
                                   "in organisation.monthly_active_users."))]
            return []
        if value <= threshold:
            return []
        note = (f"one monthly-active-user figure was given; it was assumed to hold in {month}"
                if assumed else None)
        return [Hit(rule.severity, cf, {**base, "value": fmt_number(value), "month": month}, note=note)]
    value = mau.max()
    if value is None or value <= threshold:
        return []
    peak_month = mau.max_month()
    note = ("one monthly-active-user figure was given; it was assumed to hold at every date"
            if mau.is_single else None)
    return [Hit(rule.severity, cf, {**base, "value": fmt_number(value), "month": peak_month or "any month"},
                note=note)]


def check_revenue_cap(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    threshold = rule.param("threshold_usd")
    base = {"threshold": fmt_number(threshold), "period": rule.param("period")}
    if rule.param("period") == "annual":
        value = ctx.organisation.annual_revenue_usd
        if value is None or value <= threshold:
            return []
        return [Hit(rule.severity, "organisation.annual_revenue_usd", {**base, "value": fmt_number(value)})]
    series, from_annual = ctx.monthly_revenue()
    if series is None:
        return []
    value = series.max()
    if value is None or value <= threshold:
        return []
    note: str | None
    if from_annual:
        cf = "organisation.annual_revenue_usd"
        note = ("no monthly revenue was given: annual revenue / 12 = US$"
                f"{fmt_number(value)} was assumed for every month")
    else:
        cf = "organisation.monthly_revenue_usd"
        note = ("one monthly-revenue figure was given; it was assumed to be the largest month"
                if series.is_single else None)
    month = series.max_month() or "a month"
    return [Hit(rule.severity, cf, {**base, "value": fmt_number(value), "month": month}, note=note)]


def _always(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    """Kinds whose conditions are wholly expressed by triggered_by / only_if."""
    return [Hit(rule.severity, None)]


def check_naming(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    name = ctx.use.derived_model_name
    if name is None:
        return []
    prefix = rule.param("prefix")
    if name_begins_with(name, prefix):
        return []
    return [Hit(rule.severity, "use.derived_model_name", {"name": name, "prefix": prefix})]


_SEPARATORS = re.compile(r"[\s_.\-]+")


def name_begins_with(name: str, prefix: str) -> bool:
    """Does the model name (after any "org/" part) begin with `prefix`?

    Case and the separators Hub names use instead of spaces are ignored, so "Llama-3-Acme" and
    "llama3_acme" both begin with "Llama 3"; "Acme-Llama" does not begin with "Llama".
    """
    bare = name.rsplit("/", 1)[-1]
    squash = lambda s: _SEPARATORS.sub("", s).casefold()  # noqa: E731
    return squash(bare).startswith(squash(prefix))


def check_attribution(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    texts = rule.param("display_text")
    return [Hit(rule.severity, None, {"display": " or ".join(f'"{t}"' for t in texts)})]


def check_notice(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    return [Hit(rule.severity, None, {"notice": rule.param("notice_text") or ""})]


_WORD = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def term_matches(term: str, phrase: str) -> bool:
    """Whole-word (or whole-phrase) match, allowing a plural "s"/"es" on the last word."""
    t, p = _tokens(term), _tokens(phrase)
    if not t:
        return False
    for i in range(len(p) - len(t) + 1):
        window = p[i:i + len(t)]
        if window[:-1] == t[:-1] and window[-1] in (t[-1], t[-1] + "s", t[-1] + "es"):
            return True
    return False


def check_acceptable_use(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    hits: list[Hit] = []
    terms = rule.param("purposes") or []
    matched = sorted({p for p in ctx.use.purposes if any(term_matches(t, p) for t in terms)})
    if matched:
        hits.append(Hit(rule.severity, "use.purposes", {"matched": ", ".join(matched)}))
    sectors = sorted(set(rule.param("sectors") or []) & set(ctx.sectors))
    if sectors:
        sev = Severity.parse(rule.param("sector_severity") or "warning")
        hits.append(Hit(sev, "sectors", {"matched": ", ".join(sectors)},
                        note="declared sector: review that the use is not one the policy prohibits"))
    return hits


def check_jurisdiction(rule: Rule, ctx: Context, view: ModelView) -> list[Hit]:
    # Only the EU is a known region (schema); membership comes from the organisation's country.
    multimodal = view.multimodal
    assumed = None
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
    in_eu = ctx.organisation.in_eu
    country = ctx.organisation.country
    cf = "organisation.country"
    if in_eu is False:
        return []
    if in_eu is None:
        if multimodal is None:
            return []   # neither the model's modalities nor the deployer's country known
        return [Hit(Severity.WARNING, cf, replace_message=(
            "could not check the EU exclusion for multimodal models: organisation.country is not "
            "given (the exclusion applies to companies with a principal place of business in, and "
            "individuals domiciled in, the European Union)"),
            how_to_comply="Give organisation.country: the ISO 3166-1 alpha-2 code of your principal place of business.")]
    if multimodal is None:
        return [Hit(Severity.WARNING, cf, {"country": country}, replace_message=(
            f"could not check the EU exclusion: the organisation is in the EU ({country}) and "
            "the model's modalities are unknown; the exclusion applies to multimodal models"),
            how_to_comply=("Check whether the model takes images, audio or video; if it does, the exclusion "
                           "applies (see 'licheck explain " + rule.id + "'). Record a text-only model as a waiver."))]
    return [Hit(rule.severity, cf, {"country": country}, note=assumed)]


# The checker of each kind a rule file may carry (joined with the rest of each kind's record
# in `licheck.rules.kinds`).
CHECKERS: dict[str, Checker] = {
    "mau_cap": check_mau_cap,
    "revenue_cap": check_revenue_cap,
    "non_commercial": _always,
    "non_production": _always,
    "output_training": _always,
    "naming": check_naming,
    "attribution": check_attribution,
    "notice": check_notice,
    "acceptable_use": check_acceptable_use,
    "jurisdiction": check_jurisdiction,
    "hosting": _always,
    "registration": _always,
}
