"""The export's live progress on a terminal: one line per location, or a summary when they are many.

Every line is cut to the terminal's width, so nothing wraps and a redraw never leaves a stale
line behind; rich's live display does the redrawing (cursor movement, resizes, Windows consoles),
this module decides what the lines say. The ETA appears only once a rate is known (a second of
messages), never from a guess. Log lines (``-v``) are printed above the live lines.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO

if TYPE_CHECKING:
    from rich.live import Live

__all__ = ["LineLogHandler", "LocationState", "ProgressDisplay", "render_lines"]

#: Seconds of messages before a rate (and so an ETA) is shown.
RATE_KNOWN_AFTER = 1.0
#: Redraws per second at most.
REDRAW_INTERVAL = 0.2
#: Above this many locations (or the terminal's height), one summary line replaces the list.
MAX_LOCATION_LINES = 8


class _Export(Protocol):
    @property
    def checkpoint(self) -> dict[str, Any]: ...

    @property
    def total(self) -> int | None: ...


class LocationState(NamedTuple):
    """What is known of one location's export at one instant."""

    location: str
    #: Messages written, by this run and earlier ones.
    done: int
    total: int | None
    #: Messages written by this run.
    this_run: int
    finished: bool = False


def _duration(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _count(done: int, total: int | None) -> str:
    if total is None:
        return f"{done:,}"
    percent = f" {min(100, done * 100 // total):>3}%" if total else ""
    return f"{done:>{len(f'{total:,}')},}/{total:,}{percent}"


def _eta(done: int, total: int | None, rate: float | None) -> str:
    if total is None or not rate:
        return ""
    return f"  ETA {_duration(max(0, total - done) / rate)}"


def _rate(this_run: int, measured: float) -> float | None:
    return this_run / measured if measured >= RATE_KNOWN_AFTER and this_run else None


def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: max(0, width - 1)] + "…"


def render_lines(
    states: list[LocationState], *, width: int, height: int, measured: float
) -> list[str]:
    """The lines to show, each at most ``width`` characters.

    ``measured`` is the seconds since this run's first message (0 before it): rates and ETAs
    need at least ``RATE_KNOWN_AFTER`` of it.
    """
    rate = _rate(sum(s.this_run for s in states), measured)
    rate_text = f"  {rate:,.0f} msg/s" if rate else ""
    lines: list[str] = []
    if len(states) <= min(MAX_LOCATION_LINES, max(1, height - 2)):
        name_width = min(24, max(len(s.location) for s in states))
        for state in states:
            own = _rate(state.this_run, measured)
            mark = "done" if state.finished else _eta(state.done, state.total, own).strip()
            name = _fit(state.location, name_width).ljust(name_width)
            own_rate = f"  {own:,.0f}/s" if own and not state.finished else ""
            tail = f"  {mark}" if mark else ""
            lines.append(f"{name}  {_count(state.done, state.total)}{own_rate}{tail}")
        if len(states) > 1 and rate:
            lines.append(f"all {len(states)} locations{rate_text}")
    else:
        finished = sum(s.finished for s in states)
        done = sum(s.done for s in states)
        totals = [s.total for s in states]
        total = None if None in totals else sum(t or 0 for t in totals)
        lines.append(
            f"{len(states)} locations ({finished} done)  {_count(done, total)}"
            f"{rate_text}{_eta(done, total, rate)}"
        )
    return [_fit(line, width) for line in lines]


class ProgressDisplay:
    """Live progress of several exports on ``stream`` (a terminal); inert when disabled."""

    def __init__(
        self,
        stream: TextIO,
        exports: Mapping[str, _Export],
        *,
        enabled: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.exports = dict(exports)
        self.enabled = enabled
        #: What earlier runs exported, per location (a resumed export starts from there).
        self._before = {
            location: int(export.checkpoint.get("yielded") or 0)
            for location, export in self.exports.items()
        }
        self._stream = stream
        self._clock = clock
        self._this_run = dict.fromkeys(self.exports, 0)
        self._finished: set[str] = set()
        self._first_message: float | None = None
        self._next_draw = 0.0
        self._live: Live | None = None

    def __enter__(self) -> ProgressDisplay:
        if self.enabled:
            from rich.console import Console
            from rich.live import Live

            console = Console(file=self._stream, highlight=False, soft_wrap=False)
            self._live = Live(
                console=console,
                auto_refresh=False,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._live.start()
            LineLogHandler.display = self
            self.refresh()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._live is not None:
            LineLogHandler.display = None
            self._live.stop()
            self._live = None

    def tick(self, location: str, messages: int = 1) -> None:
        """Count ``messages`` written for ``location``; redraws at most 5 times a second."""
        self._this_run[location] += messages
        if self._live is None:
            return
        now = self._clock()
        if self._first_message is None:
            self._first_message = now
        if now >= self._next_draw:
            self.refresh()

    def finished(self, location: str) -> None:
        """Mark ``location`` complete."""
        self._finished.add(location)
        if self._live is not None:
            self.refresh()

    def states(self) -> list[LocationState]:
        """The current state of every location."""
        return [
            LocationState(
                location,
                self._before[location] + self._this_run[location],
                export.total,
                self._this_run[location],
                location in self._finished,
            )
            for location, export in self.exports.items()
        ]

    def refresh(self) -> None:
        """Redraw now."""
        if self._live is None:
            return
        from rich.text import Text

        now = self._clock()
        self._next_draw = now + REDRAW_INTERVAL
        console = self._live.console
        measured = 0.0 if self._first_message is None else now - self._first_message
        lines = render_lines(
            self.states(), width=console.width, height=console.height, measured=measured
        )
        text = Text("\n".join(lines), no_wrap=True, overflow="ellipsis")
        self._live.update(text, refresh=True)

    def print_above(self, line: str) -> None:
        """Print ``line`` above the live lines (or plainly when there are none)."""
        if self._live is None:
            print(line, file=self._stream, flush=True)
            return
        from rich.text import Text

        self._live.console.print(Text(line), soft_wrap=True)


class LineLogHandler(logging.Handler):
    """Log records as ``ghl-conversations: message`` lines on stderr, above a live display."""

    #: The live display to print above, while one is shown.
    display: ProgressDisplay | None = None

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream
        self.setFormatter(logging.Formatter("ghl-conversations: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        """Write one record (never raises)."""
        try:
            line = self.format(record)
            if self.display is not None:
                self.display.print_above(line)
            else:
                self._stream.write(line + "\n")
                self._stream.flush()
        except Exception:  # noqa: BLE001 - logging must never break the command
            self.handleError(record)
