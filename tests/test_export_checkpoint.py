"""Export checkpoints: the save-every-N idiom, yielded across resumes, complete validation."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, ManualClock

from .test_export import all_ids

Checkpoint = dict[str, Any]


@pytest.mark.parametrize("page_size", [300, 499])
async def test_the_readme_idiom_saves_once_per_10000_messages_and_resumes_exactly(
    clock: ManualClock, page_size: int
) -> None:
    saved: list[Checkpoint] = []
    async with FakeHighLevel(messages=25_000, seed=7, clock=clock) as fake:
        async with fake.client() as client:
            export = client.messages.export(fake.location_id, limit=page_size)
            first: list[str] = []
            async for message in export:
                first.append(message.id)
                if export.yielded % 10_000 == 0:
                    saved.append(json.loads(json.dumps(export.checkpoint)))
                    if len(saved) == 1:
                        break
            assert [c["yielded"] for c in saved] == [10_000]
            assert first == all_ids(fake)[:10_000]

            resumed = client.messages.export(fake.location_id, limit=page_size, resume=saved[0])
            assert resumed.yielded == 10_000  # counting continues across resume=
            rest: list[str] = []
            async for message in resumed:
                rest.append(message.id)
                if resumed.yielded % 10_000 == 0:
                    saved.append(resumed.checkpoint)
            assert [c["yielded"] for c in saved] == [10_000, 20_000]
            assert first + rest == all_ids(fake)
            assert resumed.yielded == resumed.checkpoint["yielded"] == 25_000

            again = client.messages.export(fake.location_id, limit=page_size, resume=saved[1])
            assert [m.id async for m in again] == all_ids(fake)[20_000:]


async def _parallel_checkpoint(fake: FakeHighLevel, client: ghl.Client) -> Checkpoint:
    export = client.messages.export(fake.location_id, limit=20, concurrency=3)
    taken = 0
    async for _ in export:
        taken += 1
        if taken == 100:
            break
    checkpoint = export.checkpoint
    await export.aclose()
    assert len(checkpoint["windows"]) > 3
    return checkpoint


def _set(path: str, value: Any) -> Callable[[Checkpoint], None]:
    def change(checkpoint: Checkpoint) -> None:
        target: Any = checkpoint
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def _gap(checkpoint: Checkpoint) -> None:
    del checkpoint["windows"][2]
    checkpoint["yielded"] = sum(w["yielded"] for w in checkpoint["windows"])


def _overlap(checkpoint: Checkpoint) -> None:
    # Descending order: windows[1] covers the range just before windows[0]; stretch it into it.
    windows = checkpoint["windows"]
    windows[1]["end"] = windows[0]["end"]


def _swapped(checkpoint: Checkpoint) -> None:
    window = checkpoint["windows"][1]
    window["start"], window["end"] = window["end"], window["start"]


def _reordered(checkpoint: Checkpoint) -> None:
    checkpoint["windows"].reverse()


def _outside(checkpoint: Checkpoint) -> None:
    window = checkpoint["windows"][1]
    window["last_value"] = checkpoint["windows"][0]["end"] or "2999-01-01T00:00:00+00:00"
    window["ids_at_last_value"] = ["m1"]


MALFORMED: list[tuple[str, Callable[[Checkpoint], None], str]] = [
    ("no windows", _set("windows", []), "windows must be a non-empty list"),
    ("empty window", _set("windows.0", {}), r"windows\[0\] lacks"),
    ("done as a string", _set("windows.0.done", "no"), r"windows\[0\]\.done must be true"),
    ("ids not a list", _set("windows.0.ids_at_last_value", "m1"), "ids_at_last_value"),
    ("negative yielded", _set("windows.0.yielded", -1), r"windows\[0\]\.yielded"),
    ("bool yielded", _set("yielded", True), "yielded must be a non-negative integer"),
    ("unparsable date", _set("windows.1.start", "yesterday"), r"windows\[1\]\.start"),
    ("date as a number", _set("windows.1.end", 5), r"windows\[1\]\.end"),
    ("ids without a value", _set("windows.0.last_value", None), "exactly when last_value"),
    ("unknown window field", _set("windows.0.extra", 1), "unknown fields"),
    ("bad sort_by", _set("filters.sort_by", "size"), "filters.sort_by"),
    ("bad limit", _set("filters.limit", "100"), "filters.limit"),
    ("missing filters field", lambda c: c["filters"].pop("channel"), "filters lacks"),
    ("yielded mismatch", _set("yielded", 5), "sum of the windows"),
    ("missing total", lambda c: c.pop("total"), "lacks"),
    ("a gap", _gap, "gap or an overlap"),
    ("an overlap", _overlap, "start not before end|gap or an overlap"),
    ("swapped bounds", _swapped, "start not before end"),
    ("windows out of order", _reordered, "do not start where the export does"),
    ("position outside its window", _outside, "position outside the window"),
]


@pytest.mark.parametrize(
    ("change", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
async def test_a_malformed_checkpoint_is_refused_naming_what_is_wrong(
    fake: FakeHighLevel,
    fake_client: ghl.Client,
    change: Callable[[Checkpoint], None],
    message: str,
) -> None:
    good = await _parallel_checkpoint(fake, fake_client)
    bad = copy.deepcopy(good)
    change(bad)
    before = fake.request_count
    with pytest.raises(ValueError, match=message):
        fake_client.messages.export(fake.location_id, limit=20, concurrency=3, resume=bad)
    with pytest.raises(ValueError, match=message):  # the same as JSON text
        fake_client.messages.export(fake.location_id, limit=20, resume=json.dumps(bad))
    assert fake.request_count == before  # refused before anything is sent


async def test_the_good_checkpoint_of_those_resumes_exactly(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    """The unchanged checkpoint the malformed ones start from is accepted and completes."""
    export = fake_client.messages.export(fake.location_id, limit=20, concurrency=3)
    first: list[str] = []
    async for message in export:
        first.append(message.id)
        if len(first) == 100:
            break
    checkpoint = export.checkpoint
    await export.aclose()
    rest = [
        m.id
        async for m in fake_client.messages.export(
            fake.location_id, limit=20, concurrency=3, resume=checkpoint
        )
    ]
    assert sorted(first + rest) == sorted(all_ids(fake))


async def test_a_checkpoint_that_is_not_json_is_refused(fake_client: ghl.Client) -> None:
    with pytest.raises(ValueError, match="not JSON"):
        fake_client.messages.export("loc", resume="{not json")
