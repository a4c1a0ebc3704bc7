"""Fuzz targets shared by `tests/fuzz/test_fuzz_*.py` (bounded runs) and `fuzz/campaign.py`.

A target is a hypothesis strategy of hostile inputs plus a `run` function that feeds one input
to one parser the way licheck does (usually through a file in a fresh temporary folder). The
contract checked (docs/contract.md section 1): every input ends in a result or a `LicheckError` whose
`str()` is one line naming the file (and a line number >= 1 when it gives one). Anything else
escaping `run` is a crash; `run` raises AssertionError when the error breaks the contract.
"""

from __future__ import annotations

import io
import json
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from licheck.errors import LicheckError

ROOT = Path(__file__).resolve().parents[2]

# --- the contract ---------------------------------------------------------------------------


def check_error(exc: LicheckError, *, needs_path: bool = True) -> None:
    """A LicheckError the CLI would print: one line, naming the file, a sane line number."""
    text = str(exc)
    assert text.strip(), "empty error message"
    assert "\n" not in text and "\r" not in text, f"error is not one line: {text!r}"
    assert "Traceback" not in text
    if needs_path:
        assert exc.path, f"error names no file: {text!r}"
        assert text.startswith(exc.path), text
    if exc.line is not None:
        assert isinstance(exc.line, int) and exc.line >= 1, f"bad line {exc.line!r} in {text!r}"


def call(fn: Callable[[], Any], *, needs_path: bool = True) -> Any:
    """Run `fn`; a LicheckError is checked and swallowed, anything else propagates (a crash)."""
    try:
        return fn()
    except LicheckError as exc:
        check_error(exc, needs_path=needs_path)
        return None


# --- building blocks for hostile text -------------------------------------------------------

ODD_TEXT = st.lists(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(["\x00", "\ufeff", "\r", "\r\n", "\u2028", "\u202e", "\u0430", "\uff0f",
                         "\\", "/", "..", "%2e", ":", "@", "*", "&", "#", "'", '"', "\t", "{", "["]),
    ),
    max_size=25,
).map("".join)

HOSTILE_SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([
        "meta-llama/Llama-3.1-8B", "hf:org/name@main", "ollama:llama3.3:70b", "gpt2", "llama3.1",
        "apache-2.0", "../../etc/passwd", "/etc/passwd", "./models/x", "org/%2e%2e", "a" * 300,
        "2027-06-30", "2027-02-30", "YYYY-MM", "2024-13", "FR", "UK", "xx", "1e999", "-1",
        "9" * 400, "finetune", "merge", "adapter", "quantized", "error", "never", "*", "",
        "llama3.1/attribution", "mau_cap", "https://huggingface.co/org/name/tree/main",
        "huggingface/meta-llama/Llama-3.1-8B", "openai/gpt-4o", "C:\\Windows", "~/x",
    ]),
    ODD_TEXT,
)

# Lines that break YAML, front matter and Modelfiles in interesting ways.
HOSTILE_SNIPPETS = [
    "\x00", "\ufeff", "\r\n", "\r", "\t", "---\n", "...\n", "&a [1, 2]", "*a", "<<: *a",
    "!!python/object/apply:os.system ['true']", "!!binary AAAA", "? [1, 2]\n: x", "{", "[",
    "'", '"', "key: value\nkey: value\n", "- - - -", ": :", "%YAML 1.1\n", "!custom x",
    "2027-02-30", "1e99999", "0x" + "f" * 40, "~", ".nan", "-.inf", "\u2028", "```yaml\n",
    "FROM ", "LICENSE \"\"\"", "\"\"\"", "\\\n", "#", "FROM ../../etc", "ADAPTER /dev/zero",
    "models:\n  - x\n", "model_list:\n  - model_name: x\n", "base_model: [a, b, c]\n",
]


def _tree(keys: list[str]) -> st.SearchStrategy[Any]:
    """Random YAML-able trees whose keys are mostly the parser's own vocabulary."""
    key = st.one_of(st.sampled_from(keys), ODD_TEXT, st.integers(-5, 5), st.none(), st.booleans())
    return st.recursive(
        HOSTILE_SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=5),
            st.dictionaries(key, inner, max_size=6),
        ),
        max_leaves=30,
    )


