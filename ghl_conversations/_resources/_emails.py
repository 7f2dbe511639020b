"""``client.emails``: email messages by id, and cancelling scheduled ones.

Generated from the endpoint table by
``python -m ghl_conversations._operations._codegen``: change the table and run it; do not
edit this file (a test fails when it is stale).
"""

from __future__ import annotations

from .._models import (
    CancelScheduledResult,
    Email,
)
from .._operations import rows
from ._base import Resource

__all__ = ["Emails"]


class Emails(Resource):
    """The ``client.emails`` methods, generated from the endpoint table."""

    async def get(
        self,
        email_id: str,
    ) -> Email:
        """One email message by id."""
        return await self._run(
            rows.GET_EMAIL_BY_ID,
            {
                "email_id": email_id,
            },
        )

    async def cancel_scheduled(
        self,
        email_message_id: str,
    ) -> CancelScheduledResult:
        """Cancel an email scheduled for later."""
        return await self._run(
            rows.CANCEL_SCHEDULED_EMAIL_MESSAGE,
            {
                "email_message_id": email_message_id,
            },
        )
