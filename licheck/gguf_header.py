"""A small, bounded reader for the key/value header of a GGUF file.

Why not the `gguf` package: `GGUFReader` memory-maps the whole file, builds a numpy view of
every tensor (so a header-only or truncated file fails), and importing it pulls in numpy.
licheck needs a dozen `general.*` strings from the first kilobytes, from files that may be
partial downloads or hostile. This reader walks only the key/value block (docs/formats.md 1.1),
keeps the keys licheck cares about, skips the rest by seeking, and checks every length and
count against a limit and against the bytes left in the file *before* reading, so a corrupt
length can neither allocate gigabytes nor make it spin.
"""

from __future__ import annotations

import io
import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from licheck.errors import InputError
from licheck.files import input_error, open_regular

MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)      # v1 used 32-bit lengths and predates every licence key

MAX_KEYS = 65_536                # real files have tens of keys
MAX_KEY_BYTES = 65_535
MAX_STRING_BYTES = 64 * 1024 * 1024      # any string, kept or skipped (chat templates are ~10 KB)
MAX_KEPT_STRING_BYTES = 1024 * 1024      # a value licheck keeps (general.description, ...)
MAX_ARRAY_ITEMS = 64 * 1024 * 1024       # tokenizer vocabularies are ~10**5-10**6
MAX_KEPT_ARRAY_ITEMS = 4096              # general.tags, general.languages
MAX_VARIABLE_ITEMS = 8 * 1024 * 1024     # strings in arrays, all arrays together (walked one by one)
MAX_HEADER_BYTES = 512 * 1024 * 1024     # the key/value block must end before this offset
MAX_NESTING = 3

# Value type -> (struct format, size) for fixed-size scalars (docs/formats.md 1.1).
_SCALARS: dict[int, tuple[str, int]] = {
    0: ("B", 1), 1: ("b", 1), 2: ("H", 2), 3: ("h", 2), 4: ("I", 4), 5: ("i", 4),
    6: ("f", 4), 7: ("?", 1), 10: ("Q", 8), 11: ("q", 8), 12: ("d", 8),
}
STRING, ARRAY = 8, 9


def keep_licheck_keys(key: str) -> bool:
    """The keys that can say anything about a model's licence or lineage."""
    return key.startswith(("general.", "adapter.", "split.")) and key != "general.alignment"


@dataclass
class GgufHeader:
    """What the header says: format version, tensor count, and the kept key/values."""

    version: int
    tensor_count: int
    kv_count: int
    metadata: dict[str, Any] = field(default_factory=dict)
    big_endian: bool = False
    end_offset: int = 0           # where the key/value block ends (tensor infos start)
    array_counts: dict[str, int] = field(default_factory=dict)   # item count of every top-level array
    picked: dict[str, list[tuple[int, str]]] = field(default_factory=dict)   # see `pick`
    stopped_at: str | None = None  # the key before which `stop` ended the walk


class _Reader:
    def __init__(self, fh: BinaryIO, size: int, name: str) -> None:
        self.fh = fh
        self.size = size
        self.name = name
        self.order = "<"
        self.items_left = MAX_VARIABLE_ITEMS
        self.last_count = 0
        self.pick: re.Pattern[bytes] | None = None
        self.picked: list[tuple[int, str]] = []

    @property
    def pos(self) -> int:
        return self.fh.tell()

    def fail(self, message: str) -> InputError:
        return InputError(message, path=self.name)

    def need(self, n: int, what: str) -> None:
        """Refuse to read or skip `n` bytes unless the file has them."""
        left = self.size - self.pos
        if n > left:
            raise self.fail(f"truncated GGUF header: {what} needs {n} bytes at offset "
                            f"{self.pos}, but the file ends at {self.size}")
        if self.pos + n > MAX_HEADER_BYTES:
            raise self.fail(f"GGUF key/value block runs past {MAX_HEADER_BYTES} bytes "
                            f"(at offset {self.pos}); refusing to read further")

    def read(self, n: int, what: str) -> bytes:
        self.need(n, what)
        data = self.fh.read(n)
        if len(data) != n:
            raise self.fail(f"truncated GGUF header: {what} at offset {self.pos}")
        return data

    def skip(self, n: int, what: str) -> None:
        self.need(n, what)
        self.fh.seek(n, io.SEEK_CUR)

    def scalar(self, fmt: str, size: int, what: str) -> Any:
        return struct.unpack(self.order + fmt, self.read(size, what))[0]

    def u32(self, what: str) -> int:
        return int(self.scalar("I", 4, what))

    def u64(self, what: str) -> int:
        return int(self.scalar("Q", 8, what))

    def string_length(self, what: str, limit: int) -> int:
        at = self.pos
        length = self.u64(f"{what} length")
        if length > limit:
            raise self.fail(f"{what} length {length} at offset {at} exceeds the limit ({limit})")
        return length



