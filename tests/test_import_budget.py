"""Offline commands must not pay for what they do not use: the Hub client, HTTP stacks,
schema validators, numpy. (Speed itself is measured by benchmarks/perf.py, not asserted.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("huggingface_hub", "httpx", "httpx2", "requests", "jsonschema", "gguf", "numpy",
         "cyclonedx", "concurrent.futures")

PROBE = """
import json, sys
from licheck.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [
    ["--version"],
    ["licences"],
    ["explain", "llama3.1/naming"],
    ["identify", "licences/llama3.1.txt"],
    ["resolve", "--offline", "meta-llama/Llama-3.1-8B-Instruct"],
    ["check", "--offline", "examples/licheck.yaml", "--format", "json"],
    ["check", "--offline", "examples/licheck.yaml", "--format", "html"],
])
def test_offline_commands_import_nothing_heavy(argv: list[str]) -> None:
    run = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    report = json.loads(run.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, 1), run.stderr
    loaded = [m for m in report["modules"] if m in HEAVY or m.split(".")[0] in HEAVY]
    assert not loaded, f"licheck {' '.join(argv)} imported {loaded}"