def _dump(tree: Any, flow: bool, unicode: bool) -> str:
    try:
        return yaml.safe_dump(tree, default_flow_style=flow, allow_unicode=unicode, sort_keys=False)
    except yaml.YAMLError:   # a key PyYAML cannot write: fall back to a repr, still hostile
        return repr(tree)


@st.composite
def _mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed text with a few edits: cut, duplicated or swapped lines, injected snippets."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 4))):
        lines = text.splitlines(keepends=True) or [""]
        op = draw(st.integers(0, 5))
        i = draw(st.integers(0, len(lines) - 1))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.sampled_from(HOSTILE_SNIPPETS)) + lines[i][pos:]
        elif op == 4:
            lines[i] = "  " + lines[i] if draw(st.booleans()) else lines[i].lstrip()
        else:
            lines = lines[: i + 1]
        text = "".join(lines)
    return text


def _encode(text: str, draw: st.DrawFn) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    style = draw(st.integers(0, 5))
    if style == 1:
        data = b"\xef\xbb\xbf" + data
    elif style == 2:
        data = data.replace(b"\n", b"\r\n")
    elif style == 3 and data:
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + draw(st.binary(min_size=1, max_size=8)) + data[i:]
    return data


def yaml_docs(keys: list[str], seeds: list[str]) -> st.SearchStrategy[bytes]:
    """Bytes of a YAML file: random trees, mutated real files, or plain random bytes."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        kind = draw(st.integers(0, 9))
        if kind <= 3:
            text = _dump(draw(_tree(keys)), draw(st.booleans()), draw(st.booleans()))
        elif kind <= 7 and seeds:
            text = draw(_mutated(seeds))
        elif kind == 8:
            return draw(st.binary(max_size=300))
        else:
            text = draw(st.sampled_from(pathological_yaml(small=True)))
        return _encode(text, draw)

    return build()


def pathological_yaml(*, small: bool) -> list[str]:
    """Inputs built to blow up a naive loader; `small=False` gives the full-size ones."""
    n = 2_000 if small else 100_000
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    return [
        bomb,
        "models: " + "[" * 200 + "]" * 200 + "\n",
        "models:\n" + "".join("  " * (i + 1) + "- \n" for i in range(150)),
        "x: &x\n  y: *x\n",
        "models:\n" + "".join(f"  k{i}: {i}\n" for i in range(n)),
        "models: [" + "x" * (20_000 if small else 10 * 1024 * 1024) + "]\n",
        "models: [" + ", ".join(f"org/m{i}" for i in range(n)) + "]\n",
        "a: 1\n" * 3,
        "? " + "[" * 60 + "]" * 60 + "\n: 1\n",
    ]


def _seeds(*paths: str) -> list[str]:
    out = []
    for rel in paths:
        p = ROOT / rel
        if p.is_file():
            out.append(p.read_text(encoding="utf-8"))
    return out


def _tmpdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="licheck-fuzz-")


def _write(folder: str, name: str, data: bytes) -> str:
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


# --- targets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    run: Callable[[Any], None]


MANIFEST_KEYS = ["context", "models", "waivers", "id", "revision", "path", "gguf", "ollama",
                 "card", "use", "trains_on_outputs", "purposes", "commercial", "rule", "kind",
                 "model", "reason", "approved_by", "expires"]
CONTEXT_KEYS = ["organisation", "sectors", "use", "policy", "name", "country",
                "monthly_active_users", "annual_revenue_usd", "monthly_revenue_usd",
                "commercial", "production", "offered_as_service", "distributes_weights",
                "derived_model_name", "trains_on_outputs", "purposes", "deny_licences",
                "allow_licences", "review_origins", "sensitive_sectors", "2024-06", "2025-13"]
CONFIG_KEYS = ["manifest", "context", "waivers", "fail_on", "offline", "cache_dir", "format",
               "strict", "rules", "licences", "catalogue", "tool", "licheck"]
CARD_KEYS = ["license", "license_name", "license_link", "base_model", "base_model_relation",
             "tags", "model_name", "model-index", "pipeline_tag", "language", "extra_gated_prompt"]
LITELLM_KEYS = ["model_list", "model_name", "litellm_params", "model", "api_base", "api_key",
                "model_info", "router_settings", "general_settings"]
WAIVER_KEYS = ["rule", "kind", "model", "reason", "approved_by", "expires", "comment", "ticket"]
RULE_KEYS = ["licence", "rules", "notes", "id", "kind", "title", "section", "quote", "threshold",
             "measured_at", "release_date", "message", "how_to_comply", "severity", "when",
             "requirements", "notice_text", "prefix", "categories", "countries", "applies_to"]
CATALOGUE_KEYS = ["models", "orgs", "ollama", "id", "licence", "modalities", "notes", "parents",
                  "relation", "publisher", "origin", "aliases", "released", "default", "tags"]
MERGE_KEYS = ["models", "model", "base_model", "slices", "sources", "merge_method", "parameters",
              "dtype", "layer_range", "tokenizer_source"]


def _run_target_file(name: str) -> Callable[[bytes], None]:
    """Write the bytes as `name` and read it as a `licheck check` TARGET."""
    from licheck.targets import read_target

    def run(data: bytes) -> None:
        with _tmpdir() as d:
            path = _write(d, name, data)
            _write(d, "ctx.yaml", b"organisation: {country: FR}\n")
            call(lambda: read_target(path))

    return run


def _run_context(data: bytes) -> None:
    from licheck.context import load_context

    with _tmpdir() as d:
        path = _write(d, "context.yaml", data)
        ctx = call(lambda: load_context(path))
        if ctx is not None:
            json.dumps(ctx.to_json())   # the normalised context must be reportable


def _run_config_yaml(data: bytes) -> None:
    from licheck.config import load_config

    with _tmpdir() as d:
        path = _write(d, ".licheck.yaml", data)
        call(lambda: load_config(path))


@st.composite
def toml_docs(draw: st.DrawFn) -> bytes:
    """pyproject.toml texts: a [tool.licheck] table with random keys/values, or mutations."""
    def value() -> str:
        return draw(st.one_of(
            st.sampled_from(['"x"', "true", "1", "1e400", "[1, 'a']", "{a = 1}", '"../.."',
                             "2027-06-30", "'''\n'''", '"\\u0000"', "[[]]", "-0", "inf", "nan",
                             '"error"', '["rules"]', "9" * 50]),
            st.builds(lambda s: json.dumps(s), ODD_TEXT)))
    header = draw(st.sampled_from(["[tool.licheck]", "[tool]\nlicheck = 1", "tool = 1",
                                   "[tool.licheck.x]", "[tool]\nlicheck = \"a\"", "[ tool . licheck ]",
                                   "[tool.licheck]\n[tool.licheck]", "", "[[tool.licheck]]",
                                   "[tool.licheck]\ntool = {licheck = 1}"]))
    lines = [header]
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.one_of(st.sampled_from(CONFIG_KEYS), ODD_TEXT.map(json.dumps)))
        lines.append(f"{key} = {value()}")
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = draw(_mutated([text]))
    return _encode(text, draw)


def _run_config_toml(data: bytes) -> None:
    from licheck.config import find_config, load_config

    with _tmpdir() as d:
        path = _write(d, "pyproject.toml", data)
        call(lambda: find_config(d))
        call(lambda: load_config(path))


@st.composite
def card_docs(draw: st.DrawFn) -> bytes:
    """README.md texts: front matter (random or mutated) then a Markdown body."""
    kind = draw(st.integers(0, 3))
    seeds = _seeds("examples/model-card/README.md", "tests/fixtures/local/finetune/README.md",
                   "tests/fixtures/local/merge/README.md")
    if kind == 0 and seeds:
        text = draw(_mutated(seeds))
    elif kind == 1:
        return draw(st.binary(max_size=300))
    else:
        meta = _dump(draw(_tree(CARD_KEYS)), draw(st.booleans()), draw(st.booleans()))
        fence = draw(st.sampled_from(["---", "---\r", " ---", "--- ", "----", "...", ""]))
        body = draw(st.sampled_from(["# Title\n", "", "```\n# Not a heading\n```\n# Real\n",
                                     "#\n", "# " + "x" * 500 + "\n", "---\n---\n"]))
        text = f"---\n{meta}{fence}\n{body}"
    return _encode(text, draw)


def _run_card(data: bytes) -> None:
    from licheck.cardmeta import card_facts, read_card
    from licheck.model import ModelRef
    from licheck.targets.modelcard import read_model_card

    with _tmpdir() as d:
        path = _write(d, "README.md", data)
        call(lambda: read_model_card(path))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return
        meta = call(lambda: read_card(text, path))
        if meta is not None:
            call(lambda: card_facts(meta, ModelRef(kind="path", name=d), source="local"))


@st.composite
def modelfile_docs(draw: st.DrawFn) -> bytes:
    seeds = _seeds("examples/ollama/Modelfile")
    if draw(st.booleans()) and seeds:
        text = draw(_mutated(seeds))
    else:
        words = st.sampled_from(["FROM", "from", "ADAPTER", "LICENSE", "TEMPLATE", "SYSTEM",
                                 "PARAMETER", "MESSAGE", "REQUIRES", "# FROM x", '"""', '"', "\\",
                                 "./x.gguf", "../../etc/passwd", "/abs/path", "llama3.3:70b",
                                 "hf.co/org/name:Q4_K_M", "huggingface.co/org/name", "~/m",
                                 "org/name", "\n", "\r\n", " ", "\t", "\x00", "\ufeff"])
        text = "".join(draw(st.lists(st.one_of(words, ODD_TEXT), max_size=30)))
    return _encode(text, draw)


