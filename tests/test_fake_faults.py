"""The fake's fault kinds for broken answers and stuck paging (seen with a plain aiohttp client)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest
import pytest_asyncio

from ghl_conversations.testing import FakeHighLevel, Fault, FaultInjector
from ghl_conversations.testing._data import format_ms


@pytest_asyncio.fixture
async def raw(fake: FakeHighLevel) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {fake.token}", "Version": "2021-04-15", "User-Agent": "t"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield session


def export_url(fake: FakeHighLevel) -> str:
    return f"{fake.url}/conversations/messages/export"


async def get_json(
    session: aiohttp.ClientSession, url: str, params: dict[str, str] | None = None
) -> tuple[int, Any]:
    async with session.get(url, params=params, allow_redirects=False) as response:
        body = await response.read()
        return response.status, orjson.loads(body) if body else None


async def test_empty_body_is_a_200_with_nothing_in_it(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("empty_body"))
    params = {"locationId": fake.location_id}
    async with raw.get(export_url(fake), params=params) as response:
        assert response.status == 200
        assert await response.read() == b""
    status, page = await get_json(raw, export_url(fake), params)
    assert status == 200 and len(page["messages"]) == 100  # one request only


async def test_empty_body_still_applies_a_write(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("empty_body", method="POST"))
    body = {"type": "SMS", "contactId": fake.dataset.contact_id(0), "message": "sent anyway"}
    async with raw.post(f"{fake.url}/conversations/messages", json=body) as response:
        assert response.status == 200 and await response.read() == b""
    assert [m["body"] for m in fake.dataset.added] == ["sent anyway"]


async def test_truncated_body_is_json_cut_short(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("truncated_body"))
    params = {"locationId": fake.location_id, "limit": "10"}
    async with raw.get(export_url(fake), params=params) as response:
        assert response.status == 200
        cut = await response.read()
    _, whole = await get_json(raw, export_url(fake), params)
    full = orjson.dumps(whole)
    assert 0 < len(cut) < len(full) and full.startswith(cut)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(cut)


async def test_html_200_is_a_web_page(fake: FakeHighLevel, raw: aiohttp.ClientSession) -> None:
    fake.faults.script(Fault("html_200", method="POST"))
    body = {"type": "SMS", "contactId": fake.dataset.contact_id(0), "message": "lost"}
    async with raw.post(f"{fake.url}/conversations/messages", json=body) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert (await response.text()).lstrip().startswith("<!DOCTYPE html>")
    assert fake.dataset.added == []  # a page in front of the service: nothing was applied


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_redirect_points_elsewhere(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, status: int
) -> None:
    fake.faults.script(Fault("redirect", status=status))
    async with raw.get(
        export_url(fake), params={"locationId": fake.location_id}, allow_redirects=False
    ) as response:
        assert response.status == status
        location = response.headers["Location"]
    assert location.startswith(f"{fake.url}/_moved/")  # elsewhere: not the endpoint asked
    # Followed, the Location is no answer either.
    async with raw.get(location) as response:
        assert response.status == 404


async def test_redirect_location_can_be_chosen(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("redirect", location="https://login.example.test/"))
    async with raw.get(export_url(fake), allow_redirects=False) as response:
        assert response.status == 302
        assert response.headers["Location"] == "https://login.example.test/"


async def test_malformed_field_breaks_every_occurrence(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("malformed_field"))
    status, page = await get_json(raw, export_url(fake), {"locationId": fake.location_id})
    assert status == 200
    assert {m["dateAdded"] for m in page["messages"]} == {"not-a-date"}
    assert page["nextCursor"] and page["total"] == 1_000  # everything else intact


async def test_malformed_field_messages_not_a_list(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("malformed_field", field="messages", value={"oops": 1}))
    status, page = await get_json(raw, export_url(fake), {"locationId": fake.location_id})
    assert status == 200 and page["messages"] == {"oops": 1}
    conversation = fake.dataset.conversation_id(0)
    fake.faults.script(Fault("malformed_field", field="messages", value="nope"))
    status, page = await get_json(raw, f"{fake.url}/conversations/{conversation}/messages")
    assert status == 200 and page["messages"] == "nope"


async def test_malformed_field_absent_is_added_at_the_top(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("malformed_field", field="total", value="many"))
    message = fake.dataset.message_id(0)
    status, answer = await get_json(raw, f"{fake.url}/conversations/messages/{message}")
    assert status == 200 and answer["total"] == "many" and answer["message"]["id"] == message


async def export_pages(
    raw: aiohttp.ClientSession, fake: FakeHighLevel, pages: int, **extra: str
) -> list[tuple[int, Any]]:
    params = {"locationId": fake.location_id, "limit": "10", **extra}
    seen = []
    cursor: str | None = None
    for _ in range(pages):
        query = {**params, "cursor": cursor} if cursor else params
        status, page = await get_json(raw, export_url(fake), query)
        seen.append((status, page))
        if status != 200:
            cursor = None
            continue
        cursor = page["nextCursor"]
    return seen


async def test_stuck_cursor_repeats_the_export_page_and_cursor(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.always(Fault("stuck_cursor"))
    pages = await export_pages(raw, fake, 5)
    first, second, *rest = [page for _, page in pages]
    assert first["nextCursor"] is not None
    assert second["messages"] != first["messages"]  # the first request had no cursor
    for page in rest:
        assert page == second
    assert second["nextCursor"] == first["nextCursor"]
    fake.faults.clear()
    pages = await export_pages(raw, fake, 3)
    assert len({orjson.dumps(p["messages"]) for _, p in pages}) == 3


async def test_stuck_cursor_holds_even_on_the_last_page(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.always(Fault("stuck_cursor"))
    start = "2000-01-01T00:00:00.000Z"
    end_ms = fake.dataset.date_ms(14)
    pages = await export_pages(raw, fake, 4, startDate=start, endDate=format_ms(end_ms))
    assert [len(p["messages"]) for _, p in pages] == [10, 6, 6, 6]
    assert len({p["nextCursor"] for _, p in pages}) == 1


async def test_stuck_last_message_id(fake: FakeHighLevel, raw: aiohttp.ClientSession) -> None:
    url = f"{fake.url}/conversations/{fake.dataset.conversation_id(3)}/messages"
    _, first = await get_json(raw, url, {"limit": "5"})
    marker = first["messages"]["lastMessageId"]
    fake.faults.always(Fault("stuck_cursor"))
    answers = [await get_json(raw, url, {"limit": "5", "lastMessageId": marker}) for _ in range(3)]
    assert all(status == 200 for status, _ in answers)
    pages = [body["messages"] for _, body in answers]
    assert pages[0] == pages[1] == pages[2]
    assert pages[0]["lastMessageId"] == marker and pages[0]["nextPage"] is True
    assert {m["id"] for m in pages[0]["messages"]}.isdisjoint(
        m["id"] for m in first["messages"]["messages"]
    )


async def test_stuck_start_after_date(fake: FakeHighLevel, raw: aiohttp.ClientSession) -> None:
    url = f"{fake.url}/conversations/search"
    params = {"locationId": fake.location_id, "limit": "5"}
    _, first = await get_json(raw, url, params)
    position = str(first["conversations"][-1]["sort"][0])
    fake.faults.always(Fault("stuck_cursor"))
    for _ in range(3):
        _, page = await get_json(raw, url, {**params, "startAfterDate": position})
        assert page["conversations"] == first["conversations"]
        assert str(page["conversations"][-1]["sort"][0]) == position


async def test_stuck_cursor_leaves_first_pages_alone(fake: FakeHighLevel) -> None:
    injector = FaultInjector()
    injector.script(Fault("stuck_cursor"))
    assert injector.pick("GET", "/conversations/messages/export", {"locationId": "x"}) is None
    assert injector.pick("GET", "/conversations/messages/export", {"cursor": "c"}) is not None


async def test_always_expired_cursor(fake: FakeHighLevel, raw: aiohttp.ClientSession) -> None:
    fake.faults.always(Fault("always_expired_cursor"))
    pages = await export_pages(raw, fake, 4)
    statuses = [status for status, _ in pages]
    assert statuses == [200, 400, 200, 400]  # reopened without a cursor: the first page again
    assert pages[0][1]["messages"] == pages[2][1]["messages"]
    error = pages[1][1]
    assert error["statusCode"] == 400 and "cursor" in error["message"].lower()
    assert error["message"] == "Cursor has expired or is invalid. Start a new export."
    fake.faults.clear()
    assert [s for s, _ in await export_pages(raw, fake, 3)] == [200, 200, 200]


async def test_always_repeats_until_clear(fake: FakeHighLevel, raw: aiohttp.ClientSession) -> None:
    fake.faults.always(Fault("server_error", path="/export$"), "unavailable")
    message = f"{fake.url}/conversations/messages/{fake.dataset.message_id(0)}"
    for _ in range(3):
        assert (await get_json(raw, export_url(fake), {"locationId": fake.location_id}))[0] == 500
        assert (await get_json(raw, message))[0] == 503
    fake.faults.script(Fault("status", status=418))  # scripted faults go first
    assert (await get_json(raw, message))[0] == 418
    fake.faults.clear()
    assert (await get_json(raw, message))[0] == 200
    kinds = [kind for _, _, kind in fake.faults.injected]
    assert kinds.count("server_error") == 3 and kinds.count("unavailable") == 3


def test_every_kind_is_listed_in_the_docstring() -> None:
    import typing

    import ghl_conversations.testing._faults as faults

    for kind in typing.get_args(faults.FaultKind):
        assert f"``{kind}``" in (faults.__doc__ or ""), kind
