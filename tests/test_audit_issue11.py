"""Audit of issue 11 ("trust nothing"): what a user relies on that the rest of the suite leaves
open. Each test runs the SDK as a user would: on ``ghl.MockTransport``, against ``FakeHighLevel``
and its fault knobs, or the CLI in a subprocess."""

from __future__ import annotations

import copy
import email.utils
import pathlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

import ghl_conversations as ghl
from ghl_conversations._operations import rows
from ghl_conversations.cli import ExitCode
from ghl_conversations.testing import FakeHighLevel, Fault, ManualClock

from ._cli import connection, run
from .test_export import all_ids
from .test_operations_wire import CASES, Case

TOKEN = "pit-audit-secret-0123456789"

# --- 1xx and 3xx answers, for every one of the 29 operations ---


def _no_answer(status: int) -> ghl.Response:
    headers = {"Location": "https://login.example.test/"} if 300 <= status < 400 else {}
    return ghl.Response(status, headers=headers, content=b"")


@pytest.mark.parametrize("status", [103, 301, 302, 303, 307, 308])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.operation_id)
async def test_a_1xx_or_3xx_answer_to_any_operation_is_a_typed_error(
    case: Case, status: int
) -> None:
    """Redirects are not followed and are no answer: every operation (JSON, bytes and text
    alike) raises ``APIResponseValidationError``; reads retry it, writes send once."""
    transport = ghl.MockTransport(lambda _request: _no_answer(status))
    async with ghl.Client(token=TOKEN, transport=transport, clock=ManualClock()) as client:
        with pytest.raises(ghl.APIResponseValidationError) as caught:
            await case.call(client)
    assert caught.value.status == status
    assert caught.value.operation == case.operation_id
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    if rows.ENDPOINTS[case.operation_id].retry_safe:
        assert len(transport.requests) > 1
    else:
        assert len(transport.requests) == 1


# --- a page field of the wrong type ---

CONVERSATION = {
    "id": "c1",
    "locationId": "loc",
    "contactId": "k1",
    "dateAdded": 1_700_000_000_000,
    "dateUpdated": 1_700_000_000_000,
    "sort": [1_700_000_000_000],
}


@pytest.mark.parametrize("total", ["x", [1], {"n": 1}])
async def test_a_search_page_whose_total_is_not_a_count_is_refused(total: object) -> None:
    page = {"conversations": [CONVERSATION], "total": total}
    transport = ghl.MockTransport(lambda _request: ghl.Response.from_json(page))
    async with ghl.Client(token=TOKEN, transport=transport, clock=ManualClock()) as client:
        with pytest.raises(ghl.APIResponseValidationError):
            await client.conversations.search_page("loc")


