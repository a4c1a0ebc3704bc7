"""The README's examples of `notice`, `diff` and `models` are what the commands print."""

from __future__ import annotations

import re
from pathlib import Path

from cmd_helpers import FIXTURES, run

README = Path(__file__).resolve().parents[2] / "README.md"


def example(heading: str) -> list[str]:
    """The lines of the first code block after `heading`, without `$` commands and `...`."""
    text = README.read_text(encoding="utf-8")
    block = re.search(re.escape(heading) + r".*?```\n(.*?)```", text, flags=re.S)
    assert block is not None, heading
    return [line for line in block.group(1).splitlines() if not line.startswith("$") and line != "..."]


def test_models_example(work: Path) -> None:
    code, out, _err = run("models", "--task", "image-generation", "--context", str(FIXTURES / "internal.yaml"))
    assert code == 0
    for line in example("`licheck models`"):
        assert line in out.splitlines(), line


def test_diff_example(work: Path) -> None:
    code, out, _err = run("diff", "llama3", "llama3.1")
    assert code == 0
    for line in example("`licheck diff`"):
        assert line in out.splitlines(), line


def test_notice_example(work: Path) -> None:
    (work / "context.yaml").write_text("organisation: {name: Acme, country: US}\nuse: {distributes_weights: true}\n",
                                       encoding="utf-8")
    code, _out, err = run("notice", "--context", "context.yaml", "--output", "dist",
                          "meta-llama/Llama-3.1-8B-Instruct", "google/gemma-2-9b-it")
    assert code == 0
    lines = example("`licheck notice`")
    assert lines[0] == err.strip()
    assert "\n".join(lines[1:]) + "\n" == (work / "dist" / "NOTICE").read_text(encoding="utf-8")
