"""mypy --strict sees the public API's names and types (the resource methods are typed stubs)."""

from __future__ import annotations

import pathlib

import pytest

mypy_api = pytest.importorskip("mypy.api")

HERE = pathlib.Path(__file__).parent


def test_mypy_accepts_correct_calls_and_rejects_each_wrong_one() -> None:
    target = HERE / "typing_check.py"
    stdout, stderr, _status = mypy_api.run(
        ["--strict", "--no-incremental", "--follow-imports=silent", str(target)]
    )
    lines = target.read_text().splitlines()
    expected = {n for n, line in enumerate(lines, 1) if line.rstrip().endswith("# expect-error")}
    reported = {
        int(line.split(":")[1])
        for line in stdout.splitlines()
        if line.split(":")[0].endswith("typing_check.py") and ": error:" in line
    }
    assert expected, "the check file must contain wrong calls"
    assert reported == expected, stdout + stderr
