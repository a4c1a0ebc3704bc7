"""Reading files named by users or found in model folders: bounded, and every failure one
`InputError` that names the path."""

from __future__ import annotations

import os
from pathlib import Path

from licheck.errors import InputError


def input_error(exc: OSError, path: str | os.PathLike[str]) -> InputError:
    """The one-line InputError for an OS error on `path`."""
    if isinstance(exc, FileNotFoundError):
        return InputError("no such file", path=path)
    if isinstance(exc, IsADirectoryError):
        return InputError("is a directory, not a file", path=path)
    return InputError(f"cannot read: {exc.strerror or exc}", path=path)


def read_head(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most `limit + 1` bytes of a regular file, so the caller can tell it was longer.

    A directory, a FIFO or a device is refused (reading one could block or never end)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise IsADirectoryError
        if p.exists() and not p.is_file():
            raise InputError("not a regular file", path=path)
        with p.open("rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise input_error(exc, path) from None