def _run_modelfile(data: bytes) -> None:
    from licheck.targets.modelfile import modelfile_target

    with _tmpdir() as d:
        path = _write(d, "Modelfile", data)
        call(lambda: modelfile_target(path))


@st.composite
def model_dirs(draw: st.DrawFn) -> dict[str, bytes]:
    """A local model directory: some of README.md, config.json, adapter_config.json,
    mergekit_config.yml and LICENSE, each random, mutated or hostile."""
    files: dict[str, bytes] = {}
    json_value = st.recursive(
        HOSTILE_SCALARS.filter(lambda v: not isinstance(v, float)),
        lambda inner: st.one_of(st.lists(inner, max_size=4),
                                st.dictionaries(st.sampled_from(
                                    ["_name_or_path", "base_model_name_or_path", "architectures",
                                     "model_type", "peft_type", "license", "x"]), inner, max_size=5)),
        max_leaves=15)
    for name in ("config.json", "adapter_config.json"):
        if draw(st.booleans()):
            if draw(st.booleans()):
                files[name] = json.dumps(draw(json_value)).encode()
            else:
                files[name] = draw(st.sampled_from([b"", b"{", b"[" * 5000 + b"]" * 5000,
                                                    b'{"a": 1, "a": 2}', b"\xff\xfe", b"null",
                                                    b'{"base_model_name_or_path": "../../x"}']))
    if draw(st.booleans()):
        files["mergekit_config.yml"] = draw(yaml_docs(
            MERGE_KEYS, _seeds("tests/fixtures/local/merge/mergekit_config.yml")))
    if draw(st.booleans()):
        files["README.md"] = draw(card_docs())
    if draw(st.booleans()):
        files[draw(st.sampled_from(["LICENSE", "LICENSE.txt", "NOTICE", "USE_POLICY.md"]))] = \
            draw(st.binary(max_size=200))
    return files


