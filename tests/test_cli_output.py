"""The export's output when runs meet: one writer at a time, fresh runs that forget old
checkpoints first, resumes that check the file, a sandbox that is the same every run."""

from __future__ import annotations

import json
import pathlib
import signal
import subprocess
from collections.abc import Iterator

import orjson
import pytest

from ghl_conversations.cli import ExitCode
from ghl_conversations.testing import FakeHighLevel, Fault

from ._cli import (
    COMMAND,
    ENV,
    connection,
    expected_ids,
    held_request,
    read_jsonl,
    run,
    start,
    wait_for,
    wait_until,
)

EXPORT_PATH = "/conversations/messages/export"


@pytest.fixture
def server() -> Iterator[FakeHighLevel]:
    with FakeHighLevel(messages=1_500, seed=5, rate_limit=10_000) as fake:
        yield fake


def export_args(fake: FakeHighLevel, out: pathlib.Path, *extra: str) -> list[str]:
    return ["export", *connection(fake), "--location", fake.location_id, "--out", str(out), *extra]


def test_a_second_writer_is_refused_and_the_first_is_unharmed(
    server: FakeHighLevel, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "m.jsonl"
    # The first run is mid-export (its second page requested and held) while others try.
    with held_request(monkeypatch, EXPORT_PATH, nth=2) as second_page:
        first = start(*export_args(server, out, "--page-size", "100"))
        wait_for(second_page, first)
        for extra in ([], ["--resume"]):
            second = run(*export_args(server, out, "--page-size", "100", *extra))
            assert second.returncode == ExitCode.OUTPUT_CONFLICT
            assert "being written by another" in second.stderr and str(out) in second.stderr
            assert len(second.stderr.splitlines()) == 1
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    ids = [m["id"] for m in read_jsonl(out)]
    assert len(ids) == len(set(ids)) and set(ids) == expected_ids(server)


def test_a_fresh_export_forgets_the_old_checkpoint_before_touching_the_output(
    server: FakeHighLevel, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "m.jsonl"
    checkpoint = tmp_path / "m.jsonl.checkpoint"
    assert run(*export_args(server, out)).returncode == 0
    assert json.loads(checkpoint.read_text())["complete"] is True
    # A fresh run is killed while waiting for its first page (before its first checkpoint).
    with held_request(monkeypatch, EXPORT_PATH) as first_page:
        fresh = start(*export_args(server, out))
        wait_for(first_page, fresh)
        fresh.send_signal(signal.SIGKILL)
        fresh.wait(timeout=60)
    assert not checkpoint.exists(), "a stale checkpoint survived over a new export"
    resumed = run(*export_args(server, out, "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert "already complete" not in resumed.stderr
    raw = out.read_bytes()
    assert b"\x00" not in raw
    ids = [m["id"] for m in read_jsonl(out)]
    assert len(ids) == len(set(ids)) and set(ids) == expected_ids(server)


def test_resume_refuses_an_output_shorter_than_its_checkpoint(
    server: FakeHighLevel, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "m.jsonl"
    checkpoint = tmp_path / "m.jsonl.checkpoint"
    # Interrupted midway: the server fails for good after a few pages.
    server.faults.script(
        *[Fault("slow", path=EXPORT_PATH)] * 3,
        *[Fault("server_error", path=EXPORT_PATH)] * 10,
    )
    broken = run(*export_args(server, out, "--page-size", "100"))
    assert broken.returncode == ExitCode.NETWORK, broken.stderr
    recorded = json.loads(checkpoint.read_text())
    assert recorded["written"] == 300 and recorded["complete"] is False
    out.write_bytes(out.read_bytes()[: recorded["bytes"] // 2])  # someone else changed it
    before = (out.read_bytes(), checkpoint.read_bytes())
    refused = run(*export_args(server, out, "--page-size", "100", "--resume"))
    assert refused.returncode == ExitCode.OUTPUT_CONFLICT
    assert str(out) in refused.stderr and "checkpoint" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert (out.read_bytes(), checkpoint.read_bytes()) == before


def test_resume_continues_exactly_after_a_server_failure(
    server: FakeHighLevel, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "m.jsonl"
    server.faults.script(
        *[Fault("slow", path=EXPORT_PATH)] * 4,
        *[Fault("bad_gateway", path=EXPORT_PATH)] * 10,
    )
    broken = run(*export_args(server, out, "--page-size", "100"))
    assert broken.returncode == ExitCode.NETWORK
    assert broken.stderr.count("\n") == 1 and "502" in broken.stderr
    server.faults.scripted.clear()
    resumed = run(*export_args(server, out, "--page-size", "100", "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after 400" in resumed.stderr
    ids = [m["id"] for m in read_jsonl(out)]
    assert len(ids) == len(set(ids)) and set(ids) == expected_ids(server)


def test_retry_warnings_only_with_verbose(server: FakeHighLevel, tmp_path: pathlib.Path) -> None:
    for verbose in ([], ["-v"]):
        server.faults.script(Fault("server_error", path="^/conversations/messages/m1$"))
        done = run("get-message", "m1", *connection(server), *verbose)
        retried = [line for line in done.stderr.splitlines() if "retry" in line.lower()]
        assert bool(retried) == bool(verbose), done.stderr


def test_a_damaged_checkpoint_is_refused(server: FakeHighLevel, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "m.jsonl"
    out.write_text('{"id": "x"}\n')
    (tmp_path / "m.jsonl.checkpoint").write_text("{not json")
    done = run(*export_args(server, out, "--resume"))
    assert done.returncode == ExitCode.OUTPUT_CONFLICT
    assert "m.jsonl.checkpoint" in done.stderr and "Traceback" not in done.stderr
    assert out.read_text() == '{"id": "x"}\n'


def sandbox(out: pathlib.Path, *extra: str) -> list[str]:
    return ["export", "--sandbox", "--sandbox-messages", "2000", "--out", str(out), *extra]


def test_the_sandbox_is_the_same_on_every_run(tmp_path: pathlib.Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run(*sandbox(first)).returncode == 0
    assert run(*sandbox(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_sandbox_resume_after_kill_9_is_exact(tmp_path: pathlib.Path) -> None:
    reference, out = tmp_path / "reference.jsonl", tmp_path / "killed.jsonl"
    assert run(*sandbox(reference, "--page-size", "50")).returncode == 0
    killed = start(*sandbox(out, "--page-size", "50"))
    checkpoint = tmp_path / "killed.jsonl.checkpoint"
    wait_until(lambda: checkpoint.exists() and out.stat().st_size > 0, killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=60)
    resumed = run(*sandbox(out, "--page-size", "50", "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(out.read_bytes().splitlines()) == sorted(reference.read_bytes().splitlines())


def test_closed_pipe_ends_quietly(tmp_path: pathlib.Path) -> None:
    export = subprocess.Popen(
        [*COMMAND, "export", "--sandbox", "--sandbox-messages", "5000", "--out", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert export.stdout is not None and export.stderr is not None
    first_line = export.stdout.readline()
    export.stdout.close()  # what `| head -1` does
    stderr = export.stderr.read()
    export.wait(timeout=60)
    assert json.loads(first_line)["id"]
    assert stderr == b"" and export.returncode == ExitCode.FAILURE


def test_ctrl_c_keeps_what_was_written_and_resume_finishes(
    server: FakeHighLevel, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "m.jsonl"
    # Interrupted while its fourth page is held back by the server.
    with held_request(monkeypatch, EXPORT_PATH, nth=4) as fourth_page:
        interrupted = start(*export_args(server, out, "--page-size", "100"))
        wait_for(fourth_page, interrupted)
        interrupted.send_signal(signal.SIGINT)
        _, stderr = interrupted.communicate(timeout=60)
    assert interrupted.returncode == ExitCode.INTERRUPTED
    assert stderr.splitlines() == [
        "ghl-conversations: interrupted; run again with --resume to continue an export"
    ]
    kept = json.loads((tmp_path / "m.jsonl.checkpoint").read_text())
    assert 200 <= kept["written"] <= 300  # pages 1-3 were received; the 4th was in flight
    assert out.read_bytes()[: kept["bytes"]].count(b"\n") == kept["written"]
    resumed = run(*export_args(server, out, "--page-size", "100", "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    ids = [m["id"] for m in read_jsonl(out)]
    assert len(ids) == len(set(ids)) and set(ids) == expected_ids(server)


def test_resume_refuses_a_missing_output_with_a_checkpoint(
    server: FakeHighLevel, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "m.jsonl"
    assert run(*export_args(server, out)).returncode == 0
    out.unlink()
    torn = tmp_path / "m.jsonl.checkpoint.12345.tmp"  # as left by a kill during a checkpoint
    torn.write_text("{")
    refused = run(*export_args(server, out, "--resume"))
    assert refused.returncode == ExitCode.OUTPUT_CONFLICT and "missing" in refused.stderr
    assert not out.exists()
    fresh = run(*export_args(server, out))
    assert fresh.returncode == 0, fresh.stderr
    assert not torn.exists()
    assert {m["id"] for m in read_jsonl(out)} == expected_ids(server)


def test_jsonl_lines_are_the_api_objects_byte_for_byte(
    server: FakeHighLevel, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "m.jsonl"
    done = run(*export_args(server, out, "--page-size", "100"))
    assert done.returncode == 0, done.stderr
    dataset = server.dataset
    sent = [orjson.dumps(dataset.generate(i)) for i in range(dataset.count - 1, -1, -1)]
    assert out.read_bytes() == b"\n".join(sent) + b"\n"
