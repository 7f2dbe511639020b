"""``client.conversations``: create, get, update, delete, search, and a conversation's messages.

Generated from the endpoint table by
``python -m ghl_conversations._operations._codegen``: change the table and run it; do not
edit this file (a test fails when it is stale).
"""

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
from .._operations import rows
from .._pagination import ConversationMessages, ConversationSearch
from ._listings import ConversationListings

__all__ = ["Conversations"]


class Conversations(ConversationListings):
    """The ``client.conversations`` methods, generated from the endpoint table."""

    async def create(
        self,
        location_id: str,
        contact_id: str,
    ) -> ConversationResult:
        """Start a conversation with a contact."""
        return await self._run(
            rows.CREATE_CONVERSATION,
            {
                "location_id": location_id,
                "contact_id": contact_id,
            },
        )

    async def get(
        self,
        conversation_id: str,
    ) -> Conversation:
        """One conversation by id."""
        return await self._run(
            rows.GET_CONVERSATION,
            {
                "conversation_id": conversation_id,
            },
        )

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
        return await self._run(
            rows.UPDATE_CONVERSATION,
            {
                "conversation_id": conversation_id,
                "location_id": location_id,
                "unread_count": unread_count,
                "starred": starred,
                "feedback": feedback,
            },
        )

    async def delete(
        self,
        conversation_id: str,
    ) -> SuccessResult:
        """Delete a conversation."""
        return await self._run(
            rows.DELETE_CONVERSATION,
            {
                "conversation_id": conversation_id,
            },
        )

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
        return await self._run(
            rows.SEARCH_CONVERSATION,
            {
                "location_id": location_id,
                "contact_id": contact_id,
                "assigned_to": assigned_to,
                "followers": followers,
                "mentions": mentions,
                "query": query,
                "sort": sort,
                "start_after_date": start_after_date,
                "id": id,
                "limit": limit,
                "last_message_type": last_message_type,
                "last_message_action": last_message_action,
                "last_message_direction": last_message_direction,
                "status": status,
                "sort_by": sort_by,
                "sort_score_profile": sort_score_profile,
                "score_profile": score_profile,
                "score_profile_min": score_profile_min,
                "score_profile_max": score_profile_max,
                "start_date": start_date,
                "end_date": end_date,
            },
        )

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
        limit: int = 100,
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
        max_items: int | None = None,
    ) -> ConversationSearch:
        """Every conversation matching the filters: ``async for conv in ...``.

        Pages with ``startAfterDate`` (the last conversation's sort value) and stops
        without an extra request once ``total`` conversations arrived.
        """
        return self._conversation_search(
            rows.SEARCH_CONVERSATION,
            {
                "location_id": location_id,
                "contact_id": contact_id,
                "assigned_to": assigned_to,
                "followers": followers,
                "mentions": mentions,
                "query": query,
                "sort": sort,
                "limit": limit,
                "last_message_type": last_message_type,
                "last_message_action": last_message_action,
                "last_message_direction": last_message_direction,
                "status": status,
                "sort_by": sort_by,
                "sort_score_profile": sort_score_profile,
                "score_profile": score_profile,
                "score_profile_min": score_profile_min,
                "score_profile_max": score_profile_max,
                "start_date": start_date,
                "end_date": end_date,
            },
            max_items=max_items,
        )

    async def messages_page(
        self,
        conversation_id: str,
        *,
        last_message_id: str | None = None,
        types: Sequence[MessageTypeFilter] | MessageTypeFilter | None = None,
        limit: int | None = None,
    ) -> MessagesPage:
        """One page of a conversation's messages, newest first (nested or flat wire shape)."""
        return await self._run(
            rows.GET_MESSAGES,
            {
                "conversation_id": conversation_id,
                "last_message_id": last_message_id,
                "types": types,
                "limit": limit,
            },
        )

    def messages(
        self,
        conversation_id: str,
        *,
        types: Sequence[MessageTypeFilter] | MessageTypeFilter | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> ConversationMessages:
        """Every message of a conversation, newest first: ``async for msg in ...``."""
        return self._conversation_messages(
            rows.GET_MESSAGES,
            {
                "conversation_id": conversation_id,
                "types": types,
                "limit": limit,
            },
            max_items=max_items,
        )
