"""Regenerate the golden outputs of the sample report: `python tests/formats/regen_golden.py`.

Review the diff before keeping it: a change in `report.json` is a change in the JSON
contract (docs/contract.md section 5), a change in `report.md` is what a reviewer will read.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
FILES = {"json": "report.json", "markdown": "report.md"}


def outputs() -> dict[str, str]:
    for folder in (str(HERE), str(HERE.parent.parent)):   # when run as a script from a checkout
        if folder not in sys.path:
            sys.path.insert(0, folder)
    from fmt_sample import make_report

    from licheck.formats import render

    report = make_report()
    return {name: render(report, fmt) for fmt, name in FILES.items()}


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for name, text in outputs().items():
        (GOLDEN / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {GOLDEN / name}")
