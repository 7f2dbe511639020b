"""Every one of the 29 operations, on the wire: method, URL, query, headers, body, parsed result.

Each case calls the public method the way a user would, answers with a realistic body through
aioresponses (at the aiohttp seam), and checks both what was sent and what came back.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import orjson
import pytest
from aioresponses import aioresponses
from yarl import URL

import ghl_conversations as ghl
from ghl_conversations._operations import rows

from .conftest import BASE, TOKEN

ENDPOINTS = rows.ENDPOINTS

MESSAGE = {
    "id": "msg1",
    "type": 2,
    "messageType": "TYPE_SMS",
    "locationId": "loc1",
    "contactId": "ct1",
    "conversationId": "cv1",
    "dateAdded": "2024-05-01T12:30:00.000Z",
    "body": "hi",
    "direction": "outbound",
    "status": "delivered",
    "contentType": "text/plain",
}
CONVERSATION = {"id": "cv1", "contactId": "ct1", "locationId": "loc1", "deleted": False}


@attrs.frozen
class Case:
    operation_id: str
    call: Callable[[ghl.Client], Awaitable[Any]]
    method: str
    path: str
    response: Any
    check: Callable[[Any], bool]
    query: dict[str, str] = attrs.field(factory=dict)
    body: Any = None
    status: int = 200
    response_body: bytes | None = None
    content_type: str = "application/json"
    accept: str = "application/json"


CASES = [
    Case(
        "create-conversation",
        lambda c: c.conversations.create("loc1", "ct1"),
        "POST",
        "/conversations/",
        {"success": True, "conversation": CONVERSATION},
        lambda r: (
            isinstance(r, ghl.ConversationResult)
            and r.conversation is not None
            and r.conversation.id == "cv1"
        ),
        body={"locationId": "loc1", "contactId": "ct1"},
        status=201,
    ),
    Case(
        "get-conversation",
        lambda c: c.conversations.get("cv1"),
        "GET",
        "/conversations/cv1",
        {**CONVERSATION, "inbox": True, "type": 1, "unreadCount": 2},
        lambda r: isinstance(r, ghl.Conversation) and r.unread_count == 2 and r.inbox is True,
    ),
    Case(
        "update-conversation",
        lambda c: c.conversations.update("cv1", location_id="loc1", starred=True),
        "PUT",
        "/conversations/cv1",
        {"success": True, "conversation": {**CONVERSATION, "starred": True}},
        lambda r: r.success is True and r.conversation.starred is True,
        body={"locationId": "loc1", "starred": True},
    ),
    Case(
        "delete-conversation",
        lambda c: c.conversations.delete("cv1"),
        "DELETE",
        "/conversations/cv1",
        {"success": True},
        lambda r: isinstance(r, ghl.SuccessResult) and r.success is True,
    ),
    Case(
        "search-conversation",
        lambda c: c.conversations.search_page(
            "loc1",
            status="unread",
            limit=5,
            start_after_date=1_700_000_000_000,
            start_date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        ),
        "GET",
        "/conversations/search",
        {"conversations": [{**CONVERSATION, "lastMessageDate": 1_700_000_000_000}], "total": 9},
        lambda r: r.total == 9 and r.conversations[0].last_message_date.year == 2023,
        query={
            "locationId": "loc1",
            "status": "unread",
            "limit": "5",
            "startAfterDate": "1700000000000",
            "startDate": "1704067200000",
        },
    ),
    Case(
        "get-messages",
        lambda c: c.conversations.messages_page(
            "cv1", last_message_id="m0", types=["TYPE_SMS", "TYPE_CALL"], limit=50
        ),
        "GET",
        "/conversations/cv1/messages",
        {"messages": {"lastMessageId": "msg1", "nextPage": True, "messages": [MESSAGE]}},
        lambda r: (
            r.next_page is True and r.last_message_id == "msg1" and r.messages[0].id == "msg1"
        ),
        query={"lastMessageId": "m0", "type": "TYPE_SMS,TYPE_CALL", "limit": "50"},
    ),
    Case(
        "get-message",
        lambda c: c.messages.get("msg1"),
        "GET",
        "/conversations/messages/msg1",
        {"message": MESSAGE, "traceId": "t-1"},
        lambda r: r.id == "msg1" and r.date_added == dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC),
    ),
    Case(
        "export-messages-by-location",
        lambda c: c.messages.export_page(
            "loc1", channel="SMS", limit=500, sort_order="asc", cursor="abc"
        ),
        "GET",
        "/conversations/messages/export",
        {"messages": [MESSAGE], "nextCursor": "next", "total": 1},
        lambda r: isinstance(r, ghl.ExportPage) and r.next_cursor == "next" and r.total == 1,
        query={
            "locationId": "loc1",
            "channel": "SMS",
            "limit": "500",
            "sortOrder": "asc",
            "cursor": "abc",
        },
    ),
    Case(
        "send-a-new-message",
        lambda c: c.messages.send(
            type="Email",
            contact_id="ct1",
            html="<p>hi</p>",
            subject="Hello",
            email_cc=["a@example.test"],
            forward=ghl.ForwardConfig(message_id="m9"),
        ),
        "POST",
        "/conversations/messages",
        {"conversationId": "cv1", "messageId": "m2", "emailMessageId": "e2", "msg": "ok"},
        lambda r: r.message_id == "m2" and r.email_message_id == "e2",
        body={
            "type": "Email",
            "contactId": "ct1",
            "html": "<p>hi</p>",
            "subject": "Hello",
            "emailCc": ["a@example.test"],
            "forward": {"isForwarded": True, "messageId": "m9"},
        },
        status=201,
    ),
    Case(
        "add-an-inbound-message",
        lambda c: c.messages.add_inbound(
            type="SMS",
            contact_id="ct1",
            message="yo",
            date=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        ),
        "POST",
        "/conversations/messages/inbound",
        {"success": True, "conversationId": "cv1", "messageId": "m3", "message": "ok"},
        lambda r: isinstance(r, ghl.ProcessMessageResult) and r.message_id == "m3",
        body={
            "type": "SMS",
            "contactId": "ct1",
            "message": "yo",
            "date": "2024-05-01T00:00:00.000Z",
        },
    ),
    Case(
        "add-an-outbound-message",
        lambda c: c.messages.add_outbound_call(
            conversation_id="cv1",
            conversation_provider_id="prov1",
            call={"to": "+1555", "from": "+1666", "status": "completed"},
        ),
        "POST",
        "/conversations/messages/outbound",
        {"success": True, "conversationId": "cv1", "messageId": "m4", "message": "ok"},
        lambda r: r.message_id == "m4",
        body={
            "type": "Call",
            "conversationId": "cv1",
            "conversationProviderId": "prov1",
            "call": {"to": "+1555", "from": "+1666", "status": "completed"},
        },
    ),
    Case(
        "send-review-reply",
        lambda c: c.messages.review_reply(conversation_id="cv1", location_id="loc1", message="Ty"),
        "POST",
        "/conversations/messages/review-reply",
        {"conversationId": "cv1", "messageId": "m5", "status": "delivered"},
        lambda r: r.status == ghl.MessageStatus.DELIVERED,
        body={"conversationId": "cv1", "locationId": "loc1", "message": "Ty"},
    ),
    Case(
        "update-message-status",
        lambda c: c.messages.update_status(
            "m6", "failed", error=ghl.MessageError(code="1", type="saas", message="boom")
        ),
        "PUT",
        "/conversations/messages/m6/status",
        {"conversationId": "cv1", "messageId": "m6", "status": "failed"},
        lambda r: r.status == "failed",
        body={"status": "failed", "error": {"code": "1", "type": "saas", "message": "boom"}},
    ),
    Case(
        "add-message-attachments",
        lambda c: c.messages.set_attachments("m7", ["https://x.test/a.png"]),
        "PUT",
        "/conversations/messages/m7/attachments",
        {"success": True},
        lambda r: r == {"success": True},
        body={"attachments": ["https://x.test/a.png"]},
    ),
    Case(
        "cancel-scheduled-message",
        lambda c: c.messages.cancel_scheduled("m8"),
        "DELETE",
        "/conversations/messages/m8/schedule",
        {"status": 200, "message": "cancelled"},
        lambda r: isinstance(r, ghl.CancelScheduledResult) and r.status == 200,
    ),
    Case(
        "get-message-recording",
        lambda c: c.messages.recording("m9", "loc1"),
        "GET",
        "/conversations/messages/m9/locations/loc1/recording",
        None,
        lambda r: r == b"RIFF\x00\x01\xffWAVE",
        response_body=b"RIFF\x00\x01\xffWAVE",
        content_type="audio/x-wav",
        accept="*/*",
    ),
    Case(
        "get-message-transcription",
        lambda c: c.messages.transcription("m9", "loc1"),
        "GET",
        "/conversations/locations/loc1/messages/m9/transcription",
        [
            {
                "mediaChannel": 1,
                "sentenceIndex": 0,
                "startTime": 0,
                "endTime": 2,
                "transcript": "Hello",
                "confidence": 0.9,
            }
        ],
        lambda r: r[0].transcript == "Hello" and r[0].confidence == 0.9,
    ),
    Case(
        "download-message-transcription",
        lambda c: c.messages.download_transcription("m9", "loc1"),
        "GET",
        "/conversations/locations/loc1/messages/m9/transcription/download",
        None,
        lambda r: r == "Hello there — ünïcode",
        response_body="Hello there — ünïcode".encode(),
        content_type="text/plain; charset=utf-8",
        accept="*/*",
    ),
    Case(
        "upload-file-attachments",
        lambda c: c.messages.upload(
            conversation_id="cv1",
            contact_id="ct1",
            location_id="loc1",
            files=[("a.png", b"\x89PNG", "image/png")],
        ),
        "POST",
        "/conversations/messages/upload",
        {"uploadedFiles": {"a.png": "https://x.test/a.png"}},
        lambda r: r.uploaded_files == {"a.png": "https://x.test/a.png"},
        body="multipart",
    ),
    Case(
        "initiate-file-upload",
        lambda c: c.messages.initiate_upload(
            location_id="loc1",
            conversation_id="cv1",
            filename="a.pdf",
            content_type="application/pdf",
            file_size=10,
            channel="WHATSAPP",
        ),
        "POST",
        "/conversations/messages/upload/initiate",
        {
            "uploadUrl": "https://s3.test/u",
            "uploadId": "u1",
            "filePath": "p/a.pdf",
            "expiresAt": 1,
            "maxFileSize": 100,
        },
        lambda r: r.upload_id == "u1" and r.max_file_size == 100,
        body={
            "locationId": "loc1",
            "conversationId": "cv1",
            "filename": "a.pdf",
            "contentType": "application/pdf",
            "fileSize": 10,
            "channel": "WHATSAPP",
        },
    ),
    Case(
        "complete-file-upload",
        lambda c: c.messages.complete_upload(
            upload_id="u1",
            file_path="p/a.pdf",
            location_id="loc1",
            conversation_id="cv1",
            filename="a.pdf",
        ),
        "POST",
        "/conversations/messages/upload/complete",
        {"uploadedFiles": {"a.pdf": "https://x.test/a.pdf"}, "metadata": {"size": 10}},
        lambda r: r.metadata == {"size": 10},
        body={
            "uploadId": "u1",
            "filePath": "p/a.pdf",
            "locationId": "loc1",
            "conversationId": "cv1",
            "filename": "a.pdf",
        },
    ),
    Case(
        "get-email-by-id",
        lambda c: c.emails.get("em1"),
        "GET",
        "/conversations/messages/email/em1",
        {
            "id": "em1",
            "threadId": "t1",
            "from": "a@example.test",
            "to": ["b@example.test"],
            "direction": "inbound",
            "body": "<p>x</p>",
            "dateAdded": "2024-05-01T00:00:00Z",
        },
        lambda r: (
            isinstance(r, ghl.Email) and r.from_ == "a@example.test" and r.to == ["b@example.test"]
        ),
    ),
    Case(
        "cancel-scheduled-email-message",
        lambda c: c.emails.cancel_scheduled("em1"),
        "DELETE",
        "/conversations/messages/email/em1/schedule",
        {"status": 200, "message": "cancelled"},
        lambda r: r.message == "cancelled",
    ),
    Case(
        "get-all-custom-subtypes",
        lambda c: c.preferences.list_custom_subtypes("loc1"),
        "GET",
        "/conversations/preferences/custom-subtypes",
        {"subtypes": [{"id": "s1"}]},
        lambda r: r == {"subtypes": [{"id": "s1"}]},
        query={"locationId": "loc1"},
    ),
    Case(
        "create-custom-subtype",
        lambda c: c.preferences.create_custom_subtype(
            "loc1", name="News", channel="email", language="en"
        ),
        "POST",
        "/conversations/preferences/custom-subtypes",
        {"id": "s1", "name": "News"},
        lambda r: r["id"] == "s1",
        query={"locationId": "loc1"},
        body={"name": "News", "channel": "email", "language": "en"},
        status=201,
    ),
    Case(
        "update-custom-subtype",
        lambda c: c.preferences.update_custom_subtype(
            "s1", "loc1", archived=True, resubscription_legal_form_id="f1"
        ),
        "PUT",
        "/conversations/preferences/custom-subtypes/s1",
        {"id": "s1", "archived": True},
        lambda r: r["archived"] is True,
        query={"locationId": "loc1"},
        body={"archived": True, "resubscription_legal_form_id": "f1"},
    ),
    Case(
        "get-contact-unsubscription-status",
        lambda c: c.preferences.unsubscription_status("loc1", "ct1", email="a@example.test"),
        "GET",
        "/conversations/preferences/unsubscriptions/status",
        {"unsubscribed": []},
        lambda r: r == {"unsubscribed": []},
        query={"locationId": "loc1", "contactId": "ct1", "email": "a@example.test"},
    ),
    Case(
        "user-subscription-change",
        lambda c: c.preferences.change_subscription(
            location_id="loc1",
            contact_id="ct1",
            email="a@example.test",
            subscription_action=ghl.SubscriptionAction(subtype_name="One on One"),
            legal_reason="asked",
        ),
        "POST",
        "/conversations/preferences/unsubscriptions/user-change",
        {"success": True},
        lambda r: r == {"success": True},
        body={
            "locationId": "loc1",
            "contactId": "ct1",
            "email": "a@example.test",
            "subscription_action": {
                "type": "default",
                "subtype_status": "unsubscribed",
                "subtype_name": "One on One",
            },
            "legal_reason": "asked",
        },
        status=201,
    ),
    Case(
        "live-chat-agent-typing",
        lambda c: c.providers.live_chat_typing("loc1", "cv1", "v1", True),
        "POST",
        "/conversations/providers/live-chat/typing",
        {"success": True},
        lambda r: r.success is True,
        body={"locationId": "loc1", "isTyping": True, "visitorId": "v1", "conversationId": "cv1"},
        status=201,
    ),
]


def test_every_operation_has_a_case() -> None:
    assert sorted(c.operation_id for c in CASES) == sorted(ENDPOINTS)
    assert len(CASES) == 29


def _only_request(mock: aioresponses) -> tuple[str, URL, dict[str, Any]]:
    calls = [(key, call) for key, calls in mock.requests.items() for call in calls]
    assert len(calls) == 1, f"expected one request, got {len(calls)}"
    (method, url), call = calls[0]
    return method, url, call.kwargs


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.operation_id)
async def test_operation_on_the_wire(case: Case, mocked: aioresponses, client: ghl.Client) -> None:
    if case.response_body is not None:
        mocked.add(
            re.compile(".*"),
            case.method,
            status=case.status,
            body=case.response_body,
            content_type=case.content_type,
        )
    else:
        mocked.add(re.compile(".*"), case.method, status=case.status, payload=case.response)

    result = await case.call(client)

    method, url, kwargs = _only_request(mocked)
    assert method == case.method
    assert f"{url.scheme}://{url.host}" == BASE
    assert url.raw_path == case.path
    assert dict(url.query) == case.query
    headers = kwargs["headers"]
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Version"] == "2021-04-15"
    assert headers["Accept"] == case.accept
    assert headers["User-Agent"].startswith(f"ghl-conversations/{ghl.__version__}")
    if case.body is None:
        assert kwargs.get("data") is None
        assert "Content-Type" not in headers
    elif case.body == "multipart":
        assert kwargs["data"] is not None
    else:
        assert headers["Content-Type"] == "application/json"
        assert orjson.loads(kwargs["data"]) == case.body
    assert case.check(result), result


async def test_ids_are_percent_encoded_into_one_path_segment(
    mocked: aioresponses, client: ghl.Client
) -> None:
    mocked.get(re.compile(".*"), payload=MESSAGE)
    await client.messages.get("../../oauth/token?x=1")
    _, url, _ = _only_request(mocked)
    prefix, _, segment = url.raw_path.rpartition("/")
    assert prefix == "/conversations/messages"
    assert urllib.parse.unquote(segment) == "../../oauth/token?x=1"
    assert not url.query


async def test_get_message_accepts_the_bare_object_too(
    mocked: aioresponses, client: ghl.Client
) -> None:
    mocked.get(re.compile(".*"), payload=MESSAGE)
    message = await client.messages.get("msg1")
    assert message.id == "msg1"
    assert ghl.to_dict(message) == MESSAGE


async def test_get_messages_accepts_the_flat_page_too(
    mocked: aioresponses, client: ghl.Client
) -> None:
    mocked.get(
        re.compile(".*"),
        payload={"lastMessageId": "msg1", "nextPage": False, "messages": [MESSAGE]},
    )
    page = await client.conversations.messages_page("cv1")
    assert page.next_page is False
    assert [m.id for m in page.messages] == ["msg1"]
