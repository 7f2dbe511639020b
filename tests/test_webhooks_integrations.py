"""Every webhook integration answers HighLevel the same way: aiohttp, ASGI (Starlette and FastAPI
mounts, a Starlette route) and the FastAPI dependency, driven through httpx's ASGI transport, a
real aiohttp server and a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import httpx
import pytest
from aiohttp import web
from fastapi import Depends, FastAPI
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from ghl_conversations import webhooks
from ghl_conversations.testing import ManualClock, WebhookSigner
from ghl_conversations.webhooks import _keys
from ghl_conversations.webhooks.fastapi import verified_event

NOW = 1_700_000_000.0
LIMIT = 4_096

Post = Callable[..., Awaitable[int]]
"""``await post(body, headers, method="POST")`` -> the status the integration answered."""


class Bot:
    """The user's code: records what it got; ``please`` asks it to ask for a retry or to crash."""

    def __init__(self) -> None:
        self.received: list[webhooks.WebhookEvent] = []
        self.calls = 0

    @property
    def bodies(self) -> list[str | None]:
        """The ``body`` of each message event received, in order."""
        return [e.body for e in self.received if isinstance(e, webhooks.MessageEvent)]

    async def on_event(self, event: webhooks.WebhookEvent) -> None:
        self.calls += 1
        if event.extra.get("please") == "retry":
            raise webhooks.RetryLater()
        if event.extra.get("please") == "crash":
            raise RuntimeError("bug in the bot")
        self.received.append(event)


@asynccontextmanager
async def through_asgi(app: Any, path: str) -> AsyncIterator[Post]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # 500, as a server
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:

        async def post(body: bytes, headers: dict[str, str], method: str = "POST") -> int:
            response = await http.request(method, path, content=body, headers=headers)
            return response.status_code

        yield post


@asynccontextmanager
async def over_tcp(url: str) -> AsyncIterator[Post]:
    async with aiohttp.ClientSession() as session:

        async def post(body: bytes, headers: dict[str, str], method: str = "POST") -> int:
            async with session.request(method, url, data=body, headers=headers) as response:
                return response.status

        yield post


@asynccontextmanager
async def aiohttp_server(bot: Bot, verifier: webhooks.Verifier | None) -> AsyncIterator[Post]:
    app = web.Application()
    app.router.add_post(
        "/ghl", webhooks.handler(bot.on_event, verifier=verifier, max_body_size=LIMIT)
    )
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with over_tcp(f"http://127.0.0.1:{port}/ghl") as post:
            yield post
    finally:
        await runner.cleanup()


def fastapi_dependency_app(bot: Bot, verifier: webhooks.Verifier | None) -> FastAPI:
    app = FastAPI()
    ghl_event = verified_event(verifier, max_body_size=LIMIT)

    @app.post("/ghl")
    async def hook(event: webhooks.WebhookEvent = Depends(ghl_event)) -> dict[str, str]:  # noqa: B008
        await bot.on_event(event)
        return {"status": "ok"}

    return app


@asynccontextmanager
async def integration(
    kind: str, bot: Bot, verifier: webhooks.Verifier | None
) -> AsyncIterator[Post]:
    """The integration ``kind`` serving ``bot``; ``verifier=None`` leaves it its default."""
    if kind == "aiohttp":
        async with aiohttp_server(bot, verifier) as post:
            yield post
        return
    if kind == "fastapi-dependency":
        app: Any = fastapi_dependency_app(bot, verifier)
        path = "/ghl"
    else:
        asgi_app = webhooks.asgi(bot.on_event, verifier=verifier, max_body_size=LIMIT)
        path = "/ghl/"
        if kind == "starlette-mount":
            app = Starlette(routes=[Mount("/ghl", app=asgi_app)])
        elif kind == "starlette-route":
            app, path = Starlette(routes=[Route("/ghl", asgi_app)]), "/ghl"
        else:
            app = FastAPI()
            app.mount("/ghl", asgi_app)
    async with through_asgi(app, path) as post:
        yield post


INTEGRATIONS = [
    "aiohttp",
    "starlette-mount",
    "starlette-route",
    "fastapi-mount",
    "fastapi-dependency",
]


@pytest.mark.parametrize("kind", INTEGRATIONS)
async def test_every_integration_answers_each_case_with_the_documented_status(kind: str) -> None:
    signer = WebhookSigner(clock=ManualClock(NOW))
    bot = Bot()
    async with integration(kind, bot, signer.verifier()) as post:
        body, headers = signer.delivery(body="hello")
        assert await post(body, headers) == 200
        assert bot.bodies == ["hello"]
        assert await post(body, headers) == 200  # a duplicate is acknowledged ...
        assert bot.calls == 1  # ... without calling back

        forged = body.replace(b"hello", b"hullo")
        assert await post(forged, headers) == 401
        assert await post(body, {"content-type": "application/json"}) == 401  # unsigned
        fresh, _ = signer.delivery()
        assert await post(fresh, {"x-ghl-signature": "N/A"}) == 401
        stale = signer.event(timestamp="2023-11-14T22:00:00.000Z")  # 13 minutes old
        assert await post(*signer.delivery(stale)) == 401
        stranger = WebhookSigner.with_new_keys(clock=signer.clock)
        assert await post(*stranger.delivery()) == 401
        assert bot.calls == 1

        legacy, legacy_headers = signer.delivery(legacy=True, body="old header")
        assert await post(legacy, legacy_headers) == 200
        assert bot.bodies[-1] == "old header"

        retry = signer.delivery(please="retry")
        assert await post(*retry) == 429
        assert await post(*retry) == 429  # HighLevel's retry is processed again
        assert bot.calls == 4
        crash = signer.delivery(please="crash")
        assert await post(*crash) == 500
        not_json = b"not json"
        assert await post(not_json, signer.sign(not_json)) == 400
        big = signer.delivery(body="x" * LIMIT)
        assert await post(*big) == 413
        assert await post(b"", {}, method="GET") == 405
        assert len(bot.received) == 2


