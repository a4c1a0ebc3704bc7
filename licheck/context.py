"""The deployment context (CONTRACT.md section 2): who deploys a model, and how.

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
from typing import Any

from licheck import uses as vocabularies
from licheck.errors import ConfigError
from licheck.yamldoc import YamlList, line_of

# --- countries ------------------------------------------------------------------------------

# The 249 officially assigned ISO 3166-1 alpha-2 codes (ISO 3166 Maintenance Agency list as of
# 2024). Reserved codes such as UK, EL and EU are not countries.
ISO_3166_ALPHA2: frozenset[str] = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW
""".split())

_COUNTRY_HINTS = {"UK": "GB", "EL": "GR"}

# The 27 member states of the European Union since 1 February 2020 (after the United Kingdom
# left; list of the EU's official site, europa.eu, "EU countries"). EU membership, not the EEA:
# Norway, Iceland and Liechtenstein are EEA but not EU, Switzerland is neither. The Llama
# 3.2/3.3/4 AUP exclusion speaks of "the European Union" only.
EU_MEMBER_STATES: frozenset[str] = frozenset("""
AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK
""".split())
EU_MEMBERSHIP_AS_OF = "2020-02-01"

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

    def to_json(self) -> float | dict[str, float] | None:
        if self.single is not None:
            return _plain(self.single)
        if self.by_month:
            return {m: _plain(v) for m, v in self.by_month}
        return None


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
        return None if self.country is None else self.country in EU_MEMBER_STATES


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

_TOP_KEYS = ("organisation", "sectors", "use", "policy")
_ORG_KEYS = ("name", "country", "monthly_active_users", "annual_revenue_usd", "monthly_revenue_usd")
_USE_KEYS = ("commercial", "production", "offered_as_service", "distributes_weights",
             "derived_model_name", "trains_on_outputs", "purposes", "description")
_POLICY_KEYS = ("deny_licences", "allow_licences", "review_origins", "sensitive_sectors")


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
    _no_unknown_keys(mapping, _TOP_KEYS, path, "")
    org = _parse_org(_section(mapping, "organisation", path), path)
    sectors = vocabularies.ids_from_context(mapping, "sectors", path, "", vocabularies.sectors())
    use_map = _section(mapping, "use", path)
    use = Use(**{**{k: getattr(Use(), k) for k in _USE_KEYS}, **_parse_use(use_map, path, "use")})
    policy = _parse_policy(_section(mapping, "policy", path), path)
    return Context(organisation=org, sectors=sectors, use=use, policy=policy, source=path)


def _section(mapping: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = mapping.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"'{key}' must be a mapping", path=path, line=line_of(mapping, key))
    return value


def _no_unknown_keys(mapping: Mapping[str, Any], allowed: tuple[str, ...], path: str, prefix: str) -> None:
    for key in mapping:
        if key not in allowed:
            where = f"{prefix}.{key}" if prefix else str(key)
            raise ConfigError(f"unknown key '{where}' (expected one of: {', '.join(allowed)})",
                              path=path, line=line_of(mapping, key))


def _number(mapping: Mapping[str, Any], key: str, path: str, prefix: str) -> float | None:
    value = mapping.get(key)
    if value is None:
        return None
    return _check_number(value, f"{prefix}.{key}", path, line_of(mapping, key))


def _check_number(value: Any, name: str, path: str, line: int | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"'{name}' must be a number, not {type(value).__name__} {value!r}",
                          path=path, line=line)
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigError(f"'{name}' must be a finite number", path=path, line=line)
    if value < 0:
        raise ConfigError(f"'{name}' must not be negative", path=path, line=line)
    return float(value)


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


def _string(mapping: Mapping[str, Any], key: str, path: str, prefix: str) -> str | None:
    value = mapping.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"'{prefix}.{key}' must be a string, not {type(value).__name__}",
                          path=path, line=line_of(mapping, key))
    return value


def _country(value: Any, name: str, path: str, line: int | None) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"'{name}' must be an ISO 3166-1 alpha-2 code such as FR, not {value!r}",
                          path=path, line=line)
    code = value.strip().upper()
    if code not in ISO_3166_ALPHA2:
        hint = f" (did you mean {_COUNTRY_HINTS[code]}?)" if code in _COUNTRY_HINTS else ""
        raise ConfigError(f"'{name}': {value!r} is not an ISO 3166-1 alpha-2 country code{hint}",
                          path=path, line=line)
    return code


