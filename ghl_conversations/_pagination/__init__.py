"""Async iterators over the export cursor, lastMessageId and startAfterDate paging.

``_iterator`` is the public iterator shape; ``_conversations`` the lastMessageId and
startAfterDate protocols; the export is split into ``_checkpoint`` (format and validation),
``_ordering`` (sort values, positions, windows), ``_wire_page`` (what a valid page is),
``_window_reader`` (one cursor over one window), ``_planner`` (windows for parallel cursors),
``_fan_in`` (parallel readers as one stream) and ``_export`` (the public iterator).
"""

from ._conversations import (
    ConversationMessages,
    ConversationSearch,
    search_sort_value,
)
from ._export import (
    CURSOR_TTL,
    ExportFilters,
    MessageExport,
)
from ._iterator import (
    Page,
    PagedIterator,
)
from ._progress import MAX_IDLE_ANSWERS

__all__ = [
    "CURSOR_TTL",
    "MAX_IDLE_ANSWERS",
    "ConversationMessages",
    "ConversationSearch",
    "ExportFilters",
    "MessageExport",
    "Page",
    "PagedIterator",
    "search_sort_value",
]
