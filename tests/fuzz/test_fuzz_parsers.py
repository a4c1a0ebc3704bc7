"""Every parser that takes outside input, fed hostile input: a result or a clean LicheckError.

The strategies and the contract live in `fuzz_targets.py` (shared with `fuzz/campaign.py`,
which runs the same targets for minutes). Here each target gets a bounded number of examples
so the suite stays fast; the campaign is where the long runs happen.
"""

from __future__ import annotations

import pytest
from fuzz_targets import TARGETS
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.slow  # `pytest -m "not slow"` leaves the fuzz targets to CI

# Slow targets (a CLI run, a catalogue folder, a model directory) get fewer examples.
EXAMPLES = {"cli": 20, "catalogue": 20, "local-dir": 30, "hub": 15}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz_target(name: str) -> None:
    target = TARGETS[name]

    @settings(max_examples=EXAMPLES.get(name, 40), deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(target.strategy)
    def fuzz(value: object) -> None:
        # `run` returns normally on a result or a clean one-line LicheckError and raises
        # AssertionError (or the escaping exception) otherwise; hypothesis shrinks it.
        target.run(value)
        tried.append(value)

    tried: list[object] = []
    fuzz()
    # A strategy that filters everything out would make this test pass vacuously.
    assert len(tried) >= min(10, EXAMPLES.get(name, 40)), f"{name}: only {len(tried)} inputs ran"
