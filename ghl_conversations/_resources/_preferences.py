"""``client.preferences``: custom subscription subtypes and contacts' unsubscriptions.

The official spec documents no response shape for these operations, so they return
the JSON object exactly as HighLevel sends it.

Generated from the endpoint table by
``python -m ghl_conversations._operations._codegen``: change the table and run it; do not
edit this file (a test fails when it is stale).
"""

from __future__ import annotations

from typing import Any, Literal

from .._models import (
    SubscriptionAction,
)
from .._operations import rows
from ._base import Resource

__all__ = ["Preferences"]


class Preferences(Resource):
    """The ``client.preferences`` methods, generated from the endpoint table."""

    async def list_custom_subtypes(
        self,
        location_id: str,
    ) -> dict[str, Any]:
        """All custom subscription subtypes of a location."""
        return await self._run(
            rows.GET_ALL_CUSTOM_SUBTYPES,
            {
                "location_id": location_id,
            },
        )

    async def create_custom_subtype(
        self,
        location_id: str,
        *,
        name: str,
        description: str | None = None,
        channel: Literal["email", "sms"],
        language: str,
    ) -> dict[str, Any]:
        """Create a custom subtype contacts can subscribe to or leave."""
        return await self._run(
            rows.CREATE_CUSTOM_SUBTYPE,
            {
                "location_id": location_id,
                "name": name,
                "description": description,
                "channel": channel,
                "language": language,
            },
        )

    async def update_custom_subtype(
        self,
        subtype_id: str,
        location_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        archived: bool | None = None,
        resubscription_legal_form_id: str | None = None,
    ) -> dict[str, Any]:
        """Rename, describe or archive a custom subtype."""
        return await self._run(
            rows.UPDATE_CUSTOM_SUBTYPE,
            {
                "subtype_id": subtype_id,
                "location_id": location_id,
                "name": name,
                "description": description,
                "archived": archived,
                "resubscription_legal_form_id": resubscription_legal_form_id,
            },
        )

    async def unsubscription_status(
        self,
        location_id: str,
        contact_id: str,
        *,
        email: str | None = None,
    ) -> dict[str, Any]:
        """Which subtypes a contact has left."""
        return await self._run(
            rows.GET_CONTACT_UNSUBSCRIPTION_STATUS,
            {
                "location_id": location_id,
                "contact_id": contact_id,
                "email": email,
            },
        )

    async def change_subscription(
        self,
        *,
        location_id: str,
        contact_id: str,
        email: str,
        subscription_action: SubscriptionAction | dict[str, Any],
        legal_reason: str | None = None,
        legal_description: str | None = None,
    ) -> dict[str, Any]:
        """Subscribe or unsubscribe a contact (``subscription_action`` as model or dict)."""
        return await self._run(
            rows.USER_SUBSCRIPTION_CHANGE,
            {
                "location_id": location_id,
                "contact_id": contact_id,
                "email": email,
                "subscription_action": subscription_action,
                "legal_reason": legal_reason,
                "legal_description": legal_description,
            },
        )
