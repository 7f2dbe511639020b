"""``client.conversations``: create, get, update, delete, search, and a conversation's messages."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from .._models import (
    Conversation,
    ConversationResult,
    ConversationSearchPage,
    MessagesPage,
    MessageTypeFilter,
    SearchSortBy,
    SearchStatus,
    SortOrder,
    SuccessResult,
)
from .._operations import endpoint, operation
from .._pagination import ConversationMessages, ConversationSearch
from ._base import Resource


class Conversations(Resource):
    @operation(endpoint("create-conversation"))
    async def create(self, location_id: str, contact_id: str) -> ConversationResult:
        """Start a conversation with a contact."""

    @operation(endpoint("get-conversation"))
    async def get(self, conversation_id: str) -> Conversation:
        """One conversation by id."""

    @operation(endpoint("update-conversation"))
    async def update(
        self,
        conversation_id: str,
        *,
        location_id: str,
        unread_count: int | None = None,
        starred: bool | None = None,
        feedback: dict[str, Any] | None = None,
    ) -> ConversationResult:
        """Change unread count, star or feedback; unset arguments are left as they are."""

    @operation(endpoint("delete-conversation"))
    async def delete(self, conversation_id: str) -> SuccessResult:
        """Delete a conversation."""

    @operation(endpoint("search-conversation"))
    async def search_page(
        self,
        location_id: str,
        *,
        contact_id: str | None = None,
        assigned_to: str | None = None,
        followers: str | None = None,
        mentions: str | None = None,
        query: str | None = None,
        sort: SortOrder | None = None,
        start_after_date: int | Sequence[int | str] | _dt.datetime | None = None,
        id: str | None = None,
        limit: int | None = None,
        last_message_type: str | None = None,
        last_message_action: str | None = None,
        last_message_direction: str | None = None,
        status: SearchStatus | None = None,
        sort_by: SearchSortBy | None = None,
        sort_score_profile: str | None = None,
        score_profile: str | None = None,
        score_profile_min: float | None = None,
        score_profile_max: float | None = None,
        start_date: _dt.datetime | int | None = None,
        end_date: _dt.datetime | int | None = None,
    ) -> ConversationSearchPage:
        """One page of search results (``start_after_date`` continues after a previous page)."""

    def search(
        self,
        location_id: str,
        *,
        contact_id: str | None = None,
        assigned_to: str | None = None,
        followers: str | None = None,
        mentions: str | None = None,
        query: str | None = None,
        sort: SortOrder | None = None,
        last_message_type: str | None = None,
        last_message_action: str | None = None,
        last_message_direction: str | None = None,
        status: SearchStatus | None = None,
        sort_by: SearchSortBy | None = None,
        sort_score_profile: str | None = None,
        score_profile: str | None = None,
        score_profile_min: float | None = None,
        score_profile_max: float | None = None,
        start_date: _dt.datetime | int | None = None,
        end_date: _dt.datetime | int | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> ConversationSearch:
        """Every conversation matching the filters: ``async for conv in ...``.

        Pages with ``startAfterDate`` (the last conversation's sort value) and stops without an
        extra request once ``total`` conversations arrived.
        """
        # Every argument but max_items is a search filter, passed on unchanged to each page.
        filters = {k: v for k, v in locals().items() if k not in ("self", "max_items")}
        self._check("search_page", dict(filters))
        search_page: Any = self.search_page

        async def fetch(start_after: Any) -> ConversationSearchPage:
            page: ConversationSearchPage = await search_page(
                **filters, start_after_date=start_after
            )
            return page

        return ConversationSearch(fetch, page_size=limit, max_items=max_items)

    @operation(endpoint("get-messages"))
    async def messages_page(
        self,
        conversation_id: str,
        *,
        last_message_id: str | None = None,
        types: Sequence[MessageTypeFilter] | MessageTypeFilter | None = None,
        limit: int | None = None,
    ) -> MessagesPage:
        """One page of a conversation's messages, newest first (nested or flat wire shape)."""

    def messages(
        self,
        conversation_id: str,
        *,
        types: Sequence[MessageTypeFilter] | MessageTypeFilter | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> ConversationMessages:
        """Every message of a conversation, newest first: ``async for msg in ...``."""
        values = {"conversation_id": conversation_id, "types": types, "limit": limit}
        self._check("messages_page", dict(values))
        messages_page: Any = self.messages_page

        async def fetch(last_message_id: str | None) -> MessagesPage:
            page: MessagesPage = await messages_page(**values, last_message_id=last_message_id)
            return page

        return ConversationMessages(fetch, max_items=max_items)
