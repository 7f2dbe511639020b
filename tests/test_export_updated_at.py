"""Exports sorted by updatedAt: exact in both orders, across ties, pauses, reopens and resumes.

The expected order is computed from the fake's data (each message as reads show it now), not
through the SDK: by ``dateUpdated``, then the fake's tie-breaker (the generated index).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, ManualClock

Order = Literal["asc", "desc"]


def _ms(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp() * 1000)


def updated_order(
    fake: FakeHighLevel, order: Order, *, added_from: int | None = None, added_to: int | None = None
) -> list[str]:
    """Ids sorted by (dateUpdated, index); optionally only those whose dateAdded is in range."""
    dataset = fake.dataset
    keyed = []
    for index in range(dataset.count):
        message = dataset.get_message(dataset.message_id(index))
        assert message is not None
        added = _ms(message["dateAdded"])
        if added_from is not None and added < added_from:
            continue
        if added_to is not None and added > added_to:
            continue
        keyed.append(((_ms(message["dateUpdated"]), index), message["id"]))
    keyed.sort(reverse=order == "desc")
    return [identifier for _, identifier in keyed]


def edit_some(fake: FakeHighLevel) -> list[str]:
    """Move some messages: a run sharing one dateUpdated (ties across a page boundary), others
    updated to dates among the untouched ones."""
    dataset = fake.dataset
    edited = []
    tie_ms = dataset.date_ms(dataset.count - 1) + 60_000
    for index in range(10, 260, 2):  # 125 messages with one dateUpdated: spans page boundaries
        edited.append(
            fake.edit_message(dataset.message_id(index), status="read", date_updated=tie_ms)["id"]
        )
    for index in range(300, 400, 7):
        target = dataset.date_ms(index + 500) + 5_000
        edited.append(
            fake.edit_message(dataset.message_id(index), status="failed", date_updated=target)["id"]
        )
    return edited


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_a_full_export_by_update_is_exact_in_both_orders(
    fake: FakeHighLevel, fake_client: ghl.Client, order: Order
) -> None:
    edit_some(fake)
    export = fake_client.messages.export(
        fake.location_id, limit=50, sort_by="updatedAt", sort_order=order
    )
    messages = [m async for m in export]
    assert [m.id for m in messages] == updated_order(fake, order)
    assert export.done
    updated = [m.date_updated for m in messages]
    assert updated == sorted(updated, reverse=order == "desc")  # type: ignore[type-var]


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("pause_after", [1, 49, 50, 51, 120, 333])
async def test_pauses_past_expiry_and_ties_at_the_boundary_by_update(
    fake: FakeHighLevel, fake_client: ghl.Client, clock: ManualClock, order: Order, pause_after: int
) -> None:
    edit_some(fake)
    export = fake_client.messages.export(
        fake.location_id, limit=50, sort_by="updatedAt", sort_order=order
    )
    ids: list[str] = []
    async for message in export:
        ids.append(message.id)
        if len(ids) % pause_after == 0 and len(ids) <= 700:
            clock.advance(300)  # the cursor dies: a new one starts over and skips what was passed
    assert ids == updated_order(fake, order)
    assert export.recoveries >= 1


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_a_rejected_cursor_by_update_is_recovered_exactly(
    clock: ManualClock, order: Order
) -> None:
    async with FakeHighLevel(messages=700, seed=5, clock=clock, cursor_ttl=30) as fake:
        edit_some(fake)
        async with fake.client() as client:
            export = client.messages.export(
                fake.location_id, limit=40, sort_by="updatedAt", sort_order=order
            )
            ids = []
            async for message in export:
                ids.append(message.id)
                if len(ids) % 100 == 50:
                    clock.advance(45)  # past the fake's 30 s, within the SDK's 108 s
            assert ids == updated_order(fake, order)
            assert [r for r in fake.requests if r.status == 400 and "cursor" in r.query]


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_resume_by_update_in_a_new_client(
    fake: FakeHighLevel, clock: ManualClock, order: Order
) -> None:
    edit_some(fake)
    first: list[str] = []
    async with fake.client() as client:
        export = client.messages.export(
            fake.location_id, limit=50, sort_by="updatedAt", sort_order=order
        )
        async for message in export:
            first.append(message.id)
            if len(first) == 140:  # inside the run of 125 equal dateUpdated values (asc) or not
                break
        checkpoint = export.checkpoint
    clock.advance(3600)
    async with fake.client() as client:
        resumed = client.messages.export(
            fake.location_id, limit=50, sort_by="updatedAt", sort_order=order, resume=checkpoint
        )
        rest = [m.id async for m in resumed]
    assert first + rest == updated_order(fake, order)


async def test_date_filters_by_update_are_the_servers_not_reapplied_to_date_updated(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    """The fake filters startDate/endDate on dateAdded whatever the sort (as HighLevel may): a
    message added in the range but updated after its end is still exported, once."""
    dataset = fake.dataset
    edited = edit_some(fake)
    start_ms, end_ms = dataset.date_ms(100), dataset.date_ms(299)
    start = dt.datetime.fromtimestamp(start_ms / 1000, tz=dt.UTC)
    end = dt.datetime.fromtimestamp(end_ms / 1000, tz=dt.UTC)
    ids = [
        m.id
        async for m in fake_client.messages.export(
            fake.location_id,
            limit=30,
            sort_by="updatedAt",
            sort_order="asc",
            start_date=start,
            end_date=end,
        )
    ]
    expected = updated_order(fake, "asc", added_from=start_ms, added_to=end_ms)
    assert ids == expected
    assert set(edited) & set(ids)  # updated after end_date, added inside the range: exported


async def test_an_updated_at_checkpoint_is_one_unbounded_window(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    export = fake_client.messages.export(
        fake.location_id, limit=50, sort_by="updatedAt", concurrency=4, max_items=75
    )
    assert len([m async for m in export]) == 75
    windows = export.checkpoint["windows"]
    assert [(w["start"], w["end"]) for w in windows] == [(None, None)]
    bad = export.checkpoint
    bad["windows"][0]["start"] = "2020-01-01T00:00:00+00:00"
    with pytest.raises(ValueError, match="do not start where the export does"):
        fake_client.messages.export(fake.location_id, sort_by="updatedAt", resume=bad)
