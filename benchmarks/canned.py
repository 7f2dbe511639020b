"""A canned HighLevel: every answer prepared once and served from memory, in its own process.

The fake HighLevel builds each message as it is asked for (a few microseconds each), which is fine
for tests but sets the pace of a throughput benchmark: the contenders then mostly wait for it. This
server does no work per message at all, so what a benchmark measures is the client.

``python -m benchmarks.canned --messages N --page P`` prints one JSON line (url, token, location,
a message id, a conversation id) and serves until its standard input closes. The messages are the
fake's own generated messages (realistic shapes: meta, attachments, every channel), newest first,
as HighLevel's default sort answers them; export pages chain through ``nextCursor``. No rate-limit
headers are sent, so no client paces itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import orjson
from aiohttp import web

from ghl_conversations.testing import Dataset

from .server import serve_process

_COMMAND = (sys.executable, "-m", "benchmarks.canned")
LOCATION = "benchLocation00000001"
TOKEN = "pit-bench-token-0000000000000000"


def _pages(messages: int, page: int) -> list[bytes]:
    """The export's pages, newest first, each chained to the next by its index as the cursor."""
    dataset = Dataset(
        location_id=LOCATION,
        seed=1,
        count=messages,
        conversations=max(1, min(1_000, messages // 20)),
        start_ms=1_700_000_000_000,
        future_values=False,
    )
    ordered = [dataset.generate(i) for i in range(messages - 1, -1, -1)]
    pages = []
    for number, start in enumerate(range(0, messages, page)):
        chunk = ordered[start : start + page]
        last = start + page >= messages
        pages.append(
            orjson.dumps(
                {
                    "messages": chunk,
                    "nextCursor": None if last else f"c{number + 1}",
                    "total": messages,
                    "traceId": "bench",
                }
            )
        )
    return pages


def _search_page(dataset_messages: list[dict[str, Any]], limit: int) -> bytes:
    conversations = [
        {
            "id": m["conversationId"],
            "locationId": LOCATION,
            "contactId": m["contactId"],
            "lastMessageBody": m.get("body", ""),
            "lastMessageDate": 1_700_000_000_000 + i,
            "lastMessageType": m["messageType"],
            "type": "TYPE_PHONE",
            "unreadCount": 1,
            "fullName": "Bench Contact",
            "email": "bench@example.com",
            "phone": "+15550000000",
            "sort": [1_700_000_000_000 + i],
        }
        for i, m in enumerate(dataset_messages[:limit])
    ]
    return orjson.dumps({"conversations": conversations, "total": limit})


def build_app(messages: int, page: int) -> tuple[web.Application, dict[str, str]]:
    """The canned application and what a contender needs to know to call it."""
    pages = _pages(messages, page)
    first_page = orjson.loads(pages[0])["messages"]
    sample = first_page[0]
    get_body = orjson.dumps({"message": sample, "traceId": "bench"})
    search_body = _search_page(first_page, 20)
    json_type = "application/json; charset=utf-8"

    async def export(request: web.Request) -> web.Response:
        cursor = request.query.get("cursor")
        index = int(cursor[1:]) if cursor else 0
        return web.Response(body=pages[index], content_type="application/json")

    async def get_message(request: web.Request) -> web.Response:
        return web.Response(body=get_body, headers={"Content-Type": json_type})

    async def search(request: web.Request) -> web.Response:
        return web.Response(body=search_body, headers={"Content-Type": json_type})

    app = web.Application()
    app.router.add_get("/conversations/messages/export", export)
    app.router.add_get("/conversations/search", search)
    app.router.add_get("/conversations/messages/{id}", get_message)
    info = {
        "token": TOKEN,
        "location": LOCATION,
        "message_id": sample["id"],
        "conversation_id": sample["conversationId"],
    }
    return app, info


async def _serve(args: argparse.Namespace) -> None:
    app, info = build_app(args.messages, args.page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"url": f"http://127.0.0.1:{port}", **info}), flush=True)
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, sys.stdin.read)
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def serve(*, messages: int, page: int) -> Iterator[dict[str, Any]]:
    """Start the canned server in a subprocess; yield its url/token/ids; stop it afterwards."""
    command = [*_COMMAND, "--messages", str(messages), "--page", str(page)]
    with serve_process(command, "canned server") as info:
        yield {**info, "messages": messages, "page": page}


def main() -> None:
    """Entry point of ``python -m benchmarks.canned``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.canned")
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--page", type=int, default=500)
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
