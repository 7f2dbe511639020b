"""Crash-safe export output: appended lines, a checkpoint beside them, resumable after kill -9.

The invariant: the checkpoint file always describes a prefix of the output file. Every so often
the writer flushes and fsyncs the data, then atomically replaces the checkpoint (temp file, fsync,
rename) with the byte length of that prefix and every export's own checkpoint taken at the same
instant. On resume the output is cut back to that length (dropping any torn or unrecorded lines),
and each export continues after its last recorded message: every message lands exactly once.

Three rules keep the invariant when several runs meet the same file:

- **One writer.** The output is locked (an exclusive, non-blocking lock held by the open file, so
  the kernel releases it when the process dies, even by kill -9) before anything is read or
  changed; a second process is refused at once and the first is unharmed.
- **A fresh export forgets the old checkpoint first.** It deletes the checkpoint (durably) before
  it empties the output, so no crash can leave an old checkpoint over new or empty data.
- **A resume trusts nothing it cannot check.** An output shorter than its checkpoint says was
  changed by someone else: refused, nothing touched.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
import time
from collections.abc import Callable
from typing import IO, Any, Literal

import orjson

from ._explain import OutputConflictError

__all__ = ["CSV_COLUMNS", "ExportWriter", "Format", "OutputFile", "checkpoint_path"]

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
    """Where the checkpoint of ``output`` lives (beside it)."""
    return output + ".checkpoint"


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


def _lock(fd: int, path: str) -> None:
    """Take the exclusive lock of ``fd`` now or raise ``OutputConflictError``."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise OutputConflictError(_busy(path)) from None
        return
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OutputConflictError(_busy(path)) from None


def _busy(path: str) -> str:
    return f"{path} is being written by another ghl-conversations process; nothing was changed"


def _fsync_directory(path: str) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class OutputFile:
    """The export's output, locked for this process from :meth:`open` until :meth:`close`.

    Nothing is changed by opening; :meth:`start_fresh` or :meth:`start_after` prepares it once the
    command has checked the checkpoint (:attr:`saved`) against its arguments.
    """

    def __init__(self, path: str, handle: IO[bytes], saved: dict[str, Any] | None) -> None:
        self.path = path
        self.handle = handle
        self.saved = saved

    @property
    def to_stdout(self) -> bool:
        """``--out -``: standard output (no lock, no checkpoint)."""
        return self.path == "-"

    @classmethod
    def open(cls, path: str, *, resume: bool) -> OutputFile:
        """Lock ``path`` (creating it empty if absent) and read its checkpoint when resuming."""
        if path == "-":
            return cls(path, os.fdopen(os.dup(sys.stdout.fileno()), "wb"), None)
        if resume and not os.path.exists(path) and os.path.exists(checkpoint_path(path)):
            raise OutputConflictError(
                f"{path} is missing but {checkpoint_path(path)} exists; nothing was changed "
                "(export again without --resume)"
            )
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _lock(fd, path)
            saved = _load_checkpoint(path) if resume else None
        except BaseException:
            os.close(fd)
            raise
        return cls(path, os.fdopen(fd, "r+b"), saved)

    def start_fresh(self) -> None:
        """Forget any previous run: the old checkpoint goes (durably) before the data does."""
        if self.to_stdout:
            return
        self._remove_torn_checkpoints()
        try:
            os.unlink(checkpoint_path(self.path))
        except FileNotFoundError:
            pass
        else:
            _fsync_directory(self.path)
        self.handle.truncate(0)
        self.handle.seek(0)

    def verify(self, saved: dict[str, Any]) -> int:
        """The byte length ``saved`` records, refusing an output shorter than that."""
        recorded = saved.get("bytes")
        if isinstance(recorded, bool) or not isinstance(recorded, int) or recorded < 0:
            raise OutputConflictError(f"{checkpoint_path(self.path)} is damaged (no byte count)")
        size = os.fstat(self.handle.fileno()).st_size
        if size < recorded:
            raise OutputConflictError(
                f"{self.path} holds {size:,} bytes but its checkpoint records {recorded:,}: it was "
                "changed since; nothing was changed (export again without --resume)"
            )
        return recorded

    def start_after(self, saved: dict[str, Any]) -> None:
        """Cut the output back to the prefix ``saved`` describes (after :meth:`verify`)."""
        self.handle.truncate(self.verify(saved))
        self._remove_torn_checkpoints()
        self.handle.seek(0, os.SEEK_END)

    def _remove_torn_checkpoints(self) -> None:
        """Temporary checkpoint files left by a process killed while writing one (we hold the
        lock, so no live process is writing them)."""
        directory = os.path.dirname(os.path.abspath(self.path))
        prefix = os.path.basename(checkpoint_path(self.path)) + "."
        for name in os.listdir(directory):
            if name.startswith(prefix) and name.endswith(".tmp"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(directory, name))

    def close(self) -> None:
        """Close the file, which releases the lock."""
        self.handle.close()


def _load_checkpoint(output: str) -> dict[str, Any] | None:
    path = checkpoint_path(output)
    try:
        with open(path, "rb") as handle:
            data = orjson.loads(handle.read())
    except FileNotFoundError:
        return None
    except orjson.JSONDecodeError:
        raise OutputConflictError(f"{path} is not an export checkpoint (not JSON)") from None
    if not isinstance(data, dict) or data.get("kind") != CHECKPOINT_KIND:
        raise OutputConflictError(f"{path} is not an export checkpoint")
    return data


class ExportWriter:
    """Writes wire dicts as JSONL (exactly the API's objects) or CSV, with durable checkpoints."""

    def __init__(
        self,
        output: OutputFile,
        *,
        fmt: Format,
        snapshot: Callable[[], dict[str, Any]],
        every_messages: int = 25_000,
        every_seconds: float = 1.0,
    ) -> None:
        self.output = output
        self.fmt = fmt
        self._handle = output.handle
        self._snapshot = snapshot
        self._every_messages = every_messages
        self._every_seconds = every_seconds
        self.written = int(output.saved["written"]) if output.saved else 0
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()
        self._csv_buffer = io.StringIO()
        self._csv = csv.writer(self._csv_buffer, lineterminator="\n")
        if self.fmt == "csv" and (output.to_stdout or self._handle.tell() == 0):
            self._write_csv(list(CSV_COLUMNS))

    def _write_csv(self, row: list[str]) -> None:
        self._csv.writerow(row)
        self._flush_csv()

    def _flush_csv(self) -> None:
        self._handle.write(self._csv_buffer.getvalue().encode())
        self._csv_buffer.seek(0)
        self._csv_buffer.truncate()

    def write_page(self, wires: list[dict[str, Any]]) -> None:
        """Write one page of messages (wire dicts, exactly as the API sent them); takes a
        checkpoint now and then, always between pages, never inside a line."""
        if not wires:
            return
        if self.fmt == "jsonl":
            dumps = orjson.dumps
            self._handle.write(b"\n".join([dumps(wire) for wire in wires]) + b"\n")
        else:
            self._csv.writerows([_csv_row(wire) for wire in wires])
            self._flush_csv()
        self.written += len(wires)
        self._since_checkpoint += len(wires)
        if self._since_checkpoint >= self._every_messages or (
            time.monotonic() - self._last_checkpoint >= self._every_seconds
        ):
            self.checkpoint()

    def checkpoint(self, *, complete: bool = False) -> None:
        """Make the data durable, then record how much of it the exports' state covers."""
        self._handle.flush()
        if self.output.to_stdout:
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
        target = checkpoint_path(self.output.path)
        temporary = f"{target}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(orjson.dumps(state, option=orjson.OPT_INDENT_2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()
