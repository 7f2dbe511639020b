"""CPU per message and per call, measured honestly: against the canned server, interleaved.

Every contender does the same job against the same canned server (its own process, answers from
memory), so the client's CPU is what is measured: user + system CPU of this process per message
(``resource.getrusage``), beside wall time. Rounds interleave the contenders (the order rotates),
figures are medians, and ratios are taken against the floor of the same round.

Contenders for the export:

- ``floor: aiohttp + orjson``: a bare loop following the cursor, pages decoded into dicts.
- ``floor: aiohttp + json``: the same with the standard library's decoder.
- ``limit: msgspec Structs``: decoded straight into typed Structs (aware datetimes, enums as
  strings, nested meta): about the fastest typed decoding Python has. Needs ``msgspec`` (bench
  extra).
- ``ghl-conversations, models``: ``async for msg in client.messages.export(...)``, full models.
- ``ghl-conversations, raw``: ``export.raw()``, the wire dicts exactly as sent (when available).
- ``official SDK``: ``gohighlevel-api-client`` (bench extra), driven through its cursor by hand;
  it returns dicts and builds no models.

The SDK's rate limiter is set out of the way (the canned server sends no rate-limit headers
either), since pacing is not what is measured here.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson

import ghl_conversations as ghl

from . import contenders
from .canned import serve

Job = Callable[[dict[str, Any]], Awaitable[int]]
HEADERS = {"Version": "2021-04-15", "User-Agent": "bench-floor", "Accept": "application/json"}


def unlimited() -> ghl.RateLimitConfig:
    """A limiter that never waits: the benchmark measures CPU, not pacing."""
    return ghl.RateLimitConfig(max_requests=10**9, daily=None)


def _headers(server: dict[str, Any]) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {server['token']}"}


async def _floor(server: dict[str, Any], loads: Callable[[bytes], Any]) -> int:
    count = 0
    cursor: str | None = None
    async with aiohttp.ClientSession(headers=_headers(server)) as session:
        while True:
            params = {"locationId": server["location"], "limit": str(server["page"])}
            if cursor:
                params["cursor"] = cursor
            async with session.get(
                f"{server['url']}/conversations/messages/export", params=params
            ) as response:
                data = loads(await response.read())
            count += len(data["messages"])
            cursor = data.get("nextCursor")
            if not cursor:
                return count


async def floor_orjson(server: dict[str, Any]) -> int:
    """The floor: bare aiohttp, pages decoded by orjson into dicts."""
    return await _floor(server, orjson.loads)


async def floor_json(server: dict[str, Any]) -> int:
    """Bare aiohttp, pages decoded by the standard library's json into dicts."""
    return await _floor(server, json.loads)


def msgspec_available() -> bool:
    """Whether the msgspec limit can run (the bench extra installs it)."""
    try:
        import msgspec  # noqa: F401
    except ImportError:
        return False
    return True


def _msgspec_decoder() -> Callable[[bytes], Any]:
    from .msgspec_models import page_decoder

    return page_decoder()


async def msgspec_structs(server: dict[str, Any]) -> int:
    """The Python decoding limit: msgspec straight into typed Structs."""
    return await _floor(server, _msgspec_decoder())


async def sdk_models(server: dict[str, Any]) -> int:
    """This SDK yielding full models (aware datetimes, enums, nested meta)."""
    count = 0
    async with ghl.Client(
        token=server["token"], base_url=server["url"], rate_limit=unlimited()
    ) as client:
        async for message in client.messages.export(server["location"], limit=server["page"]):
            count += 1 if message.id else 0
    return count


def sdk_raw_available() -> bool:
    """Whether this SDK's export has the raw mode (wire dicts exactly as sent)."""
    return hasattr(ghl.MessageExport, "raw")


async def sdk_raw(server: dict[str, Any]) -> int:
    """This SDK's raw mode: wire dicts exactly as sent, no models."""
    count = 0
    async with ghl.Client(
        token=server["token"], base_url=server["url"], rate_limit=unlimited()
    ) as client:
        export = client.messages.export(server["location"], limit=server["page"])
        async for wire in export.raw():
            count += 1 if wire["id"] else 0
    return count


async def official(server: dict[str, Any]) -> int:
    """The official gohighlevel-api-client, driven through its cursor by hand (bare dicts)."""
    return await contenders.official_export(server, limit=server["page"])


