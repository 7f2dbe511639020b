"""``ghl-conversations sync`` as a process: killed mid-way and run again, it ends exact."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ghl_conversations.testing import FakeHighLevel

from ._sync_support import messages_by_id, row_count

pytest.importorskip("dlt", reason="the [dlt] extra is not installed")
pytest.importorskip("duckdb", reason="the [dlt] extra is not installed")

TOTAL = 1_500
COMMAND = [sys.executable, "-m", "ghl_conversations.cli._sync"]


@pytest.fixture(params=["duckdb", "postgres"])
def destination(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "duckdb":
        return str(tmp_path / "killed.duckdb")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def slow_fake() -> Iterator[FakeHighLevel]:
    """A fake that answers each request after 30 ms, so a sync takes long enough to be killed."""
    with FakeHighLevel(messages=TOTAL, seed=9, latency=0.03, rate_limit=1_000_000) as fake:
        yield fake


def _arguments(fake: FakeHighLevel, destination: str, work: Path) -> list[str]:
    return [
        "--location",
        fake.location_id,
        "--token",
        fake.token,
        "--base-url",
        fake.url,
        "--to",
        destination,
        "--work-dir",
        str(work),
        "--chunk-size",
        "300",
        "--page-size",
        "100",
    ]


def _environment() -> dict[str, str]:
    return {**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false", "PYTHONUNBUFFERED": "1"}


def test_a_sync_killed_mid_way_resumes_and_ends_exact(
    slow_fake: FakeHighLevel, destination: str, tmp_path: Path
) -> None:
    arguments = _arguments(slow_fake, destination, tmp_path / "work")
    process = subprocess.Popen(
        [*COMMAND, *arguments], stderr=subprocess.PIPE, text=True, env=_environment()
    )
    assert process.stderr is not None
    committed = 0
    for line in process.stderr:
        found = re.match(r"committed load (\d+): ([\d,]+) rows", line)
        if found and int(found.group(2).replace(",", "")) >= 300:
            committed = int(found.group(2).replace(",", ""))
            break
    process.send_signal(signal.SIGKILL)  # no chance to clean up or save anything
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert 0 < committed < TOTAL + 100, "the sync finished before it could be killed"

    finished = subprocess.run(
        [*COMMAND, *arguments], capture_output=True, text=True, env=_environment()
    )

    assert finished.returncode == 0, finished.stderr
    loaded_again = re.search(r"messages \S+: ([\d,]+) new", finished.stderr)
    assert loaded_again is not None, finished.stderr
    assert int(loaded_again.group(1).replace(",", "")) < TOTAL  # resumed, not started over
    stored = messages_by_id(destination)
    dataset = slow_fake.dataset
    assert stored.keys() == {dataset.message_id(i) for i in range(TOTAL)}
    assert row_count(destination, "messages") == TOTAL


def test_without_a_token_or_location_nothing_is_sent(tmp_path: Path) -> None:
    result = subprocess.run(
        [*COMMAND, "--to", str(tmp_path / "x.duckdb")],
        capture_output=True,
        text=True,
        env={k: v for k, v in _environment().items() if k != "GHL_TOKEN"},
    )
    assert result.returncode == 2
    assert "no token" in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_sandbox_sync_needs_no_account_and_a_rerun_loads_nothing(tmp_path: Path) -> None:
    arguments = ["--sandbox", "--sandbox-messages", "400", "--work-dir", str(tmp_path / "w")]
    first = subprocess.run(
        [*COMMAND, *arguments], capture_output=True, text=True, env=_environment(), cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    assert re.search(r"messages \S+: 400 new, 0 updated", first.stderr), first.stderr
    assert row_count(tmp_path / "ghl.duckdb", "messages") == 400
    again = subprocess.run(
        [*COMMAND, *arguments], capture_output=True, text=True, env=_environment(), cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert "nothing new" in again.stderr


def test_ctrl_c_stops_after_the_current_page_keeping_what_was_committed(
    slow_fake: FakeHighLevel, tmp_path: Path
) -> None:
    destination = str(tmp_path / "interrupted.duckdb")
    arguments = _arguments(slow_fake, destination, tmp_path / "work")
    process = subprocess.Popen(
        [*COMMAND, *arguments], stderr=subprocess.PIPE, text=True, env=_environment()
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("committed load 1"):
            break
    process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    assert process.wait() == 130, rest
    assert "interrupted" in rest.lower()
    kept = row_count(destination, "messages")
    assert 300 <= kept < TOTAL  # the committed loads stay; a rerun resumes (see the SIGKILL test)
    assert kept == len(messages_by_id(destination))


def test_a_refused_token_exits_with_the_auth_code(tmp_path: Path) -> None:
    with FakeHighLevel(messages=50) as fake:
        result = subprocess.run(
            [
                *COMMAND,
                "--location",
                fake.location_id,
                "--token",
                "pit-not-the-right-one",
                "--base-url",
                fake.url,
                "--to",
                str(tmp_path / "refused.duckdb"),
                "--work-dir",
                str(tmp_path / "work"),
            ],
            capture_output=True,
            text=True,
            env=_environment(),
        )
    assert result.returncode == 3, result.stderr
    assert "authentication failed" in result.stderr
    assert "pit-not-the-right-one" not in result.stderr


_WITHOUT_DLT = """
import sys
sys.modules["dlt"] = None  # as if the [dlt] extra were not installed
from ghl_conversations.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_the_extra_sync_says_what_to_install(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_DLT, "sync", "--sandbox"],
        capture_output=True,
        text=True,
        env=_environment(),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "pip install 'ghl-conversations[dlt]'" in result.stderr
    assert not (tmp_path / "ghl.duckdb").exists()
