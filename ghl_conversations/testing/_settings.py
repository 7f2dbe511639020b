"""The fake's knobs that a test may turn while it runs (read on every request)."""

from __future__ import annotations

import attrs

__all__ = ["FakeSettings"]


@attrs.define
class FakeSettings:
    """Behaviour knobs, one object shared by the middleware and the routes.

    ``FakeHighLevel`` exposes each as an attribute of the same name (``fake.latency = 0.2``).
    """

    location_id: str = "fakeLocation000000001"
    company_id: str = "fakeCompany0000000001"
    rate_limit: int = 100
    rate_interval: float = 10.0
    daily_limit: int = 200_000
    retry_after_header: bool = True
    latency: float = 0.0
    nested_messages_page: bool = True
    wrap_get_message: bool = True
    cursor_ttl: float = 120.0
    record_requests: bool = True
    oauth_client_id: str = "fake-client-id"
    oauth_client_secret: str = "fake-client-secret"
