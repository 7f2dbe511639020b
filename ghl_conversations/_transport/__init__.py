"""The HTTP seam: request/response values, the transport protocol, the aiohttp transport and
``MockTransport``.

Knows nothing about conversations; everything above talks to a ``Transport``."""

from ._aiohttp import AiohttpTransport, TransportStats
from ._mock import MockHandler, MockTransport
from ._types import FormPart, Request, Response, StreamResponse, Timeout, Transport

__all__ = [
    "AiohttpTransport",
    "FormPart",
    "MockHandler",
    "MockTransport",
    "Request",
    "Response",
    "StreamResponse",
    "Timeout",
    "Transport",
    "TransportStats",
]
