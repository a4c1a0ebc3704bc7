"""Reading files named by users or found in model folders: bounded, and every failure one
`InputError` that names the path. Writing them whole or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from licheck.errors import InputError

MAX_TEXT_BYTES = 5 * 1024 * 1024   # the default cap of read_text (YAML files, model cards)


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
    try:
        mode = os.stat(path).st_mode   # one stat: licheck reads ~100 data files a run
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if not stat.S_ISREG(mode):
            raise InputError("not a regular file", path=path)
        with Path(path).open("rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise input_error(exc, path) from None


def read_capped(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The whole of a regular file of at most `max_bytes`; InputError (with the path) for a
    larger file, refused before any of it is read when its size is known."""
    try:
        status = os.stat(path)
    except OSError as exc:
        raise input_error(exc, path) from None
    size = status.st_size if stat.S_ISREG(status.st_mode) else None
    if size is not None and size > max_bytes:
        raise InputError(f"file is {size} bytes; licheck reads at most {max_bytes}", path=path)
    data = read_head(path, max_bytes)
    if len(data) > max_bytes:   # grew since, or not a sized file
        raise InputError(f"file is larger than {max_bytes} bytes", path=path)
    return data


def decode_text(data: bytes, path: str | os.PathLike[str]) -> str:
    """UTF-8 (a BOM allowed); InputError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError("not valid UTF-8 text", path=path, line=line) from None


def user_file_mode(path: str | os.PathLike[str]) -> int:
    """The permissions a file the user asked for should get: an existing file keeps its own,
    a new one gets what the umask leaves of 0666 (as `open()` would give it)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0o022)   # reading the umask means setting it: put it straight back
        os.umask(mask)
        return 0o666 & ~mask


def read_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read a UTF-8 text file with a size cap; InputError with the path on any failure."""
    return decode_text(read_capped(path, max_bytes), path)


def write_atomically(path: str | os.PathLike[str], text: str, *, mode: int | None = None) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename, so a
    reader (another licheck process, a CI step) sees the old file or the new one, never half
    of one. Raises OSError; the temporary file never outlives a failure (Ctrl-C included).
    `mode`: the new file's permissions (default: the temporary file's 0600)."""
    # Imported here: tempfile pulls in shutil, lzma, bz2 and random (~5 ms); most runs write nothing.
    import tempfile

    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
