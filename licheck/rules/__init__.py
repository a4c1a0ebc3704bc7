"""The rule knowledge base: rule files as data (`loader`, `schema`), one checker per kind
(`checkers`), and the evaluator (`evaluate`).

    from licheck.rules.evaluate import evaluate
    from licheck.rules.loader import Rulebook
    findings = evaluate(lineage, context, Rulebook(corpus))

The package imports nothing itself, so a command that only reads rules (or none) does not
load the evaluator.
"""
