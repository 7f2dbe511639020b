"""``client.emails``: email messages by id, and cancelling scheduled ones."""

from __future__ import annotations

from .._models import CancelScheduledResult, Email
from .._operations import endpoint, operation
from ._base import Resource


class Emails(Resource):
    @operation(endpoint("get-email-by-id"))
    async def get(self, email_id: str) -> Email:
        """One email message by id."""

    @operation(endpoint("cancel-scheduled-email-message"))
    async def cancel_scheduled(self, email_message_id: str) -> CancelScheduledResult:
        """Cancel an email scheduled for later."""