@pytest.mark.parametrize("kind", INTEGRATIONS)
async def test_a_legacy_delivery_verifies_against_the_shipped_key_by_default(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    signer = WebhookSigner()  # real clock: the default verifier reads the real clock too
    # HighLevel's private key is unknown: put the test key where the shipped public key sits.
    monkeypatch.setattr(_keys, "GHL_RSA_PUBLIC_KEY", signer.legacy_public_key_pem)
    bot = Bot()
    async with integration(kind, bot, None) as post:  # no verifier given: the shipped keys
        assert await post(*signer.delivery(legacy=True, body="legacy")) == 200
        assert await post(*signer.delivery(body="current")) == 401  # not HighLevel's Ed25519 key
    assert bot.bodies == ["legacy"]


async def test_the_asgi_app_reads_a_chunked_body_once_and_stops_at_the_limit() -> None:
    signer = WebhookSigner(clock=ManualClock(NOW))
    bot = Bot()
    app = webhooks.asgi(bot.on_event, verifier=signer.verifier(), max_body_size=LIMIT)
    body, headers = signer.delivery(body="in pieces")
    sent: list[MutableMapping[str, Any]] = []

    async def run(chunks: list[bytes]) -> int:
        messages = [
            {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
            for i, chunk in enumerate(chunks)
        ]
        read = 0

        async def receive() -> MutableMapping[str, Any]:
            nonlocal read
            read += 1
            return messages[read - 1]

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/",
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        }
        sent.clear()
        await app(scope, receive, send)
        return read

    assert await run([body[:10], body[10:50], body[50:]]) == 3
    assert sent[0]["status"] == 200 and bot.bodies[-1] == "in pieces"
    assert (b"content-type", b"application/json") in sent[0]["headers"]
    assert json.loads(sent[1]["body"]) == {"status": "ok"}
    huge = [b"x" * 1000] * 10  # no content-length: the limit stops reading mid-stream
    assert await run(huge) == 5
    assert sent[0]["status"] == 413
    assert "over 4096 bytes" in json.loads(sent[1]["body"])["error"]


async def test_the_fastapi_dependency_hands_the_route_a_typed_event() -> None:
    signer = WebhookSigner(clock=ManualClock(NOW))
    app = FastAPI()
    ghl_event = verified_event(signer.verifier())

    @app.post("/ghl")
    async def hook(event: webhooks.WebhookEvent = Depends(ghl_event)) -> dict[str, Any]:  # noqa: B008
        assert isinstance(event, webhooks.MessageEvent)
        return {"type": event.type, "inbound": event.is_inbound, "contact": event.contact_id}

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bot.test"
    ) as http:
        body, headers = signer.delivery(direction="inbound", contactId="c9")
        response = await http.post("/ghl", content=body, headers=headers)
        assert response.status_code == 200
        assert response.json() == {"type": "InboundMessage", "inbound": True, "contact": "c9"}
        refused = await http.post("/ghl", content=body + b" ", headers=headers)
        assert refused.status_code == 401 and "does not match" in refused.json()["detail"]


async def test_a_real_uvicorn_server_serves_the_asgi_app() -> None:
    import uvicorn

    signer = WebhookSigner(clock=ManualClock(NOW))
    bot = Bot()
    app = Starlette(
        routes=[Mount("/ghl", app=webhooks.asgi(bot.on_event, verifier=signer.verifier()))]
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # connections queue here until uvicorn accepts them: no start-up polling
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        async with over_tcp(f"http://127.0.0.1:{port}/ghl/") as post:
            body, headers = signer.delivery(body="over the wire")
            assert await post(body, headers) == 200
            assert await post(body, headers) == 200
            assert await post(body + b"\n", headers) == 401
            assert await post(*signer.delivery(please="retry")) == 429
    finally:
        server.should_exit = True
        await serving
        listener.close()
    assert bot.bodies == ["over the wire"]


async def test_the_aiohttp_handler_has_its_own_body_limit() -> None:
    signer = WebhookSigner(clock=ManualClock(NOW))
    bot = Bot()
    async with aiohttp_server(bot, signer.verifier()) as post:
        assert await post(*signer.delivery(body="y" * (LIMIT - 400))) == 200
        assert await post(*signer.delivery(body="y" * LIMIT)) == 413
    with pytest.raises(ValueError, match="max_body_size"):
        webhooks.handler(bot.on_event, max_body_size=0)
    with pytest.raises(TypeError, match="either verifier"):
        webhooks.handler(bot.on_event, verifier=signer.verifier(), public_key="x")
