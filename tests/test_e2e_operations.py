"""Every operation end to end against the in-process fake server (real sockets on 127.0.0.1)."""

from __future__ import annotations

import io
import pathlib

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel


async def test_conversation_lifecycle(fake: FakeHighLevel, fake_client: ghl.Client) -> None:
    created = await fake_client.conversations.create(fake.location_id, "brand-new-contact")
    assert created.success and created.conversation is not None
    conversation_id = created.conversation.id
    fetched = await fake_client.conversations.get(conversation_id)
    assert fetched.contact_id == "brand-new-contact"
    updated = await fake_client.conversations.update(
        conversation_id, location_id=fake.location_id, starred=True, unread_count=3
    )
    assert updated.conversation is not None and updated.conversation.starred is True
    assert (await fake_client.conversations.get(conversation_id)).unread_count == 3
    found = [
        c
        async for c in fake_client.conversations.search(
            fake.location_id, contact_id="brand-new-contact"
        )
    ]
    assert [c.id for c in found] == [conversation_id]
    assert (await fake_client.conversations.delete(conversation_id)).success is True
    with pytest.raises(ghl.NotFoundError):
        await fake_client.conversations.get(conversation_id)


async def test_send_then_read_back_everywhere(fake: FakeHighLevel, fake_client: ghl.Client) -> None:
    contact = fake.dataset.contact_id(5)
    sent = await fake_client.messages.send(type="SMS", contact_id=contact, message="hello there")
    assert sent.message_id and sent.conversation_id == fake.dataset.conversation_id(5)
    message = await fake_client.messages.get(sent.message_id)
    assert message.body == "hello there" and message.direction == "outbound"
    newest = await fake_client.conversations.messages_page(sent.conversation_id, limit=1)
    assert newest.messages[0].id == sent.message_id
    exported = [m.id async for m in fake_client.messages.export(fake.location_id, max_items=1)]
    assert exported == [sent.message_id]
    status = await fake_client.messages.update_status(sent.message_id, "delivered")
    assert status.status == "delivered"
    assert (await fake_client.messages.get(sent.message_id)).status == "delivered"
    assert await fake_client.messages.set_attachments(sent.message_id, ["https://x.test/a.png"])
    assert (await fake_client.messages.get(sent.message_id)).attachments == ["https://x.test/a.png"]