async def test_a_search_whose_total_is_not_a_count_raises_a_typed_error(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    fake.faults.always(Fault("malformed_field", field="total", value="x"))
    with pytest.raises(ghl.GHLError):
        async for _ in fake_client.conversations.search(fake.location_id, limit=5):
            pass


# --- every public iterator yields each item once, however anext and async for mix ---

Make = Callable[[ghl.Client, FakeHighLevel], AsyncIterator[Any]]

ITERATORS: dict[str, Make] = {
    "export": lambda c, f: c.messages.export(f.location_id, limit=50),
    "export parallel": lambda c, f: c.messages.export(f.location_id, limit=50, concurrency=3),
    "export raw": lambda c, f: c.messages.export(f.location_id, limit=50).raw(),
    "export pages": lambda c, f: c.messages.export(f.location_id, limit=50).pages(),
    "search": lambda c, f: c.conversations.search(f.location_id, limit=5),
    "search raw": lambda c, f: c.conversations.search(f.location_id, limit=5).raw(),
    "search pages": lambda c, f: c.conversations.search(f.location_id, limit=5).pages(),
    "messages": lambda c, f: c.conversations.messages(f.dataset.conversation_id(2), limit=3),
    "messages raw": lambda c, f: c.conversations.messages(
        f.dataset.conversation_id(2), limit=3
    ).raw(),
    "messages pages": lambda c, f: c.conversations.messages(
        f.dataset.conversation_id(2), limit=3
    ).pages(),
}


def _key(item: Any) -> Any:
    """What identifies an item: a model's or wire dict's id, a page's item ids."""
    if isinstance(item, dict):
        return item["id"]
    if isinstance(item, ghl.Page):
        return tuple(_key(i) for i in item.items)
    return item.id


@pytest.mark.parametrize("first_by_anext", [1, 2, 5, 7])
@pytest.mark.parametrize("name", list(ITERATORS))
async def test_every_public_iterator_yields_each_item_once_however_anext_and_for_mix(
    clock: ManualClock, name: str, first_by_anext: int
) -> None:
    async with FakeHighLevel(messages=400, conversations=20, seed=5, clock=clock) as fake:
        async with fake.client() as client:
            make = ITERATORS[name]
            whole = [_key(i) async for i in make(client, fake)]
            assert len(whole) >= 3
            taken = min(first_by_anext, len(whole) - 1)  # some left for the loop
            iterator = make(client, fake)
            mixed = [_key(await anext(iterator)) for _ in range(taken)]
            mixed += [_key(i) async for i in iterator]
    assert mixed == whole


# --- checkpoints whose windows do not tile the export's range ---

Checkpoint = dict[str, Any]


def _drop(index: int) -> Callable[[Checkpoint], None]:
    def change(checkpoint: Checkpoint) -> None:
        window = checkpoint["windows"].pop(index)
        checkpoint["yielded"] -= window["yielded"]

    return change


def _repeat_last(checkpoint: Checkpoint) -> None:
    checkpoint["windows"].append(copy.deepcopy(checkpoint["windows"][-1]))
    checkpoint["yielded"] += checkpoint["windows"][-1]["yielded"]


def _repeat_first(checkpoint: Checkpoint) -> None:
    checkpoint["windows"].insert(0, copy.deepcopy(checkpoint["windows"][0]))
    checkpoint["yielded"] += checkpoint["windows"][0]["yielded"]


@pytest.mark.parametrize(
    "change",
    [_drop(0), _drop(-1), _repeat_first, _repeat_last],
    ids=["first window missing", "last window missing", "first repeated", "last repeated"],
)
async def test_a_checkpoint_not_covering_the_whole_range_is_refused_before_sending(
    fake: FakeHighLevel, fake_client: ghl.Client, change: Callable[[Checkpoint], None]
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=20, concurrency=3)
    taken = 0
    async for _ in export:
        taken += 1
        if taken == 100:
            break
    good = export.checkpoint
    await export.aclose()
    assert len(good["windows"]) > 3
    bad = copy.deepcopy(good)
    change(bad)
    before = fake.request_count
    with pytest.raises(ValueError, match="resume= checkpoint"):
        fake_client.messages.export(fake.location_id, limit=20, concurrency=3, resume=bad)
    assert fake.request_count == before


# --- yielded across resume, parallel windows ---


@pytest.mark.parametrize("concurrency", [2, 4])
@pytest.mark.parametrize("stop_after", [1, 37, 250])
async def test_yielded_counts_handed_messages_across_a_parallel_resume(
    fake: FakeHighLevel, fake_client: ghl.Client, concurrency: int, stop_after: int
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=40, concurrency=concurrency)
    first: list[str] = []
    async for message in export:
        first.append(message.id)
        assert export.yielded == len(first)
        if len(first) == stop_after:
            break
    checkpoint = export.checkpoint
    await export.aclose()
    assert checkpoint["yielded"] == stop_after

    resumed = fake_client.messages.export(
        fake.location_id, limit=40, concurrency=concurrency, resume=checkpoint
    )
    assert resumed.yielded == stop_after
    rest: list[str] = []
    async for message in resumed:
        rest.append(message.id)
        assert resumed.yielded == stop_after + len(rest)
    assert sorted(first + rest) == sorted(all_ids(fake))
    assert resumed.done and resumed.checkpoint["yielded"] == len(all_ids(fake))


# --- the CLI: invalid answers to the other commands ---


@pytest.fixture(scope="module")
def server() -> Iterator[FakeHighLevel]:
    with FakeHighLevel(messages=300, seed=11, rate_limit=10_000) as fake:
        yield fake


@pytest.mark.parametrize("kind", ["empty_body", "truncated_body", "html_200", "redirect"])
@pytest.mark.parametrize("command", ["get-message", "search"])
def test_an_invalid_answer_to_any_cli_command_is_one_line_and_exit_5(
    server: FakeHighLevel, tmp_path: pathlib.Path, command: str, kind: str
) -> None:
    args = (
        ["get-message", server.dataset.message_id(3)]
        if command == "get-message"
        else ["search", "--location", server.location_id]
    )
    server.faults.always(Fault(kind))  # type: ignore[arg-type]
    try:
        done = run(*args, *connection(server), cwd=tmp_path)
    finally:
        server.faults.clear()
    assert done.returncode == ExitCode.NETWORK, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("ghl-conversations: server failure")
    assert server.token not in line and done.stdout == ""


# --- Retry-After: both forms, junk, the cap; the limiter holds exactly what is slept ---


async def _after_one_429(retry_after: str, clock: ManualClock) -> list[tuple[float, float | None]]:
    """Answer one 429 carrying ``retry_after`` (rate window 2 s), then 200: each retry's
    ``(announced delay, bucket hold at that moment)``; the sleeps are on ``clock.slept``."""
    headers = {"Retry-After": retry_after, "X-RateLimit-Interval-Milliseconds": "2000"}
    answers = [ghl.Response.from_json({"message": "Too many"}, status=429, headers=headers)]
    ok = ghl.Response.from_json({"message": {"id": "m1"}})
    transport = ghl.MockTransport(lambda _request: answers.pop(0) if answers else ok)
    policy = ghl.RetryPolicy(jitter=0.0)
    async with ghl.Client(token=TOKEN, transport=transport, clock=clock, retry=policy) as client:
        seen: list[tuple[float, float | None]] = []
        client.hooks.on_retry.append(
            lambda event: seen.append((event.delay, client.rate_limit_snapshot()["paused_for"]))
        )
        await client.messages.get("m1")
    assert len(transport.requests) == 2
    return seen


@pytest.mark.parametrize("seconds", [0, 1, 2.5, 7, 59])
async def test_retry_after_in_seconds_is_slept_and_held_exactly(seconds: float) -> None:
    clock = ManualClock()
    seen = await _after_one_429(f"{seconds:g}", clock)
    assert clock.slept == [seconds] and seen == [(seconds, seconds)]


@pytest.mark.parametrize("seconds", [1, 30, 59])
async def test_retry_after_as_an_http_date_is_slept_and_held_exactly(seconds: int) -> None:
    clock = ManualClock()
    when = email.utils.formatdate(int(clock.time()) + seconds, usegmt=True)
    seen = await _after_one_429(when, clock)
    wait = int(clock.time()) + seconds - clock.time()  # an HTTP date has whole seconds
    assert clock.slept == [pytest.approx(wait)] and seen == [(clock.slept[0], clock.slept[0])]


@pytest.mark.parametrize("junk", ["", "soon", "-5", "nan", "inf", "1,2", "Wed, 99 Foo 2026 1:2:3"])
async def test_junk_retry_after_is_ignored_for_the_rate_window(junk: str) -> None:
    clock = ManualClock()
    seen = await _after_one_429(junk, clock)
    assert clock.slept == [2.0] and seen == [(2.0, 2.0)]


@pytest.mark.parametrize("over", ["61", "300", "86400"])
async def test_retry_after_over_the_cap_is_raised_without_waiting(over: str) -> None:
    clock = ManualClock()
    headers = {"Retry-After": over}
    answer = ghl.Response.from_json({"message": "Too many"}, status=429, headers=headers)
    transport = ghl.MockTransport(lambda _request: answer)
    async with ghl.Client(token=TOKEN, transport=transport, clock=clock, max_retries=5) as client:
        with pytest.raises(ghl.RateLimitError) as caught:
            await client.messages.get("m1")
    assert caught.value.retry_after == float(over)
    assert clock.slept == [] and len(transport.requests) == 1


# --- a one-off invalid export page is retried like a 5xx (the export is then exact) ---

ONE_OFF = [
    Fault("empty_body", path="/export$"),
    Fault("truncated_body", path="/export$"),
    Fault("html_200", path="/export$"),
    Fault("redirect", path="/export$"),
    Fault("malformed_field", path="/export$", field="messages", value="oops"),
    Fault("malformed_field", path="/export$", field="messages", value=[1, 2]),
    Fault("malformed_field", path="/export$", field="nextCursor", value=42),
    Fault("malformed_field", path="/export$", field="dateAdded", value="not-a-date"),
]


@pytest.mark.parametrize("page", [1, 3])
@pytest.mark.parametrize(
    "fault",
    ONE_OFF,
    ids=lambda f: f"{f.kind}-{f.field}" if f.kind == "malformed_field" else f.kind,
)
async def test_a_one_off_invalid_export_page_is_retried_and_the_export_is_exact(
    clock: ManualClock, fault: Fault, page: int
) -> None:
    async with FakeHighLevel(messages=500, seed=8, clock=clock) as fake:
        async with fake.client() as client:
            export = client.messages.export(fake.location_id, limit=100)
            ids: list[str] = []
            async for message in export:
                ids.append(message.id)
                if len(ids) == 100 * (page - 1) + 1:
                    fake.faults.script(fault)  # the next page's answer, once
            assert ids == all_ids(fake) and export.done
            assert fault.kind in {kind for _, _, kind in fake.faults.injected}


# --- closing the client stops a running download with ClientClosedError ---


@pytest.mark.filterwarnings("error")
async def test_closing_the_client_stops_a_running_download_with_client_closed_error(
    clock: ManualClock,
) -> None:
    async with FakeHighLevel(messages=300, seed=3, clock=clock) as fake:
        client = fake.client()
        calls = [
            m["id"]
            async for m in client.messages.export(fake.location_id, limit=100).raw()
            if m.get("messageType") == "TYPE_CALL"
        ]
        assert calls
        chunks = 0
        with pytest.raises(ghl.ClientClosedError):
            async for _ in client.messages.recording_chunks(
                calls[0], fake.location_id, chunk_size=16
            ):
                chunks += 1
                await client.aclose()
        assert chunks == 1
