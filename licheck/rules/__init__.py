"""The rule knowledge base: rule files as data, one checker per kind, and the evaluator.

    from licheck.rules import Rulebook, evaluate
    findings = evaluate(lineage, context, Rulebook(corpus))
"""

from __future__ import annotations

from licheck.rules.evaluate import evaluate, policy_findings, provenance_findings
from licheck.rules.loader import Rulebook, validate_files
from licheck.rules.schema import Rule

__all__ = [
    "Rule", "Rulebook", "evaluate", "policy_findings", "provenance_findings", "validate_files",
]
