"""The contenders: the floor (bare aiohttp), this SDK and the official SDK, doing one job."""

from __future__ import annotations

import time
from typing import Any

import aiohttp

import ghl_conversations as ghl

HEADERS = {"Version": "2021-04-15", "User-Agent": "bench-floor", "Accept": "application/json"}


def unlimited() -> ghl.RateLimitConfig:
    """The throughput runs measure overhead, not pacing: the server's limit is set sky-high."""
    return ghl.RateLimitConfig(max_requests=10**9, daily=None)


async def floor_export(server: dict[str, Any], limit: int = 500) -> int:
    """A bare aiohttp loop following the cursor, decoding JSON into dicts."""
    headers = {**HEADERS, "Authorization": f"Bearer {server['token']}"}
    count = 0
    cursor: str | None = None
    async with aiohttp.ClientSession(headers=headers) as session:
        while True:
            params = {"locationId": server["location"], "limit": str(limit)}
            if cursor:
                params["cursor"] = cursor
            async with session.get(
                f"{server['url']}/conversations/messages/export", params=params
            ) as response:
                data = await response.json()
            count += len(data["messages"])
            cursor = data.get("nextCursor")
            if not cursor:
                return count


async def sdk_export(server: dict[str, Any], limit: int = 500) -> int:
    """This SDK yielding full models (aware datetimes, enums)."""
    count = 0
    async with ghl.Client(
        token=server["token"], base_url=server["url"], rate_limit=unlimited()
    ) as client:
        async for message in client.messages.export(server["location"], limit=limit):
            count += 1 if message.id else 0
    return count


def official_available() -> bool:
    try:
        import highlevel  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


async def official_export(server: dict[str, Any], limit: int = 500) -> int:
    """The official gohighlevel-api-client, driven through its cursor by hand (bare dicts)."""
    from highlevel import HighLevel

    pointed = type(
        "FakeHighLevel", (HighLevel,), {"BASE_URL": server["url"], "API_VERSION": "2021-04-15"}
    )
    client = pointed(private_integration_token=server["token"])
    count = 0
    cursor = None
    try:
        while True:
            page = await client.conversations.export_messages_by_location(
                server["location"], limit=limit, cursor=cursor
            )
            count += len(page["messages"])
            cursor = page.get("nextCursor")
            if not cursor:
                return count
    finally:
        await client.close()


async def floor_get_latencies(server: dict[str, Any], ids: list[str]) -> list[float]:
    headers = {**HEADERS, "Authorization": f"Bearer {server['token']}"}
    latencies = []
    async with aiohttp.ClientSession(headers=headers) as session:
        for message_id in ids:
            started = time.perf_counter()
            async with session.get(f"{server['url']}/conversations/messages/{message_id}") as r:
                await r.json()
            latencies.append(time.perf_counter() - started)
    return latencies


async def sdk_get_latencies(server: dict[str, Any], ids: list[str]) -> list[float]:
    latencies = []
    async with ghl.Client(
        token=server["token"], base_url=server["url"], rate_limit=unlimited()
    ) as client:
        for message_id in ids:
            started = time.perf_counter()
            await client.messages.get(message_id)
            latencies.append(time.perf_counter() - started)
    return latencies
