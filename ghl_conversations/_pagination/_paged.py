"""Async iterators over paged results: ``async for item in ...`` and ``.pages()``.

Every iterator here works directly in ``async for`` (no ``await`` first), stops after ``max_items``,
and can be closed early (``break`` lets the garbage collector close it; ``async with`` or
``await it.aclose()`` closes it at once). Each request reads its whole response before yielding,
so a paused or abandoned iterator never holds a pooled connection.
"""

from __future__ import annotations

import abc
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar

import attrs

from .._dates import to_epoch_ms
from .._errors import GHLError
from .._models import Conversation, ConversationSearchPage, Message, MessagesPage

__all__ = ["ConversationMessages", "ConversationSearch", "Page", "PagedIterator"]

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """One page: its items, the value that fetches the next page (None at the end), the total.

    ``window`` is the index of the date window a parallel export page belongs to.
    """

    items: list[T]
    next: Any = None
    total: int | None = None
    window: int | None = None


class PagedIterator(Generic[T], abc.ABC):
    """Shared behaviour: item iteration, ``pages()``, ``max_items``, closing."""

    def __init__(self, *, max_items: int | None = None) -> None:
        if max_items is not None and (isinstance(max_items, bool) or max_items < 0):
            raise ValueError(f"max_items must be a non-negative integer, got {max_items!r}")
        self.max_items = max_items
        self.total: int | None = None
        self.yielded = 0
        # Weak references only: a strong one would form a cycle (the generator's frame refers to
        # self), and an abandoned loop would then wait for the cyclic GC to close its generator.
        self._live: weakref.WeakSet[AsyncGenerator[Any, None]] = weakref.WeakSet()
        self._anext: AsyncGenerator[T, None] | None = None
        self._handed = 0

    @abc.abstractmethod
    def _page_stream(self) -> AsyncGenerator[Page[T], None]:
        """Yield pages until the end; subclasses implement the paging protocol."""

    async def _limited_pages(self) -> AsyncGenerator[Page[T], None]:
        remaining = self.max_items
        if remaining == 0:
            return
        stream = self._page_stream()
        try:
            async for page in stream:
                items = page.items
                if remaining is not None:
                    items = items[:remaining]
                    remaining -= len(items)
                self.yielded += len(items)
                yield page if len(items) == len(page.items) else attrs.evolve(page, items=items)
                if remaining == 0:
                    return
        finally:
            await stream.aclose()

    def _delivering(self, page: Page[T]) -> None:
        """``page`` is about to reach the caller (checkpoints hook in here, once per page)."""

    async def _item_stream(self) -> AsyncGenerator[T, None]:
        pages = self._limited_pages()
        try:
            async for page in pages:
                self._delivering(page)
                for handed in range(1, len(page.items) + 1):
                    self._handed = handed  # items of the current page the caller has received
                    yield page.items[handed - 1]
        finally:
            await pages.aclose()

    async def _page_by_page(self) -> AsyncGenerator[Page[T], None]:
        pages = self._limited_pages()
        try:
            async for page in pages:
                self._delivering(page)
                self._handed = len(page.items)
                yield page
        finally:
            await pages.aclose()

    def pages(self) -> AsyncIterator[Page[T]]:
        """Iterate page by page instead of item by item."""
        generator = self._page_by_page()
        self._live.add(generator)
        return generator

    def __aiter__(self) -> AsyncIterator[T]:
        generator = self._item_stream()
        self._live.add(generator)
        return generator

    async def __anext__(self) -> T:
        if self._anext is None:
            self._anext = self._item_stream()
            self._live.add(self._anext)
        return await self._anext.__anext__()

    async def aclose(self) -> None:
        """Stop now: closes the underlying generators (and any background work)."""
        for generator in list(self._live):
            await generator.aclose()
        self._anext = None

    async def __aenter__(self) -> PagedIterator[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def to_list(self) -> list[T]:
        """Collect every item (mind ``max_items`` for large results)."""
        return [item async for item in self]


class ConversationMessages(PagedIterator[Message]):
    """A conversation's messages, newest first, paged by ``lastMessageId``."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[MessagesPage]],
        *,
        max_items: int | None = None,
    ) -> None:
        super().__init__(max_items=max_items)
        self._fetch = fetch

    async def _page_stream(self) -> AsyncGenerator[Page[Message], None]:
        last_id: str | None = None
        seen: set[str] = set()
        while True:
            page = await self._fetch(last_id)
            next_id = page.last_message_id or (page.messages[-1].id if page.messages else None)
            more = bool(page.next_page and page.messages and next_id)
            yield Page(page.messages, next_id if more else None)
            if not more:
                return
            assert next_id is not None
            if next_id in seen:
                raise GHLError(
                    f"the server returned lastMessageId {next_id!r} twice; stopping instead of "
                    "looping over the same page"
                )
            seen.add(next_id)
            last_id = next_id


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


class ConversationSearch(PagedIterator[Conversation]):
    """Search results, paged with ``startAfterDate`` = the last conversation's sort value."""

    def __init__(
        self,
        fetch: Callable[[Any], Awaitable[ConversationSearchPage]],
        *,
        page_size: int,
        max_items: int | None = None,
    ) -> None:
        super().__init__(max_items=max_items)
        self._fetch = fetch
        self._page_size = page_size

    async def _page_stream(self) -> AsyncGenerator[Page[Conversation], None]:
        start_after: Any = None
        fetched = 0
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
            yield Page(conversations, next_value, self.total)
            if at_end:
                return
            if next_value == start_after:
                raise GHLError("the search did not advance (same startAfterDate twice)")
            start_after = next_value
