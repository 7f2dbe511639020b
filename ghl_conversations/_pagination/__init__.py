"""Async iterators over the export cursor, lastMessageId and startAfterDate paging."""

from ._export import (
    ExportFilters,
    MessageExport,
)
from ._paged import (
    ConversationMessages,
    ConversationSearch,
    Page,
    PagedIterator,
)

__all__ = [
    "ConversationMessages",
    "ConversationSearch",
    "ExportFilters",
    "MessageExport",
    "Page",
    "PagedIterator",
]
