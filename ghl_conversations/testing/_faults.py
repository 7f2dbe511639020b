"""Fault injection for the fake server: by script (the next matching requests) or by probability.

Kinds, each what a real deployment shows now and then:

- ``server_error``: 500 with a NestJS JSON body
- ``bad_gateway``: 502 with an HTML body (a load balancer's page, not JSON)
- ``unavailable``: 503
- ``rate_limit``: 429, with ``Retry-After`` when ``retry_after`` is set
- ``reset``: the connection is dropped without a response
- ``slow``: the response is held back ``delay`` seconds (for timeouts)
- ``apply_then_error``: the request IS applied (a message is sent), then answered 500
- ``status``: any ``status`` with ``body`` (a dict) you choose
"""

from __future__ import annotations

import random
import re
from collections import deque
from typing import Any, Literal

import attrs

__all__ = ["Fault", "FaultInjector", "FaultKind"]

FaultKind = Literal[
    "server_error",
    "bad_gateway",
    "unavailable",
    "rate_limit",
    "reset",
    "slow",
    "apply_then_error",
    "status",
]


@attrs.frozen
class Fault:
    kind: FaultKind
    #: Only requests whose path matches this regular expression (and method, if set).
    path: str | None = None
    method: str | None = None
    delay: float = 0.0
    retry_after: float | None = None
    status: int = 500
    body: dict[str, Any] | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or re.search(self.path, path) is not None


@attrs.define
class FaultInjector:
    """Decides, per request, which fault (if any) the fake applies."""

    seed: int = 0
    scripted: deque[Fault] = attrs.field(factory=deque)
    rate: float = 0.0
    kinds: tuple[Fault, ...] = ()
    injected: list[tuple[str, str, FaultKind]] = attrs.field(factory=list)
    _rng: random.Random = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def script(self, *faults: Fault) -> None:
        """The next requests each fault matches get it, in order (one request per fault)."""
        self.scripted.extend(faults)

    def randomly(self, rate: float, *kinds: Fault | FaultKind, seed: int | None = None) -> None:
        """Every request gets one of ``kinds`` with probability ``rate`` (0 turns it off)."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate is a probability between 0 and 1")
        self.rate = rate
        self.kinds = tuple(k if isinstance(k, Fault) else Fault(k) for k in kinds) or (
            Fault("server_error"),
        )
        if seed is not None:
            self._rng = random.Random(seed)

    def clear(self) -> None:
        self.scripted.clear()
        self.rate = 0.0

    def pick(self, method: str, path: str) -> Fault | None:
        for fault in self.scripted:
            if fault.matches(method, path):
                self.scripted.remove(fault)
                self.injected.append((method, path, fault.kind))
                return fault
        if self.rate and self._rng.random() < self.rate:
            candidates = [f for f in self.kinds if f.matches(method, path)]
            if candidates:
                fault = self._rng.choice(candidates)
                self.injected.append((method, path, fault.kind))
                return fault
        return None
