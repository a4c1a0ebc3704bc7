"""Fixtures for the format tests (the reports themselves are built in `fmt_sample`)."""

from __future__ import annotations

import pytest
from fmt_sample import make_empty_report, make_report

from licheck.report import Report


@pytest.fixture
def report() -> Report:
    return make_report()


@pytest.fixture
def empty_report() -> Report:
    return make_empty_report()