def _value(r: _Reader, vtype: int, keep: bool, what: str, depth: int = 0) -> Any:
    if vtype in _SCALARS:
        fmt, size = _SCALARS[vtype]
        return r.scalar(fmt, size, what)
    if vtype == STRING:
        length = r.string_length(what, MAX_STRING_BYTES)
        if keep and length <= MAX_KEPT_STRING_BYTES:
            return r.read(length, what).decode("utf-8", errors="replace")
        r.skip(length, what)   # not wanted, or too long to be a name or a licence id
        return None
    if vtype == ARRAY:
        if depth >= MAX_NESTING:
            raise r.fail(f"{what}: arrays nested more than {MAX_NESTING} deep")
        at = r.pos
        item_type = r.u32(f"{what} item type")
        count = r.u64(f"{what} item count")
        if depth == 0:
            r.last_count = count
        if count > MAX_ARRAY_ITEMS:
            raise r.fail(f"{what}: array count {count} at offset {at} exceeds the limit "
                         f"({MAX_ARRAY_ITEMS})")
        if item_type in _SCALARS:
            size = _SCALARS[item_type][1]
            if not keep or count > MAX_KEPT_ARRAY_ITEMS:
                r.skip(count * size, what)
                return None
            fmt = _SCALARS[item_type][0]
            raw = r.read(count * size, what)
            return list(struct.unpack(f"{r.order}{count}{fmt}", raw))
        if item_type not in (STRING, ARRAY):
            raise r.fail(f"{what}: unknown array item type {item_type} at offset {at}")
        # Variable-size items: each needs at least 8 bytes, so a huge count fails fast here.
        r.need(count * (8 if item_type == STRING else 12), what)
        if count > r.items_left:
            raise r.fail(f"{what}: more than {MAX_VARIABLE_ITEMS} strings or arrays inside "
                         "arrays in this header; refusing to walk them")
        r.items_left -= count
        keep_items = keep and count <= MAX_KEPT_ARRAY_ITEMS
        if item_type == STRING and not keep_items:
            _skip_strings(r, count, what)
            return None
        items = [_value(r, item_type, keep_items, f"{what}[{i}]", depth + 1) for i in range(count)]
        return items if keep_items else None
    raise r.fail(f"{what}: unknown value type {vtype} at offset {r.pos - 4}")


_CHUNK = 1024 * 1024
MAX_PICKED_ITEMS = 4096          # strings `pick` may keep from one array


def _skip_strings(r: _Reader, count: int, what: str) -> None:
    """Walk `count` length-prefixed strings in memory-sized chunks (a vocabulary has ~10**5):
    one read per chunk instead of a read and a seek per string.

    With `r.pick` (a bytes pattern) set, the strings it matches whole are kept in `r.picked`
    as (file offset, text), at most MAX_PICKED_ITEMS: the pattern runs over each chunk in C,
    and a match counts only when the 8 bytes before it are its own length, so the per-string
    loop stays as lean as a plain skip."""
    order = r.order
    unpack = struct.Struct(order + "Q").unpack_from
    base = r.pos               # file offset of buf[0]
    buf = b""
    size = 0
    off = 0
    found: dict[int, str] = {}
    index = 0
    while index < count:
        if off + 8 > size:
            base += off
            if base + 8 > r.size:
                raise r.fail(f"truncated GGUF header: {what}[{index}] length at offset {base}, "
                             f"but the file ends at {r.size}")
            if base > MAX_HEADER_BYTES:
                raise r.fail(f"GGUF key/value block runs past {MAX_HEADER_BYTES} bytes "
                             f"(at offset {base}); refusing to read further")
            r.fh.seek(base)
            buf = r.fh.read(_CHUNK)
            size = len(buf)
            off = 0
            if r.pick is not None and len(found) < MAX_PICKED_ITEMS:
                find_length_prefixed(buf, base, r.pick, unpack, found)
        (length,) = unpack(buf, off)
        if length > MAX_STRING_BYTES:
            raise r.fail(f"{what}[{index}] length {length} at offset {base + off} exceeds the "
                         f"limit ({MAX_STRING_BYTES})")
        off += 8 + length
        index += 1
    end = base + off
    r.picked = sorted((at, text) for at, text in found.items() if at < end)[:MAX_PICKED_ITEMS]
    r.fh.seek(base)
    r.skip(off, what)   # checks the end against the file size and the header limit


