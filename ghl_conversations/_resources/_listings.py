"""The paging iterators of ``client.conversations``: what the generated ``search`` and
``messages`` methods hand their filters to."""

from __future__ import annotations

from typing import Any

from .._models import ConversationSearchPage, MessagesPage
from .._operations import Endpoint
from .._pagination import ConversationMessages, ConversationSearch
from ._base import Resource

__all__ = ["ConversationListings"]


class ConversationListings(Resource):
    """Hand-written half of ``Conversations``: builds its iterators from checked filters."""

    def _conversation_search(
        self,
        row: Endpoint[ConversationSearchPage],
        filters: dict[str, Any],
        *,
        max_items: int | None,
    ) -> ConversationSearch:
        fetch = self._pager(row, filters, "start_after_date")
        return ConversationSearch(fetch, page_size=filters["limit"], max_items=max_items)

    def _conversation_messages(
        self,
        row: Endpoint[MessagesPage],
        filters: dict[str, Any],
        *,
        max_items: int | None,
    ) -> ConversationMessages:
        return ConversationMessages(
            self._pager(row, filters, "last_message_id"), max_items=max_items
        )
