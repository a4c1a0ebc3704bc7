"""Hostile input never escapes as anything but a clean InputError (or a result)."""

from __future__ import annotations

import io
import struct

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from licheck.errors import InputError  # noqa: E402
from licheck.gguf_header import parse_gguf_header  # noqa: E402
from licheck.modelfile import parse_modelfile  # noqa: E402

pytestmark = pytest.mark.slow  # hypothesis: hundreds of examples a test

_PREFIX = b"GGUF" + struct.pack("<IQQ", 3, 0, 4)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512), st.booleans())
def test_gguf_header_random_bytes(tail, with_prefix):
    data = (_PREFIX + tail) if with_prefix else tail
    try:
        parse_gguf_header(io.BytesIO(data), size=len(data), name="x.gguf")
    except InputError as exc:
        assert str(exc).startswith("x.gguf: ")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('FROMLICENSEADPTR fromlicense"#\n\t./:x')), max_size=200))
def test_modelfile_random_text(text):
    try:
        found = parse_modelfile(text, "Modelfile")
    except InputError as exc:
        assert exc.path == "Modelfile" and exc.line is not None and exc.line >= 1
    else:
        assert all(d.instruction in ("FROM", "ADAPTER", "LICENSE") for d in found)