def _run_local_dir(files: dict[str, bytes]) -> None:
    from licheck.model import ModelRef
    from licheck.sources.local import LocalDirSource

    with _tmpdir() as d:
        for name, data in files.items():
            _write(d, name, data)
        call(lambda: LocalDirSource().fetch(ModelRef(kind="path", name=d)))


# GGUF value types: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool, 8 string,
# 9 array, 10 u64, 11 i64, 12 f64.
_SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
GGUF_KEYS = ["general.license", "general.name", "general.base_model.count",
             "general.base_model.0.repo_url", "general.base_model.0.name", "general.tags",
             "general.source.url", "general.license.link", "tokenizer.ggml.tokens", "x"]


@st.composite
def gguf_files(draw: st.DrawFn) -> bytes:
    """A GGUF header with well-formed and lying keys/values, sometimes cut or corrupted."""
    order = draw(st.sampled_from(["<", ">"]))
    lie = st.sampled_from([2**62, 2**64 - 1, 2**32, 2**31, 65_536, 10**9])

    def string(text: str) -> bytes:
        raw = text.encode("utf-8", "surrogatepass")
        n = draw(lie) if draw(st.integers(0, 15)) == 0 else len(raw)
        return struct.pack(order + "Q", n) + raw

    def value(vtype: int, depth: int) -> bytes:
        if vtype in _SCALAR:
            fmt = _SCALAR[vtype]
            size = struct.calcsize(fmt)
            return draw(st.binary(min_size=size, max_size=size))
        if vtype == 8:
            return string(draw(ODD_TEXT))
        if vtype == 9:
            item = draw(st.integers(0, 13)) if depth < 4 else 8
            count = draw(st.integers(0, 4))
            shown = draw(lie) if draw(st.integers(0, 7)) == 0 else count
            body = b"".join(value(item, depth + 1) for _ in range(count))
            return struct.pack(order + "IQ", item, shown) + body
        return b""   # an unknown type: the parser must refuse it

    version = draw(st.sampled_from([3, 3, 2, 1, 4, 2**32 - 1]))
    n = draw(st.integers(0, 6))
    shown_n = draw(lie) if draw(st.integers(0, 10)) == 0 else n
    out = [b"GGUF", struct.pack(order + "IQQ", version, draw(st.integers(0, 2**64 - 1)), shown_n)]
    for _ in range(n):
        out.append(string(draw(st.one_of(st.sampled_from(GGUF_KEYS), ODD_TEXT))))
        vtype = draw(st.integers(0, 14))
        out.append(struct.pack(order + "I", vtype))
        out.append(value(vtype, 0))
    data = b"".join(out)
    if draw(st.integers(0, 4)) == 0 and data:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 4)) == 0 and data:
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.binary(max_size=64))
    return data


