"""Paging by ``lastMessageId`` (a conversation's messages) and ``startAfterDate`` (search).

Both protocols let the server decide where the next page starts, so both guard against a server
that stops moving: a ``lastMessageId`` or ``startAfterDate`` handed out twice, or pages that bring
nothing new, end in :class:`NoProgressError` after a few answers instead of an endless loop.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from .._dates import to_epoch_ms
from .._errors import GHLError, NoProgressError
from .._models import Conversation, ConversationSearchPage, Message, MessagesPage, unstructure
from ._iterator import Batch, PagedIterator
from ._progress import ProgressGuard

__all__ = ["ConversationMessages", "ConversationSearch", "search_sort_value"]


def _wire_dicts(models: list[Any]) -> list[Any]:
    """The wire dicts the models were built from (shared, not copied: as the server sent them)."""
    return [unstructure(model) for model in models]


class _LastMessageIdPages:
    """A conversation's pages: each request passes the previous page's ``lastMessageId``."""

    total: int | None = None

    def __init__(self, fetch: Callable[[str | None], Awaitable[MessagesPage]]) -> None:
        self._fetch = fetch

    def settle(self, batch: Batch[Message], handed: int) -> None:
        """Nothing to record: this protocol has no checkpoint."""

    async def batches(self) -> AsyncGenerator[Batch[Message], None]:
        """Pages until one says there is no next page."""
        last_id: str | None = None
        handed_out: set[str] = set()
        seen_ids: set[str] = set()
        guard = ProgressGuard("conversation messages (lastMessageId paging)")
        while True:
            page = await self._fetch(last_id)
            messages = page.messages
            next_id = page.last_message_id or (messages[-1].id if messages else None)
            more = bool(page.next_page and messages and next_id)
            new = [m for m in messages if m.id not in seen_ids]
            seen_ids.update(m.id for m in new)
            yield Batch(messages, next_id if more else None)
            if page.next_page and not more:
                raise NoProgressError(
                    f"the server said another page follows lastMessageId {last_id!r} but gave "
                    f"{len(messages)} message(s) and no lastMessageId to continue from"
                )
            if not more:
                return
            assert next_id is not None
            if next_id in handed_out:
                raise NoProgressError(
                    f"the server returned lastMessageId {next_id!r} twice; stopping instead of "
                    "looping over the same page"
                )
            if new:
                guard.progressed()
            else:
                guard.stalled(f"lastMessageId {last_id!r} answered only messages already seen")
            handed_out.add(next_id)
            last_id = next_id


class ConversationMessages(PagedIterator[Message]):
    """A conversation's messages, newest first, paged by ``lastMessageId``."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[MessagesPage]],
        *,
        max_items: int | None = None,
    ) -> None:
        super().__init__(_LastMessageIdPages(fetch), max_items=max_items, raw=_wire_dicts)


def search_sort_value(conversation: Conversation) -> Any:
    """The ``startAfterDate`` that continues after this conversation."""
    if conversation.sort:
        return conversation.sort[0]
    if conversation.last_message_date is not None:
        return to_epoch_ms(conversation.last_message_date)
    raw = conversation.extra.get("lastMessageDate")
    if raw is not None:
        return raw
    raise GHLError(f"conversation {conversation.id!r} carries no sort value to page after")


class _StartAfterDatePages:
    """Search pages: each request passes the last conversation's sort value."""

    def __init__(
        self, fetch: Callable[[Any], Awaitable[ConversationSearchPage]], page_size: int
    ) -> None:
        self._fetch = fetch
        self._page_size = page_size
        self.total: int | None = None

    def settle(self, batch: Batch[Conversation], handed: int) -> None:
        """Nothing to record: this protocol has no checkpoint."""

    async def batches(self) -> AsyncGenerator[Batch[Conversation], None]:
        """Pages until a short or empty one, or until ``total`` conversations arrived."""
        start_after: Any = None
        used: set[str] = set()
        fetched = 0
        seen_ids: set[str] = set()
        guard = ProgressGuard("conversation search (startAfterDate paging)")
        while True:
            page = await self._fetch(start_after)
            if self.total is None:
                self.total = page.total
            conversations = page.conversations
            fetched += len(conversations)
            at_end = (
                not conversations
                or len(conversations) < self._page_size
                or (self.total is not None and fetched >= self.total)
            )
            next_value = None if at_end else search_sort_value(conversations[-1])
            new = [c for c in conversations if c.id not in seen_ids]
            seen_ids.update(c.id for c in new)
            yield Batch(conversations, next_value, self.total)
            if at_end:
                return
            if next_value == start_after or repr(next_value) in used:
                raise NoProgressError(
                    f"the search did not advance (same startAfterDate twice: {next_value!r})"
                )
            if new:
                guard.progressed()
            else:
                guard.stalled(f"startAfterDate {start_after!r} answered only conversations seen")
            used.add(repr(next_value))
            start_after = next_value


class ConversationSearch(PagedIterator[Conversation]):
    """Search results, paged with ``startAfterDate`` = the last conversation's sort value."""

    def __init__(
        self,
        fetch: Callable[[Any], Awaitable[ConversationSearchPage]],
        *,
        page_size: int,
        max_items: int | None = None,
    ) -> None:
        super().__init__(
            _StartAfterDatePages(fetch, page_size), max_items=max_items, raw=_wire_dicts
        )
