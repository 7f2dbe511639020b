"""Type-checked by tests/test_typing.py (never run): mypy --strict must see every public
method's arguments and result. Lines marked ``# expect-error`` must be rejected by mypy."""

from __future__ import annotations

import datetime as dt

import ghl_conversations as ghl


async def uses_the_public_api(client: ghl.Client) -> None:
    message: ghl.Message = await client.messages.get("msg-id")
    when: dt.datetime | None = message.date_added
    sent: ghl.SendMessageResult = await client.messages.send(
        type="SMS", contact_id="c", message="hi"
    )
    page: ghl.ExportPage = await client.messages.export_page("loc", limit=100)
    async for item in client.messages.export("loc", channel="SMS"):
        item_id: str = item.id
    async for conversation in client.conversations.search("loc", status="unread"):
        conversation_id: str = conversation.id
    async for in_conversation in client.conversations.messages("cv"):
        body: str | None = in_conversation.body
    audio: bytes = await client.messages.recording("m", "loc")
    text: str = await client.messages.download_transcription("m", "loc")
    subtypes: dict[str, object] = await client.preferences.list_custom_subtypes("loc")
    typing: ghl.SuccessResult = await client.providers.live_chat_typing("l", "c", "v", True)
    email: ghl.Email = await client.emails.get("e")

    await client.messages.get(mesage_id="msg-id")  # expect-error
    await client.messages.send(type="Pager", contact_id="c")  # expect-error
    wrong: int = await client.messages.get("msg-id")  # expect-error
    await client.conversations.update("cv", starred=True)  # expect-error
