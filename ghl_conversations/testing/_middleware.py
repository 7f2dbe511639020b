"""What happens to every request before and after its route: recording, latency, faults,
authentication (token, ``Version`` header, User-Agent), the per-location rate limit, and the
NestJS error body for a ``Reject``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from .._operations import API_VERSION
from ._faults import Fault
from ._http import EXPIRED_CURSOR, FAULT_KEY, FORM_KEY, Reject, json_response, token_of
from ._ratelimit import RateLimited
from ._state import FakeState, RecordedRequest

__all__ = ["FakeMiddleware"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Paths HighLevel serves without the ``Version`` header.
_NO_VERSION_PATHS = ("/conversations/messages/email/",)
#: Paths outside the API's authentication (the token endpoints, signed upload URLs).
_UNAUTHENTICATED_PATHS = ("/oauth/", "/_upload/")
#: Fault kinds answered instead of the request (it never reaches a route).
_REPLACING = frozenset(
    {"server_error", "bad_gateway", "unavailable", "rate_limit", "reset", "status"}
    | {"html_200", "redirect"}
)
_HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)
_HTML_200 = (
    "<!DOCTYPE html>\n<html><head><title>Scheduled maintenance</title></head>\n"
    "<body><h1>We'll be back soon</h1><p>HighLevel is under maintenance.</p></body></html>\n"
)


class FakeMiddleware:
    """The fake's aiohttp middleware: ``middlewares=[FakeMiddleware(state).middleware]``."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Record the request, then answer it through ``_handle``."""
        # A multipart body is parsed by its handler (into ``form``) and cannot be read twice.
        body = b"" if request.content_type.startswith("multipart/") else await request.read()
        state = self.state
        state.request_count += 1
        status = 500
        form: dict[str, Any] | None = None
        try:
            response = await self._handle(request, handler, body)
            status = response.status
            form = request.get(FORM_KEY)
            return response
        finally:
            if state.settings.record_requests:
                state.requests.append(
                    RecordedRequest(
                        request.method,
                        request.path,
                        dict(request.query),
                        dict(request.headers),
                        body,
                        status,
                        form,
                    )
                )

    async def _handle(
        self, request: web.Request, handler: Handler, body: bytes
    ) -> web.StreamResponse:
        state = self.state
        if state.settings.latency:
            await asyncio.sleep(state.settings.latency)
        fault = state.faults.pick(request.method, request.path, request.query)
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            fault = None
        if fault is not None and fault.kind in _REPLACING:
            return self._fault_response(request, fault)
        if fault is not None:
            request[FAULT_KEY] = fault
        rate_headers: dict[str, str] = {}
        response: web.StreamResponse
        try:
            if not request.path.startswith(_UNAUTHENTICATED_PATHS):
                token = self._authenticate(request)
                budget = state.budget_of(token, *_where(request, body))
                rate_headers = state.limiter.take(budget)
            if fault is not None and fault.kind == "always_expired_cursor":
                raise Reject(400, EXPIRED_CURSOR, "Bad Request")
            response = await handler(request)
        except RateLimited as limited:
            response = json_response(
                {"statusCode": 429, "message": "Too many requests, please try again later."},
                429,
            )
            rate_headers = limited.headers
        except Reject as reject:
            payload: dict[str, Any] = {"statusCode": reject.status, "message": reject.message}
            if reject.error:
                payload["error"] = reject.error
            payload["traceId"] = uuid.uuid4().hex
            response = json_response(payload, reject.status)
        if fault is not None:  # the change above is real, the answer is not
            response = _rewrite(response, fault)
        response.headers.update(rate_headers)
        return response

    def _authenticate(self, request: web.Request) -> str:
        token = self.state.tokens.check(token_of(request))
        path = request.path
        if not path.startswith(_NO_VERSION_PATHS) and request.headers.get("Version") != API_VERSION:
            raise Reject(401, "version header was not found.", "Unauthorized")
        if not request.headers.get("User-Agent"):
            raise Reject(403, "Forbidden", "Forbidden")
        return token

    def _fault_response(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.kind == "server_error":
            return json_response({"statusCode": 500, "message": "Internal server error"}, 500)
        if fault.kind == "bad_gateway":
            return web.Response(text=_HTML_502, status=502, content_type="text/html")
        if fault.kind == "unavailable":
            return json_response({"statusCode": 503, "message": "Service Unavailable"}, 503)
        if fault.kind == "rate_limit":
            response = json_response({"statusCode": 429, "message": "Too many requests"}, 429)
            if fault.retry_after is not None:
                response.headers["Retry-After"] = f"{fault.retry_after:g}"
            return response
        if fault.kind == "html_200":
            return web.Response(text=_HTML_200, status=200, content_type="text/html")
        if fault.kind == "redirect":
            status = fault.status if 300 <= fault.status < 400 else 302
            location = fault.location or f"{self.state.base_url}/_moved{request.path_qs}"
            return web.Response(status=status, headers={"Location": location})
        if fault.kind == "reset":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError()  # aiohttp drops a cancelled handler silently
        return json_response(
            fault.body or {"statusCode": fault.status, "message": "Injected"}, fault.status
        )


def _where(request: web.Request, body: bytes) -> tuple[str | None, list[str]]:
    """The location a request names (``locationId`` in its query, path or JSON body), and the
    ids it reaches (a generated message's, conversation's or contact's id tells its location)."""
    named = request.query.get("locationId") or request.match_info.get("location_id")
    ids = [value for key, value in request.match_info.items() if key.endswith("_id")]
    if body and request.content_type == "application/json":
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            location = data.get("locationId")
            named = named or (location if isinstance(location, str) else None)
            ids += [v for k in ("conversationId", "contactId") if isinstance(v := data.get(k), str)]
    return named, ids


def _rewrite(response: web.StreamResponse, fault: Fault) -> web.StreamResponse:
    """The answer a body-changing fault makes of a route's (already applied) response."""
    if fault.kind == "apply_then_error":
        return json_response({"statusCode": 500, "message": "Internal server error"}, 500)
    if not isinstance(response, web.Response) or fault.kind not in (
        "empty_body",
        "truncated_body",
        "malformed_field",
    ):
        return response  # a streamed file, or a kind the route itself honoured
    body = response.body if isinstance(response.body, bytes) else b""
    if fault.kind == "empty_body":
        return web.Response(body=b"", status=200, content_type="application/json")
    if fault.kind == "truncated_body":
        return web.Response(
            body=body[: len(body) // 2], status=200, content_type="application/json"
        )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return response
    if not _replace_field(data, fault.field, fault.value) and isinstance(data, dict):
        data[fault.field] = fault.value
    return json_response(data, response.status)


def _replace_field(data: Any, field: str, value: Any) -> bool:
    """Set every ``field`` inside ``data`` (at any depth) to ``value``; whether any was found."""
    found = False
    if isinstance(data, dict):
        for key, item in data.items():
            if key == field:
                data[key] = value
                found = True
            else:
                found = _replace_field(item, field, value) or found
    elif isinstance(data, list):
        for item in data:
            found = _replace_field(item, field, value) or found
    return found