def _words(mapping: Mapping[str, Any], key: str, path: str, prefix: str, *,
           normalise: Any = None) -> tuple[str, ...]:
    value = mapping.get(key)
    name = f"{prefix}.{key}" if prefix else key
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"'{name}' must be a list", path=path, line=line_of(mapping, key))
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            line = value.line_of(i) if isinstance(value, YamlList) else line_of(mapping, key)
            raise ConfigError(f"'{name}' items must be non-empty strings, not {item!r}", path=path, line=line)
        word = normalise(item) if normalise else item.strip()
        if word not in out:
            out.append(word)
    return tuple(out)


def _parse_org(org: Mapping[str, Any], path: str) -> Organisation:
    _no_unknown_keys(org, _ORG_KEYS, path, "organisation")
    country = org.get("country")
    return Organisation(
        name=_string(org, "name", path, "organisation"),
        country=None if country is None else _country(country, "organisation.country", path,
                                                      line_of(org, "country")),
        monthly_active_users=_monthly(org, "monthly_active_users", path, "organisation"),
        annual_revenue_usd=_number(org, "annual_revenue_usd", path, "organisation"),
        monthly_revenue_usd=_monthly(org, "monthly_revenue_usd", path, "organisation"),
    )


def _parse_use(use: Mapping[str, Any], path: str, prefix: str) -> dict[str, Any]:
    """Only the keys present, validated (so overrides can be merged onto a base)."""
    _no_unknown_keys(use, _USE_KEYS, path, prefix)
    out: dict[str, Any] = {}
    for key in use:
        value = use[key]
        line = line_of(use, key)
        if key == "derived_model_name":
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ConfigError(f"'{prefix}.{key}' must be a model name or null", path=path, line=line)
            out[key] = value.strip() if isinstance(value, str) else None
        elif key == "purposes":
            out[key] = vocabularies.ids_from_context(use, key, path, prefix, vocabularies.uses())
        elif key == "description":
            out[key] = _string(use, key, path, prefix)
        else:
            if not isinstance(value, bool):
                raise ConfigError(f"'{prefix}.{key}' must be true or false, not {value!r}", path=path, line=line)
            out[key] = value
    return out


def _parse_policy(pol: Mapping[str, Any], path: str) -> Policy:
    _no_unknown_keys(pol, _POLICY_KEYS, path, "policy")
    allow = None
    if pol.get("allow_licences") is not None:
        allow = _words(pol, "allow_licences", path, "policy", normalise=_licence_id)
    origins = DEFAULT_REVIEW_ORIGINS
    if "review_origins" in pol:
        raw = pol.get("review_origins") or []
        if not isinstance(raw, list):
            raise ConfigError("'policy.review_origins' must be a list", path=path, line=line_of(pol, "review_origins"))
        origins = tuple(_country(c, "policy.review_origins",
                                 path, raw.line_of(i) if isinstance(raw, YamlList) else line_of(pol, "review_origins"))
                        for i, c in enumerate(raw))
    sensitive = DEFAULT_SENSITIVE_SECTORS
    if "sensitive_sectors" in pol:
        sensitive = vocabularies.ids_from_context(pol, "sensitive_sectors", path, "policy", vocabularies.sectors())
    return Policy(
        deny_licences=_words(pol, "deny_licences", path, "policy", normalise=_licence_id),
        allow_licences=allow,
        review_origins=origins,
        sensitive_sectors=sensitive,
    )


def _licence_id(spelling: str) -> str:
    """A licence id or alias as the corpus knows it; other spellings are kept as written
    (they may name a licence from a user's own folder)."""
    from licheck.licences import default_corpus  # the corpus is only needed for policies

    return default_corpus().lookup(spelling) or spelling.strip()


__all__ = [
    "DEFAULT_CONTEXT", "EU_MEMBER_STATES", "ISO_3166_ALPHA2", "Context", "MonthlyValue",
    "Organisation", "Policy", "Use", "context_from_mapping", "load_context",
]
