"""Land HighLevel conversations in a database: a dlt source, and ``sync()`` to DuckDB or Postgres.

Needs the extra: ``pip install 'ghl-conversations[dlt]'`` (DuckDB), plus ``[postgres]`` for
PostgreSQL.

    from ghl_conversations.dlt import sync
    summary = sync(["LOCATION_ID"], "ghl.duckdb", token="pit-...")
    print("\\n".join(summary.lines()))

or, inside your own dlt pipeline::

    pipeline = dlt.pipeline("highlevel", destination="duckdb", dataset_name="highlevel")
    pipeline.run(ghl_source(["LOCATION_ID"], token="pit-..."))

Tables: ``messages`` and ``conversations``, merged on ``id``, one row per record with its latest
state; ``location_id`` tells locations apart. Every run after the first loads only what is new or
changed (see :mod:`ghl_conversations.dlt._state` for why this is exact). dlt sends anonymous
telemetry unless ``RUNTIME__DLTHUB_TELEMETRY=false`` is set.
"""

from __future__ import annotations

try:
    import dlt as _dlt  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised without the extra
    raise ImportError(
        "ghl_conversations.dlt needs dlt: pip install 'ghl-conversations[dlt]' "
        "(add [postgres] to load into PostgreSQL)"
    ) from error

from ._resources import SOURCE_NAME, ClientFactory, ghl_source
from ._state import DEFAULT_OVERLAP
from ._summary import ProgressEvent, SyncStopped, SyncSummary, TableCounts
from ._sync import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_DATASET,
    DEFAULT_DESTINATION,
    describe_destination,
    sync,
)

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_DATASET",
    "DEFAULT_DESTINATION",
    "DEFAULT_OVERLAP",
    "SOURCE_NAME",
    "ClientFactory",
    "ProgressEvent",
    "SyncStopped",
    "SyncSummary",
    "TableCounts",
    "describe_destination",
    "ghl_source",
    "sync",
]