def export_contenders(include_official: bool) -> dict[str, Job]:
    """The export contenders available here, the floor first."""
    jobs: dict[str, Job] = {
        "floor: aiohttp + orjson, dicts": floor_orjson,
        "floor: aiohttp + json, dicts": floor_json,
    }
    if msgspec_available():
        jobs["limit: msgspec into typed Structs"] = msgspec_structs
    jobs["ghl-conversations, full models"] = sdk_models
    if sdk_raw_available():
        jobs["ghl-conversations, raw()"] = sdk_raw
    if include_official and contenders.official_available():
        jobs["official gohighlevel-api-client (dicts)"] = official
    return jobs


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measure(job: Job, server: dict[str, Any]) -> tuple[int, float, float]:
    """Run one job; return (messages or calls, wall seconds, CPU seconds of this process)."""
    cpu, wall = _cpu(), time.perf_counter()
    count = await job(server)
    return count, time.perf_counter() - wall, _cpu() - cpu


async def export_cpu(
    *, messages: int, page: int, rounds: int, include_official: bool
) -> dict[str, Any]:
    """Interleaved rounds of every export contender; medians and same-round ratios."""
    jobs = export_contenders(include_official)
    names = list(jobs)
    floor = names[0]
    walls: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    ratios: dict[str, list[float]] = {n: [] for n in names}
    with serve(messages=messages, page=page) as server:
        await floor_orjson(server)  # warm-up: connections, caches
        for round_ in range(rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            this_round: dict[str, float] = {}
            for name in order:
                count, wall, cpu = await measure(jobs[name], server)
                if count != messages:
                    raise RuntimeError(f"{name} exported {count} of {messages}")
                walls[name].append(wall)
                cpus[name].append(cpu)
                this_round[name] = cpu
            for name in names:
                ratios[name].append(this_round[name] / this_round[floor])
    return {
        name: {
            "wall_s": statistics.median(walls[name]),
            "cpu_us_per_message": statistics.median(cpus[name]) / messages * 1e6,
            "cpu_vs_floor": statistics.median(ratios[name]),
            "wall_vs_floor": statistics.median(walls[name]) / statistics.median(walls[floor]),
        }
        for name in names
    }


async def _floor_calls(server: dict[str, Any], path: str, params: dict[str, str], n: int) -> int:
    async with aiohttp.ClientSession(headers=_headers(server)) as session:
        for _ in range(n):
            async with session.get(f"{server['url']}{path}", params=params) as response:
                orjson.loads(await response.read())
    return n


async def _sdk_calls(server: dict[str, Any], call: str, n: int) -> int:
    async with ghl.Client(
        token=server["token"], base_url=server["url"], rate_limit=unlimited()
    ) as client:
        for _ in range(n):
            if call == "get":
                await client.messages.get(server["message_id"])
            else:
                await client.conversations.search_page(server["location"], limit=20)
    return n


async def call_overhead(*, calls: int, rounds: int) -> dict[str, Any]:
    """Sequential ``messages.get`` and search pages: the SDK's time per call over the floor's."""
    results: dict[str, Any] = {}
    with serve(messages=1_000, page=500) as server:
        for label, path, params in (
            ("messages.get", f"/conversations/messages/{server['message_id']}", {}),
            (
                "conversations.search_page",
                "/conversations/search",
                {"locationId": server["location"], "limit": "20"},
            ),
        ):
            kind = "get" if label == "messages.get" else "search"

            async def floor_job(
                s: dict[str, Any], p: str = path, q: dict[str, str] = params
            ) -> int:
                return await _floor_calls(s, p, q, calls)

            async def sdk_job(s: dict[str, Any], k: str = kind) -> int:
                return await _sdk_calls(s, k, calls)

            await floor_job(server)
            floor_wall: list[float] = []
            sdk_wall: list[float] = []
            floor_cpu: list[float] = []
            sdk_cpu: list[float] = []
            for round_ in range(rounds):
                pair: list[tuple[str, Job]] = [("floor", floor_job), ("sdk", sdk_job)]
                for name, job in pair if round_ % 2 == 0 else pair[::-1]:
                    _, wall, cpu = await measure(job, server)
                    (floor_wall if name == "floor" else sdk_wall).append(wall / calls)
                    (floor_cpu if name == "floor" else sdk_cpu).append(cpu / calls)
            results[label] = {
                "floor_us": statistics.median(floor_wall) * 1e6,
                "sdk_us": statistics.median(sdk_wall) * 1e6,
                "overhead_us": (statistics.median(sdk_wall) - statistics.median(floor_wall)) * 1e6,
                "floor_cpu_us": statistics.median(floor_cpu) * 1e6,
                "sdk_cpu_us": statistics.median(sdk_cpu) * 1e6,
            }
    return results
