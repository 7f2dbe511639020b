"""``sync()``: load locations into DuckDB or PostgreSQL, in chunks that each commit.

dlt commits a resource's state together with the rows of the same load. A first sync of a large
location is therefore split into loads of ``chunk_size`` messages: each load commits its rows and
the export checkpoint at once, so a sync killed at any moment (even SIGKILL) loses at most the
chunk in flight, and the next sync first finishes any load dlt had already prepared, then resumes
the export from the last committed checkpoint. Merge on ``id`` makes the re-read chunk harmless.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dlt
from dlt.pipeline.exceptions import PipelineStepFailed

from .._clock import Clock
from .._errors import GHLError
from ._resources import ClientFactory, ghl_source
from ._state import DEFAULT_OVERLAP
from ._summary import ProgressEvent, SyncStopped, SyncSummary, TableCounts, Tally

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_DATASET",
    "DEFAULT_DESTINATION",
    "describe_destination",
    "sync",
]

DEFAULT_DESTINATION = "ghl.duckdb"
#: Not ``ghl``: DuckDB names its catalog after the file, and a schema named like the catalog
#: makes queries fail with "Ambiguous reference to catalog or schema".
DEFAULT_DATASET = "highlevel"
DEFAULT_CHUNK_SIZE = 50_000


def _is_postgres(destination: str) -> bool:
    return destination.startswith(("postgresql://", "postgres://"))


def describe_destination(destination: str | os.PathLike[str]) -> str:
    """The destination as it may be shown to people: a file path, or a URL without password."""
    text = os.fspath(destination)
    if not _is_postgres(text):
        return text
    parts = urlsplit(text)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return f"{parts.scheme}://{netloc}{parts.path}"


def _postgres_credentials(url: str) -> Any:
    """dlt's credentials for ``url``; a URL without a password (trust or peer authentication,
    or a password in ``~/.pgpass``/``PGPASSWORD``) is accepted as such."""
    from dlt.destinations.impl.postgres.configuration import PostgresCredentials

    credentials: Any = PostgresCredentials()
    credentials.parse_native_representation(url)
    if credentials.password is None:
        credentials.password = os.environ.get("PGPASSWORD", "")
    credentials.resolve()
    return credentials


def _destination(destination: str | os.PathLike[str], dataset: str) -> tuple[Any, str, str]:
    """(dlt destination, a stable key naming it, the file format to load with) for a DuckDB
    path or a PostgreSQL URL. Bulk formats (DuckDB reads JSON lines, PostgreSQL takes CSV through
    COPY) rather than dlt's default INSERT statements: those made DuckDB spend seconds and a
    gigabyte parsing one statement per 10,000 rows."""
    text = os.fspath(destination)
    if _is_postgres(text):
        credentials = _postgres_credentials(text)
        return dlt.destinations.postgres(credentials=credentials), describe_destination(text), "csv"
    path = Path(text).expanduser().resolve()
    if path.is_dir():
        raise ValueError(f"{text} is a directory; give a DuckDB file such as ghl.duckdb")
    if path.stem == dataset:
        raise ValueError(
            f"the dataset may not be named like the DuckDB file ({path.name}): DuckDB then "
            "cannot tell the catalog from the schema; choose another dataset or file name"
        )
    return dlt.destinations.duckdb(credentials=str(path)), str(path), "jsonl"


def sync(
    locations: Sequence[str],
    destination: str | os.PathLike[str] = DEFAULT_DESTINATION,
    *,
    token: str | None = None,
    base_url: str | None = None,
    client_factory: ClientFactory | None = None,
    since: _dt.datetime | None = None,
    dataset: str = DEFAULT_DATASET,
    tables: Sequence[str] = ("messages", "conversations"),
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    page_size: int = 500,
    overlap: _dt.timedelta = DEFAULT_OVERLAP,
    pipelines_dir: str | os.PathLike[str] | None = None,
    on_progress: Callable[[ProgressEvent], None] | None = None,
    on_load: Callable[[int, int], None] | None = None,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
) -> SyncSummary:
    """Bring ``destination`` up to date with the messages and conversations of ``locations``.

    ``destination`` is a DuckDB file (created if missing) or a ``postgresql://`` URL. The first
    sync of a location loads everything (from ``since``, if given); later ones load only what is
    new or changed. Blocking: call it from a thread (``asyncio.to_thread``) inside async code.
    dlt's own working files live under ``pipelines_dir`` (dlt's default, ``~/.dlt/pipelines``,
    if None); they are a cache: the state itself is stored in the destination.

    dlt sends anonymous usage telemetry unless ``RUNTIME__DLTHUB_TELEMETRY=false`` is set (the
    ``ghl-conversations sync`` command sets it unless you did).

    ``on_progress`` is called after each page read, ``on_load(number, rows_so_far)`` after each
    committed load (from the calling thread). Setting ``stop`` from another thread ends the sync
    after the current page with :class:`SyncStopped` (committed loads stay; run again to go on).
    A failure inside dlt is re-raised as the SDK error that caused it (e.g.
    :class:`~ghl_conversations.AuthenticationError`) when there is one.
    """
    unknown = set(tables) - {"messages", "conversations"}
    if unknown or not tables:
        raise ValueError(f"tables must be messages and/or conversations, not {sorted(unknown)}")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    if not 10 <= page_size <= 500:
        raise ValueError("page_size must be between 10 and 500")
    target, key, file_format = _destination(destination, dataset)
    name = "ghl_sync_" + hashlib.sha256(f"{key}|{dataset}".encode()).hexdigest()[:16]
    where: dict[str, Any] = {}
    if pipelines_dir is not None:
        where["pipelines_dir"] = os.fspath(pipelines_dir)
    pipeline = dlt.pipeline(pipeline_name=name, destination=target, dataset_name=dataset, **where)
    started = time.monotonic()
    loads = 0
    if pipeline.has_pending_data:  # a load prepared by a sync that was killed: finish it first
        _run(pipeline, None, file_format)
        loads += 1
    tally = Tally(on_progress=on_progress)
    wanted = list(tables)
    while True:
        source = ghl_source(
            locations,
            token=token,
            base_url=base_url,
            client_factory=client_factory,
            since=since,
            overlap=overlap,
            page_size=page_size,
            max_rows_per_load=chunk_size,
            clock=clock,
            tally=tally,
            stop=stop,
        )
        _run(pipeline, source.with_resources(*wanted), file_format)
        loads += 1
        if on_load is not None:
            on_load(loads, sum(c.total for c in tally.counts.values()))
        if "messages" not in wanted or not tally.unfinished:
            break
        wanted = ["messages"]  # conversations were loaded by the first load
    counts = {key: value for key, value in tally.counts.items() if key[0] in tables}
    for table in tables:
        for location in locations:
            counts.setdefault((table, location), TableCounts())
    return SyncSummary(
        counts=counts,
        loads=loads,
        seconds=time.monotonic() - started,
        destination=describe_destination(destination),
        dataset=dataset,
    )


def _run(pipeline: Any, data: Any, file_format: str) -> None:
    """``pipeline.run(data)``, raising the SDK's own error when one caused a failed step."""
    try:
        pipeline.run(data, loader_file_format=file_format)
    except PipelineStepFailed as failed:
        cause: BaseException | None = failed
        while cause is not None:
            if isinstance(cause, (GHLError, SyncStopped)):
                raise cause from failed
            cause = cause.__cause__ or cause.__context__
        raise
