"""The definition of done, enforced by the test command: ruff and mypy --strict are clean."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(pathlib.Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


@pytest.mark.parametrize(
    "command",
    [["check", "."], ["format", "--check", "."]],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff(command: list[str]) -> None:
    done = subprocess.run([_tool("ruff"), *command], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_on_the_package() -> None:
    mypy = pytest.importorskip("mypy.api")
    stdout, stderr, status = mypy.run(
        ["--strict", "--no-incremental", str(ROOT / "ghl_conversations")]
    )
    assert status == 0, stdout + stderr
