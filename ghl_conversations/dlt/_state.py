"""What a sync remembers per location between runs, and the rules that make it exact.

Incremental design (messages by ``dateUpdated``, conversations by ``lastMessageDate``): a later
run reads the location **newest first by that value** and stops at the first record below
``high_water - overlap``. It never narrows the request with ``startDate``: HighLevel's date filters
may select on ``dateAdded`` whatever the sort (unconfirmed; the fake does so), and a message
created long ago but edited today would then be missed. Reading newest-first and stopping is exact
under both interpretations, and costs one page when little changed.

- ``high_water`` is the *local* time the last complete run **started**, not the newest value it
  saw: a record changed while that run was reading may have been read in its old state (or not at
  all, if it moved above the reader), and its new value is after the start, so the next run reads
  it again. The ``overlap`` (10 minutes by default) absorbs clock skew between this machine and
  HighLevel and changes that become visible late.
- Records in the overlap zone are read again every run. ``recent`` remembers their fingerprints
  (id -> value and status), so an unchanged one is skipped instead of counted and re-loaded: a
  second sync right after the first loads nothing. Merge on ``id`` makes any re-read harmless
  anyway; ``recent`` only keeps the summary truthful and the load small.
- A run in progress keeps the SDK's export checkpoint in ``run``; it is committed with each chunk
  of loaded rows (dlt stores the state in the same load), so a sync killed mid-way resumes after
  the last committed chunk and re-reads at most one chunk.
- "new" versus "updated" in the summary: new when created after the previous run's high-water
  mark (or inside its overlap and unseen by it), updated otherwise. The first run of a location
  counts everything as new.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from .._dates import parse_wire_datetime

__all__ = ["DEFAULT_OVERLAP", "LocationState", "RunState", "Verdict"]

#: How far below the high-water mark a later run reads again (clock skew, late visibility).
DEFAULT_OVERLAP = _dt.timedelta(minutes=10)


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: Any) -> _dt.datetime | None:
    return parse_wire_datetime(value) if value else None


@attrs.define
class RunState:
    """A run of one location that has not finished yet (it spans one or more loads)."""

    started: _dt.datetime
    previous_high_water: _dt.datetime | None
    checkpoint: dict[str, Any] | None = None
    recent: dict[str, str] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "started": self.started.isoformat(),
            "previous_high_water": _iso(self.previous_high_water),
            "checkpoint": self.checkpoint,
            "recent": dict(self.recent),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunState:
        started = _date(data.get("started"))
        if started is None:
            raise ValueError("a saved run has no start time")
        return cls(
            started=started,
            previous_high_water=_date(data.get("previous_high_water")),
            checkpoint=data.get("checkpoint"),
            recent=dict(data.get("recent") or {}),
        )


class Verdict:
    """What to do with one record read during a run."""

    STOP = "stop"  # below the stop line: this and everything after it is already loaded
    SKIP = "skip"  # in the overlap zone and unchanged since the previous run saw it
    NEW = "new"
    UPDATED = "updated"


@attrs.define
class LocationState:
    """The saved state of one location in one resource (``messages`` or ``conversations``)."""

    since: _dt.datetime | None = None
    high_water: _dt.datetime | None = None
    recent: dict[str, str] = attrs.field(factory=dict)
    run: RunState | None = None
    overlap: _dt.timedelta = DEFAULT_OVERLAP

    # -- persistence -----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "since": _iso(self.since),
            "high_water": _iso(self.high_water),
            "recent": dict(self.recent),
            "run": self.run.to_json() if self.run is not None else None,
        }

    @classmethod
    def load(
        cls,
        data: dict[str, Any] | None,
        *,
        since: _dt.datetime | None,
        overlap: _dt.timedelta = DEFAULT_OVERLAP,
    ) -> LocationState:
        """The saved state, or a fresh one when there is none or it was made with another
        ``since`` (a different range is a new full load; merge on ``id`` keeps rows unique)."""
        if not data or _date(data.get("since")) != since:
            return cls(since=since, overlap=overlap)
        run = data.get("run")
        return cls(
            since=since,
            high_water=_date(data.get("high_water")),
            recent=dict(data.get("recent") or {}),
            run=RunState.from_json(run) if run else None,
            overlap=overlap,
        )

    # -- a run -----------------------------------------------------------------------------

    def begin(self, now: _dt.datetime) -> RunState:
        """The run in progress, or a new one starting ``now`` (local clock)."""
        if self.run is None:
            self.run = RunState(started=now, previous_high_water=self.high_water)
        return self.run

    @property
    def full(self) -> bool:
        """Whether the current run reads everything (no complete run before it)."""
        return self.run is None or self.run.previous_high_water is None

    @property
    def stop_below(self) -> _dt.datetime | None:
        """Records whose sort value is below this were loaded by an earlier run (None on a full
        run: it reads everything the filters select, in whatever order suits it)."""
        if self.run is None or self.run.previous_high_water is None:
            return None
        line = self.run.previous_high_water - self.overlap
        return max(line, self.since) if self.since is not None else line

    def judge(
        self,
        record_id: str,
        value: _dt.datetime | None,
        created: _dt.datetime | None,
        fingerprint: str,
    ) -> str:
        """Classify one record of the run (records arrive newest first by ``value``) and
        remember it when it lies in the zone the next run reads again."""
        run = self.run
        assert run is not None, "judge() needs begin() first"
        stop = self.stop_below
        if value is not None and stop is not None and value < stop:
            return Verdict.STOP
        if value is None or value >= run.started - self.overlap:
            run.recent[record_id] = fingerprint
        previous = run.previous_high_water
        if previous is None:
            return Verdict.NEW
        seen = self.recent.get(record_id)
        if seen == fingerprint:
            return Verdict.SKIP
        if created is not None and (
            created > previous or (created >= previous - self.overlap and seen is None)
        ):
            return Verdict.NEW
        return Verdict.UPDATED

    def save_progress(self, checkpoint: dict[str, Any] | None) -> None:
        """Note how far the run got (committed with the rows loaded so far)."""
        assert self.run is not None
        self.run.checkpoint = checkpoint

    def finish(self) -> None:
        """The run read everything it had to: move the high-water mark to its start."""
        assert self.run is not None
        self.high_water = self.run.started
        self.recent = self.run.recent
        self.run = None
