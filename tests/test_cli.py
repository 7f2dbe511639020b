"""The command line, run as a real subprocess against the fake server."""

from __future__ import annotations

import csv
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from ghl_conversations.testing import FakeHighLevel, Fault

ENV = {k: v for k, v in os.environ.items() if not k.startswith("GHL_")}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ghl_conversations", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env or ENV,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[FakeHighLevel]:
    with FakeHighLevel(
        messages=3_000,
        seed=9,
        locations={"secondLocation000002": 700},
        rate_limit=10_000,
        latency=0.004,
    ) as fake:
        yield fake


def connection(fake: FakeHighLevel) -> list[str]:
    return ["--token", fake.token, "--base-url", fake.url]


def expected_ids(fake: FakeHighLevel, location: str | None = None) -> set[str]:
    dataset = fake.datasets[location or fake.location_id]
    return {dataset.message_id(i) for i in range(dataset.count)}


def read_jsonl(path: pathlib.Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_export_to_jsonl_is_lossless(server: FakeHighLevel, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "m.jsonl"
    done = run("export", *connection(server), "--location", server.location_id, "--out", str(out))
    assert done.returncode == 0, done.stderr
    lines = read_jsonl(out)
    assert [m["id"] for m in lines] == sorted(expected_ids(server), reverse=True)
    first = server.dataset.generate(server.dataset.count - 1)
    assert lines[0] == first  # exactly as the API sent it, unknown fields included
    assert "exported 3,000 messages" in done.stderr
    assert server.token not in done.stderr + done.stdout


def test_export_to_csv(server: FakeHighLevel, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "m.csv"
    done = run(
        "export",
        *connection(server),
        "--location",
        server.location_id,
        "--out",
        str(out),
        "--format",
        "csv",
        "--channel",
        "SMS",
        "--page-size",
        "100",
    )
    assert done.returncode == 0, done.stderr
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    dataset = server.dataset
    sms = {dataset.message_id(i) for i in range(dataset.count) if dataset.kind(i)[2] == "SMS"}
    assert {r["id"] for r in rows} == sms and len(rows) == len(sms)
    assert {r["messageType"] for r in rows} == {"TYPE_SMS"}
    assert all(r["dateAdded"].endswith("Z") for r in rows)


def test_several_locations_concurrently(server: FakeHighLevel, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "both.jsonl"
    locations = tmp_path / "locations.txt"
    locations.write_text(f"{server.location_id}\nsecondLocation000002\n")
    done = run(
        "export",
        *connection(server),
        "--locations-file",
        str(locations),
        "--out",
        str(out),
        "--concurrency",
        "2",
    )
    assert done.returncode == 0, done.stderr
    ids = [m["id"] for m in read_jsonl(out)]
    expected = expected_ids(server) | expected_ids(server, "secondLocation000002")
    assert len(ids) == len(expected) == len(set(ids)) and set(ids) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_resume_after_kill_9_at_random_points(
    server: FakeHighLevel, tmp_path: pathlib.Path, seed: int
) -> None:
    rng = random.Random(seed)
    out = tmp_path / "killed.jsonl"
    args = [
        "export",
        *connection(server),
        "--location",
        server.location_id,
        "--out",
        str(out),
        "--page-size",
        "50",
        "--quiet",
    ]
    kills = 0
    for attempt in range(4):
        command = [sys.executable, "-m", "ghl_conversations", *args]
        if attempt:
            command.append("--resume")
        process = subprocess.Popen(
            command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        threshold = rng.randint(50_000, 1_200_000)  # bytes of output before the kill
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if out.exists() and out.stat().st_size > threshold * (attempt + 1) // 2:
                process.send_signal(signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.005)
        process.wait(timeout=60)
    final = run(*args, "--resume")
    assert final.returncode == 0, final.stderr
    raw = out.read_bytes()
    assert raw.endswith(b"\n")
    ids = [json.loads(line)["id"] for line in raw.splitlines()]  # no torn line: all parse
    assert len(ids) == len(set(ids)), "a message was written twice"
    assert set(ids) == expected_ids(server), "a message was lost"
    assert kills >= 1


def test_bad_token_is_one_clear_line(server: FakeHighLevel, tmp_path: pathlib.Path) -> None:
    done = run(
        "export",
        "--token",
        "pit-wrong",
        "--base-url",
        server.url,
        "--location",
        server.location_id,
        "--out",
        str(tmp_path / "x.jsonl"),
    )
    assert done.returncode == 3
    assert "authentication failed" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_no_access_to_a_location(server: FakeHighLevel, tmp_path: pathlib.Path) -> None:
    done = run(
        "export", *connection(server), "--location", "notMine", "--out", str(tmp_path / "x.jsonl")
    )
    assert done.returncode == 3
    assert "permission denied" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--since", "yesterday-ish"], "not a date"),
        (["--since", "2024-02-01", "--until", "2024-01-01"], "before --since"),
        (["--page-size", "5"], "between 10 and 500"),
        (["--channel", "Pager"], "invalid choice"),
    ],
)
def test_bad_arguments(
    server: FakeHighLevel, tmp_path: pathlib.Path, extra: list[str], needle: str
) -> None:
    done = run(
        "export",
        *connection(server),
        "--location",
        server.location_id,
        "--out",
        str(tmp_path / "x.jsonl"),
        *extra,
    )
    assert done.returncode == 2
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_network_failure(tmp_path: pathlib.Path) -> None:
    done = run("get-message", "m1", "--token", "pit-x", "--base-url", "http://127.0.0.1:9")
    assert done.returncode == 5
    assert "network failure" in done.stderr.splitlines()[-1]


def test_companions_get_send_search(server: FakeHighLevel) -> None:
    message_id = server.dataset.message_id(7)
    got = run("get-message", message_id, *connection(server))
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["id"] == message_id
    sent = run(
        "send",
        *connection(server),
        "--type",
        "SMS",
        "--contact",
        server.dataset.contact_id(1),
        "--message",
        "from the CLI",
    )
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["messageId"]
    found = run("search", *connection(server), "--location", server.location_id, "--max", "5")
    assert found.returncode == 0, found.stderr
    assert len(found.stdout.splitlines()) == 5


def test_send_without_a_body_is_a_usage_error(server: FakeHighLevel) -> None:
    done = run("send", *connection(server), "--type", "SMS", "--contact", "c")
    assert done.returncode == 2
    assert "--message" in done.stderr


def test_a_422_shows_the_servers_field_messages(server: FakeHighLevel) -> None:
    body = {"statusCode": 422, "message": ["contactId must be a mongodb id", "type is off"]}
    server.faults.script(Fault("status", status=422, body=body, path="^/conversations/messages$"))
    done = run("send", *connection(server), "--type", "SMS", "--contact", "c", "--message", "x")
    assert done.returncode == 4
    assert "contactId must be a mongodb id; type is off" in done.stderr
    assert "Traceback" not in done.stderr


def test_sandbox_needs_no_account(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "messages.jsonl"
    done = run("export", "--sandbox", "--out", str(out), "--sandbox-messages", "1200")
    assert done.returncode == 0, done.stderr
    assert len(read_jsonl(out)) == 1200
    again = run("export", "--sandbox", "--out", str(out), "--sandbox-messages", "1200", "--resume")
    assert again.returncode == 0 and "already complete" in again.stderr
