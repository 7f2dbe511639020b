"""What every resource shares: its context (the request pipeline, options, location) and the one
place where a table row's call is executed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import attrs

from .._clock import Clock
from .._operations import Endpoint
from .._pipeline import CallOptions, HTTPCore
from .._transport import FormPart, StreamResponse


@attrs.frozen
class ResourceContext:
    core: HTTPCore
    options: CallOptions
    #: Set by ``client.for_location(...)``: picks the token and the rate-limit budget.
    location_id: str | None = None

    @property
    def clock(self) -> Clock:
        return self.core.clock


class Resource:
    def __init__(self, context: ResourceContext) -> None:
        self._context = context

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"

    def _check(self, method_name: str, values: dict[str, Any]) -> None:
        """Validate arguments for a table-backed method now (iterators send their first request
        only when iterated, but bad input must fail when the iterator is created)."""
        getattr(type(self), method_name).check(self, values)

    def _build(
        self, endpoint: Endpoint, values: Mapping[str, Any], files: list[FormPart] | None = None
    ) -> Any:
        view_location = self._context.location_id
        if view_location is not None and endpoint.location_arg is not None:
            given = values.get(endpoint.location_arg)
            if given is not None and given != view_location:
                raise ValueError(
                    f"{endpoint.location_arg}={given!r} differs from this client's location "
                    f"{view_location!r} (client.for_location)"
                )
        return endpoint.build(values, location_id=view_location, files=files)

    async def _execute(
        self,
        endpoint: Endpoint,
        values: Mapping[str, Any],
        files: list[FormPart] | None = None,
        *,
        decode_only: bool = False,
    ) -> Any:
        """Run one row's call; ``decode_only`` returns the decoded JSON, leaving the building
        of models to the caller (the export reads its cursor first, to request the next page)."""
        call = self._build(endpoint, values, files)
        parse = endpoint.decode if decode_only else endpoint.parse
        return await self._context.core.send(call, self._context.options, parse)

    @asynccontextmanager
    async def _stream(
        self, endpoint: Endpoint, values: Mapping[str, Any]
    ) -> AsyncIterator[StreamResponse]:
        call = self._build(endpoint, values)
        async with self._context.core.stream(call, self._context.options) as response:
            yield response
