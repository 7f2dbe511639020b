"""HighLevel's rate limits as the fake enforces them: per location, a burst budget
(``rate_limit`` requests per ``rate_interval`` seconds, sliding) and a daily one, with the
``X-RateLimit-*`` headers on every answer and ``Retry-After`` on a 429 (when enabled)."""

from __future__ import annotations

from collections import Counter, deque

from .._clock import Clock
from ._settings import FakeSettings

__all__ = ["RateLimited", "RateLimiter"]


class RateLimited(Exception):
    """The budget is spent: answer 429 with these headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("rate limited")
        self.headers = headers


class RateLimiter:
    """One sliding window and one daily count per budget (a location)."""

    def __init__(self, settings: FakeSettings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self._windows: dict[str, deque[float]] = {}
        self._daily: dict[str, int] = {}
        #: 429s answered, in all and per budget.
        self.limited = 0
        self.limited_by_budget: Counter[str] = Counter()

    def take(self, budget: str) -> dict[str, str]:
        """Spend one request of ``budget``: its rate headers, or ``RateLimited``."""
        settings = self.settings
        now = self.clock.monotonic()
        window = self._windows.setdefault(budget, deque())
        while window and window[0] <= now - settings.rate_interval:
            window.popleft()
        used_today = self._daily.get(budget, 0)
        limited = len(window) >= settings.rate_limit or used_today >= settings.daily_limit
        if not limited:
            window.append(now)
            used_today += 1
            self._daily[budget] = used_today
        headers = {
            "X-RateLimit-Max": str(settings.rate_limit),
            "X-RateLimit-Remaining": str(max(0, settings.rate_limit - len(window))),
            "X-RateLimit-Interval-Milliseconds": str(int(settings.rate_interval * 1000)),
            "X-RateLimit-Limit-Daily": str(settings.daily_limit),
            "X-RateLimit-Daily-Remaining": str(max(0, settings.daily_limit - used_today)),
        }
        if limited:
            self.limited += 1
            self.limited_by_budget[budget] += 1
            reset = (window[0] + settings.rate_interval - now) if window else settings.rate_interval
            if settings.retry_after_header:
                headers["Retry-After"] = str(max(1, int(reset + 0.999)))
            raise RateLimited(headers)
        return headers
