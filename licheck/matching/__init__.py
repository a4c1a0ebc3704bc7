"""Licence identification: which licence of the corpus is this text?

(`licheck.identify(text)` is the public entry point; this package does the work.)

`identify(text)` runs a cascade of matchers (see `licheck.matching.matchers`) over a text
normalised by a named pipeline of passes (`licheck.matching.normalise`) and answers with
an `Identification`: a licence id, or None with the closest candidates. The index of the
corpus is built once per process, on first use.
"""

from __future__ import annotations

import os

from licheck.files import read_head
from licheck.licences import Corpus
from licheck.matching.index import index_for, sha256
from licheck.matching.normalise import PASS_NAMES
from licheck.matching.result import MATCHERS, Identification

__all__ = ["MATCHERS", "MAX_FILE_BYTES", "PASS_NAMES", "Identification", "identify",
           "identify_file"]

# Licence texts are tens of kilobytes. Only the first 2 MB of a file are read: a bigger
# file (a weights file given by mistake) is identified from that much, which is never a
# licence text, so it answers None rather than stopping a whole run.
MAX_FILE_BYTES = 2 * 1024 * 1024


def identify(text: str | bytes, corpus: Corpus) -> Identification:
    """Identify which licence of `corpus` `text` is.

    Bytes that are not UTF-8 (or hold NUL characters) are not a licence text: the answer
    is None, not an exception.
    """
    from licheck.matching.matchers import run  # loaded only when used

    if isinstance(text, bytes):
        raw_bytes = text
        decoded = _decode(text)
        if decoded is None:
            return Identification(None, 0.0, None, [], sha256(raw_bytes))
        text = decoded
    else:
        raw_bytes = text.encode("utf-8", "surrogatepass")
        if "\x00" in text:
            return Identification(None, 0.0, None, [], sha256(raw_bytes))
    return run(index_for(corpus), text, raw_bytes)


def _decode(data: bytes, truncated: bool = False) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Cutting a file at the size cap may split the last character: drop that part.
        if truncated and exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return _decode(data[:exc.start])
        return None
    return None if "\x00" in text else text


def identify_file(path: str | os.PathLike[str], corpus: Corpus) -> Identification:
    """Identify the licence in a file (its first `MAX_FILE_BYTES` bytes).

    Raises InputError, naming the path, for a missing file, a directory, something that is
    not a regular file (a FIFO would block) or a file that cannot be read.
    """
    data = read_head(path, MAX_FILE_BYTES)
    if len(data) > MAX_FILE_BYTES:
        decoded = _decode(data[:MAX_FILE_BYTES], truncated=True)
        if decoded is None:
            return Identification(None, 0.0, None, [], sha256(data[:MAX_FILE_BYTES]))
        return identify(decoded, corpus)
    return identify(data, corpus)