def _run_gguf(data: bytes) -> None:
    from licheck.gguf_header import parse_gguf_header, read_gguf_header
    from licheck.model import ModelRef
    from licheck.sources.gguf import GgufSource

    call(lambda: parse_gguf_header(io.BytesIO(data), size=len(data), name="m.gguf"))
    with _tmpdir() as d:
        path = _write(d, "m.gguf", data)
        call(lambda: read_gguf_header(path))
        call(lambda: GgufSource().fetch(ModelRef(kind="gguf", name=path)))


@st.composite
def licence_texts(draw: st.DrawFn) -> bytes:
    corpus = sorted((ROOT / "licences").glob("*.txt"))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.binary(max_size=400))
    if kind == 1:
        return draw(ODD_TEXT).encode("utf-8", "surrogatepass")
    text = draw(st.sampled_from(corpus)).read_text(encoding="utf-8")[:4000]
    return _encode(draw(_mutated([text])), draw)


def _run_identify(data: bytes) -> None:
    from licheck.licences import default_corpus
    from licheck.matching import identify, identify_file

    corpus = default_corpus()
    result = identify(data, corpus)
    assert result.licence is None or isinstance(result.licence, str)
    assert 0.0 <= result.confidence <= 1.0, result.confidence
    with _tmpdir() as d:
        path = _write(d, "LICENSE", data)
        call(lambda: identify_file(path, corpus))


def _run_waivers(data: bytes) -> None:
    from licheck.model import Finding, Severity
    from licheck.waivers import apply_waivers, load_waivers

    with _tmpdir() as d:
        path = _write(d, "waivers.yaml", data)
        waivers = call(lambda: load_waivers(path))
        if waivers:
            import datetime as dt
            finding = Finding(id="llama3.1/attribution", kind="attribution", severity=Severity.OBLIGATION,
                              licence="llama3.1", model="meta-llama/Llama-3.1-8B", message="m")
            apply_waivers([finding], waivers, today=dt.date(2026, 1, 1))


def _run_rule_file(data: bytes) -> None:
    from licheck.licences import default_corpus
    from licheck.rules.loader import parse_file

    with _tmpdir() as d:
        path = _write(d, "x.yml", data)
        result = parse_file(path, default_corpus())
        for err in result.errors:
            check_error(err)


@st.composite
def catalogue_dirs(draw: st.DrawFn) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    seeds = {"orgs.yml": _seeds("catalogue/orgs.yml"),
             "ollama.yml": [s[:3000] for s in _seeds("catalogue/ollama.yml")],
             "models/x.yml": _seeds("catalogue/models/01-ai.yml", "catalogue/models/CohereForAI.yml")}
    for name, seed in seeds.items():
        if draw(st.booleans()):
            files[name] = draw(yaml_docs(CATALOGUE_KEYS, seed))
    return files


def _run_catalogue(files: dict[str, bytes]) -> None:
    from licheck.catalogue import load_catalogue
    from licheck.licences import default_corpus

    with _tmpdir() as d:
        for name, data in files.items():
            _write(d, name, data)
        cat = call(lambda: load_catalogue([d], licences=default_corpus()))
        if cat is not None:
            for name in ("llama3.3:70b", "x", "", "a:b:c"):
                cat.ollama_target(name)


