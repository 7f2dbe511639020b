"""The one error explainer every command ends through: one line, the documented exit code."""

from __future__ import annotations

import errno
import pathlib
import re
from collections.abc import Iterator

import pytest

import ghl_conversations as ghl
from ghl_conversations.cli import ExitCode, OutputConflictError, UsageError, explain
from ghl_conversations.testing import FakeHighLevel, Fault

from ._cli import connection, run

README = pathlib.Path(__file__).parent.parent / "README.md"


@pytest.mark.parametrize(
    ("error", "code", "needle"),
    [
        (UsageError("--until is before --since"), ExitCode.USAGE, "--until is before --since"),
        (OutputConflictError("m.jsonl is busy"), ExitCode.OUTPUT_CONFLICT, "m.jsonl is busy"),
        (ValueError("id must not be '..'"), ExitCode.USAGE, "invalid input: id must not"),
        (ghl.AuthenticationError("Invalid JWT", status=401), ExitCode.AUTH, "token is invalid"),
        (ghl.PermissionDeniedError("no", status=403), ExitCode.AUTH, "permission denied"),
        (
            ghl.UnprocessableEntityError("a", status=422, messages=["a", "b"]),
            ExitCode.REJECTED,
            "a; b",
        ),
        (ghl.RateLimitError("slow down", status=429, retry_after=90), ExitCode.RATE_LIMITED, "90s"),
        (ghl.ServerError("Internal server error", status=500), ExitCode.NETWORK, "500"),
        (ghl.APIConnectionError("refused"), ExitCode.NETWORK, "network failure: refused"),
        (ghl.APITimeoutError("timed out"), ExitCode.NETWORK, "timed out"),
        (
            ghl.APIResponseValidationError("empty body", status=200, operation="get-message"),
            ExitCode.NETWORK,
            "empty body",
        ),
        (ghl.NoProgressError("cursor c1 answered the same page 3 times"), ExitCode.NETWORK, "c1"),
        (ghl.NotFoundError("Message not found", status=404), ExitCode.FAILURE, "404"),
        (ghl.ClientClosedError("closed"), ExitCode.FAILURE, "closed"),
        (
            FileNotFoundError(errno.ENOENT, "No such file or directory", "/x/m.jsonl"),
            ExitCode.FAILURE,
            "/x/m.jsonl: No such file or directory",
        ),
        (OSError(errno.ENOSPC, "No space left on device"), ExitCode.FAILURE, "No space left"),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED, "--resume"),
        (TypeError("boom"), ExitCode.FAILURE, "unexpected TypeError: boom"),
    ],
)
def test_each_error_is_one_line_with_its_code(
    error: BaseException, code: ExitCode, needle: str
) -> None:
    line, got = explain(error)
    assert got == code and needle in line and "\n" not in line


def test_errors_inside_task_groups_are_explained_by_the_first_one() -> None:
    group = ExceptionGroup("tasks", [ExceptionGroup("inner", [ghl.ServerError("x", status=502)])])
    assert explain(group)[1] == ExitCode.NETWORK


def test_readme_exit_code_table_matches_the_code() -> None:
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", README.read_text(), re.MULTILINE)
    table = {int(code): meaning.replace("`", "") for code, meaning in rows}
    assert table == {code.value: code.meaning for code in ExitCode}


@pytest.fixture(scope="module")
def faulty() -> Iterator[FakeHighLevel]:
    with FakeHighLevel(messages=400, seed=3, rate_limit=10_000) as fake:
        yield fake


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", status=200, body={"messages": "not a list"}),
        Fault("status", status=200, body={}),
        Fault("status", status=200, body={"messages": [{"id": "m1", "dateAdded": "not a date"}]}),
        Fault("empty_body"),
        Fault("truncated_body"),
        Fault("html_200"),
        Fault("redirect"),
        Fault("malformed_field"),
        Fault("stuck_cursor"),
    ],
    ids=lambda fault: f"{fault.kind}-{fault.body}" if fault.body is not None else fault.kind,
)
def test_a_faulty_server_is_one_line_and_exit_5(
    faulty: FakeHighLevel, tmp_path: pathlib.Path, fault: Fault
) -> None:
    kind = Fault(
        fault.kind, path="/conversations/messages/export", status=fault.status, body=fault.body
    )
    faulty.faults.randomly(1.0, kind)
    try:
        done = run(
            "export",
            *connection(faulty),
            "--location",
            faulty.location_id,
            "--page-size",
            "100",
            "--out",
            str(tmp_path / "m.jsonl"),
        )
    finally:
        faulty.faults.randomly(0.0)
    assert done.returncode == ExitCode.NETWORK, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("ghl-conversations: server failure") or "network" in line
    assert faulty.token not in line
