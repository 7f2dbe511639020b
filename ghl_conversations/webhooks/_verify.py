"""The function forms, ``verify`` and ``parse``, for code that builds no ``Verifier`` itself."""

from __future__ import annotations

from collections.abc import Mapping

from .._clock import Clock
from ._events import WebhookEvent
from ._keys import KeysInput
from ._replay import ReplayStore
from ._verifier import DEFAULT_TOLERANCE, NO_REPLAY_CHECK, Verifier

__all__ = ["parse", "verify"]


def verify(
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    public_key: KeysInput | None = None,
    legacy_public_key: KeysInput | None = None,
) -> str:
    """Check the signature over the exact raw bytes; return which header verified it.

    Raises ``InvalidSignatureError`` for a missing, malformed or wrong signature. Keys default to
    HighLevel's published ones. Build a ``Verifier`` once instead when verifying many deliveries.
    """
    verifier = Verifier(
        public_keys=public_key, legacy_public_keys=legacy_public_key, replay_store=NO_REPLAY_CHECK
    )
    return verifier.verify(raw_body, headers)


async def parse(
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    public_key: KeysInput | None = None,
    legacy_public_key: KeysInput | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    replay_store: ReplayStore | None = None,
    clock: Clock | None = None,
) -> WebhookEvent:
    """Verify, check freshness (``timestamp`` within ``tolerance`` seconds) and replay, decode.

    Raises ``InvalidSignatureError`` (bad signature, stale timestamp) or its subclass
    ``ReplayedWebhookError`` (a ``webhookId`` seen before, only when a ``replay_store`` is given).
    """
    verifier = Verifier(
        public_keys=public_key,
        legacy_public_keys=legacy_public_key,
        tolerance=tolerance,
        replay_store=replay_store if replay_store is not None else NO_REPLAY_CHECK,
        clock=clock,
    )
    return await verifier.parse(raw_body, headers)
