"""Severities, and what `--fail-on` (and the config's `fail_on`) accept.

A bottom module of its own so that reading the config does not build the finding kinds
and the model vocabulary (dozens of dataclasses every command would pay for).
"""

from __future__ import annotations

from enum import IntEnum


class Severity(IntEnum):
    """Lowest first, so `severity >= threshold` reads naturally."""

    INFO = 0
    OBLIGATION = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity '{value}' (expected one of: {names})") from None


SEVERITIES: tuple[str, ...] = tuple(str(s) for s in Severity)

# `--fail-on X` fails on an unwaived finding at X or above; `never` never fails.
NEVER = "never"
FAIL_ON_CHOICES: tuple[str, ...] = (*SEVERITIES, NEVER)


def fail_threshold(choice: str) -> Severity | None:
    """The lowest severity that fails the gate for a `--fail-on` choice (None for `never`).

    ValueError for a word that is not a choice.
    """
    word = choice.strip().lower()
    if word == NEVER:
        return None
    if word not in FAIL_ON_CHOICES:
        raise ValueError(f"unknown --fail-on value '{choice}' (expected one of: {', '.join(FAIL_ON_CHOICES)})")
    return Severity.parse(word)
