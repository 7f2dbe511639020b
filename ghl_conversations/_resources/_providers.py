"""``client.providers``: what custom conversation providers and live chat bots call.

Generated from the endpoint table by
``python -m ghl_conversations._operations._codegen``: change the table and run it; do not
edit this file (a test fails when it is stale).
"""

from __future__ import annotations

from .._models import (
    SuccessResult,
)
from .._operations import rows
from ._base import Resource

__all__ = ["Providers"]


class Providers(Resource):
    """The ``client.providers`` methods, generated from the endpoint table."""

    async def live_chat_typing(
        self,
        location_id: str,
        conversation_id: str,
        visitor_id: str,
        is_typing: bool,
    ) -> SuccessResult:
        """Show or hide the agent's typing indicator in a live chat."""
        return await self._run(
            rows.LIVE_CHAT_AGENT_TYPING,
            {
                "location_id": location_id,
                "is_typing": is_typing,
                "visitor_id": visitor_id,
                "conversation_id": conversation_id,
            },
        )
