"""Sinks: where a chunk's messages go, written so that a retried chunk never duplicates a line.

A chunk is written by one activity attempt after another (a worker may die mid-chunk). Each attempt
writes its own *segment*; ``checkpoint()`` makes the segment durable and returns the sink's position
(every segment with the byte length that is known good), which the activity heartbeats together with
the export's checkpoint taken at the same instant. The next attempt starts from that pair: the older
segments count only up to their recorded lengths, the export resumes after the last recorded
message, and ``commit()`` assembles exactly those bytes into the chunk's file with one atomic
rename. An attempt that was presumed dead but still runs writes only its own segment, which no
later position refers to: it can never add a line to the result.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import anyio.to_thread
import orjson

__all__ = ["ChunkWriter", "DirectorySink", "Sink", "SinkFactory", "default_sinks"]


class ChunkWriter(Protocol):
    """One attempt at writing one chunk."""

    async def write(self, records: Sequence[dict[str, Any]]) -> None:
        """Append messages (wire dicts, as HighLevel sent them)."""
        ...

    async def checkpoint(self) -> dict[str, Any]:
        """Make what was written durable; return the JSON position that covers exactly it."""
        ...

    async def commit(self) -> str:
        """Publish the chunk (all of it, once); return where it is (a path or URL)."""
        ...

    async def close(self) -> None:
        """Release resources without publishing (the attempt failed or was cancelled)."""
        ...


class Sink(Protocol):
    """Where a fleet export writes. Workers build one per export from its JSON spec.

    A sink may also offer ``claim(location_id, job) -> plan | None`` and
    ``record_plan(location_id, job, plan)`` (as ``DirectorySink`` does): then a new run of a failed
    export reuses the recorded chunk boundaries and skips the chunks already published.
    """

    def completed(self, location_id: str, index: int) -> str | None:
        """Where the chunk is if an earlier attempt already published it (else None)."""
        ...

    def open_chunk(
        self, location_id: str, index: int, position: dict[str, Any] | None
    ) -> ChunkWriter:
        """A writer for a new attempt at the chunk, continuing from ``position`` if given."""
        ...


#: Builds a sink from the ``sink`` spec of an export (``{"kind": ..., ...}``).
SinkFactory = Callable[[dict[str, Any]], Sink]


def _fsync_directory(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _DirectoryChunkWriter:
    def __init__(self, directory: str, final: str, position: dict[str, Any] | None) -> None:
        self._directory = directory
        self._final = final
        stem = os.path.basename(final)
        self._previous: list[tuple[str, int]] = [
            (str(name), int(length)) for name, length in (position or {}).get("segments", [])
        ]
        for name, _ in self._previous:
            if os.sep in name or name.startswith(".."):
                raise ValueError(f"a sink position names a segment outside the sink: {name!r}")
        self._segment = f".{stem}.{secrets.token_hex(6)}.part"
        self._handle = open(os.path.join(directory, self._segment), "wb")  # noqa: SIM115
        self.closed = False

    async def write(self, records: Sequence[dict[str, Any]]) -> None:
        self._handle.write(b"".join(orjson.dumps(record) + b"\n" for record in records))

    async def checkpoint(self) -> dict[str, Any]:
        return await anyio.to_thread.run_sync(self._checkpoint)

    def _checkpoint(self) -> dict[str, Any]:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        segments = [*self._previous, (self._segment, self._handle.tell())]
        return {"segments": [[name, length] for name, length in segments if length]}

    async def commit(self) -> str:
        return await anyio.to_thread.run_sync(self._commit)

    def _commit(self) -> str:
        self._checkpoint()
        self._handle.close()
        temporary = os.path.join(self._directory, f"{self._segment}.assembling")
        with open(temporary, "wb") as out:
            for name, length in [*self._previous, (self._segment, -1)]:
                with open(os.path.join(self._directory, name), "rb") as part:
                    _copy_prefix(part, out, length)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self._final)
        _fsync_directory(self._directory)
        prefix = f".{os.path.basename(self._final)}."
        for name in os.listdir(self._directory):
            if name.startswith(prefix):
                with contextlib.suppress(FileNotFoundError):  # another attempt cleaned up
                    os.unlink(os.path.join(self._directory, name))
        self.closed = True
        return self._final

    async def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.closed = True


def _copy_prefix(source: Any, target: Any, length: int) -> None:
    """Copy ``length`` bytes (all of them if negative); a segment shorter than recorded is an
    error: its recorded lines are gone."""
    remaining = length
    while remaining != 0:
        block = source.read(1 << 20 if remaining < 0 else min(1 << 20, remaining))
        if not block:
            if remaining > 0:
                raise OSError(f"segment {source.name} is shorter than its recorded length")
            return
        target.write(block)
        if remaining > 0:
            remaining -= len(block)


class DirectorySink:
    """JSONL files on a filesystem every worker shares: ``<path>/<location>/chunk-00001.jsonl``.

    One line per message, exactly as HighLevel sent it. A chunk's file appears (atomically) only
    when the chunk is complete; ``.part`` files beside it belong to attempts in progress.
    """

    kind = "directory"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.path.abspath(os.fspath(path))

    def __repr__(self) -> str:
        return f"DirectorySink({self.path!r})"

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> DirectorySink:
        """``{"kind": "directory", "path": ...}`` -> a ``DirectorySink``."""
        path = spec.get("path")
        if not isinstance(path, str) or not path:
            raise ValueError("a directory sink needs a 'path'")
        return cls(path)

    def spec(self) -> dict[str, Any]:
        """The JSON spec a workflow carries to name this sink."""
        return {"kind": self.kind, "path": self.path}

    def location_directory(self, location_id: str) -> str:
        """The directory holding a location's chunk files."""
        if not location_id or "/" in location_id or location_id.startswith("."):
            raise ValueError(f"not a location id: {location_id!r}")
        return os.path.join(self.path, location_id)

    def chunk_path(self, location_id: str, index: int) -> str:
        """The published file of a chunk."""
        return os.path.join(self.location_directory(location_id), f"chunk-{index:05d}.jsonl")

    def claim(self, location_id: str, job: dict[str, Any]) -> dict[str, Any] | None:
        """Tie the location's directory to one export; return the plan it recorded, if any.

        A different export (other filters) is refused: its chunk files would be taken for this
        one's. The recorded plan lets a later run of the same export (after a failure) reuse the
        same chunk boundaries, so the chunks already published stay valid.
        """
        recorded = self._read_marker(location_id)
        if recorded is None:
            self._write_marker(location_id, {"job": job})
            return None
        if recorded.get("job") != job:
            raise ValueError(
                f"{self.location_directory(location_id)} holds another export "
                f"({recorded.get('job')}): use another output directory"
            )
        plan = recorded.get("plan")
        return plan if isinstance(plan, dict) else None

    def record_plan(self, location_id: str, job: dict[str, Any], plan: dict[str, Any]) -> None:
        """Keep the export's chunk plan beside its files (see ``claim``)."""
        self._write_marker(location_id, {"job": job, "plan": plan})

    def _marker(self, location_id: str) -> str:
        directory = self.location_directory(location_id)
        os.makedirs(directory, exist_ok=True)
        return os.path.join(directory, "export.json")

    def _read_marker(self, location_id: str) -> dict[str, Any] | None:
        try:
            with open(self._marker(location_id), "rb") as handle:
                data = orjson.loads(handle.read())
        except FileNotFoundError:
            return None
        if not isinstance(data, dict):
            raise ValueError(f"{self._marker(location_id)} is not an export record")
        return data

    def _write_marker(self, location_id: str, data: dict[str, Any]) -> None:
        marker = self._marker(location_id)
        temporary = f"{marker}.{secrets.token_hex(4)}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, marker)

    def completed(self, location_id: str, index: int) -> str | None:
        """The chunk's file if an earlier attempt published it (else None)."""
        path = self.chunk_path(location_id, index)
        return path if os.path.exists(path) else None

    def open_chunk(
        self, location_id: str, index: int, position: dict[str, Any] | None
    ) -> ChunkWriter:
        """A writer for a new attempt: a fresh segment, after ``position``'s recorded bytes."""
        directory = self.location_directory(location_id)
        os.makedirs(directory, exist_ok=True)
        return _DirectoryChunkWriter(directory, self.chunk_path(location_id, index), position)


def default_sinks() -> dict[str, SinkFactory]:
    """The sinks every worker knows (add your own kinds to ``create_worker(sinks=...)``)."""
    return {DirectorySink.kind: DirectorySink.from_spec}
