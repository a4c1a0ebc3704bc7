"""Rules' figures, months and regions in words: for the findings the checkers give and for
`explain`'s descriptions (`licheck.rules.describe`), which needs no checker."""

from __future__ import annotations

from datetime import date


def fmt_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def month_before(iso_date: str) -> str:
    d = date.fromisoformat(iso_date)
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return f"{y:04d}-{m:02d}"


FIGURE_WORDS = {
    "monthly_active_users": "{} monthly active users",
    "monthly_revenue_usd": "US${} in monthly revenue",
    "annual_recurring_revenue_usd": "US${} in annual recurring revenue",
}

_REGION_NAMES = {"EU": "the European Union", "GB": "the United Kingdom", "KR": "South Korea"}


def region_name(region: str) -> str:
    return _REGION_NAMES.get(region, region)


def regions_in_words(regions: list[str]) -> str:
    names = [region_name(r) for r in regions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
