"""`licheck init`: a commented starter manifest and deployment context in the current folder."""

from __future__ import annotations

from pathlib import Path

import click

from licheck.errors import InputError
from licheck.files import user_file_mode, write_atomically

MANIFEST = """\
# licheck manifest: the models this project uses, checked by `licheck check`.
# Reference: docs/contract.md (section 4) in the licheck repository.
context: context.yaml                # your deployment context (a path, or the mapping inline)

models:
  # A Hub model id (org/name, or org/name@revision):
  - mistralai/Mistral-7B-v0.1
  # Per-model facts override the context's `use:` for that model only:
  # - id: meta-llama/Llama-3.1-8B-Instruct
  #   use: {trains_on_outputs: true}
  # A local model folder, a GGUF file, an Ollama model:
  # - path: ./models/my-model
  # - gguf: ./models/my-model.Q4_K_M.gguf
  # - ollama: llama3.3:70b

# Accepted findings, each with a reason, an approver and an expiry date
# (`licheck explain ID` says what a finding id means):
# waivers:
#   - rule: llama3.1/attribution
#     model: "meta-llama/*"
#     reason: "Built with Llama is on the About page"
#     approved_by: legal@example.com
#     expires: 2027-06-30
"""

CONTEXT = """\
# How you deploy the models: licheck checks every licence against these facts.
# Reference: docs/contract.md (section 2) in the licheck repository. Unknown keys are errors.
organisation:
  name: Example Ltd
  country: GB                        # ISO 3166-1 alpha-2 of your principal place of business
  # monthly_active_users: 100000     # you and your affiliates, all products
  # annual_revenue_usd: 2000000

sectors: []                          # e.g. [healthcare, finance]

use:
  commercial: true
  production: true
  offered_as_service: false          # you offer the model itself to others as an API
  distributes_weights: false         # you ship the weights (or a derivative's) to others
  derived_model_name: null           # the name of a model you publish built from these
  trains_on_outputs: false           # outputs train or improve another model
  purposes: []                       # e.g. [medical-advice]

policy:
  deny_licences: []                  # licence ids never acceptable (`licheck licences` lists them)
  # allow_licences: [apache-2.0, mit]
"""


@click.command()
def init() -> int:
    """Write a commented starter licheck.yaml and context.yaml here (never overwrites)."""
    files = {Path("licheck.yaml"): MANIFEST, Path("context.yaml"): CONTEXT}
    for path in files:
        if path.exists():
            raise InputError("already exists; licheck init never overwrites a file", path=str(path))
    for path, text in files.items():
        write_atomically(path, text, mode=user_file_mode(path))
        click.echo(f"licheck: wrote {path}", err=True)
    click.echo("licheck: now edit them, then run: licheck check", err=True)
    return 0
