"""``client.preferences``: custom subscription subtypes and contacts' unsubscriptions.

The official spec documents no response shape for these operations, so they return the JSON
object exactly as HighLevel sends it.
"""

from __future__ import annotations

from typing import Any, Literal

from .._models import SubscriptionAction
from .._operations import endpoint, operation
from ._base import Resource


class Preferences(Resource):
    @operation(endpoint("get-all-custom-subtypes"))
    async def list_custom_subtypes(self, location_id: str) -> dict[str, Any]:
        """All custom subscription subtypes of a location."""

    @operation(endpoint("create-custom-subtype"))
    async def create_custom_subtype(
        self,
        location_id: str,
        *,
        name: str,
        channel: Literal["email", "sms"],
        language: str,
        description: str | None = None,
    ) -> dict[str, Any]:
        """Create a custom subtype contacts can subscribe to or leave."""

    @operation(endpoint("update-custom-subtype"))
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

    @operation(endpoint("get-contact-unsubscription-status"))
    async def unsubscription_status(
        self, location_id: str, contact_id: str, *, email: str | None = None
    ) -> dict[str, Any]:
        """Which subtypes a contact has left."""

    @operation(endpoint("user-subscription-change"))
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
