"""Countries: ISO 3166-1 alpha-2 codes and membership of the European Union.

The one country table of licheck: the context (`organisation.country`, `policy.review_origins`)
and the catalogue (`origin`) both check codes against it, and the jurisdiction checker asks it
whether a country is in the EU.

Sources:
* ISO 3166-1 alpha-2: the 249 officially assigned codes of the ISO 3166 Maintenance Agency's
  list (as of 2024). Reserved and exceptionally reserved codes such as UK, EL and EU are not
  countries, so they are refused (with the assigned code as a hint for the usual two).
* EU: the 27 member states since 1 February 2020, when the United Kingdom left (europa.eu,
  "EU countries"). Membership of the EU, not the EEA: Norway, Iceland and Liechtenstein are in
  the EEA only, Switzerland in neither. The Llama 3.2/3.3/4 exclusion speaks of "the European
  Union" only.
* EU territory with its own ISO code: the Treaties apply to the outermost regions of TFEU
  Art. 349 and 355(1) — Guadeloupe (GP), French Guiana (GF), Martinique (MQ), Réunion (RE),
  Mayotte (YT, since 1 January 2014) and Saint-Martin (MF); the Azores, Madeira and the Canary
  Islands have no code of their own (PT, ES) — and, under Art. 355(4) and Protocol 2 of the 1994
  Act of Accession, to the Åland Islands (AX), an autonomous region of Finland. Not EU territory:
  the overseas countries and territories of Art. 355(2) and Annex II (among them GL, NC, PF, PM,
  WF, TF, BL since 2012, AW, CW, SX, BQ) and the Faroe Islands (FO, Art. 355(5)(a)).
"""

from __future__ import annotations

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

# Codes people write that ISO reserves for something else: the assigned code to suggest.
COMMON_MISTAKES: dict[str, str] = {"UK": "GB", "EL": "GR"}

EU_MEMBER_STATES: frozenset[str] = frozenset("""
AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK
""".split())
EU_MEMBERSHIP_AS_OF = "2020-02-01"

# Codes of regions that are part of a member state and of the EU (TFEU Art. 349, 355(1), 355(4)).
EU_TERRITORIES: frozenset[str] = frozenset("GP GF MQ RE YT MF AX".split())


def is_country(code: object) -> bool:
    """Whether `code` is an assigned ISO 3166-1 alpha-2 code, written in upper case."""
    return isinstance(code, str) and code in ISO_3166_ALPHA2


def in_eu(code: str) -> bool:
    """Whether a place with this code is in the European Union: a member state, or a region of
    one that the Treaties cover (an outermost region, the Åland Islands)."""
    return code in EU_MEMBER_STATES or code in EU_TERRITORIES


def country_problem(value: object) -> str | None:
    """Why `value` is not a country code (None when it is one), with a hint for UK and EL."""
    if not isinstance(value, str):
        return f"{value!r} is not an ISO 3166-1 alpha-2 country code such as FR"
    if value in ISO_3166_ALPHA2:
        return None
    code = value.strip().upper()
    if code in COMMON_MISTAKES:
        hint = f" (did you mean {COMMON_MISTAKES[code]}?)"
    elif code in ISO_3166_ALPHA2:
        hint = f" (write it in upper case: {code})"
    else:
        hint = ""
    return f"{value!r} is not an ISO 3166-1 alpha-2 country code{hint}"