REF_TEXT = st.one_of(
    ODD_TEXT,
    st.builds(lambda a, b, c: a + b + c,
              st.sampled_from(["", "hf:", "HF:", "ollama:", "https://huggingface.co/",
                               "http://hf.co/", "https://evil.example/", "./", "../", "/", "~/",
                               "C:\\", "\\\\server\\"]),
              st.sampled_from(["org/name", "gpt2", "..", "%2e%2e%2f", "org/../x", "org\\name",
                               "оrg/name", "org／name", "org/name\x00", "a" * 97 + "/b",
                               "org/name.git", "datasets/org/x", "org/name/tree/main",
                               "llama3.3:70b", "org/-x", "x" * 600]),
              st.sampled_from(["", "@main", "@", "@../x", "@" + "r" * 300, "@a//b", ":Q4_K_M",
                               "/resolve/main/README.md", "\n", " "])),
)


def _run_ref(text: str) -> None:
    from licheck.refs import parse_ref

    with _tmpdir() as d:
        ref = call(lambda: parse_ref(text, base_dir=Path(d)), needs_path=False)
    if ref is not None and ref.kind == "hub":
        assert ".." not in ref.name and "\x00" not in ref.name and not ref.name.startswith("/")


@st.composite
def hub_repos(draw: st.DrawFn) -> tuple[Any, dict[str, bytes], list[str]]:
    """What a hostile Hub repo can serve: the API's cardData (any JSON), its files (adapter and
    mergekit configs, LICENSE, README.md) and tags."""
    json_tree = st.recursive(
        HOSTILE_SCALARS.filter(lambda v: not isinstance(v, float)),
        lambda inner: st.one_of(st.lists(inner, max_size=4),
                                st.dictionaries(st.sampled_from(CARD_KEYS + ["model", "id"]), inner,
                                                max_size=6)),
        max_leaves=20)
    # The Hub's cardData is always an object; its values are anything a card's YAML can hold.
    card = draw(st.dictionaries(st.sampled_from(CARD_KEYS), json_tree, max_size=6))
    files: dict[str, bytes] = {}
    for name in ("adapter_config.json", "mergekit_config.yml", "LICENSE", "README.md"):
        if draw(st.booleans()):
            files[name] = draw(st.one_of(
                st.binary(max_size=200),
                st.sampled_from([b"[" * 100_000, b"{" * 50_000, b'{"base_model_name_or_path": "../../x"}',
                                 b"base_model: ../../etc\nmodels: [{model: /etc/passwd}]",
                                 b"models: &a [*a]", b"\xff\xfe", b""]),
                yaml_docs(MERGE_KEYS + CARD_KEYS, [])))
    tags = draw(st.lists(st.one_of(st.sampled_from(["base_model:finetune:org/x", "base_model:../x",
                                                    "license:mit", "gguf", "base_model:adapter:"]),
                                   ODD_TEXT), max_size=5))
    return card, files, tags


_HUB: dict[str, Any] = {}


def _run_hub(case: tuple[Any, dict[str, bytes], list[str]]) -> None:
    """Serve the repo from the loopback mock Hub and resolve it: a lineage, never a crash."""
    import sys

    from licheck.licences import default_corpus
    from licheck.lineage import resolve
    from licheck.sources.hub import HubSource
    from licheck.sources.registry import SourceRegistry

    if "hub" not in _HUB:
        sys.path.insert(0, str(ROOT / "tests"))
        from mockhub import MockHub

        _HUB["hub"] = MockHub(fixtures=None).start()
        _HUB["n"] = 0
    hub = _HUB["hub"]
    _HUB["n"] += 1
    card, files, tags = case
    repo_id = f"fuzz/m{_HUB['n']}"
    repo = hub.add_repo(repo_id, {"license": "other"}, files=files, extra_tags=tags)
    repo.card = card
    corpus = default_corpus()
    source = HubSource(corpus=corpus, endpoint=hub.url, cache=None, offline=False, timeout=5.0, max_retries=0)
    lineage = call(lambda: resolve(repo_id, sources=SourceRegistry([source]), corpus=corpus),
                   needs_path=False)
    if lineage is not None:
        for finding in lineage.findings:
            assert "\n" not in finding.message or finding.kind != "unresolved"


FORMATS = ["text", "json", "sarif", "github", "markdown", "html", "cyclonedx"]


