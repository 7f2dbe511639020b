"""Decode + structure of one 500-message export page, in memory (no network, no server).

Run: ``python -m benchmarks.model_page``. Prints per-page medians of: the ``orjson.loads`` floor,
the SDK's decode + structure into typed models, that plus reading the fields an export consumer
typically reads (id, date, body, type), and a full ``to_dict`` round trip. Interleaved rounds.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
from typing import Any

import orjson

import ghl_conversations as ghl
from ghl_conversations._models import ExportPage, structure

PAGE_SIZE = 500
ROUNDS = 41


def _message(index: int) -> dict[str, Any]:
    when = dt.datetime(2024, 5, 1, tzinfo=dt.UTC) - dt.timedelta(seconds=37 * index)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    message: dict[str, Any] = {
        "id": f"msg{index:08d}abcdefghij",
        "altId": f"alt{index}",
        "type": 2,
        "messageType": "TYPE_SMS" if index % 3 else "TYPE_EMAIL",
        "locationId": "loc1aaaaaaaaaaaaaaaa",
        "contactId": f"ct{index % 97:06d}aaaaaaaaaaaa",
        "conversationId": f"cv{index % 131:06d}aaaaaaaaaaaa",
        "dateAdded": stamp,
        "dateUpdated": stamp,
        "body": f"Hello there, this is message number {index} of the page",
        "direction": "outbound" if index % 2 else "inbound",
        "status": "delivered",
        "contentType": "text/plain",
        "attachments": [],
        "source": "app",
        "userId": "user1aaaaaaaaaaaaaaa",
        "conversationProviderId": "prov1aaaaaaaaaaaaaa",
    }
    if index % 5 == 0:
        message["meta"] = {"callDuration": 42, "callStatus": "completed", "call": {"x": 1}}
    return message


def _page() -> bytes:
    messages = [_message(i) for i in range(PAGE_SIZE)]
    return orjson.dumps({"messages": messages, "nextCursor": "abc", "total": 300_000})


def _floor(body: bytes) -> None:
    orjson.loads(body)


def _models(body: bytes) -> None:
    structure(orjson.loads(body), ExportPage)


def _models_read(body: bytes) -> None:
    page = structure(orjson.loads(body), ExportPage)
    for message in page.messages:
        message.id, message.date_added, message.body, message.message_type  # noqa: B018


def _round_trip(body: bytes) -> None:
    page = structure(orjson.loads(body), ExportPage)
    for message in page.messages:
        ghl.to_dict(message)


def main() -> None:
    body = _page()
    contenders = {
        "orjson.loads (floor)": _floor,
        "decode + structure": _models,
        "decode + structure + read 4 fields": _models_read,
        "decode + structure + to_dict each": _round_trip,
    }
    timings: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, run in contenders.items():
            gc.collect()
            start = time.perf_counter()
            run(body)
            timings[name].append(time.perf_counter() - start)
    floor = statistics.median(timings["orjson.loads (floor)"])
    print(f"one page of {PAGE_SIZE} messages ({len(body)} bytes), median of {ROUNDS} rounds")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:40s} {median * 1e3:7.3f} ms  {median / floor:5.2f}x floor")


if __name__ == "__main__":
    main()
