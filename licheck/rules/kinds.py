"""Each rule kind's whole record: the vocabulary's `Kind` plus the parts that live in this layer.

`licheck.kinds` (the bottom layer) holds a kind's name, severity, words and parameters; the
checker reads the deployment context, so it is attached here. A rule kind without a checker
fails at import. What each checker compares, in words, is `licheck.rules.describe.TESTS`
(for `explain`; a test holds it to every rule kind).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from licheck import kinds
from licheck.kinds import Kind
from licheck.rules.checkers import CHECKERS, Checker


class RuleKind(NamedTuple):
    """A kind a rule file may carry: its record and its checker."""

    kind: Kind
    check: Checker

    @property
    def name(self) -> str:
        return self.kind.name


RULE_KINDS: Mapping[str, RuleKind] = MappingProxyType({
    name: RuleKind(kinds.KINDS[name], CHECKERS[name]) for name in kinds.RULE_KINDS
})
