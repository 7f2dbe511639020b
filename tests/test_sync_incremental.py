"""``ghl_conversations.dlt.sync`` against the fake: exactly once, incremental, per location.

Each scenario runs on DuckDB and on a real PostgreSQL server started by the test session.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from ghl_conversations.testing import FakeHighLevel, ManualClock

from ._sync_support import messages_by_id, query, row_count

pytest.importorskip("dlt", reason="the [dlt] extra is not installed")
pytest.importorskip("duckdb", reason="the [dlt] extra is not installed")

from ghl_conversations.dlt import SyncSummary, sync

SECOND = "secondLocation0000001"
README_QUERY = """
SELECT date_trunc('day', date_added) AS day, message_type, count(*) AS messages
FROM highlevel.messages
GROUP BY ALL
ORDER BY day DESC, messages DESC
"""


@pytest.fixture(params=["duckdb", "postgres"])
def destination(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "duckdb":
        return str(tmp_path / "ghl.duckdb")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def world() -> Iterator[tuple[FakeHighLevel, ManualClock]]:
    """A fake with two locations, in a thread (sync() blocks), sharing a manual clock."""
    clock = ManualClock()
    with FakeHighLevel(
        messages=900, locations={SECOND: 300}, seed=5, clock=clock, rate_limit=1_000_000
    ) as fake:
        yield fake, clock


def _sync(fake: FakeHighLevel, clock: ManualClock, destination: str, tmp: Path) -> SyncSummary:
    return sync(
        [fake.location_id, SECOND],
        destination,
        token=fake.token,
        base_url=fake.url,
        clock=clock,
        chunk_size=400,
        pipelines_dir=tmp / "dlt",
    )


def _fake_statuses(fake: FakeHighLevel, location: str) -> dict[str, str]:
    dataset = fake.datasets[location]
    found = {dataset.message_id(i): dataset.generate(i)["status"] for i in range(dataset.count)}
    found.update({m["id"]: m["status"] for m in dataset.added})
    return found


def test_first_sync_loads_everything_once_and_later_ones_exactly_what_changed(
    world: tuple[FakeHighLevel, ManualClock], destination: str, tmp_path: Path
) -> None:
    fake, clock = world
    first = _sync(fake, clock, destination, tmp_path)

    assert first.counts["messages", fake.location_id].new == 900
    assert first.counts["messages", SECOND].new == 300
    assert first.loads >= 3  # 1,200 messages in chunks of 400: progress committed as it went
    stored = messages_by_id(destination)
    assert row_count(destination, "messages") == len(stored) == 1_200
    for location in (fake.location_id, SECOND):
        expected = _fake_statuses(fake, location)
        mine = {k: v for k, v in stored.items() if v[0] == location}
        assert mine.keys() == expected.keys()  # no message of one location under the other
        assert {k: v[1] for k, v in mine.items()} == expected
    conversations = query(
        destination,
        "SELECT location_id, count(*), count(DISTINCT id) FROM highlevel.conversations "
        "GROUP BY location_id ORDER BY location_id",
    )
    assert conversations == sorted([(fake.location_id, 45, 45), (SECOND, 15, 15)])

    clock.advance(3_600)
    added = [fake.add_message(body=f"new {i}")["id"] for i in range(4)]
    dataset = fake.datasets[fake.location_id]
    edited = [dataset.message_id(i) for i in (0, 17, 450, 899)]  # oldest, middle and newest
    for message_id in edited:
        fake.edit_message(message_id, status="read")
    late = dataset.message_id(300)  # an edit dated inside the overlap: visible only now
    fake.edit_message(late, status="failed", date_updated=_at(clock, -3_600 - 120))
    clock.advance(60)

    summary = _sync(fake, clock, destination, tmp_path)

    assert summary.counts["messages", fake.location_id].new == 4
    assert summary.counts["messages", fake.location_id].updated == 5
    assert summary.counts["messages", SECOND].total == 0
    stored = messages_by_id(destination)
    assert row_count(destination, "messages") == len(stored) == 1_204
    assert all(stored[m][1] == "read" for m in edited)
    assert stored[late][1] == "failed"
    assert set(added) <= stored.keys()
    assert {k: v[1] for k, v in stored.items() if v[0] == fake.location_id} == _fake_statuses(
        fake, fake.location_id
    )

    again = _sync(fake, clock, destination, tmp_path)
    assert again.nothing_new
    assert "nothing new" in again.lines()[0]
    assert row_count(destination, "messages") == 1_204


def test_timestamps_are_timestamps_nested_values_json_and_unknown_fields_kept(
    world: tuple[FakeHighLevel, ManualClock], tmp_path: Path
) -> None:
    fake, clock = world
    destination = str(tmp_path / "typed.duckdb")
    _sync(fake, clock, destination, tmp_path)
    types = dict(
        query(
            destination,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'highlevel' AND table_name = 'messages'",
        )
    )
    assert types["date_added"].startswith("TIMESTAMP")
    assert types["date_updated"].startswith("TIMESTAMP")
    assert types["meta"] == "JSON"
    assert "hologram_depth" in types  # a field the SDK does not know, kept as a column
    durations = query(
        destination,
        "SELECT count(*) FROM highlevel.messages "
        "WHERE (meta->>'$.callDuration')::INT >= 0 AND message_type = 'TYPE_CALL'",
    )
    assert durations[0][0] > 0
    per_channel_per_day = query(destination, README_QUERY)  # the README's example runs
    assert sum(row[2] for row in per_channel_per_day) == 1_200
    assert len({row[1] for row in per_channel_per_day}) > 3
    first = query(destination, "SELECT min(date_added) FROM highlevel.messages")[0][0]
    assert isinstance(first, _dt.datetime)
    assert first.tzinfo is not None


def _at(clock: ManualClock, offset: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(clock.time() + offset, _dt.UTC)


def test_conversations_load_incrementally_by_last_message_date(
    world: tuple[FakeHighLevel, ManualClock], tmp_path: Path
) -> None:
    fake, clock = world
    destination = str(tmp_path / "conversations.duckdb")
    _sync(fake, clock, destination, tmp_path)
    clock.advance(3_600)

    async def start_conversation() -> str:
        async with fake.client() as client:
            created = await client.conversations.create(fake.location_id, "contactBrandNew01")
            assert created.conversation is not None
            conversation_id: str = created.conversation.id
            return conversation_id

    new_id = asyncio.run(start_conversation())  # the fake serves from its own thread

    summary = _sync(fake, clock, destination, tmp_path)

    assert summary.counts["conversations", fake.location_id].new == 1
    assert summary.counts["conversations", fake.location_id].updated == 0
    assert summary.counts["conversations", SECOND].total == 0
    rows = query(destination, "SELECT id, location_id FROM highlevel.conversations")
    assert (new_id, fake.location_id) in rows
    assert len(rows) == len({row[0] for row in rows}) == 45 + 15 + 1
