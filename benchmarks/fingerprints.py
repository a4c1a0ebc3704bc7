"""Benchmark structural fingerprints: recognition accuracy, false matches, and bounded reads.

    python benchmarks/fingerprints.py [--runs 15]

Sets, each scored against the lineage it should reveal:
* entries     every table entry, as a checkpoint of that shape would show it (config values
              and its tokenizer's special tokens);
* real        real config.json files (tests/fingerprints/data/real_configs.json: bases, real
              derivatives such as quantized, pruned, continued-pretraining, coder/math and
              instruct releases, other architectures, and "twins": independent models that
              have a base's exact shape), config.json only, no tokenizer files;
* synthetic   each real base or derivative config changed the way fine-tunes change it:
              (a) torch_dtype, max_position_embeddings, _name_or_path, 2 added tokens;
              (b) RoPE scaling added (linear, factor 4), vocabulary padded to a multiple of 64;
              (c) as (a), with the family's tokenizer_config.json special tokens.

Scores: family (a candidate of the right family, or the right tokenizer family for a merge),
size (the right entry among the candidates), unique (the right entry and nothing else),
ambiguous (more than one model named), miss (nothing matched), false (something matched, none
of it right). A twin that matches counts as a false match: structure cannot tell it apart.

Then the time and bytes read (from /proc/self/io) to get the structural facts of a 5 GB
sparse safetensors shard and a 5 GB sparse GGUF, both with real-size headers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "fingerprints")]

from fpfixtures import SPECIALS, load_real_configs, write_safetensors  # noqa: E402

from licheck.fingerprints import (  # noqa: E402
    Fingerprint,
    FingerprintTable,
    StructureMatch,
    default_fingerprints,
)
from licheck.structure import (  # noqa: E402
    StructuralFacts,
    facts_from_config,
    read_gguf_facts,
    read_structure,
)

FIVE_GB = 5 * 1024**3

# Special tokens a tokenizer_config.json of each family lists (for set (c)).
_TOKENIZER_SPECIALS = {
    "llama3": SPECIALS["llama3"], "llama2": SPECIALS["llama2"], "mistral-v1": SPECIALS["llama2"],
    "qwen": SPECIALS["qwen"], "deepseek-r1-qwen": SPECIALS["deepseek-r1"],
    "gemma": SPECIALS["gemma"], "gemma3": SPECIALS["gemma"],
}


def outcome(match: StructureMatch, expect: list[str] | None, table: FingerprintTable) -> str:
    got = set(match.fingerprints) if match.level == "shape" else set()
    toks = {t.id for t in match.tokenizer} if match.level == "tokenizer" else set()
    if expect is None:
        return "miss" if not match.matched else "false"
    want = {fp for e in expect if not e.startswith("tokenizer:") and (fp := table.get(e))}
    want_toks = {e.split(":", 1)[1] for e in expect if e.startswith("tokenizer:")}
    if not match.matched:
        return "miss"
    if match.level == "shape":
        if got & want:
            return "unique" if len({fp.name for fp in got}) == 1 else "ambiguous"
        families = {fp.family for fp in want}
        if any(fp.family in families or fp.tokenizer.id in want_toks for fp in got):
            return "family"
        return "false"
    right_toks = want_toks | {fp.tokenizer.id for fp in want}
    return "family" if toks & right_toks else "false"


def score(rows: Iterable[tuple[StructureMatch, list[str] | None]], table: FingerprintTable) -> Counter[str]:
    return Counter(outcome(m, e, table) for m, e in rows)


def entry_facts(fp: Fingerprint) -> StructuralFacts:
    return StructuralFacts(
        architecture=fp.architecture[0] if fp.architecture else None, layers=fp.layers,
        hidden=fp.hidden, intermediate=fp.intermediate, heads=fp.heads, kv_heads=fp.kv_heads,
        vocab=fp.vocabs[0], experts=fp.experts, rope_type=fp.rope_type,
        context_length=fp.context_length, special_tokens=frozenset(fp.tokenizer.markers))


def fine_tune(cfg: dict[str, Any], variant: str) -> dict[str, Any]:
    """The changes fine-tunes make to config.json (see the module docstring)."""
    out = json.loads(json.dumps(cfg))
    target = out["text_config"] if isinstance(out.get("text_config"), dict) else out
    vocab = target.get("vocab_size")
    if variant == "a":
        out.update(torch_dtype="float16", _name_or_path="/scratch/runs/sft/checkpoint-1200")
        target["max_position_embeddings"] = 4096
        if isinstance(vocab, int):
            target["vocab_size"] = vocab + 2
    else:
        target["rope_scaling"] = {"type": "linear", "factor": 4.0}
        if isinstance(vocab, int):
            target["vocab_size"] = -(-(vocab + 1) // 64) * 64
    return out


def accuracy(table: FingerprintTable) -> list[tuple[str, int, Counter[str]]]:
    real = load_real_configs()
    sets: list[tuple[str, int, Counter[str]]] = []
    rows = [(table.match(entry_facts(fp)), [fp.id]) for fp in table.fingerprints]
    sets.append(("entries", len(rows), score(rows, table)))
    for kind in ("base", "derivative", "twin", "negative"):
        items = [i for i in real.values() if i["kind"] == kind]
        rows = [(table.match(facts_from_config(i["config"])), i["expect"]) for i in items]
        sets.append((f"real {kind}", len(rows), score(rows, table)))
    lineage = [i for i in real.values() if i["kind"] in ("base", "derivative")]
    for variant in ("a", "b"):
        rows = [(table.match(facts_from_config(fine_tune(i["config"], variant))), i["expect"])
                for i in lineage]
        sets.append((f"synthetic ({variant})", len(rows), score(rows, table)))
    rows = []
    for i in lineage:
        facts = facts_from_config(fine_tune(i["config"], "a"))
        truth = [fp for e in i["expect"] if not e.startswith("tokenizer:") and (fp := table.get(e))]
        tok = truth[0].tokenizer.id if truth else None
        specials = _TOKENIZER_SPECIALS.get(tok or "")
        if specials is not None:
            facts = facts.merged(StructuralFacts(special_tokens=frozenset(specials.values())),
                                 other_name="tokenizer_config.json")
        rows.append((table.match(facts), i["expect"]))
    sets.append(("synthetic (c)", len(rows), score(rows, table)))
    return sets


def print_accuracy(sets: list[tuple[str, int, Counter[str]]]) -> None:
    cols = ("unique", "ambiguous", "family", "miss", "false")
    print(f"{'set':<20}{'n':>5}  {'family%':>8}{'size%':>7}  " + "".join(f"{c:>10}" for c in cols)
          + f"{'false%':>8}")
    for name, n, c in sets:
        size = c["unique"] + c["ambiguous"]
        family = size + c["family"]
        print(f"{name:<20}{n:>5}  {100 * family / n:>7.1f}%{100 * size / n:>6.1f}%  "
              + "".join(f"{c[k]:>10}" for k in cols) + f"{100 * c['false'] / n:>7.1f}%")


# --- bounded reads -----------------------------------------------------------------------------

def _rchar() -> int:
    with open("/proc/self/io", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("rchar:"):
                return int(line.split()[1])
    return 0


def measure(read: Callable[[], StructuralFacts], runs: int) -> tuple[float, int, StructuralFacts]:
    times, reads = [], []
    facts = read()
    for _ in range(runs):
        before = _rchar()
        t = time.perf_counter()
        facts = read()
        times.append(time.perf_counter() - t)
        reads.append(_rchar() - before)
    return statistics.median(times), max(reads), facts


def sparse_safetensors(folder: Path) -> Path:
    """A single-file checkpoint shaped like Gemma 2 2B in BF16 (5.2 GB), sparse: the real
    header (names, dtypes, shapes, offsets) and a hole where the weights would be."""
    from fpfixtures import hf_tensors
    tensors = hf_tensors(layers=26, hidden=2304, intermediate=9216, heads=8, kv_heads=4,
                         head_dim=256, vocab=256000, tie=True)
    path = folder / "model.safetensors"
    write_safetensors(path, tensors)
    return path


def sparse_gguf(folder: Path) -> Path:
    """A Llama 3.1 8B-shaped GGUF header (128,256 tokens, 280,000 merges), 5 GB sparse."""
    import gguf
    path = folder / "model-Q4_K_M.gguf"
    w = gguf.GGUFWriter(str(path), arch="llama")
    w.add_name("Model")
    w.add_block_count(32)
    w.add_context_length(131072)
    w.add_embedding_length(4096)
    w.add_feed_forward_length(14336)
    w.add_head_count(32)
    w.add_head_count_kv(8)
    w.add_rope_freq_base(500000.0)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("llama-bpe")
    tokens = [f"tok{i:06d}" for i in range(128256)]
    for i, t in SPECIALS["llama3"].items():
        tokens[i] = t
    w.add_token_list(tokens)
    w.add_token_types([1] * len(tokens))
    w.add_token_merges([f"tok{i:06d} tok{i + 1:06d}" for i in range(280000)])
    w.add_bos_token_id(128000)
    w.add_eos_token_id(128009)
    w.add_chat_template("{% for m in messages %}{{ m.content }}{% endfor %}" * 40)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    header_bytes = path.stat().st_size
    os.truncate(path, FIVE_GB)
    print(f"  (GGUF key/value block: {header_bytes / 1e6:.1f} MB, file {FIVE_GB / 1e9:.1f} GB sparse)")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    table = default_fingerprints()
    print(f"fingerprint table: {len(table.fingerprints)} entries, "
          f"{len(table.tokenizers)} tokenizer families\n")
    print_accuracy(accuracy(table))
    print("\nstructural facts of 5 GB files (median of", args.runs, "runs; bytes read = rchar):")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        st = sparse_safetensors(folder)
        gg = sparse_gguf(folder)
        for label, path, reader in (("safetensors", st, read_structure),
                                    ("GGUF", gg, read_gguf_facts)):
            seconds, nbytes, facts = measure(lambda p=path, r=reader: r(p), args.runs)  # type: ignore[misc]
            match = table.match(facts)
            print(f"  {label:<12} {os.path.getsize(path) / 1e9:.1f} GB: {seconds * 1000:6.1f} ms, "
                  f"{nbytes / 1e6:5.2f} MB read -> {match.summary()}")


if __name__ == "__main__":
    main()
