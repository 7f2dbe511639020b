"""The HTTP seam: request/response types, the transport protocol and the aiohttp transport.

Knows nothing about conversations; everything above talks to a ``Transport``."""

from ._aiohttp import (
    AiohttpTransport,
    FormPart,
    Request,
    Response,
    StreamResponse,
    Timeout,
    Transport,
)

__all__ = [
    "AiohttpTransport",
    "FormPart",
    "Request",
    "Response",
    "StreamResponse",
    "Timeout",
    "Transport",
]
