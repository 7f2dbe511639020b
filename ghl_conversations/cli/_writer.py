"""Crash-safe export output: appended lines, a checkpoint beside them, resumable after kill -9.

The invariant: the checkpoint file always describes a prefix of the output file. Every so often
the writer flushes and fsyncs the data, then atomically replaces the checkpoint (temp file, fsync,
rename) with the byte length of that prefix and every export's own checkpoint taken at the same
instant. On resume the output is cut back to that length (dropping any torn or unrecorded lines),
and each export continues after its last recorded message: every message lands exactly once.
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Callable
from typing import IO, Any, Literal

import orjson

from .._models import Message, unstructure

__all__ = ["CSV_COLUMNS", "ExportWriter", "Format", "load_checkpoint"]

Format = Literal["jsonl", "csv"]
CHECKPOINT_KIND = "ghl-conversations-export-file"
CSV_COLUMNS = (
    "id",
    "dateAdded",
    "locationId",
    "conversationId",
    "contactId",
    "messageType",
    "type",
    "direction",
    "status",
    "source",
    "body",
    "attachments",
)


def checkpoint_path(output: str) -> str:
    return output + ".checkpoint"


def load_checkpoint(output: str) -> dict[str, Any] | None:
    try:
        with open(checkpoint_path(output), "rb") as handle:
            data = orjson.loads(handle.read())
    except FileNotFoundError:
        return None
    if not isinstance(data, dict) or data.get("kind") != CHECKPOINT_KIND:
        raise ValueError(f"{checkpoint_path(output)} is not an export checkpoint")
    return data


def _csv_row(wire: dict[str, Any]) -> list[str]:
    row = []
    for column in CSV_COLUMNS:
        value = wire.get(column)
        if value is None:
            row.append("")
        elif isinstance(value, list):
            row.append(" ".join(map(str, value)))
        else:
            row.append(str(value))
    return row


class ExportWriter:
    """Writes messages as JSONL (lossless: the wire dict) or CSV, with durable checkpoints."""

    def __init__(
        self,
        output: str,
        *,
        fmt: Format,
        resume_from: dict[str, Any] | None,
        snapshot: Callable[[], dict[str, Any]],
        every_messages: int = 2_000,
        every_seconds: float = 1.0,
    ) -> None:
        self.output = output
        self.fmt = fmt
        self.to_stdout = output == "-"
        self._snapshot = snapshot
        self._every_messages = every_messages
        self._every_seconds = every_seconds
        self.written = int(resume_from["written"]) if resume_from else 0
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()
        self._csv_buffer = io.StringIO()
        self._csv = csv.writer(self._csv_buffer, lineterminator="\n")
        self._handle: IO[bytes]
        if self.to_stdout:
            self._handle = os.fdopen(os.dup(1), "wb")
        else:
            # "r+b"/"wb" rather than append mode: we cut the file back to the checkpoint first.
            mode = "r+b" if resume_from and os.path.exists(output) else "wb"
            self._handle = open(output, mode)  # noqa: SIM115 - closed in close()
            if resume_from:
                self._handle.truncate(int(resume_from["bytes"]))
                self._handle.seek(0, os.SEEK_END)
        if self.fmt == "csv" and self._handle.tell() == 0:
            self._write_csv(list(CSV_COLUMNS))

    def _write_csv(self, row: list[str]) -> None:
        self._csv.writerow(row)
        self._handle.write(self._csv_buffer.getvalue().encode())
        self._csv_buffer.seek(0)
        self._csv_buffer.truncate()

    def write(self, message: Message) -> None:
        """Write one message; takes a checkpoint now and then (never between its bytes)."""
        wire = unstructure(message)
        if self.fmt == "jsonl":
            self._handle.write(orjson.dumps(wire) + b"\n")
        else:
            self._write_csv(_csv_row(wire))
        self.written += 1
        self._since_checkpoint += 1
        if self._since_checkpoint >= self._every_messages or (
            time.monotonic() - self._last_checkpoint >= self._every_seconds
        ):
            self.checkpoint()

    def checkpoint(self, *, complete: bool = False) -> None:
        """Make the data durable, then record how much of it the exports' state covers."""
        self._handle.flush()
        if self.to_stdout:
            return
        os.fsync(self._handle.fileno())
        state = {
            "kind": CHECKPOINT_KIND,
            "format": self.fmt,
            "bytes": self._handle.tell(),
            "written": self.written,
            "complete": complete,
            **self._snapshot(),
        }
        target = checkpoint_path(self.output)
        temporary = f"{target}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(orjson.dumps(state, option=orjson.OPT_INDENT_2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()

    def close(self) -> None:
        self._handle.close()
