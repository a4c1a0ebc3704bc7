"""Offline commands must not pay for what they do not use: the Hub client, HTTP stacks,
schema validators, numpy; and, once the bundled data is in the cache, PyYAML for commands
that read no YAML of the user's. (Speed itself is measured by benchmarks/perf.py.)"""

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


def probe(argv: list[str]) -> tuple[int, list[str], str]:
    """(exit code, modules loaded, stdout) of `licheck ARGV` in a fresh interpreter."""
    run = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    report = json.loads(run.stderr.strip().splitlines()[-1])
    return report["code"], report["modules"], run.stdout


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
    code, modules, _ = probe(argv)
    assert code in (0, 1)
    loaded = [m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY]
    assert not loaded, f"licheck {' '.join(argv)} imported {loaded}"


@pytest.mark.parametrize("argv", [
    ["licences"],
    ["explain", "llama3.1/naming"],
    ["resolve", "--offline", "meta-llama/Llama-3.1-8B-Instruct"],
])
def test_a_warm_data_cache_spares_pyyaml(argv: list[str]) -> None:
    cold_code, cold_modules, cold_out = probe(argv)
    warm_code, warm_modules, warm_out = probe(argv)   # the same cache folder (conftest)
    assert "yaml" in cold_modules          # the first run parsed the bundled data
    assert "yaml" not in warm_modules      # the second rebuilt it from the cache
    assert (warm_code, warm_out) == (cold_code, cold_out)