def find_length_prefixed(buf: bytes, base: int, pattern: re.Pattern[bytes],
                         unpack: Callable[[bytes, int], tuple[int, ...]],
                         found: dict[int, str]) -> None:
    """Add to `found` (file offset -> text) the GGUF strings in `buf` that `pattern` matches
    whole: a match counts only when the 8 bytes before it hold its length."""
    for m in pattern.finditer(buf):
        start = m.start()
        if start >= 8 and unpack(buf, start - 8)[0] == m.end() - start:
            found.setdefault(base + start, m.group().decode("utf-8", errors="replace"))
            if len(found) >= MAX_PICKED_ITEMS:
                return


def parse_gguf_header(fh: BinaryIO, *, size: int, name: str,
                      keep: Callable[[str], bool] = keep_licheck_keys,
                      pick: Callable[[str], re.Pattern[bytes] | None] | None = None,
                      stop: Callable[[str, GgufHeader], bool] | None = None) -> GgufHeader:
    """Parse the header of an open binary stream of `size` bytes; `name` is for messages.

    `pick(key)` may return a bytes pattern for the items of a string array that is not kept
    (a vocabulary): the items it matches whole go to `header.picked[key]` as (offset, text). `stop(key, header)`,
    asked before each value, ends the walk early (`header.stopped_at`; `end_offset` stays 0)
    for callers that need only the keys before it.
    """
    r = _Reader(fh, size, name)
    if size < 4 or r.fh.read(4) != MAGIC:
        raise r.fail("not a GGUF file (bad magic)")
    raw_version = r.read(4, "version")
    version = struct.unpack("<I", raw_version)[0]
    if version not in SUPPORTED_VERSIONS:
        swapped = struct.unpack(">I", raw_version)[0]
        if swapped in SUPPORTED_VERSIONS:
            r.order, version = ">", swapped
        else:
            raise r.fail(f"unsupported GGUF version {version} (licheck reads versions "
                         f"{', '.join(map(str, SUPPORTED_VERSIONS))})")
    tensor_count = r.u64("tensor count")
    at = r.pos
    kv_count = r.u64("key/value count")
    if kv_count > MAX_KEYS:
        raise r.fail(f"key/value count {kv_count} at offset {at} exceeds the limit ({MAX_KEYS})")
    header = GgufHeader(version=version, tensor_count=tensor_count, kv_count=kv_count,
                        big_endian=r.order == ">")
    seen: set[str] = set()
    for index in range(kv_count):
        at = r.pos
        key_len = r.string_length(f"key #{index}", MAX_KEY_BYTES)
        try:
            key = r.read(key_len, f"key #{index}").decode("utf-8")
        except UnicodeDecodeError:
            raise r.fail(f"key #{index} at offset {at} is not valid UTF-8") from None
        if key in seen:
            # The reference readers refuse this too: which value counts would be a guess
            # (`general.license` twice: the last one silently won).
            raise r.fail(f"key '{key}' appears twice (again at offset {at})")
        seen.add(key)
        if stop is not None and stop(key, header):
            header.stopped_at = key
            return header
        vtype = r.u32(f"type of '{key}'")
        wanted = keep(key)
        r.pick = pick(key) if pick is not None and vtype == ARRAY else None
        r.picked = []
        value = _value(r, vtype, wanted, f"value of '{key}'")
        if vtype == ARRAY:
            header.array_counts[key] = r.last_count
            if r.pick is not None:
                header.picked[key] = r.picked
        if wanted:
            header.metadata[key] = value
    header.end_offset = r.pos
    return header


def read_gguf_header(path: str | os.PathLike[str], *,
                     keep: Callable[[str], bool] = keep_licheck_keys) -> GgufHeader:
    """Read a GGUF file's header; InputError naming the file on any problem."""
    shown = os.fspath(path)
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            return parse_gguf_header(fh, size=size, name=shown, keep=keep)
    except OSError as exc:
        raise input_error(exc, shown) from None
