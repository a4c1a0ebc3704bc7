"""The deployment context (docs/contract.md section 2): who deploys a model, and how.

Facts about the *deployer* only (country, users, revenue, sectors, use). Facts about the
*model* (modalities, publisher, origin, release date) come from its lineage, never from here.

Validation is strict: an unknown key, a wrong type, a bad country code, a bad "YYYY-MM"
month key or a negative number raises `ConfigError` naming the file and line. An empty
context file is an error too (an empty file is far more often a mistake than a wish for the
defaults; to ask for the defaults, give no context at all or write `{}`).

No context at all means `DEFAULT_CONTEXT`: a commercial production deployment, no other facts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from licheck import uses as vocabularies
from licheck.countries import COMMON_MISTAKES, EU_MEMBER_STATES, ISO_3166_ALPHA2, in_eu
from licheck.errors import ConfigError
from licheck.schema import Field, Schema, suggest
from licheck.yamldoc import YamlList, line_of

if TYPE_CHECKING:
    from licheck.licences import Corpus

DEFAULT_REVIEW_ORIGINS = ("CN",)
DEFAULT_SENSITIVE_SECTORS = ("defence", "government", "healthcare", "finance", "critical-infrastructure")

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


# --- values over time -----------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyValue:
    """A figure given either once (assumed to hold at every date) or per "YYYY-MM" month."""

    single: float | None = None
    by_month: tuple[tuple[str, float], ...] = ()

    @property
    def is_single(self) -> bool:
        return self.single is not None

    def at(self, month: str) -> tuple[float | None, bool]:
        """(value for `month`, assumed). `assumed` is True when one number stands for all months."""
        if self.single is not None:
            return self.single, True
        return dict(self.by_month).get(month), False

    def max(self) -> float | None:
        if self.single is not None:
            return self.single
        return max((v for _, v in self.by_month), default=None)

    def max_month(self) -> str | None:
        """The month holding the largest value (None for a single number or no data)."""
        if self.single is not None or not self.by_month:
            return None
        return max(self.by_month, key=lambda kv: kv[1])[0]

    def latest(self) -> tuple[str | None, float | None]:
        """(month, value) of the latest month given; (None, the number) for a single number."""
        if self.single is not None:
            return None, self.single
        if not self.by_month:
            return None, None
        return self.by_month[-1]   # sorted by month when read

    def to_json(self) -> float | dict[str, float] | None:
        if self.single is not None:
            return _plain(self.single)
        if self.by_month:
            return {m: _plain(v) for m, v in self.by_month}
        return None


def _month_index(month: str) -> int:
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def _month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class AnnualFigure:
    """Annual revenue as the context gives it (docs/contract.md, section 2): `value` in US$,
    `field` the context field it comes from, `note` the assumption or sum behind it (None when
    given as annual revenue), `measured` False when it is only an estimate of a whole year."""

    value: float
    field: str
    note: str | None
    measured: bool


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def annual_from_months(months: MonthlyValue) -> list[AnnualFigure]:
    """Annual revenue from monthly figures: one number x 12 (the assumption said); twelve
    consecutive months given are summed (the largest such sum: a cap "at any time"). With fewer,
    the largest sum of the months given within a twelve-month span is a measured lower bound,
    and the average month given x 12 an estimate of a whole year."""
    field_name = "organisation.monthly_revenue_usd"
    if months.single is not None:
        return [AnnualFigure(12 * months.single, field_name,
                             f"one monthly-revenue figure (US${_fmt(months.single)}) was given; it was "
                             "assumed to hold for twelve months", measured=True)]
    given = {_month_index(m): v for m, v in months.by_month}
    if not given:
        return []
    spans = [([given[i] for i in range(start, start + 12) if i in given], start) for start in sorted(given)]
    span, start = max(spans, key=lambda s: (len(s[0]), sum(s[0])))
    first = _month_name(start)
    last = _month_name(max(i for i in given if start <= i < start + 12))
    if len(span) == 12:
        return [AnnualFigure(sum(span), field_name, f"the twelve months {first} to {last} given were summed",
                             measured=True)]
    average = sum(given.values()) / len(given)
    return [
        AnnualFigure(sum(span), field_name, (
            f"only {len(span)} months of the twelve from {first} were given; they sum to US${_fmt(sum(span))}"),
            measured=True),
        AnnualFigure(12 * average, field_name, (
            f"only {len(given)} months were given: their average x 12 was taken as an estimate of a year "
            "(give twelve consecutive months to have it checked)"), measured=False),
    ]


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# --- the context ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    name: str | None = None
    country: str | None = None
    monthly_active_users: MonthlyValue | None = None
    annual_revenue_usd: float | None = None
    monthly_revenue_usd: MonthlyValue | None = None

    @property
    def in_eu(self) -> bool | None:
        """Derived from `country`; None when no country is given."""
        return None if self.country is None else in_eu(self.country)


@dataclass(frozen=True)
class Use:
    commercial: bool = True
    production: bool = True
    offered_as_service: bool = False
    distributes_weights: bool = False
    derived_model_name: str | None = None
    trains_on_outputs: bool = False
    purposes: tuple[str, ...] = ()       # ids of the use taxonomy (vocabularies/uses.yml)
    description: str | None = None      # free text, shown in reports; decides nothing


@dataclass(frozen=True)
class Policy:
    deny_licences: tuple[str, ...] = ()
    allow_licences: tuple[str, ...] | None = None
    review_origins: tuple[str, ...] = DEFAULT_REVIEW_ORIGINS
    sensitive_sectors: tuple[str, ...] = DEFAULT_SENSITIVE_SECTORS
    # Where each licence id was written, (key, spelling, file, line): the ids are checked
    # against the run's corpus (`check_licences`), which the context file does not know.
    written: tuple[tuple[str, str, str, int | None], ...] = field(default=(), compare=False,
                                                                   repr=False)

    def check_licences(self, corpus: Corpus) -> None:
        """Every licence id of the policy must be one the run knows (an id or an alias of the
        bundled licences or the user's own): an unknown one would silently deny or allow
        nothing. Raises ConfigError naming the file and line, with a suggestion."""
        for key, spelling, path, line in self.written:
            if spelling in corpus or corpus.lookup(spelling) is not None:
                continue
            shared = corpus.ambiguous(spelling)
            if shared:
                raise ConfigError(f"'policy.{key}': '{spelling}' is a name several licences share "
                                  f"({', '.join(shared)}); write the id of the one you mean",
                                  path=path, line=line)
            close = suggest(spelling, corpus.ids())
            hint = f" (did you mean '{close}'?)" if close else ""
            raise ConfigError(f"'policy.{key}': unknown licence id '{spelling}'{hint}; "
                              "`licheck licences` lists the ids and aliases", path=path, line=line)


@dataclass(frozen=True)
class Context:
    organisation: Organisation = field(default_factory=Organisation)
    sectors: tuple[str, ...] = ()
    use: Use = field(default_factory=Use)
    policy: Policy = field(default_factory=Policy)
    source: str | None = None   # the file (or "<path>:context") it came from; None = defaults

    def with_use(self, overrides: Mapping[str, Any], path: str) -> Context:
        """This context with a manifest entry's per-model `use:` overrides, validated alike."""
        if not isinstance(overrides, Mapping):
            raise ConfigError("'use' must be a mapping", path=path, line=line_of(overrides))
        fields = {k: getattr(self.use, k) for k in _USE_KEYS}
        fields.update(_parse_use(overrides, path, prefix="use"))
        return replace(self, use=Use(**fields))

    def monthly_revenue(self) -> tuple[MonthlyValue | None, bool]:
        """(monthly revenue, derived_from_annual). Falls back to annual / 12, and says so."""
        org = self.organisation
        if org.monthly_revenue_usd is not None:
            return org.monthly_revenue_usd, False
        if org.annual_revenue_usd is not None:
            return MonthlyValue(single=org.annual_revenue_usd / 12), True
        return None, False

    def annual_revenue(self) -> list[AnnualFigure]:
        """Annual revenue as the context gives it: the annual figure, and the monthly figures
        counted toward a year (docs/contract.md, section 2). A cap is checked against every one,
        so it is never missed because revenue was given per month."""
        org = self.organisation
        out: list[AnnualFigure] = []
        if org.annual_revenue_usd is not None:
            out.append(AnnualFigure(org.annual_revenue_usd, "organisation.annual_revenue_usd", None, True))
        if org.monthly_revenue_usd is not None:
            out.extend(annual_from_months(org.monthly_revenue_usd))
        return out

    def to_json(self) -> dict[str, Any]:
        org, use, pol = self.organisation, self.use, self.policy
        return {
            "organisation": {
                "name": org.name,
                "country": org.country,
                "in_eu": org.in_eu,
                "monthly_active_users": org.monthly_active_users.to_json() if org.monthly_active_users else None,
                "annual_revenue_usd": _plain(org.annual_revenue_usd) if org.annual_revenue_usd is not None else None,
                "monthly_revenue_usd": org.monthly_revenue_usd.to_json() if org.monthly_revenue_usd else None,
            },
            "sectors": list(self.sectors),
            "use": {
                "commercial": use.commercial,
                "production": use.production,
                "offered_as_service": use.offered_as_service,
                "distributes_weights": use.distributes_weights,
                "derived_model_name": use.derived_model_name,
                "trains_on_outputs": use.trains_on_outputs,
                "purposes": list(use.purposes),
                "description": use.description,
            },
            "policy": {
                "deny_licences": list(pol.deny_licences),
                "allow_licences": list(pol.allow_licences) if pol.allow_licences is not None else None,
                "review_origins": list(pol.review_origins),
                "sensitive_sectors": list(pol.sensitive_sectors),
            },
            "source": self.source,
        }


DEFAULT_CONTEXT = Context()

# --- loading --------------------------------------------------------------------------------

_NUM = (int, float)
_MONTHLY = Field((*_NUM, dict), nullable=True, minimum=0,
                 expect='a number, or a mapping of "YYYY-MM" months to numbers')
_WORDS = Field((list,), items=str, nonempty=True, nullable=True)
_BOOL = Field((bool,))
_NUMBER = Field(_NUM, minimum=0)

ORGANISATION_SCHEMA = Schema("the context", {
    "name": Field((str,), nullable=True),
    "country": Field((str,), nullable=True, expect="an ISO 3166-1 alpha-2 code such as FR"),
    "monthly_active_users": _MONTHLY,
    "annual_revenue_usd": Field(_NUM, nullable=True, minimum=0),
    "monthly_revenue_usd": _MONTHLY,
})
USE_SCHEMA = Schema("the context", {
    "commercial": _BOOL,
    "production": _BOOL,
    "offered_as_service": _BOOL,
    "distributes_weights": _BOOL,
    "derived_model_name": Field((str,), nullable=True, nonempty=True, expect="a model name or null"),
    "trains_on_outputs": _BOOL,
    "purposes": _WORDS,
    "description": Field((str,), nullable=True),
})
POLICY_SCHEMA = Schema("the context", {
    "deny_licences": _WORDS,
    "allow_licences": _WORDS,
    "review_origins": Field((list,), items=str, nullable=True),
    "sensitive_sectors": _WORDS,
})
CONTEXT_SCHEMA = Schema("the context", {
    "organisation": Field((dict,), nullable=True, schema=ORGANISATION_SCHEMA),
    "sectors": _WORDS,
    "use": Field((dict,), nullable=True, schema=USE_SCHEMA),
    "policy": Field((dict,), nullable=True, schema=POLICY_SCHEMA),
})
_USE_KEYS = tuple(USE_SCHEMA.fields)


def load_context(path: str | os.PathLike[str]) -> Context:
    """Read and validate a context file. Errors: `ConfigError`/`InputError` with path and line."""
    # Imported here: `explain` imports this module and reads no YAML.
    from licheck.yamlload import load_yaml

    p = os.fspath(path)
    doc = load_yaml(p)
    if doc is None:
        raise ConfigError("the context file is empty (give no context for the defaults, or write {})",
                          path=p, line=1)
    return context_from_mapping(doc, p)


def context_from_mapping(mapping: Any, path: str) -> Context:
    """Validate a mapping (from `load_yaml`, so it knows its lines) into a Context.

    `path` names where it came from in errors (a context file, or a manifest with an inline
    `context:`).
    """
    if not isinstance(mapping, Mapping):
        raise ConfigError("the context must be a mapping of organisation, sectors, use, policy",
                          path=path, line=line_of(mapping) or 1)
    CONTEXT_SCHEMA.check(mapping, path)
    org = _parse_org(_section(mapping, "organisation", path), path)
    sectors = vocabularies.ids_from_context(mapping, "sectors", path, "", vocabularies.sectors())
    use_map = _section(mapping, "use", path)
    use = Use(**{**{k: getattr(Use(), k) for k in _USE_KEYS}, **_parse_use(use_map, path, "use")})
    policy = _parse_policy(_section(mapping, "policy", path), path)
    return Context(organisation=org, sectors=sectors, use=use, policy=policy, source=path)


def _section(mapping: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = mapping.get(key)
    return {} if value is None else value   # a mapping: the schema has checked it


def _number(mapping: Mapping[str, Any], key: str, path: str, prefix: str) -> float | None:
    value = mapping.get(key)
    if value is None:
        return None
    return _check_number(value, f"{prefix}.{key}", path, line_of(mapping, key))


def _check_number(value: Any, name: str, path: str, line: int | None) -> float:
    problems = _NUMBER.problems(value, name, line)
    if problems:
        raise problems[0].error(path)
    try:
        return float(value)
    except OverflowError:   # a 400-digit integer: no count of users or dollars is that large
        raise ConfigError(f"'{name}' is too large a number ({len(str(abs(int(value))))} digits)",
                          path=path, line=line) from None


def _monthly(mapping: Mapping[str, Any], key: str, path: str, prefix: str) -> MonthlyValue | None:
    value = mapping.get(key)
    name = f"{prefix}.{key}"
    if value is None:
        return None
    if isinstance(value, Mapping):
        months: list[tuple[str, float]] = []
        for month, amount in value.items():
            line = line_of(value, month)
            if not isinstance(month, str) or not _MONTH.match(month):
                raise ConfigError(f"'{name}' keys must be months written \"YYYY-MM\" (quoted), not {month!r}",
                                  path=path, line=line)
            months.append((month, _check_number(amount, f"{name}.{month}", path, line)))
        return MonthlyValue(by_month=tuple(sorted(months)))
    return MonthlyValue(single=_check_number(value, name, path, line_of(mapping, key)))


def _country(value: Any, name: str, path: str, line: int | None) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"'{name}' must be an ISO 3166-1 alpha-2 code such as FR, not {value!r}",
                          path=path, line=line)
    code = value.strip().upper()
    if code not in ISO_3166_ALPHA2:
        hint = f" (did you mean {COMMON_MISTAKES[code]}?)" if code in COMMON_MISTAKES else ""
        raise ConfigError(f"'{name}': {value!r} is not an ISO 3166-1 alpha-2 country code{hint}",
                          path=path, line=line)
    return code


def _words(mapping: Mapping[str, Any], key: str, path: str, prefix: str, *,
           normalise: Any = None) -> tuple[str, ...]:
    value = mapping.get(key)
    if value is None:
        return ()
    out: list[str] = []
    for item in value:   # a list of non-empty strings: the schema has checked it
        word = normalise(item) if normalise else item.strip()
        if word not in out:
            out.append(word)
    return tuple(out)


def _parse_org(org: Mapping[str, Any], path: str) -> Organisation:
    country = org.get("country")
    return Organisation(
        name=org.get("name"),
        country=None if country is None else _country(country, "organisation.country", path,
                                                      line_of(org, "country")),
        monthly_active_users=_monthly(org, "monthly_active_users", path, "organisation"),
        annual_revenue_usd=_number(org, "annual_revenue_usd", path, "organisation"),
        monthly_revenue_usd=_monthly(org, "monthly_revenue_usd", path, "organisation"),
    )


def _parse_use(use: Mapping[str, Any], path: str, prefix: str) -> dict[str, Any]:
    """Only the keys present, validated (so overrides can be merged onto a base)."""
    USE_SCHEMA.check(use, path, prefix=prefix)
    out: dict[str, Any] = {}
    for key in use:
        value = use[key]
        if key == "derived_model_name":
            out[key] = value.strip() if isinstance(value, str) else None
        elif key == "purposes":
            out[key] = vocabularies.ids_from_context(use, key, path, prefix, vocabularies.uses())
        else:
            out[key] = value
    return out


def _parse_policy(pol: Mapping[str, Any], path: str) -> Policy:
    allow = None
    if pol.get("allow_licences") is not None:
        allow = _words(pol, "allow_licences", path, "policy", normalise=_licence_id)
    origins: tuple[str, ...] = DEFAULT_REVIEW_ORIGINS
    if "review_origins" in pol:
        raw = pol.get("review_origins") or []
        origins = tuple(_country(c, "policy.review_origins",
                                 path, raw.line_of(i) if isinstance(raw, YamlList) else line_of(pol, "review_origins"))
                        for i, c in enumerate(raw))
    sensitive: tuple[str, ...] = DEFAULT_SENSITIVE_SECTORS
    if "sensitive_sectors" in pol:
        sensitive = vocabularies.ids_from_context(pol, "sensitive_sectors", path, "policy", vocabularies.sectors())
    return Policy(
        deny_licences=_words(pol, "deny_licences", path, "policy", normalise=_licence_id),
        allow_licences=allow,
        review_origins=origins,
        sensitive_sectors=sensitive,
        written=tuple(_written(pol, "deny_licences", path) + _written(pol, "allow_licences", path)),
    )


def _written(pol: Mapping[str, Any], key: str, path: str) -> list[tuple[str, str, str, int | None]]:
    items = pol.get(key) or []
    return [(key, _licence_id(w), path,
             items.line_of(i) if isinstance(items, YamlList) else line_of(pol, key))
            for i, w in enumerate(items)]


def _licence_id(spelling: str) -> str:
    """A licence spelling as written; the rules stage reads it through the run's corpus
    (bundled licences and the user's own), which knows every alias."""
    return spelling.strip()


__all__ = [
    "DEFAULT_CONTEXT", "EU_MEMBER_STATES", "AnnualFigure", "ISO_3166_ALPHA2", "Context", "MonthlyValue",
    "Organisation", "Policy", "Use", "context_from_mapping", "load_context",
]
