"""The incremental rules of a sync, without a database: where a run stops, what it skips, what it
calls new, and that the state survives its JSON round trip (dlt stores it as JSON)."""

from __future__ import annotations

import datetime as _dt

import orjson

from ghl_conversations.dlt._state import DEFAULT_OVERLAP, LocationState, Verdict

T0 = _dt.datetime(2026, 1, 1, 12, 0, tzinfo=_dt.UTC)
MINUTE = _dt.timedelta(minutes=1)
Record = tuple[str, _dt.datetime, _dt.datetime, str]


def _roundtrip(state: LocationState) -> LocationState:
    data = orjson.loads(orjson.dumps(state.to_json()))
    return LocationState.load(data, since=state.since)


def _complete_run(state: LocationState, started: _dt.datetime, records: list[Record]) -> list[str]:
    """Run over ``records`` (id, value, created, fingerprint), newest value first; the verdicts."""
    state.begin(started)
    verdicts = []
    for record in records:
        verdict = state.judge(*record)
        verdicts.append(verdict)
        if verdict == Verdict.STOP:
            break
    state.finish()
    return verdicts


def test_a_first_run_reads_everything_and_calls_it_new() -> None:
    state = LocationState()
    old = T0 - _dt.timedelta(days=30)
    verdicts = _complete_run(state, T0, [("b", old + MINUTE, old, "f"), ("a", old, old, "f")])
    assert verdicts == [Verdict.NEW, Verdict.NEW]
    assert state.high_water == T0  # the run's start, not the newest value it saw
    assert state.recent == {}  # nothing near the high-water mark to remember


def test_a_later_run_stops_below_the_previous_start_minus_the_overlap() -> None:
    state = LocationState()
    _complete_run(state, T0, [])
    state = _roundtrip(state)
    line = T0 - DEFAULT_OVERLAP
    state.begin(T0 + _dt.timedelta(hours=1))
    assert state.stop_below == line
    assert state.judge("x", line, line, "f") != Verdict.STOP  # the boundary itself is read
    assert state.judge("y", line - _dt.timedelta(milliseconds=1), line, "f") == Verdict.STOP


def test_unchanged_records_in_the_overlap_are_skipped_and_changed_ones_updated() -> None:
    state = LocationState()
    near = T0 - 2 * MINUTE  # inside the overlap of the first run's start
    created = T0 - _dt.timedelta(days=1)
    _complete_run(state, T0, [("same", near, created, "v1"), ("edited", near, created, "v1")])
    assert set(state.recent) == {"same", "edited"}
    state = _roundtrip(state)

    verdicts = _complete_run(
        state,
        T0 + _dt.timedelta(hours=1),
        [("edited", near, created, "v2"), ("same", near, created, "v1")],
    )

    assert verdicts == [Verdict.UPDATED, Verdict.SKIP]


def test_new_means_created_after_the_previous_run_or_unseen_inside_its_overlap() -> None:
    state = LocationState()
    _complete_run(state, T0, [])
    state.begin(T0 + _dt.timedelta(hours=1))
    later = T0 + MINUTE
    assert state.judge("created-later", later, later, "f") == Verdict.NEW
    late = T0 - MINUTE  # created before the last run started, but it never saw it
    assert state.judge("visible-late", late, late, "f") == Verdict.NEW
    long_ago = T0 - _dt.timedelta(days=3)
    assert state.judge("edited", later, long_ago, "f") == Verdict.UPDATED


def test_a_run_in_progress_keeps_its_checkpoint_and_start_across_loads() -> None:
    state = LocationState()
    state.begin(T0)
    state.save_progress({"kind": "export", "version": 1})
    state = _roundtrip(state)
    run = state.begin(T0 + _dt.timedelta(hours=5))  # a later load continues the same run
    assert run.started == T0
    assert run.checkpoint == {"kind": "export", "version": 1}
    assert state.full


def test_another_since_starts_over() -> None:
    state = LocationState(since=T0)
    _complete_run(state, T0, [])
    again = LocationState.load(state.to_json(), since=T0 - _dt.timedelta(days=1))
    assert again.high_water is None
    assert LocationState.load(state.to_json(), since=T0).high_water == T0
