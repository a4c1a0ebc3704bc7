"""The rule knowledge base: rule files as data, one checker per kind, and the evaluator.

    from licheck.rules import evaluate, default_rulebook
    findings = evaluate(lineage, context)
"""

from __future__ import annotations

from licheck.rules.evaluate import evaluate, policy_findings, provenance_findings
from licheck.rules.loader import Rulebook, default_rulebook, load_rulebook, validate_files
from licheck.rules.schema import Rule

__all__ = [
    "Rule", "Rulebook", "default_rulebook", "evaluate", "load_rulebook", "policy_findings",
    "provenance_findings", "validate_files",
]
