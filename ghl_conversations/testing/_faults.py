"""Fault injection for the fake server: scripted (the next matching requests), persistent
(``always``, until ``clear``) or by probability (``randomly``).

Kinds, each what a real deployment (or something between it and you) shows now and then:

- ``server_error``: 500 with a NestJS JSON body
- ``bad_gateway``: 502 with an HTML body (a load balancer's page, not JSON)
- ``unavailable``: 503
- ``rate_limit``: 429, with ``Retry-After`` when ``retry_after`` is set
- ``reset``: the connection is dropped without a response
- ``slow``: the response is held back ``delay`` seconds (for timeouts)
- ``apply_then_error``: the request IS applied (a message is sent), then answered 500
- ``status``: any ``status`` with ``body`` (a dict) you choose
- ``empty_body``: the request is applied, then answered 200 with an empty body
- ``truncated_body``: the request is applied, then answered 200 with its JSON cut in half
- ``html_200``: 200 with an HTML page (a captive portal or maintenance page), request not applied
- ``redirect``: a 3xx (``status`` if it is one, else 302) whose ``Location`` points elsewhere
  (``location``, default a path on the fake that does not exist), request not applied
- ``malformed_field``: the request is applied, then answered with valid JSON in which every
  ``field`` (default ``dateAdded``), at any depth, holds ``value`` (default ``"not-a-date"``);
  e.g. ``Fault("malformed_field", field="messages", value="oops")`` for a page whose
  ``messages`` is not a list. If the answer has no such field, it is added at the top level.
- ``stuck_cursor``: a paging request that carries a position (export ``cursor``, conversation
  messages ``lastMessageId``, search ``startAfterDate``) is answered with the same page and the
  same next cursor / marker for ever: the export repeats the page after the cursor and hands the
  same cursor back; conversation messages repeat the page and its ``lastMessageId`` is the one
  asked for; search ignores ``startAfterDate`` (its first page again, ending at that position).
  Requests without a position are not matched (the first page is normal).
- ``always_expired_cursor``: an export request carrying a ``cursor`` is rejected as expired
  (the fake's usual 400 "Cursor has expired"); an export reopened without a cursor answers its
  first page again. Requests without a cursor are not matched.

Answers streamed as files (call recordings) are not rewritten by the body-changing kinds.
"""

from __future__ import annotations

import random
import re
from collections import deque
from collections.abc import Mapping
from typing import Any, Literal

import attrs

__all__ = ["Fault", "FaultInjector", "FaultKind", "PAGING_POSITIONS"]

FaultKind = Literal[
    "server_error",
    "bad_gateway",
    "unavailable",
    "rate_limit",
    "reset",
    "slow",
    "apply_then_error",
    "status",
    "empty_body",
    "truncated_body",
    "html_200",
    "redirect",
    "malformed_field",
    "stuck_cursor",
    "always_expired_cursor",
]

#: The query parameters that say where a paging request resumes, one per paging shape.
PAGING_POSITIONS = ("cursor", "lastMessageId", "startAfterDate")


@attrs.frozen
class Fault:
    """One fault to inject: its kind, which requests it matches, and the kind's parameters."""

    kind: FaultKind
    #: Only requests whose path matches this regular expression (and method, if set).
    path: str | None = None
    method: str | None = None
    delay: float = 0.0
    retry_after: float | None = None
    status: int = 500
    body: dict[str, Any] | None = None
    #: ``malformed_field``: the field to break, and the value it gets.
    field: str = "dateAdded"
    value: Any = "not-a-date"
    #: ``redirect``: where the ``Location`` header points (default: elsewhere on the fake).
    location: str | None = None

    def matches(self, method: str, path: str, query: Mapping[str, str] | None = None) -> bool:
        """Whether this fault applies to a request (the paging kinds need a position in it)."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is not None and re.search(self.path, path) is None:
            return False
        if self.kind == "stuck_cursor":
            return query is not None and any(query.get(name) for name in PAGING_POSITIONS)
        if self.kind == "always_expired_cursor":
            return query is not None and bool(query.get("cursor")) and path.endswith("/export")
        return True


@attrs.define
class FaultInjector:
    """Decides, per request, which fault (if any) the fake applies.

    Scripted faults come first (each used once), then persistent ones (``always``), then random
    ones. Every applied fault is appended to ``injected`` as ``(method, path, kind)``.
    """

    seed: int = 0
    scripted: deque[Fault] = attrs.field(factory=deque)
    persistent: list[Fault] = attrs.field(factory=list)
    rate: float = 0.0
    kinds: tuple[Fault, ...] = ()
    injected: list[tuple[str, str, FaultKind]] = attrs.field(factory=list)
    _rng: random.Random = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def script(self, *faults: Fault | FaultKind) -> None:
        """The next requests each fault matches get it, in order (one request per fault)."""
        self.scripted.extend(_as_fault(f) for f in faults)

    def always(self, *faults: Fault | FaultKind) -> None:
        """Every matching request gets the first of ``faults`` it matches, until ``clear()``."""
        self.persistent.extend(_as_fault(f) for f in faults)

    def randomly(self, rate: float, *kinds: Fault | FaultKind, seed: int | None = None) -> None:
        """Every request gets one of ``kinds`` with probability ``rate`` (0 turns it off)."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate is a probability between 0 and 1")
        self.rate = rate
        self.kinds = tuple(_as_fault(k) for k in kinds) or (Fault("server_error"),)
        if seed is not None:
            self._rng = random.Random(seed)

    def clear(self) -> None:
        """Stop injecting: scripted, persistent and random faults are all dropped."""
        self.scripted.clear()
        self.persistent.clear()
        self.rate = 0.0

    def pick(self, method: str, path: str, query: Mapping[str, str] | None = None) -> Fault | None:
        """The fault this request gets, if any (recorded in ``injected``)."""
        chosen = self._choose(method, path, query)
        if chosen is not None:
            self.injected.append((method, path, chosen.kind))
        return chosen

    def _choose(self, method: str, path: str, query: Mapping[str, str] | None) -> Fault | None:
        for fault in self.scripted:
            if fault.matches(method, path, query):
                self.scripted.remove(fault)
                return fault
        for fault in self.persistent:
            if fault.matches(method, path, query):
                return fault
        if self.rate and self._rng.random() < self.rate:
            candidates = [f for f in self.kinds if f.matches(method, path, query)]
            if candidates:
                return self._rng.choice(candidates)
        return None


def _as_fault(fault: Fault | FaultKind) -> Fault:
    return fault if isinstance(fault, Fault) else Fault(fault)
