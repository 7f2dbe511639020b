"""The fleet's parts without a Temporal server: sink, token mapping, workflow ids, activities."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import importlib.util
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio

pytest.importorskip("temporalio")

from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

import ghl_conversations as ghl
from ghl_conversations.cli import _fleet
from ghl_conversations.cli._exit_codes import ExitCode
from ghl_conversations.temporal import (
    ChunkInput,
    DirectorySink,
    FleetActivities,
    LocationExportInput,
    LocationTokens,
    PlanInput,
    workflow_id_for,
)
from ghl_conversations.temporal._devserver import free_port
from ghl_conversations.testing import FakeHighLevel

LOCATION = "unitLocation00000001"
TOKEN = "pit-unit-location-token-1"

# -- the directory sink ----------------------------------------------------------------------


def _records(start: int, stop: int) -> list[dict[str, Any]]:
    return [{"id": f"m{i}", "locationId": LOCATION} for i in range(start, stop)]


def _lines(path: str) -> list[str]:
    with open(path, "rb") as handle:
        return [orjson.loads(line)["id"] for line in handle]


async def test_a_resumed_chunk_keeps_only_recorded_bytes_and_publishes_once(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path)
    first = sink.open_chunk(LOCATION, 0, None)
    await first.write(_records(0, 10))
    position = await first.checkpoint()
    await first.write(_records(10, 15))  # written, never recorded: the attempt "dies" here
    await first.checkpoint()
    assert sink.completed(LOCATION, 0) is None

    second = sink.open_chunk(LOCATION, 0, position)
    await second.write(_records(10, 20))
    path = await second.commit()

    assert _lines(path) == [f"m{i}" for i in range(20)]
    assert sink.completed(LOCATION, 0) == path
    assert [n for n in os.listdir(tmp_path / LOCATION) if n.endswith(".part")] == []


async def test_a_zombie_attempt_cannot_add_lines_to_a_published_chunk(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path)
    zombie = sink.open_chunk(LOCATION, 3, None)
    await zombie.write(_records(0, 5))
    position = await zombie.checkpoint()
    successor = sink.open_chunk(LOCATION, 3, position)
    await successor.write(_records(5, 8))
    path = await successor.commit()
    await zombie.write(_records(100, 110))  # still running somewhere, writing its own segment
    await zombie.close()
    assert _lines(path) == [f"m{i}" for i in range(8)]


def test_a_position_naming_a_file_outside_the_sink_is_refused(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path)
    with pytest.raises(ValueError, match="outside the sink"):
        sink.open_chunk(LOCATION, 0, {"segments": [["../../etc/passwd", 10]]})


def test_an_output_directory_belongs_to_one_export_and_keeps_its_plan(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path)
    job = {"channel": None, "start_date": None, "end_date": None}
    assert sink.claim(LOCATION, job) is None
    assert sink.claim(LOCATION, dict(job)) is None  # the same export again: fine, no plan yet
    plan = {"chunks": [[None, "2024-01-01T00:00:00.000+00:00"]], "total": 7}
    sink.record_plan(LOCATION, job, plan)
    assert DirectorySink(tmp_path).claim(LOCATION, dict(job)) == plan
    with pytest.raises(ValueError, match="another export"):
        sink.claim(LOCATION, {**job, "channel": "SMS"})


def test_sink_specs_round_trip_and_bad_specs_are_refused(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path)
    assert DirectorySink.from_spec(sink.spec()).path == sink.path
    with pytest.raises(ValueError, match="path"):
        DirectorySink.from_spec({"kind": "directory"})
    with pytest.raises(ValueError, match="location"):
        sink.chunk_path("../x", 0)


# -- tokens per location ---------------------------------------------------------------------


async def test_location_tokens_answer_each_location_and_refuse_unknown_ones(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_bytes(orjson.dumps({"locA": "pit-a-secret", "locB": "pit-b-secret"}))
    tokens = LocationTokens.from_file(path)
    assert await tokens.get_token("locA") == "pit-a-secret"
    assert await tokens.get_token("locB") == "pit-b-secret"
    assert tokens.bucket_key("locA") != tokens.bucket_key("locB")
    assert await tokens.invalidate("locA", "pit-a-secret") is False
    assert "secret" not in repr(tokens)
    with pytest.raises(ghl.AuthenticationError) as caught:
        await tokens.get_token("locC")
    assert "secret" not in str(caught.value)


async def test_location_tokens_from_the_environment_fall_back_to_one_token() -> None:
    env = {"GHL_TOKENS": '{"locA": "pit-a"}', "GHL_TOKEN": "pit-everyone"}
    tokens = LocationTokens.from_environment(env)
    assert await tokens.get_token("locA") == "pit-a"
    assert await tokens.get_token("locZ") == "pit-everyone"
    with pytest.raises(ValueError, match="JSON object"):
        LocationTokens.from_environment({"GHL_TOKENS": "[1, 2]"})


def test_a_token_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("locA pit-a\n")
    with pytest.raises(ValueError, match="not JSON"):
        LocationTokens.from_file(path)


# -- workflow ids ----------------------------------------------------------------------------


def test_the_same_export_gets_the_same_workflow_id_and_another_export_another() -> None:
    base = LocationExportInput(location_id=LOCATION, sink={"kind": "directory", "path": "/o"})
    same = dataclasses.replace(base, progress_next=7, progress_messages=123, concurrency=9)
    assert workflow_id_for(same) == workflow_id_for(base)
    assert workflow_id_for(base).startswith(f"ghl-export/{LOCATION}/")
    others = [
        dataclasses.replace(base, channel="SMS"),
        dataclasses.replace(base, start_date="2024-01-01T00:00:00.000+00:00"),
        dataclasses.replace(base, end_date="2024-02-01T00:00:00.000+00:00"),
        dataclasses.replace(base, sink={"kind": "directory", "path": "/elsewhere"}),
        dataclasses.replace(base, location_id="otherLocation"),
    ]
    assert len({workflow_id_for(o) for o in others} | {workflow_id_for(base)}) == 6


# -- activities, against the fake -------------------------------------------------------------


@pytest_asyncio.fixture
async def fleet_fake() -> AsyncIterator[FakeHighLevel]:
    async with FakeHighLevel(
        seed=11,
        messages=300,
        location_id=LOCATION,
        tokens={LOCATION: TOKEN},
        rate_limit=1_000,
        latency=0.01,  # a page takes long enough for the activity to heartbeat between pages
    ) as server:
        yield server


def _activities(fake: FakeHighLevel, client: ghl.Client) -> FleetActivities:
    return FleetActivities(client, worker_queue="q/self", rate_interval=0.01, heartbeat_every=0.01)


def _chunk(tmp_path: Path, **changes: Any) -> ChunkInput:
    chunk = ChunkInput(
        location_id=LOCATION,
        sink=DirectorySink(tmp_path).spec(),
        index=0,
        start_date=None,
        end_date=None,
        channel=None,
        concurrency=2,
        page_size=20,
    )
    return dataclasses.replace(chunk, **changes)


async def test_a_chunk_killed_mid_way_resumes_from_an_old_heartbeat_exactly_once(
    fleet_fake: FakeHighLevel, tmp_path: Path
) -> None:
    beats: list[Any] = []
    dying = ActivityEnvironment()

    def on_heartbeat(*details: Any) -> None:
        beats.append(details[0])
        if len(beats) == 2:
            dying.cancel()

    dying.on_heartbeat = on_heartbeat
    async with fleet_fake.client(token=ghl.StaticToken(TOKEN)) as client:
        activities = _activities(fleet_fake, client)
        with pytest.raises(BaseException):  # noqa: B017 - the attempt is cut short
            await dying.run(activities.export_chunk, _chunk(tmp_path))
        assert beats[0]["messages"] > 0
        # The server only ever got the first heartbeat; more was written after it.
        retry = ActivityEnvironment()
        retry.info = dataclasses.replace(retry.info, attempt=2, heartbeat_details=[beats[0]])
        result = await retry.run(activities.export_chunk, _chunk(tmp_path))

    path = DirectorySink(tmp_path).completed(LOCATION, 0)
    assert path is not None
    ids = _lines(path)
    assert len(ids) == len(set(ids)) == 300 == result.messages
    assert result.worker_queue == "q/self"


async def test_a_published_chunk_is_not_exported_again(
    fleet_fake: FakeHighLevel, tmp_path: Path
) -> None:
    async with fleet_fake.client(token=ghl.StaticToken(TOKEN)) as client:
        activities = _activities(fleet_fake, client)
        first = await ActivityEnvironment().run(activities.export_chunk, _chunk(tmp_path))
        requests = fleet_fake.request_count
        again = await ActivityEnvironment().run(activities.export_chunk, _chunk(tmp_path))
    assert again.messages == first.messages == 300
    assert fleet_fake.request_count == requests


async def test_a_refused_token_fails_the_chunk_for_good(
    fleet_fake: FakeHighLevel, tmp_path: Path
) -> None:
    fleet_fake.revoke_token(TOKEN)
    async with fleet_fake.client(token=ghl.StaticToken(TOKEN)) as client:
        activities = _activities(fleet_fake, client)
        with pytest.raises(ApplicationError) as caught:
            await ActivityEnvironment().run(activities.export_chunk, _chunk(tmp_path))
    assert caught.value.non_retryable
    assert caught.value.type == "AuthenticationError"
    assert TOKEN not in str(caught.value)


async def test_the_plan_covers_the_range_with_contiguous_chunks(
    fleet_fake: FakeHighLevel, tmp_path: Path
) -> None:
    start = "2000-01-01T00:00:00.000+00:00"
    plan_input = PlanInput(LOCATION, DirectorySink(tmp_path).spec(), None, start, None, 100)
    async with fleet_fake.client(token=ghl.StaticToken(TOKEN)) as client:
        plan = await ActivityEnvironment().run(
            _activities(fleet_fake, client).plan_location, plan_input
        )
    assert plan.total == 300
    assert len(plan.chunks) == 3
    assert plan.chunks[0][0] == start and plan.chunks[-1][1] is None
    for (_, end), (next_start, _) in zip(plan.chunks, plan.chunks[1:], strict=False):
        assert end is not None and next_start is not None
        gap = _dt.datetime.fromisoformat(next_start) - _dt.datetime.fromisoformat(end)
        assert gap == _dt.timedelta(milliseconds=1)  # end dates are inclusive


# -- the CLI without the extra ---------------------------------------------------------------


async def test_fleet_says_what_to_install_when_temporalio_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec

    def without_temporalio(name: str, *args: Any) -> Any:
        return None if name == "temporalio" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_temporalio)
    code = await _fleet.run(argparse.Namespace(fleet_command="worker", hard_exit=False))
    assert code == ExitCode.USAGE
    assert "pip install 'ghl-conversations[temporal]'" in capsys.readouterr().err


async def test_a_bad_locations_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = tmp_path / "locations.txt"
    listed.write_text("locA\nlocA\n")
    args = argparse.Namespace(
        fleet_command="export",
        hard_exit=False,
        locations_file=str(listed),
        since=None,
        until=None,
    )
    assert await _fleet.run(args) == ExitCode.USAGE
    assert "named twice" in capsys.readouterr().err


async def test_an_unreachable_temporal_is_a_network_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_fleet, "CONNECT_WAIT", 0.2)
    closed_port = f"127.0.0.1:{free_port()}"
    args = argparse.Namespace(
        fleet_command="status", hard_exit=False, temporal=closed_port, namespace="default"
    )
    assert await _fleet.run(args) == ExitCode.NETWORK
    assert f"cannot reach Temporal at {closed_port}" in capsys.readouterr().err


async def test_a_new_run_of_the_same_export_keeps_the_recorded_chunks(
    fleet_fake: FakeHighLevel, tmp_path: Path
) -> None:
    plan_input = PlanInput(LOCATION, DirectorySink(tmp_path).spec(), None, None, None, 100)
    async with fleet_fake.client(token=ghl.StaticToken(TOKEN)) as client:
        activities = _activities(fleet_fake, client)
        first = await ActivityEnvironment().run(activities.plan_location, plan_input)
        for _ in range(150):  # the location grows between the two runs
            fleet_fake.add_message(LOCATION)
        requests = fleet_fake.request_count
        second = await ActivityEnvironment().run(activities.plan_location, plan_input)
    assert second == first  # same boundaries: the published chunk files still match them
    assert fleet_fake.request_count == requests
