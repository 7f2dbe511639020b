"""The export's progress display: in a real pseudo-terminal of 80 columns, read back through a
terminal emulator (pyte), and its line layout as a pure function."""

from __future__ import annotations

import fcntl
import os
import pathlib
import re
import select
import struct
import subprocess
import termios

import pyte
import pytest

from ghl_conversations.cli._progress import LocationState, render_lines

from ._cli import COMMAND, ENV

COLUMNS, ROWS = 80, 24
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def run_in_terminal(args: list[str], cwd: pathlib.Path) -> tuple[int, list[bytes]]:
    """Run the CLI with stdin/stdout/stderr on an 80x24 pseudo-terminal; the chunks it printed."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {k: v for k, v in ENV.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [*COMMAND, *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        cwd=cwd,
    )
    os.close(follower)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 120)
            if not ready:
                break
            try:
                data = os.read(leader, 65536)
            except OSError:  # the follower closed: EIO on Linux
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
        process.wait(timeout=120)
    return process.returncode, chunks


def printed_lines(chunks: list[bytes]) -> list[str]:
    """Every run of text the program printed between cursor movements and line ends."""
    text = ANSI.sub(b"\n", b"".join(chunks))
    return [part for part in re.split(r"[\r\n]", text.decode()) if part]


def screens(chunks: list[bytes]) -> list[list[str]]:
    """The non-blank lines of the emulated screen after each chunk the program wrote."""
    screen = pyte.Screen(COLUMNS, ROWS)
    stream = pyte.ByteStream(screen)
    shown = []
    for chunk in chunks:
        stream.feed(chunk)
        shown.append([line.rstrip() for line in screen.display if line.strip()])
    return shown


@pytest.mark.parametrize("locations", [1, 3])
def test_progress_fits_80_columns_and_leaves_no_stale_lines(
    tmp_path: pathlib.Path, locations: int
) -> None:
    names = [f"location{n}WithALongIdentifierThatWouldWrap" for n in range(locations)]
    args = ["export", "--sandbox", "--sandbox-messages", "6000", "--page-size", "100"]
    args += [item for name in names for item in ("--location", name)]
    code, chunks = run_in_terminal([*args, "--out", "o.jsonl"], tmp_path)
    assert code == 0, b"".join(chunks).decode(errors="replace")
    lines = printed_lines(chunks)
    assert lines and max(len(line) for line in lines) <= COLUMNS, lines
    frames = screens(chunks)
    # Redraws replace the live lines: at no moment are there more than one a location + a total.
    assert max(len(frame) for frame in frames) <= locations + 1
    assert len({tuple(frame) for frame in frames}) > 2, "the display was never redrawn"
    # At the end only the summary is left on the screen.
    assert len(frames[-1]) == 1 and frames[-1][0].startswith(f"exported {6000 * locations:,}")
    assert "Traceback" not in "\n".join(lines)


def test_many_locations_share_one_summary_line(tmp_path: pathlib.Path) -> None:
    args = ["export", "--sandbox", "--sandbox-messages", "300", "--page-size", "100"]
    args += [item for n in range(12) for item in ("--location", f"loc{n:02d}")]
    code, chunks = run_in_terminal([*args, "--out", "o.jsonl"], tmp_path)
    assert code == 0, b"".join(chunks).decode(errors="replace")
    frames = screens(chunks)
    assert max(len(frame) for frame in frames) == 1
    assert any(frame and frame[0].startswith("12 locations") for frame in frames)


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: pathlib.Path) -> None:
    done = subprocess.run(
        [*COMMAND, "export", "--sandbox", "--sandbox-messages", "500", "--out", "o.jsonl"],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [line for line in done.stderr.splitlines() if line]
    assert len(done.stderr.splitlines()) == 1 and "\x1b" not in done.stderr


def state(done: int, total: int | None, this_run: int, name: str = "loc") -> LocationState:
    return LocationState(name, done, total, this_run)


def test_no_eta_before_a_rate_is_known() -> None:
    early = render_lines([state(500, 1_000_000, 500)], width=80, height=24, measured=0.2)
    assert "ETA" not in early[0] and "/s" not in early[0]
    later = render_lines([state(20_000, 1_000_000, 20_000)], width=80, height=24, measured=4.0)
    assert "ETA 0:03:16" in later[0] and "5,000/s" in later[0]


def test_eta_counts_only_this_runs_rate_after_a_resume() -> None:
    # 900,000 were exported by an earlier run: this run's 10,000 in 2 s make 5,000/s.
    lines = render_lines([state(910_000, 1_000_000, 10_000)], width=80, height=24, measured=2.0)
    assert "ETA 0:00:18" in lines[0]


@pytest.mark.parametrize("width", [20, 40, 80, 200])
def test_every_line_fits_the_width(width: int) -> None:
    states = [state(123_456_789, 987_654_321, 99_999, name=f"{'x' * 40}{n}") for n in range(3)]
    for height in (3, 24):
        for line in render_lines(states, width=width, height=height, measured=3.0):
            assert len(line) <= width


def test_a_short_terminal_gets_the_summary_line() -> None:
    states = [state(10, 100, 10, name=f"l{n}") for n in range(3)]
    assert len(render_lines(states, width=80, height=4, measured=0)) == 1
    assert len(render_lines(states, width=80, height=24, measured=0)) == 3
    assert len(render_lines(states, width=80, height=24, measured=2)) == 4  # + the total rate


def test_unknown_total_shows_the_count_only() -> None:
    (line,) = render_lines([state(1_234, None, 1_234)], width=80, height=24, measured=2)
    assert "1,234" in line and "ETA" not in line and "%" not in line


def test_log_lines_print_above_the_progress_not_through_it(tmp_path: pathlib.Path) -> None:
    args = ["export", "--sandbox", "--sandbox-messages", "3000", "--page-size", "200", "-vv"]
    code, chunks = run_in_terminal([*args, "--out", "o.jsonl"], tmp_path)
    assert code == 0, b"".join(chunks).decode(errors="replace")
    final: list[str] = []
    for row in screens(chunks)[-1]:  # a log line longer than the terminal wraps once: rejoin it
        if final and len(final[-1]) >= COLUMNS - 1 and not row.startswith(("ghl-", "exported")):
            final[-1] += row
        else:
            final.append(row)
    logged = [line for line in final if line.startswith("ghl-conversations: GET")]
    assert logged, final
    pattern = r"ghl-conversations: GET \S+ -> 200 in [\d.]+ ms \(attempt ?1\)"
    assert all(re.fullmatch(pattern, line) for line in logged), [
        line for line in logged if not re.fullmatch(pattern, line)
    ]
    assert final[-1].startswith("exported 3,000 messages")
    assert len(logged) == len(final) - 1, "a progress line was left between the log lines"


def test_no_progress_over_messages_printed_on_the_terminal(tmp_path: pathlib.Path) -> None:
    args = ["export", "--sandbox", "--sandbox-messages", "300", "--out", "-"]
    code, chunks = run_in_terminal(args, tmp_path)
    assert code == 0, b"".join(chunks).decode(errors="replace")
    *messages, summary = b"".join(chunks).decode().splitlines()
    assert len(messages) == 300 and all(line.startswith('{"id":') for line in messages)
    assert summary.startswith("exported 300 messages") and "\x1b" not in summary
