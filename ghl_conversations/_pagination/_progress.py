"""The guard that keeps every paging iterator from looping forever on a server that stops moving.

A server may answer the same cursor with the same page, hand back a ``lastMessageId`` or
``startAfterDate`` it already gave, or reject every cursor so that each reopened one starts over.
Each iterator reports what every answer did; the guard counts the answers in a row that brought
nothing new and raises :class:`NoProgressError`, with what it saw, once a small bound is reached.
"""

from __future__ import annotations

from collections import deque

from .._errors import NoProgressError

__all__ = ["MAX_IDLE_ANSWERS", "ProgressGuard"]

#: Answers in a row that may bring nothing new before an iterator gives up.
MAX_IDLE_ANSWERS = 3


class ProgressGuard:
    """Counts answers that brought nothing new; raises once ``limit`` of them come in a row."""

    def __init__(self, what: str, *, limit: int = MAX_IDLE_ANSWERS) -> None:
        self.what = what
        self.limit = limit
        self.idle = 0
        self._seen: deque[str] = deque(maxlen=limit)

    def progressed(self) -> None:
        """An answer brought something new: the count starts over."""
        self.idle = 0
        self._seen.clear()

    def stalled(self, observation: str) -> None:
        """An answer brought nothing new; ``observation`` says what it was (kept for the error)."""
        self.idle += 1
        self._seen.append(observation)
        if self.idle >= self.limit:
            seen = "; ".join(self._seen)
            raise NoProgressError(
                f"{self.what}: {self.idle} answers in a row brought nothing new, stopping "
                f"instead of looping ({seen})"
            )
