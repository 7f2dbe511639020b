"""What every resource shares: its context (the request pipeline, options, location) and the one
place where a table row's call is executed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio.to_thread
import attrs

from .._clock import Clock
from .._operations import Endpoint, build, decoder, file_parts, parser
from .._pipeline import CallOptions, HTTPCore, WireCall
from .._transport import FormPart, StreamResponse

__all__ = ["Resource", "ResourceContext", "verify_surface"]

R = TypeVar("R")

#: Per operationId: the argument holding files to upload, or None.
_FILES_ARG: dict[str, str | None] = {}


@attrs.frozen
class ResourceContext:
    """What a resource needs to call the API: the pipeline, default options, a bound location."""

    core: HTTPCore
    options: CallOptions
    #: Set by ``client.for_location(...)``: picks the token and the rate-limit budget.
    location_id: str | None = None

    @property
    def clock(self) -> Clock:
        """The clock of the client (time is never read from the system directly)."""
        return self.core.clock


class Resource:
    """Base of the generated resource classes: runs a row's call through the pipeline."""

    def __init__(self, context: ResourceContext) -> None:
        self._context = context

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"

    def _build(
        self, row: Endpoint[Any], values: Mapping[str, Any], files: list[FormPart] | None = None
    ) -> WireCall:
        view_location = self._context.location_id
        if view_location is not None and row.location_arg is not None:
            given = values.get(row.location_arg)
            if given is not None and given != view_location:
                raise ValueError(
                    f"{row.location_arg}={given!r} differs from this client's location "
                    f"{view_location!r} (client.for_location)"
                )
        return build(row, values, location_id=view_location, files=files)

    async def _run(self, row: Endpoint[R], values: Mapping[str, Any]) -> R:
        """Check ``values``, send the row's call and return the result the row promises."""
        files: list[FormPart] | None = None
        files_arg = _FILES_ARG.get(row.operation_id, "")
        if files_arg == "":
            files_arg = _FILES_ARG[row.operation_id] = next(
                (a.name for a in row.args if a.place == "files"), None
            )
        if files_arg is not None:
            self._build(row, values)  # bad arguments fail before any file is read
            # Reading files blocks: a worker thread does it.
            files = await anyio.to_thread.run_sync(file_parts, values[files_arg])
        call = self._build(row, values, files)
        result: R = await self._context.core.send(call, self._context.options, parser(row))
        return result

    def _pager(
        self, row: Endpoint[R], filters: dict[str, Any], cursor: str
    ) -> Callable[[Any], Awaitable[R]]:
        """Check ``filters`` now and return ``fetch(cursor_value)`` for a paging iterator (its
        first request is sent only when iterated, but bad input must fail at once)."""
        self._build(row, filters)

        async def fetch(position: Any) -> R:
            return await self._run(row, {**filters, cursor: position})

        return fetch

    async def _decoded(self, row: Endpoint[Any], values: Mapping[str, Any]) -> Any:
        """The row's answer as checked, decoded JSON, leaving the models to the caller."""
        call = self._build(row, values)
        return await self._context.core.send(call, self._context.options, decoder(row))

    @asynccontextmanager
    async def _stream(
        self, row: Endpoint[Any], values: Mapping[str, Any]
    ) -> AsyncIterator[StreamResponse]:
        call = self._build(row, values)
        async with self._context.core.stream(call, self._context.options) as response:
            yield response


def verify_surface(classes: Mapping[str, type[Resource]], table: Sequence[Endpoint[Any]]) -> None:
    """Check at import that every row has its method and every method takes exactly its row's
    arguments (and each iterator its filters): a hand edit of a generated module fails here."""
    for row in table:
        cls = classes[row.resource]
        expected = {a.name for a in row.args}
        methods = [(row.name, expected)]
        for listing in row.listings:
            filters = expected - {listing.cursor, *listing.omit}
            methods.append((listing.method, filters | {name for name, _, _ in listing.extra}))
        for name, names in methods:
            code = getattr(getattr(cls, name, None), "__code__", None)
            if code is None:
                raise TypeError(f"{cls.__name__} has no method {name} for {row.operation_id}")
            count = code.co_argcount + code.co_kwonlyargcount
            taken = set(code.co_varnames[1:count])
            if taken != names:
                raise TypeError(
                    f"{cls.__name__}.{name} takes {sorted(taken ^ names)} unlike its row "
                    f"{row.operation_id}: regenerate with python -m "
                    "ghl_conversations._operations._codegen"
                )
