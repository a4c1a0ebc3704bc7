"""The format registry: `--format` choices are exactly the formats that exist."""

from __future__ import annotations

import importlib

import click
import pytest

from licheck.errors import LicheckError
from licheck.formats import FORMAT_NAMES, FORMATS, render, renderer
from licheck.report import Report

# docs/contract.md section 1, `--format` for `check`.
CONTRACT_FORMATS = {"text", "json", "sarif", "github", "markdown", "html", "cyclonedx"}


def test_formats_are_the_contract_list() -> None:
    assert set(FORMATS) == CONTRACT_FORMATS
    assert FORMAT_NAMES == tuple(FORMATS)


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_every_format_renders_both_reports(fmt: str, report: Report, empty_report: Report) -> None:
    assert callable(renderer(fmt))
    for r in (report, empty_report):
        out = render(r, fmt, color=False)
        assert out.endswith("\n") and out.strip()


def test_every_format_module_is_registered() -> None:
    """A module added to licheck/formats without a FORMATS entry would be unreachable."""
    import pkgutil

    import licheck.formats as pkg

    modules = {m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")}
    assert modules == set(FORMATS.values())
    for name in modules:
        assert hasattr(importlib.import_module(f"licheck.formats.{name}"), "render")


def test_unknown_format_is_a_licheck_error(report: Report) -> None:
    with pytest.raises(LicheckError, match="unknown format 'xml'"):
        render(report, "xml")


def test_cli_format_choices_match_formats() -> None:
    from licheck.cli.check import check

    option = next((p for p in check.params if p.name in ("format", "fmt", "output_format")), None)
    if option is None:
        pytest.skip("`licheck check` has no --format option yet (the command is being built)")
    assert isinstance(option.type, click.Choice)
    assert set(option.type.choices) == set(FORMAT_NAMES)
