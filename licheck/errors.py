"""One exception tree for everything that stops licheck from running (exit code 2).

Every error can carry the file and line it is about, so the CLI prints one line,
`path:line: message`, and never a traceback. Things that merely could not be *checked*
(a model that is not on the Hub, an unknown licence) are results, not exceptions: see
`licheck.model.Finding`.
"""

from __future__ import annotations

import os
import re

# Messages quote user input (a GGUF key, a YAML scalar, a file name); a line break or control
# character in it must not split the one line the CLI prints, nor reach the terminal raw.
_NOT_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    return _NOT_ONE_LINE.sub(lambda m: repr(m.group())[1:-1], text)


class LicheckError(Exception):
    """Root of licheck's errors. `str()` gives the one line the CLI prints."""

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None,
                 line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return _one_line(self.message)
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return _one_line(f"{where}: {self.message}")


class InputError(LicheckError):
    """A file given to licheck cannot be read or is not what it should be."""


class ConfigError(LicheckError):
    """A config, context or manifest file is invalid."""


class RuleFileError(LicheckError):
    """A rule file is invalid."""


class DataError(LicheckError):
    """Bundled or user-supplied data (licences, catalogue) is invalid."""

