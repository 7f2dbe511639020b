"""OAuth endpoints: refresh a token pair (each refresh token works once) and exchange a company
token for a location token."""

from __future__ import annotations

from aiohttp import web

from ._http import Reject, json_response, token_of
from ._state import FakeState

__all__ = ["OAuthRoutes"]


class OAuthRoutes:
    """``/oauth/token`` and ``/oauth/locationToken``, over the fake's state."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def token(self, request: web.Request) -> web.Response:
        """A new access/refresh pair for a refresh token (the old one dies)."""
        settings = self.state.settings
        form = await request.post()
        if (
            form.get("client_id") != settings.oauth_client_id
            or form.get("client_secret") != settings.oauth_client_secret
        ):
            raise Reject(401, "Invalid client credentials", "Unauthorized")
        if form.get("grant_type") != "refresh_token":
            raise Reject(400, "Unsupported grant_type", "Bad Request")
        return json_response(self.state.tokens.refresh(str(form.get("refresh_token") or "")))

    async def location_token(self, request: web.Request) -> web.Response:
        """A location's access token, for a company token of its company."""
        self.state.tokens.check_company(token_of(request))
        form = await request.post()
        location = str(form.get("locationId") or "")
        if (
            form.get("companyId") != self.state.settings.company_id
            or location not in self.state.datasets
        ):
            raise Reject(400, "Location not found in company", "Bad Request")
        data = self.state.tokens.issue_oauth(location)
        data.pop("refresh_token")
        return json_response(data)