@st.composite
def cli_runs(draw: st.DrawFn) -> tuple[str, bytes, str]:
    """(command, file bytes, format): a hostile file given to `check`, `identify` or
    `rules validate`, as a user would from a shell."""
    command = draw(st.sampled_from(["check", "check", "identify", "rules"]))
    if command == "check":
        data = draw(st.one_of(yaml_docs(MANIFEST_KEYS, _seeds("examples/licheck.yaml")),
                              card_docs(), modelfile_docs()))
    elif command == "identify":
        data = draw(licence_texts())
    else:
        data = draw(yaml_docs(RULE_KEYS, [s[:3000] for s in _seeds("rules/llama3.1.yml")]))
    return command, data, draw(st.sampled_from(FORMATS))


def run_cli(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """`licheck.cli.main` in click's isolation: the real exit-code mapping, captured output."""
    from click.testing import CliRunner

    from licheck.cli import main

    # Read the captured streams inside the block: click 8.2.0-8.2.1 close them on exit.
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main(args)
        return code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")


def check_cli(code: int, out: str, err: str, *, lint_of: str | None = None) -> None:
    """Exit 0/1/2, no traceback; on exit 2 one stderr line, or for a linter (`rules
    validate`, `lint_of` = the file) one `file:line: message` line per problem."""
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in out + err, err
    assert "internal error" not in err, err
    if code == 2:
        lines = err.strip().splitlines()
        if lint_of is None:
            assert len(lines) == 1, f"exit 2 with stderr {err!r}"
        else:
            assert lines and all(ln.startswith(lint_of) for ln in lines), err


def _run_cli(case: tuple[str, bytes, str]) -> None:
    command, data, fmt = case
    with _tmpdir() as d:
        env = {"LICHECK_CACHE_DIR": str(Path(d) / "cache"), "HF_HUB_OFFLINE": "1",
               "HF_ENDPOINT": "http://127.0.0.1:9", "NO_COLOR": "1"}
        if command == "check":
            name = "licheck.yaml" if data[:3] != b"---" else "README.md"
            path = _write(d, name, data)
            args = ["check", path, "--offline", "--format", fmt, "--output", str(Path(d) / "out")]
        elif command == "identify":
            path = _write(d, "LICENSE", data)
            args = ["identify", path, "--format", "json" if fmt == "json" else "text"]
        else:
            path = _write(d, "x.yml", data)
            args = ["rules", "validate", path]
        check_cli(*run_cli(args, env), lint_of=path if command == "rules" else None)


def _targets() -> dict[str, Target]:
    manifest_seeds = _seeds("examples/licheck.yaml")
    litellm_seeds = _seeds("examples/litellm/config.yaml")
    rule_seeds = [s[:4000] for s in _seeds("rules/llama3.1.yml", "rules/apache-2.0.yml")]
    waiver_seeds = ["- rule: llama3.1/attribution\n  model: 'meta-llama/*'\n  reason: r\n"
                    "  approved_by: a@b.example\n  expires: 2027-06-30\n"]
    return {t.name: t for t in [
        Target("manifest", yaml_docs(MANIFEST_KEYS, manifest_seeds), _run_target_file("licheck.yaml")),
        Target("context", yaml_docs(CONTEXT_KEYS, _seeds("examples/context.yaml")), _run_context),
        Target("config-yaml", yaml_docs(CONFIG_KEYS, []), _run_config_yaml),
        Target("config-toml", toml_docs(), _run_config_toml),
        Target("model-card", card_docs(), _run_card),
        Target("modelfile", modelfile_docs(), _run_modelfile),
        Target("litellm", yaml_docs(LITELLM_KEYS, litellm_seeds), _run_target_file("config.yaml")),
        Target("local-dir", model_dirs(), _run_local_dir),
        Target("gguf", gguf_files(), _run_gguf),
        Target("identify", licence_texts(), _run_identify),
        Target("waivers", yaml_docs(WAIVER_KEYS, waiver_seeds), _run_waivers),
        Target("rule-file", yaml_docs(RULE_KEYS, rule_seeds), _run_rule_file),
        Target("catalogue", catalogue_dirs(), _run_catalogue),
        Target("refs", REF_TEXT, _run_ref),
        Target("cli", cli_runs(), _run_cli),
        Target("hub", hub_repos(), _run_hub),
    ]}


TARGETS = _targets()
