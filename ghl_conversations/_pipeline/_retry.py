"""How long to back off between attempts: the policy's numbers alone, no I/O and no decisions
(those are ``_decision.py``'s)."""

from __future__ import annotations

import random

import attrs

__all__ = ["RetryPolicy"]


@attrs.frozen
class RetryPolicy:
    """``min(initial * 2**n, max_delay)`` seconds with jitter; ``Retry-After`` wins when given.

    ``max_retry_after``: a ``Retry-After`` longer than this is not waited out, the error is
    raised at once (a job should decide itself whether to sleep for an hour).
    """

    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
        base = min(self.initial_delay * (2**attempt), self.max_delay)
        spread: float = (rng or random).uniform(-self.jitter, self.jitter)
        return float(max(0.0, base * (1.0 + spread)))
