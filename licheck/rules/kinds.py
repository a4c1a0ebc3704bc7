"""Each rule kind's whole record: the vocabulary's `Kind` plus the parts that live in this layer.

`licheck.kinds` (the bottom layer) holds a kind's name, severity, words and parameters; the
checker reads the deployment context and the words for what it compares use the checkers'
formatting, so both are attached here. A rule kind without a checker fails at import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from licheck import kinds
from licheck.kinds import Kind
from licheck.rules.checkers import CHECKERS, Checker
from licheck.rules.describe import TESTS
from licheck.rules.schema import Rule


@dataclass(frozen=True)
class RuleKind:
    """A kind a rule file may carry: its record, its checker, and what the checker compares."""

    kind: Kind
    check: Checker
    test: Callable[[Rule], str]

    @property
    def name(self) -> str:
        return self.kind.name


RULE_KINDS: Mapping[str, RuleKind] = MappingProxyType({
    name: RuleKind(kinds.KINDS[name], CHECKERS[name], TESTS[name]) for name in kinds.RULE_KINDS
})
