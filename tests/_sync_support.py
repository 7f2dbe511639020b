"""Helpers for the sync tests: read back what a sync wrote, from DuckDB or PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# Tests never leave the machine: dlt's anonymous telemetry stays off.
os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"

DATASET = "highlevel"


def query(destination: str | Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (tables named ``highlevel.<table>``) in a DuckDB file or PostgreSQL."""
    text = os.fspath(destination)
    if text.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(text) as connection:
            return [tuple(row) for row in connection.execute(sql).fetchall()]
    import duckdb

    with duckdb.connect(text, read_only=True) as connection:
        return [tuple(row) for row in connection.execute(sql).fetchall()]


def messages_by_id(destination: str | Path) -> dict[str, tuple[str, str, Any]]:
    """id -> (location_id, status, date_updated) of every row of ``messages``."""
    rows = query(
        destination, f"SELECT id, location_id, status, date_updated FROM {DATASET}.messages"
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def row_count(destination: str | Path, table: str) -> int:
    """Rows in ``table`` (duplicates included: merge must leave none)."""
    return int(query(destination, f"SELECT count(*) FROM {DATASET}.{table}")[0][0])
