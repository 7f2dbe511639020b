"""``client.providers``: what custom conversation providers and live chat bots call."""

from __future__ import annotations

from .._models import SuccessResult
from .._operations import endpoint, operation
from ._base import Resource


class Providers(Resource):
    @operation(endpoint("live-chat-agent-typing"))
    async def live_chat_typing(
        self, location_id: str, conversation_id: str, visitor_id: str, is_typing: bool
    ) -> SuccessResult:
        """Show or hide the agent's typing indicator in a live chat."""
