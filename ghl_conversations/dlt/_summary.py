"""What a sync did: rows new and updated per table and location, and progress as it goes."""

from __future__ import annotations

import threading
from collections.abc import Callable

import attrs

__all__ = ["ProgressEvent", "SyncStopped", "SyncSummary", "TableCounts", "Tally"]


class SyncStopped(Exception):
    """A sync was asked to stop (``stop`` set); loads committed before it are kept."""


@attrs.define
class TableCounts:
    """Rows a sync wrote to one table for one location."""

    new: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        """New and updated rows together."""
        return self.new + self.updated


@attrs.frozen
class ProgressEvent:
    """One page read: ``loaded`` rows of ``table`` for ``location`` so far in this sync, of
    about ``total`` (what the export reports for a full run; None when unknown)."""

    table: str
    location: str
    loaded: int
    total: int | None
    read: int


@attrs.define
class SyncSummary:
    """The outcome of :func:`~ghl_conversations.dlt.sync`."""

    counts: dict[tuple[str, str], TableCounts]
    loads: int
    seconds: float
    destination: str
    dataset: str

    @property
    def nothing_new(self) -> bool:
        """True when the destination was already up to date."""
        return all(c.total == 0 for c in self.counts.values())

    @property
    def rows(self) -> int:
        """Rows written in all tables and locations."""
        return sum(c.total for c in self.counts.values())

    def lines(self) -> list[str]:
        """A human summary, one line per table and location."""
        if self.nothing_new:
            return [f"nothing new: {self.destination} (dataset {self.dataset}) is up to date"]
        lines = []
        for (table, location), counts in sorted(self.counts.items()):
            lines.append(f"{table} {location}: {counts.new:,} new, {counts.updated:,} updated")
        lines.append(
            f"{self.rows:,} rows in {self.loads} load(s), {self.seconds:.1f}s "
            f"-> {self.destination} (dataset {self.dataset})"
        )
        return lines


@attrs.define
class Tally:
    """Counts and completion shared by the resources (dlt's thread) and the driver."""

    on_progress: Callable[[ProgressEvent], None] | None = None
    counts: dict[tuple[str, str], TableCounts] = attrs.field(factory=dict)
    read: dict[tuple[str, str], int] = attrs.field(factory=dict)
    #: Locations whose messages still have a run in progress after the last load.
    unfinished: set[str] = attrs.field(factory=set)
    _lock: threading.Lock = attrs.field(factory=threading.Lock)

    def add(self, table: str, location: str, *, new: int, updated: int, read: int) -> None:
        with self._lock:
            counts = self.counts.setdefault((table, location), TableCounts())
            counts.new += new
            counts.updated += updated
            self.read[table, location] = self.read.get((table, location), 0) + read

    def progress(self, table: str, location: str, total: int | None) -> None:
        if self.on_progress is None:
            return
        counts = self.counts.get((table, location), TableCounts())
        self.on_progress(
            ProgressEvent(table, location, counts.total, total, self.read.get((table, location), 0))
        )
