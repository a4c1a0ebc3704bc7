"""Output formats of `licheck check`: one module per format, each with `render(report, *, color)`.

`FORMATS` is the single list the CLI's `--format` choices come from (use
`click.Choice(FORMAT_NAMES)`); a test checks both agree. Modules are imported only when their
format is used, so choosing `json` never pays for the HTML report.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

from licheck.errors import LicheckError

if TYPE_CHECKING:
    from licheck.report import Report


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


# --format name -> module in this package that defines `render`.
FORMATS: dict[str, str] = {
    "text": "text",         # for terminals: grouped by model, colour when asked
    "json": "jsonfmt",      # docs/contract.md section 5
    "sarif": "sarif",       # SARIF 2.1.0 for GitHub code scanning
    "github": "github",     # GitHub Actions workflow annotations
    "markdown": "markdown", # the legal review report
    "html": "html",         # the legal review report, one printable file
    "cyclonedx": "cyclonedx",  # CycloneDX 1.6 ML-BOM (JSON)
}
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)


def renderer(fmt: str) -> Renderer:
    """The render function of a format name."""
    module_name = FORMATS.get(fmt)
    if module_name is None:
        raise LicheckError(f"unknown format '{fmt}' (expected one of: {', '.join(FORMAT_NAMES)})")
    module = importlib.import_module(f"{__name__}.{module_name}")
    render_fn: Renderer = module.render
    return render_fn


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The whole output of `report` in format `fmt`, ending with a newline.

    `color` only affects `text`; the caller decides it (a terminal, and `NO_COLOR` unset).
    """
    return renderer(fmt)(report, color=color)
