"""Audit of issue 12 (the CLI that reads well): what a user sees, in subprocesses and in an
80-column pseudo-terminal, beyond what the CLI's own tests pin."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

import pytest

from ghl_conversations.cli import ExitCode
from ghl_conversations.testing import FakeHighLevel, Fault

from ._cli import connection, read_jsonl, run
from .test_cli_progress import COLUMNS, printed_lines, run_in_terminal, screens


def test_the_first_progress_drawn_in_a_terminal_shows_no_eta(tmp_path: pathlib.Path) -> None:
    """0.1.0 drew an ETA of hours on its first frame; no ETA (nor rate) before one is known."""
    args = ["export", "--sandbox", "--sandbox-messages", "20000", "--page-size", "100"]
    code, chunks = run_in_terminal([*args, "--out", "o.jsonl"], tmp_path)
    assert code == 0, b"".join(chunks).decode(errors="replace")
    drawn = [frame for frame in screens(chunks) if frame]
    assert len(drawn) >= 2
    first = " ".join(drawn[0])
    assert "ETA" not in first and "/s" not in first, drawn[0]
    assert all(len(line) <= COLUMNS for line in printed_lines(chunks))


@pytest.fixture(scope="module")
def server() -> Iterator[FakeHighLevel]:
    with FakeHighLevel(messages=400, seed=12, rate_limit=10_000) as fake:
        yield fake


@pytest.mark.parametrize(
    "command",
    [
        ["search", "--max", "3", "--location", "LOCATION"],
        ["get-message", "MESSAGE"],
        ["export", "--out", "o.jsonl", "--page-size", "100", "--location", "LOCATION"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_takes_verbose_and_connection_options_after_its_name(
    server: FakeHighLevel, tmp_path: pathlib.Path, command: list[str]
) -> None:
    names = {"MESSAGE": server.dataset.message_id(1), "LOCATION": server.location_id}
    args = [names.get(a, a) for a in command]
    done = run(*args, *connection(server), "-v", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_export_retry_warnings_appear_only_with_verbose(
    server: FakeHighLevel, tmp_path: pathlib.Path
) -> None:
    seen: dict[bool, list[str]] = {}
    for verbose in (False, True):
        out = tmp_path / f"v{verbose}.jsonl"
        server.faults.script(Fault("server_error", path="/export$"))
        args = ["export", *connection(server), "--location", server.location_id]
        done = run(*args, "--out", str(out), *(["-v"] if verbose else []))
        assert done.returncode == 0, done.stderr
        assert len(read_jsonl(out)) == 400  # the retry recovered
        seen[verbose] = [
            line
            for line in done.stderr.splitlines()
            if "retry" in line.lower() and not line.startswith("exported")
        ]
    assert seen[False] == [] and seen[True]


@pytest.mark.parametrize("kind", ["a directory", "a missing directory"])
def test_an_output_that_cannot_be_written_is_one_line_naming_it(
    tmp_path: pathlib.Path, kind: str
) -> None:
    out = tmp_path / "dir" if kind == "a directory" else tmp_path / "missing" / "m.jsonl"
    if kind == "a directory":
        out.mkdir()
    done = run("export", "--sandbox", "--sandbox-messages", "50", "--out", str(out))
    assert done.returncode != 0
    (line,) = done.stderr.splitlines()
    assert str(out) in line and "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ["abc", "1.5", "0", "501", "-3", ""])
def test_a_bad_page_size_is_one_usage_line_without_internals(
    tmp_path: pathlib.Path, value: str
) -> None:
    done = run("export", "--sandbox", "--out", "x.jsonl", "--page-size", value, cwd=tmp_path)
    assert done.returncode == ExitCode.USAGE
    (line,) = done.stderr.splitlines()
    assert line.startswith("ghl-conversations: export: argument --page-size")
    assert "ghl-conversations: ghl-conversations" not in line  # the program name once at the head
    assert "_" not in line.split("--page-size", 1)[1].split("(see:")[0]  # no function names
    assert not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--location", "loc1", "--out", "o.jsonl"],
        ["search", "--location", "loc1"],
        ["send", "--type", "SMS", "--contact", "c1", "--message", "hi"],
    ],
    ids=lambda c: c[0],
)
def test_a_network_failure_is_one_line_and_exit_5_for_every_command(
    tmp_path: pathlib.Path, command: list[str]
) -> None:
    """No retry warnings before the promised one line (0.1.0 printed three)."""
    done = run(*command, "--token", "pit-x", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert done.returncode == ExitCode.NETWORK, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("ghl-conversations: network failure") and "pit-x" not in line


COMMANDS = ["export", "get-message", "send", "search", "sync", "fleet"]


@pytest.mark.parametrize("command", ["", *COMMANDS], ids=lambda c: c or "top")
def test_help_fits_an_80_column_terminal(command: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GHL_")}
    env.update(COLUMNS="80", LINES="24")
    done = run(*([command] if command else []), "--help", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    wide = [line for line in done.stdout.splitlines() if len(line) > 80]
    assert wide == []