async def test_scheduled_messages_and_emails_can_be_cancelled(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    contact = fake.dataset.contact_id(1)
    sms = await fake_client.messages.send(
        type="SMS", contact_id=contact, message="later", scheduled_timestamp=1_900_000_000
    )
    assert sms.message_id is not None
    cancelled = await fake_client.messages.cancel_scheduled(sms.message_id)
    assert cancelled.status == 200
    email = await fake_client.messages.send(
        type="Email",
        contact_id=contact,
        html="<p>x</p>",
        subject="s",
        scheduled_timestamp=1_900_000_000,
    )
    assert email.email_message_id is not None
    assert (await fake_client.emails.cancel_scheduled(email.email_message_id)).status == 200
    with pytest.raises(ghl.BadRequestError):
        await fake_client.messages.cancel_scheduled(sms.message_id)


async def test_emails_by_id(fake: FakeHighLevel, fake_client: ghl.Client) -> None:
    dataset = fake.dataset
    index = next(i for i in range(dataset.count) if dataset.kind(i)[0] == "TYPE_EMAIL")
    email = await fake_client.emails.get(dataset.email_id(index))
    assert email.id == dataset.email_id(index)
    assert email.from_ and email.to and email.subject


async def test_inbound_outbound_and_review_reply(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    conversation_id = fake.dataset.conversation_id(2)
    inbound = await fake_client.messages.add_inbound(
        type="SMS",
        conversation_id=conversation_id,
        message="from the contact",
        conversation_provider_id="prov",
    )
    assert inbound.success and inbound.conversation_id == conversation_id
    by_contact = await fake_client.messages.add_inbound(
        type="SMS", contact_id=fake.dataset.contact_id(3), message="by contact"
    )
    assert by_contact.conversation_id == fake.dataset.conversation_id(3)
    call = await fake_client.messages.add_outbound_call(
        conversation_id=conversation_id,
        conversation_provider_id="prov",
        call=ghl.CallData(to="+1555", from_="+1666", status="completed"),
    )
    assert call.message_id is not None
    recorded = await fake_client.messages.get(call.message_id)
    assert recorded.message_type == ghl.MessageType.TYPE_CALL
    assert fake.requests[-2].json["type"] == "Call"
    reply = await fake_client.messages.review_reply(
        conversation_id=conversation_id, location_id=fake.location_id, message="Thanks!"
    )
    assert reply.message_id is not None


async def test_recordings_and_transcriptions(
    fake: FakeHighLevel, fake_client: ghl.Client, tmp_path: pathlib.Path
) -> None:
    dataset = fake.dataset
    index = next(i for i in range(dataset.count) if dataset.kind(i)[0] == "TYPE_CALL")
    message_id = dataset.message_id(index)
    expected = fake.recording_bytes(message_id)
    audio = await fake_client.messages.recording(message_id, fake.location_id)
    assert audio == expected
    target = tmp_path / "call.wav"
    size = await fake_client.messages.recording_to_file(
        message_id, fake.location_id, target, chunk_size=4096
    )
    assert size == len(expected) and target.read_bytes() == expected
    buffer = io.BytesIO()
    await fake_client.messages.recording_to_file(message_id, fake.location_id, buffer)
    assert buffer.getvalue() == expected
    sentences = await fake_client.messages.transcription(message_id, fake.location_id)
    assert [s.sentence_index for s in sentences] == [0, 1, 2]
    text = await fake_client.messages.download_transcription(message_id, fake.location_id)
    assert sentences[0].transcript is not None and sentences[0].transcript in text


async def test_a_failed_recording_download_leaves_no_file(
    fake: FakeHighLevel, fake_client: ghl.Client, tmp_path: pathlib.Path
) -> None:
    dataset = fake.dataset
    sms = next(i for i in range(dataset.count) if dataset.kind(i)[0] == "TYPE_SMS")
    target = tmp_path / "none.wav"
    with pytest.raises(ghl.NotFoundError):
        await fake_client.messages.recording_to_file(
            dataset.message_id(sms), fake.location_id, target
        )
    assert list(tmp_path.iterdir()) == []


async def test_multipart_upload_of_paths_tuples_and_files(
    fake: FakeHighLevel, fake_client: ghl.Client, tmp_path: pathlib.Path
) -> None:
    pdf = tmp_path / "quote.pdf"
    pdf.write_bytes(b"%PDF-1.4 fake")
    with (tmp_path / "notes.txt").open("wb") as handle:
        handle.write(b"notes")
    with (tmp_path / "notes.txt").open("rb") as notes:
        result = await fake_client.messages.upload(
            conversation_id=fake.dataset.conversation_id(0),
            contact_id=fake.dataset.contact_id(0),
            location_id=fake.location_id,
            files=[pdf, ("photo.png", b"\x89PNG\r\n", "image/png"), notes],
        )
    assert set(result.uploaded_files) == {"quote.pdf", "photo.png", "notes.txt"}
    form = fake.requests[-1].form
    assert form is not None
    assert [f["filename"] for f in form["fileAttachment"]] == [
        "quote.pdf",
        "photo.png",
        "notes.txt",
    ]
    assert form["fileAttachment"][1]["data"] == b"\x89PNG\r\n"
    assert form["fileAttachment"][1]["content_type"] == "image/png"
    assert form["locationId"] == [fake.location_id]


async def test_signed_url_upload_never_sends_the_token(
    fake: FakeHighLevel, fake_client: ghl.Client, tmp_path: pathlib.Path
) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00" * 10_000)
    result = await fake_client.messages.upload_large(
        video, location_id=fake.location_id, conversation_id=fake.dataset.conversation_id(0)
    )
    assert result.metadata["size"] == 10_000
    put = next(r for r in fake.requests if r.method == "PUT" and r.path.startswith("/_upload/"))
    assert "Authorization" not in put.headers
    too_big = tmp_path / "big.mp4"
    too_big.write_bytes(b"\x00" * (5 * 1024 * 1024 + 1))
    count = len(fake.requests)
    with pytest.raises(ValueError, match="limit"):
        await fake_client.messages.upload_large(
            too_big, location_id=fake.location_id, conversation_id="c"
        )
    assert len(fake.requests) == count


async def test_preferences(fake: FakeHighLevel, fake_client: ghl.Client) -> None:
    loc = fake.location_id
    created = await fake_client.preferences.create_custom_subtype(
        loc, name="Newsletter", channel="email", language="en"
    )
    subtype_id = created["subtype"]["id"]
    listed = await fake_client.preferences.list_custom_subtypes(loc)
    assert [s["id"] for s in listed["subtypes"]] == [subtype_id]
    updated = await fake_client.preferences.update_custom_subtype(subtype_id, loc, archived=True)
    assert updated["subtype"]["archived"] is True
    contact = fake.dataset.contact_id(4)
    await fake_client.preferences.change_subscription(
        location_id=loc,
        contact_id=contact,
        email="c4@example.test",
        subscription_action={
            "type": "custom",
            "subtype_id": subtype_id,
            "subtype_status": "unsubscribed",
        },
    )
    status = await fake_client.preferences.unsubscription_status(loc, contact)
    assert status["unsubscribed"][0]["subtype_id"] == subtype_id


async def test_typing_indicator(fake: FakeHighLevel, fake_client: ghl.Client) -> None:
    result = await fake_client.providers.live_chat_typing(
        fake.location_id, fake.dataset.conversation_id(0), "visitor-1", True
    )
    assert result.success is True
    assert fake.typing_events[-1]["isTyping"] is True


async def test_the_fake_checks_auth_and_version_like_the_real_api(fake: FakeHighLevel) -> None:
    async with ghl.Client(token="pit-wrong", base_url=fake.url, max_retries=0) as client:
        with pytest.raises(ghl.AuthenticationError, match="Invalid JWT"):
            await client.messages.get(fake.dataset.message_id(0))
    async with fake.client() as client:
        with pytest.raises(ghl.PermissionDeniedError, match="access to this location"):
            await client.messages.export_page("someone-elses-location")


def test_the_fake_runs_in_a_thread_for_synchronous_callers() -> None:
    import urllib.request

    with FakeHighLevel(messages=10) as fake:
        request = urllib.request.Request(
            f"{fake.url}/conversations/messages/{fake.dataset.message_id(3)}",
            headers={
                "Authorization": f"Bearer {fake.token}",
                "Version": "2021-04-15",
                "User-Agent": "test",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert b'"message"' in response.read()
