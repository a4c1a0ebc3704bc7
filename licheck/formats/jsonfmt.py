"""`--format json`: docs/contract.md section 5, exactly `Report.to_json()`."""

from __future__ import annotations

import json

from licheck.report import Report


def render(report: Report, *, color: bool = False) -> str:
    return json.dumps(report.to_json(), indent=2) + "\n"
