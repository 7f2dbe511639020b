"""A client's life: it refuses calls once closed, stops running work, leaks nothing, and serves
successive event loops (a client created at import time, two ``asyncio.run``, two test clients)."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import textwrap

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, Fault

LEAK_MARKERS = ("Unclosed", "unclosed", "Exception ignored", "Event loop is closed", "Traceback")


def run_script(body: str) -> subprocess.CompletedProcess[str]:
    """Run ``body`` in a fresh interpreter with resource warnings as errors (a leaked session,
    connector or socket then shows on stderr, which must stay clean)."""
    script = textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok"), result.stdout + result.stderr
    leaks = [line for line in result.stderr.splitlines() if any(m in line for m in LEAK_MARKERS)]
    assert not leaks, result.stderr


def test_one_client_serves_successive_event_loops_without_leaks() -> None:
    result = run_script(
        """
        import asyncio, gc
        import ghl_conversations as ghl
        from ghl_conversations.testing import FakeHighLevel

        with FakeHighLevel(messages=20) as fake:
            client = ghl.Client(token=fake.token, base_url=fake.url)  # at "import time"

            async def call(n):
                message = await client.messages.get(fake.dataset.message_id(n))
                assert message.id == fake.dataset.message_id(n)
                assert client.transport.stats.session_open

            for n in range(3):  # three loops, one after the other, like two TestClient blocks
                asyncio.run(call(n))
            assert not client.transport.stats.session_open  # each loop closed its own
            asyncio.run(client.aclose())
        gc.collect()
        print("ok")
        """
    )
    assert_clean(result)


def test_closing_a_client_stops_a_running_export_and_every_later_call() -> None:
    result = run_script(
        """
        import asyncio, gc
        import ghl_conversations as ghl
        from ghl_conversations.testing import FakeHighLevel

        async def main(fake):
            client = ghl.Client(token=fake.token, base_url=fake.url)
            got = 0
            try:
                async for _ in client.messages.export(fake.location_id, limit=100):
                    got += 1
                    if got == 150:
                        await client.aclose()
            except ghl.ClientClosedError:
                pass
            else:
                raise AssertionError(f"the export went on after close ({got} messages)")
            assert got < 300, got
            for _ in range(2):
                try:
                    await client.messages.get(fake.dataset.message_id(0))
                except ghl.ClientClosedError:
                    pass
                else:
                    raise AssertionError("a closed client answered")
            assert client.closed and not client.transport.stats.session_open

        with FakeHighLevel(messages=300) as fake:
            asyncio.run(main(fake))
            sent = len(fake.requests)
        assert sent <= 3, sent
        gc.collect()
        print("ok")
        """
    )
    assert_clean(result)


@pytest.mark.filterwarnings("error")
async def test_closing_a_client_stops_a_request_in_flight(clock: ghl.ManualClock) -> None:
    async with FakeHighLevel(messages=10, clock=clock) as fake:
        client = fake.client(clock=ghl.SystemClock())
        await client.messages.get(fake.dataset.message_id(0))  # a pooled connection exists
        fake.faults.script(Fault("slow", delay=1.0))  # answered after the close
        sent = asyncio.Event()
        client.hooks.on_request.append(lambda _event: sent.set())
        task = asyncio.create_task(client.messages.get(fake.dataset.message_id(1)))
        await sent.wait()
        await client.aclose()
        with pytest.raises(ghl.ClientClosedError):
            await task
        with pytest.raises(ghl.ClientClosedError):
            await client.messages.get(fake.dataset.message_id(1))
        transport = client.transport
        assert isinstance(transport, ghl.AiohttpTransport)
        assert transport.stats == ghl.TransportStats(
            connections_opened=transport.stats.connections_opened,
            in_flight=0,
            session_open=False,
        )
    gc.collect()


async def test_a_closed_client_opens_no_new_session(fake: FakeHighLevel) -> None:
    client = fake.client()
    transport = client.transport
    assert isinstance(transport, ghl.AiohttpTransport)
    before = transport.stats
    assert not before.session_open  # nothing is bound to a loop before the first call
    await client.messages.get(fake.dataset.message_id(0))
    after = transport.stats
    assert after.session_open and after.connections_opened == 1
    await client.aclose()
    await client.aclose()  # twice is fine
    with pytest.raises(ghl.ClientClosedError, match="closed"):
        await client.messages.get(fake.dataset.message_id(0))
    assert not transport.stats.session_open
    assert transport.stats.connections_opened == 1
    assert len(fake.requests) == 1


async def test_a_view_of_a_closed_client_is_closed_too(fake: FakeHighLevel) -> None:
    async with fake.client() as client:
        view = client.for_location(fake.location_id)
    assert view.closed
    with pytest.raises(ghl.ClientClosedError):
        await view.messages.export_page(fake.location_id)


async def test_a_loop_in_use_elsewhere_is_refused_with_what_to_do(fake: FakeHighLevel) -> None:
    client = fake.client()
    await client.messages.get(fake.dataset.message_id(0))
    failure: list[BaseException] = []

    def other_thread() -> None:
        async def call() -> None:
            await client.messages.get(fake.dataset.message_id(1))

        try:
            asyncio.run(call())
        except RuntimeError as exc:
            failure.append(exc)

    await asyncio.to_thread(other_thread)
    await client.aclose()
    assert failure and "one client per event loop" in str(failure[0])


def test_a_client_created_at_import_serves_two_test_client_blocks() -> None:
    pytest.importorskip("starlette.testclient", reason="the [fastapi] extra is not installed")
    result = run_script(
        """
        import gc
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse
        from starlette.routing import Route
        from starlette.testclient import TestClient
        import ghl_conversations as ghl
        from ghl_conversations.testing import FakeHighLevel

        with FakeHighLevel(messages=10) as fake:
            client = ghl.Client(token=fake.token, base_url=fake.url)  # module level in an app

            async def message(request):
                found = await client.messages.get(request.path_params["id"])
                return JSONResponse({"id": found.id})

            app = Starlette(routes=[Route("/m/{id}", message)])
            for n in range(2):  # each block runs its own event loop
                with TestClient(app) as http:
                    wanted = fake.dataset.message_id(n)
                    assert http.get(f"/m/{wanted}").json() == {"id": wanted}
        gc.collect()
        print("ok")
        """
    )
    assert_clean(result)
