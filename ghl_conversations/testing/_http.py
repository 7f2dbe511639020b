"""What every part of the fake server shares about HTTP: the error answer, JSON in and out.

HighLevel answers errors the NestJS way (``{"statusCode", "message", "error", "traceId"}``);
a handler raises ``Reject`` anywhere and the middleware turns it into that body.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from ._faults import Fault

__all__ = [
    "EXPIRED_CURSOR",
    "FAULT_KEY",
    "FORM_KEY",
    "NO_ACCESS",
    "Reject",
    "json_response",
    "read_json",
    "require",
    "stuck",
    "token_of",
]

#: Where a multipart handler leaves the form it parsed (for ``RecordedRequest.form``).
FORM_KEY = web.RequestKey("form", dict)
#: The fault a handler honours itself (``stuck_cursor``), set by the middleware.
FAULT_KEY = web.RequestKey("fault", Fault)
#: The fake's answer to an expired (or unknown) export cursor.
EXPIRED_CURSOR = "Cursor has expired or is invalid. Start a new export."
#: HighLevel's answer when a token reaches for a location it does not belong to.
NO_ACCESS = "The token does not have access to this location."


class Reject(Exception):
    """An error answer: ``status`` with a NestJS body carrying ``message`` (and ``error``)."""

    def __init__(self, status: int, message: str | list[str], error: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error


def json_response(data: Any, status: int = 200) -> web.Response:
    """``data`` as a JSON answer (orjson: the fake is a benchmark server too)."""
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request's JSON object body (empty: ``{}``), or the 400 HighLevel gives otherwise."""
    raw = await request.read()
    try:
        data = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        raise Reject(400, "Unexpected token in JSON", "Bad Request") from None
    if not isinstance(data, dict):
        raise Reject(400, "Body must be a JSON object", "Bad Request")
    return data


def require(data: dict[str, Any], *names: str) -> None:
    """422 listing every one of ``names`` that is missing or empty, as class-validator does."""
    missing = [f"{name} should not be empty" for name in names if not data.get(name)]
    if missing:
        raise Reject(422, missing, "Unprocessable Entity")


def token_of(request: web.Request) -> str | None:
    """The bearer token of a request, if it has one."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def stuck(request: web.Request) -> bool:
    """Whether a ``stuck_cursor`` fault holds this paging request in place."""
    fault = request.get(FAULT_KEY)
    return fault is not None and fault.kind == "stuck_cursor"
