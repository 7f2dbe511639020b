"""Any mix of edits and added messages: every export order pages exactly (each message once, in
order), whatever the page size, the order and the date range."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ghl_conversations._dates import parse_wire_datetime
from ghl_conversations.testing import FakeHighLevel, ManualClock
from ghl_conversations.testing._data import format_ms

COUNT = 60


def ms(value: str) -> int:
    return int(parse_wire_datetime(value).timestamp() * 1000)


async def export(fake: FakeHighLevel, params: dict[str, str]) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {fake.token}", "Version": "2021-04-15", "User-Agent": "p"}
    url = f"{fake.url}/conversations/messages/export"
    found: list[dict[str, Any]] = []
    totals: set[int] = set()
    async with aiohttp.ClientSession(headers=headers) as session:
        cursor = None
        while True:
            query = {**params, **({"cursor": cursor} if cursor else {})}
            async with session.get(url, params=query) as response:
                assert response.status == 200, await response.text()
                page = await response.json()
            found.extend(page["messages"])
            totals.add(page["total"])
            cursor = page["nextCursor"]
            if not cursor:
                assert totals == {len(found)}  # every page counts the whole export
                return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.integers(0, COUNT - 1), st.integers(0, 40)), max_size=12
    ),  # (message, pairs of dates after its own)
    added=st.lists(st.tuples(st.integers(-5, 40), st.integers(0, 10)), max_size=6),
    limit=st.integers(10, 25),
    by=st.sampled_from(["createdAt", "updatedAt"]),
    order=st.sampled_from(["asc", "desc"]),
    window=st.none() | st.tuples(st.integers(0, COUNT - 1), st.integers(0, COUNT - 1)),
)
def test_every_order_pages_exactly(
    edits: list[tuple[int, int]],
    added: list[tuple[int, int]],
    limit: int,
    by: str,
    order: str,
    window: tuple[int, int] | None,
) -> None:
    async def scenario() -> None:
        clock = ManualClock(1_700_000_000.0)
        async with FakeHighLevel(messages=COUNT, seed=9, clock=clock, rate_limit=10**6) as fake:
            data = fake.dataset
            for index, later in edits:
                when = data.date_ms(index) + later * data.step_ms // 2
                fake.edit_message(data.message_id(index), date_updated=when, status="read")
            for pairs, later in added:  # some dated among the generated ones, some after
                added_ms = data.start_ms + pairs * data.step_ms
                fake.add_message(
                    dateAdded=format_ms(added_ms),
                    dateUpdated=format_ms(added_ms + later * data.step_ms),
                )
            params = {"locationId": fake.location_id, "limit": str(limit), "sortBy": by}
            params["sortOrder"] = order
            low = high = None
            if window is not None:
                low, high = data.date_ms(min(window)), data.date_ms(max(window))
                params.update(startDate=format_ms(low), endDate=format_ms(high))
            paged = await export(fake, params)
            whole = await export(fake, {**params, "limit": "500"})
            assert paged == whole  # page boundaries change nothing
            ids = [m["id"] for m in paged]
            assert len(ids) == len(set(ids))
            expected = {
                m["id"]
                for m in [data.generate(i) for i in range(COUNT)] + data.added
                if (low is None or low <= ms(m["dateAdded"]))
                and (high is None or ms(m["dateAdded"]) <= high)
            }
            assert set(ids) == expected
            field = "dateUpdated" if by == "updatedAt" else "dateAdded"
            dates = [ms(m[field]) for m in paged]
            assert dates == sorted(dates, reverse=order == "desc")
            assert all(ms(m["dateUpdated"]) >= ms(m["dateAdded"]) for m in paged)

    asyncio.run(scenario())
