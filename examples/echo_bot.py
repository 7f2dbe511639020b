"""An echo bot: HighLevel tells it a contact wrote in, it shows a typing indicator and replies.

Run it for real (it listens for HighLevel's webhooks on :8080/ghl):

    GHL_TOKEN=pit-... python examples/echo_bot.py --port 8080

or as a self-contained demo against the built-in fake HighLevel (no account needed):

    python examples/echo_bot.py --demo
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from aiohttp import web

import ghl_conversations as ghl
from ghl_conversations import webhooks

log = logging.getLogger("echo_bot")


def make_app(client: ghl.Client, *, public_key: str | None = None) -> web.Application:
    """The bot: one aiohttp app, one shared client, one webhook route."""

    async def on_event(event: webhooks.WebhookEvent) -> None:
        if not isinstance(event, webhooks.MessageEvent) or not event.is_inbound:
            return  # our own replies come back as OutboundMessage: ignore them
        if not event.contact_id or not event.location_id or not event.conversation_id:
            return
        log.info("%s wrote: %s", event.contact_id, event.body)
        # Live-chat visitors see the agent typing; other channels ignore this call.
        try:
            await client.providers.live_chat_typing(
                event.location_id, event.conversation_id, event.contact_id, True
            )
        except ghl.APIStatusError as exc:
            log.debug("no typing indicator: %s", exc)
        await client.messages.send(
            type="SMS", contact_id=event.contact_id, message=f"You said: {event.body}"
        )

    app = web.Application()
    app.router.add_post("/ghl", webhooks.handler(on_event, public_key=public_key))
    return app


async def demo() -> str:
    """Run the bot against the fake HighLevel: a contact writes, the bot answers. Returns the
    reply the fake received."""
    from ghl_conversations.testing import FakeHighLevel

    async with FakeHighLevel(messages=100) as fake, fake.client() as client:
        runner = web.AppRunner(make_app(client, public_key=fake.webhook_public_key_pem))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            event = await fake.simulate_inbound(
                f"http://127.0.0.1:{port}/ghl", conversation=3, body="Is my order shipped?"
            )
            assert event["status"] == 200, event
            reply = next(m for m in reversed(fake.dataset.added) if m["direction"] == "outbound")
            print(f"contact: {event['body']}\nbot:     {reply['body']}")
            return str(reply["body"])
        finally:
            await runner.cleanup()


async def serve(port: int) -> None:
    async with ghl.Client() as client:
        runner = web.AppRunner(make_app(client))
        await runner.setup()
        await web.TCPSite(runner, "0.0.0.0", port).start()
        log.info("listening on :%d/ghl", port)
        await asyncio.Event().wait()


NO_TOKEN = (
    "echo_bot: no HighLevel token: set GHL_TOKEN=pit-... to serve real webhooks, "
    "or run with --demo to try it against the built-in fake"
)


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
