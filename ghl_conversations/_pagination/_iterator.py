"""The public iterator shape shared by every paged result: ``async for``, ``anext``, ``.pages()``.

An iterator is one pass over its results: ``__aiter__`` returns the iterator itself, so however
``anext(it)``, ``async for`` and ``.pages()`` are mixed, each item reaches the caller once. The
state of that pass (the page being handed over, how many items the caller has taken) lives in one
:class:`Feed`, shared with the iterator's views (``.raw()``, ``.pages()``).

A *source* produces :class:`Batch` es (the paging protocol: cursors, ``lastMessageId``, ...) and is
told when the caller has moved past one (``settle``), which is what checkpoints are built on.
Nothing a source runs refers back to the iterator, so an iterator the caller drops (``break``
without ``aclose()``) is finalised at once and stops its source's background work.
"""

from __future__ import annotations

import types
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

import attrs

from .._errors import GHLError

__all__ = ["Batch", "Feed", "Page", "PagedIterator", "PageSource"]

T = TypeVar("T")
S = TypeVar("S")


@attrs.frozen
class Page(Generic[T]):
    """One page: its items, the value that fetches the next page (None at the end), the total.

    ``window`` is the index of the date window a parallel export page belongs to.
    """

    items: list[T]
    next: Any = None
    total: int | None = None
    window: int | None = None


@attrs.define(eq=False)
class Batch(Generic[S]):
    """A page as a source hands it over: the items for the caller plus bookkeeping.

    ``final`` marks the last batch of its window (it may be empty: the window is then done once
    the caller moves past it).
    """

    items: list[S]
    next: Any = None
    total: int | None = None
    window: int | None = None
    final: bool = False


class PageSource(Protocol[S]):
    """What a paging protocol provides to :class:`PagedIterator`."""

    @property
    def total(self) -> int | None:
        """The total the server reported, once known."""
        ...

    def batches(self) -> AsyncGenerator[Batch[S], None]:
        """Every batch until the end (one pass)."""
        ...

    def settle(self, batch: Batch[S], handed: int) -> None:
        """The caller moved past ``batch`` after taking its first ``handed`` items."""
        ...


class Feed(Generic[S]):
    """The one consumption state of an iterator and its views: the batch being handed over."""

    def __init__(self, source: PageSource[S], max_items: int | None, yielded: int = 0) -> None:
        self.source = source
        self.max_items = max_items
        self.start_yielded = yielded
        self.yielded = yielded
        self.batch: Batch[S] | None = None
        self.index = 0  # items of ``batch`` the caller has taken
        self.end = 0  # items of ``batch`` the caller may take (``max_items`` trims the last one)
        self.serial = 0  # which batch this is, so views know when to convert a new one
        self.error: BaseException | None = None
        self.finished = False
        self._stream: AsyncGenerator[Batch[S], None] | None = None

    async def advance(self) -> bool:
        """Settle the current batch and move to the next non-empty one; False at the end."""
        if self.error is not None:
            raise self.error
        batch = self.batch
        if batch is not None:
            self.batch = None
            self.source.settle(batch, self.index)
            self.index = self.end = 0
        if self.finished:
            return False
        if self.max_items is not None and self.yielded - self.start_yielded >= self.max_items:
            await self.close()
            return False
        if self._stream is None:
            self._stream = self.source.batches()
        while True:
            try:
                batch = await self._stream.__anext__()
            except StopAsyncIteration:
                self._stream = None
                self.finished = True
                return False
            except Exception as exc:
                self._stream = None
                self.error = exc
                raise
            except BaseException as exc:  # cancelled: the pass cannot go on, but may resume
                self._stream = None
                self.error = GHLError(
                    f"this iterator was interrupted ({type(exc).__name__}); "
                    "start a new one (an export resumes from its checkpoint)"
                )
                raise
            if batch.items:
                break
            self.source.settle(batch, 0)
        end = len(batch.items)
        if self.max_items is not None:
            end = min(end, self.max_items - (self.yielded - self.start_yielded))
        self.batch, self.index, self.end = batch, 0, end
        self.serial += 1
        return True

    async def fail(self, error: Exception) -> None:
        """A batch could not be handed over: stop the pass; every later call raises ``error``."""
        self.error = error
        await self._close_stream()

    async def close(self) -> None:
        """Stop now: closes the source's batches (and whatever they run in the background).

        What is left of the current batch is not handed over any more; what was is settled.
        """
        self.finished = True
        batch = self.batch
        if batch is not None:
            self.batch = None
            self.source.settle(batch, self.index)
            self.index = self.end = 0
        await self._close_stream()

    async def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.aclose()


Convert = Callable[[list[Any]], list[Any]]


