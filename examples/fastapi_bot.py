"""A FastAPI echo bot that answers HighLevel's webhooks at once and replies in the background.

HighLevel tells it a contact wrote in; the route answers 200 straight away (HighLevel retries only
429s, so a webhook endpoint should answer fast) and a background task sends the reply.

Run it for real (``pip install 'ghl-conversations[fastapi]' uvicorn``), listening on :8080/ghl:

    GHL_TOKEN=pit-... python examples/fastapi_bot.py --port 8080

or as a self-contained demo against the built-in fake HighLevel (no account needed):

    python examples/fastapi_bot.py --demo
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator

import uvicorn
from fastapi import BackgroundTasks, Depends, FastAPI

import ghl_conversations as ghl
from ghl_conversations import webhooks
from ghl_conversations.webhooks.fastapi import verified_event

log = logging.getLogger("fastapi_bot")

NO_TOKEN = (
    "fastapi_bot: no HighLevel token: set GHL_TOKEN=pit-... to serve real webhooks, "
    "or run with --demo to try it against the built-in fake"
)


def make_app(
    client: ghl.Client,
    *,
    verifier: webhooks.Verifier | None = None,
    replied: asyncio.Queue[str] | None = None,
) -> FastAPI:
    """The bot: one FastAPI app, one shared client, one verified webhook route."""
    app = FastAPI()
    ghl_event = verified_event(verifier)  # HighLevel's keys unless a verifier is given

    async def reply(event: webhooks.MessageEvent) -> None:
        assert event.contact_id
        sent = await client.messages.send(
            type="SMS", contact_id=event.contact_id, message=f"You said: {event.body}"
        )
        log.info("replied to %s with %s", event.contact_id, sent.message_id)
        if replied is not None:
            await replied.put(f"You said: {event.body}")

    @app.post("/ghl")
    async def hook(
        background: BackgroundTasks,
        event: webhooks.WebhookEvent = Depends(ghl_event),  # noqa: B008 (FastAPI's idiom)
    ) -> dict[str, str]:
        if isinstance(event, webhooks.MessageEvent) and event.is_inbound and event.contact_id:
            background.add_task(reply, event)  # runs after the 200 has been sent
        return {"status": "ok"}

    return app


@contextlib.asynccontextmanager
async def serving(app: FastAPI, host: str, port: int) -> AsyncIterator[int]:
    """Run ``app`` under uvicorn until the block ends; yields the port it listens on."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen()  # requests wait in the backlog until uvicorn accepts them
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        yield listener.getsockname()[1]
    finally:
        server.should_exit = True
        await task
        listener.close()


async def demo() -> str:
    """A contact writes in to the fake HighLevel; the bot replies. Returns the reply it sent."""
    from ghl_conversations.testing import FakeHighLevel

    async with FakeHighLevel(messages=100) as fake, fake.client() as client:
        replied: asyncio.Queue[str] = asyncio.Queue()
        verifier = webhooks.Verifier(public_keys=fake.webhook_public_key_pem)  # the fake's key
        async with serving(
            make_app(client, verifier=verifier, replied=replied), "127.0.0.1", 0
        ) as port:
            event = await fake.simulate_inbound(
                f"http://127.0.0.1:{port}/ghl", conversation=5, body="Where is my parcel?"
            )
            assert event["status"] == 200, event
            await replied.get()
        sent = next(m for m in reversed(fake.dataset.added) if m["direction"] == "outbound")
        reply = str(sent["body"])
        print(f"contact: {event['body']}\nbot:     {reply}")
        return reply


async def serve(port: int) -> None:
    """Serve real webhooks until interrupted."""
    async with ghl.Client() as client, serving(make_app(client), "0.0.0.0", port):
        log.info("listening on :%d/ghl", port)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    """Run the bot (or the demo); returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="run against the fake HighLevel")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    if not args.demo and not os.environ.get("GHL_TOKEN"):
        print(NO_TOKEN, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO)
    try:
        asyncio.run(demo() if args.demo else serve(args.port))
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
