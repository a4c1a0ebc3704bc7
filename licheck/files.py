"""Reading files named by users or found in model folders: bounded, and every failure one
`InputError` that names the path. Writing them whole or not at all."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from licheck.errors import InputError

MAX_TEXT_BYTES = 5 * 1024 * 1024   # the default cap of read_text (YAML files, model cards)


def input_error(exc: OSError, path: str | os.PathLike[str]) -> InputError:
    """The one-line InputError for an OS error on `path`."""
    if isinstance(exc, FileNotFoundError):
        return InputError("no such file", path=path)
    if isinstance(exc, IsADirectoryError):
        return InputError("is a directory, not a file", path=path)
    return InputError(f"cannot read: {exc.strerror or exc}", path=path)


@contextlib.contextmanager
def open_regular(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """An open binary handle on a regular file; InputError (with the path) for anything else.

    The one way licheck opens a file to read it. Opened without blocking and checked on the
    open descriptor itself: a FIFO (which would block until a writer comes), a device such as
    `/dev/zero` (which never ends) or a symlink to either is refused before any byte is read,
    and no swap between a check and the open can get past it."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise input_error(exc, path) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise input_error(IsADirectoryError(), path)
        if not stat.S_ISREG(mode):
            raise InputError("not a regular file (a FIFO, a device or a socket is never read)",
                             path=path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh


def read_head(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most `limit + 1` bytes of a regular file, so the caller can tell it was longer.

    A directory, a FIFO or a device is refused (reading one could block or never end)."""
    try:
        with open_regular(path) as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise input_error(exc, path) from None


def read_capped(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The whole of a regular file of at most `max_bytes`; InputError (with the path) for a
    larger file, refused before any of it is read when its size is known."""
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise InputError(f"file is {size} bytes; licheck reads at most {max_bytes}", path=path)
            # read(n) allocates n bytes first: ask for the size known, then for any growth.
            data = fh.read(size + 1)
            if len(data) > size:
                data += fh.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise input_error(exc, path) from None
    if len(data) > max_bytes:   # grew since
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