class PagedIterator(Generic[T]):
    """Shared behaviour of every paged result: one pass, items or ``pages()``, ``max_items``.

    ``async for item in it`` and ``await anext(it)`` continue the same pass; ``pages()`` continues
    it page by page (starting with what is left of a page partly taken item by item). ``yielded``
    counts the items handed to the caller. ``async with it:`` or ``await it.aclose()`` stops at
    once; dropping the iterator (``break``) stops it as soon as the garbage collector notices.
    """

    def __init__(
        self,
        source: PageSource[Any],
        *,
        max_items: int | None = None,
        convert: Convert | None = None,
        raw: Convert | None = None,
        yielded: int = 0,
    ) -> None:
        if max_items is not None and (
            isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0
        ):
            raise ValueError(f"max_items must be a non-negative integer, got {max_items!r}")
        self.max_items = max_items
        self._feed: Feed[Any] = Feed(source, max_items, yielded)
        self._convert = convert
        self._raw_convert = raw
        # Refers to the feed, never to this object: dropping the iterator finalises it at once.
        self._generator: types.AsyncGeneratorType[Any, None] | None = None

    @property
    def total(self) -> int | None:
        """The total the server reported (None until the first page, or if it gives none)."""
        return self._feed.source.total

    @property
    def yielded(self) -> int:
        """Items handed to the caller so far (an export counts those of earlier runs too)."""
        return self._feed.yielded

    def _view(self, convert: Convert | None) -> PagedIterator[Any]:
        """Another iterator over the same pass, handing items over in another form."""
        view: PagedIterator[Any] = PagedIterator.__new__(PagedIterator)
        view.max_items = self.max_items
        view._feed = self._feed
        view._convert = convert
        view._raw_convert = self._raw_convert
        view._generator = None
        return view

    def raw(self) -> PagedIterator[dict[str, Any]]:
        """The same pass, each item as the wire dict exactly as the server sent it (no models).

        For consumers that write wire dicts anyway (files, warehouses): no model is built. It
        shares this iterator's position, ``yielded`` and (for an export) checkpoint.
        """
        return self._view(self._raw_convert)

    def _items(self) -> AsyncGenerator[T, None]:
        """This view's one item generator (a new one only once the last has finished, so an
        error that ended the pass is raised again instead of looking like the end)."""
        current = self._generator
        if current is not None and current.ag_frame is not None:
            return current
        fresh = _hand_over(self._feed, self._convert)
        assert isinstance(fresh, types.AsyncGeneratorType)
        self._generator = fresh
        return fresh

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    def __anext__(self) -> Awaitable[T]:
        return self._items().__anext__()

    def pages(self) -> AsyncIterator[Page[T]]:
        """Continue page by page instead of item by item."""
        return _PageView(self)

    async def aclose(self) -> None:
        """Stop now: closes the underlying requests (and any background work)."""
        await self._feed.close()

    async def __aenter__(self) -> PagedIterator[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def to_list(self) -> list[T]:
        """Collect every remaining item (mind ``max_items`` for large results)."""
        return [item async for item in self]


class _PageView(Generic[T]):
    """``pages()``: hands over what is left of the current batch, then whole batches."""

    def __init__(self, items: PagedIterator[T]) -> None:
        self._feed = items._feed
        self._convert = items._convert

    def __aiter__(self) -> _PageView[T]:
        return self

    async def __anext__(self) -> Page[T]:
        feed = self._feed
        if feed.index >= feed.end and not await feed.advance():
            raise StopAsyncIteration
        batch = feed.batch
        assert batch is not None
        start, end = feed.index, feed.end
        source = batch.items if start == 0 and end == len(batch.items) else batch.items[start:end]
        items = await _converted(feed, self._convert, source)
        feed.index = end
        feed.yielded += end - start
        return Page(items, batch.next, feed.source.total, batch.window)


async def _converted(feed: Feed[Any], convert: Convert | None, items: list[Any]) -> list[Any]:
    """``items`` in the view's form; a failure to convert ends the pass with that error."""
    if convert is None:
        return items
    try:
        return convert(items)
    except Exception as exc:
        await feed.fail(exc)
        raise


async def _hand_over(feed: Feed[Any], convert: Convert | None) -> AsyncGenerator[Any, None]:
    """Items of the feed's batches, one at a time, in the view's form."""
    serial = -1
    items: list[Any] = []
    while True:
        index = feed.index
        if index >= feed.end:
            if not await feed.advance():
                return
            index = 0
        if serial != feed.serial:
            batch = feed.batch
            assert batch is not None
            items = await _converted(feed, convert, batch.items)
            serial = feed.serial
        feed.index = index + 1
        feed.yielded += 1
        yield items[index]
