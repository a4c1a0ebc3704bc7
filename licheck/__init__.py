"""licheck: licence compliance for open-weight AI models.

The pipeline reads top to bottom: targets -> model references -> lineage -> licences ->
rules -> findings -> reports. This module stays import-light: heavy parts are loaded by
the commands that need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from licheck.matching import Identification


def identify(text: str | bytes) -> Identification:
    """Identify which bundled licence a text is (see `licheck.matching`).

    The library's entry point, as the command line is the program's: it builds what it
    needs (the bundled corpus) and passes it down."""
    from licheck.licences import default_corpus
    from licheck.matching import identify as _identify

    return _identify(text, default_corpus())

