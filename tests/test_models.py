"""Models: camelCase wire <-> snake_case, aware datetimes, open enums, lossless round trips."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ghl_conversations as ghl

json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
known_types = st.sampled_from([m.value for m in ghl.MessageType])
future_types = st.from_regex(r"TYPE_[A-Z]{3,12}", fullmatch=True)
wire_dates = st.one_of(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    ).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(tzinfo=dt.timezone(dt.timedelta(hours=2))).isoformat()
    ),
    st.integers(946_684_800_000, 4_102_444_800_000),
)
extra_fields = st.dictionaries(
    st.from_regex(r"zz[A-Za-z]{1,10}", fullmatch=True), json_values, max_size=4
)


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    message: dict[str, Any] = {"id": draw(st.text(min_size=1, max_size=20))}
    optional = {
        "type": st.integers(0, 200),
        "messageType": known_types | future_types,
        "locationId": st.text(max_size=20),
        "conversationId": st.text(max_size=20),
        "dateAdded": wire_dates,
        "dateUpdated": wire_dates,
        "body": st.text(max_size=50),
        "direction": st.sampled_from(["inbound", "outbound", "sideways"]),
        "status": st.sampled_from(["delivered", "read", "failed", "teleported"]),
        "attachments": st.lists(st.text(max_size=20), max_size=3),
        "source": st.sampled_from(["app", "api", "workflow", "carrier-pigeon"]),
        "meta": st.fixed_dictionaries(
            {},
            optional={
                "callDuration": st.integers(0, 5000) | st.text(max_size=5),
                "callStatus": st.text(max_size=10),
                "call": st.fixed_dictionaries({"duration": st.integers(0, 99)}),
                "ig": json_values,
            },
        ),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            message[key] = draw(strategy)
    message.update(draw(extra_fields))
    return message


@settings(max_examples=300, deadline=None)
@given(messages())
def test_to_dict_gives_back_exactly_what_the_api_sent(raw: dict[str, Any]) -> None:
    message = ghl.structure(raw, ghl.Message)
    assert ghl.to_dict(message) == raw


@settings(max_examples=100, deadline=None)
@given(st.lists(messages(), max_size=5), st.one_of(st.none(), st.text(max_size=10)), extra_fields)
def test_pages_round_trip_with_unknown_fields(
    items: list[dict[str, Any]], cursor: str | None, extra: dict[str, Any]
) -> None:
    raw = {"messages": items, "nextCursor": cursor, "total": len(items), **extra}
    page = ghl.structure(raw, ghl.ExportPage)
    assert ghl.to_dict(page) == raw
    assert [m.id for m in page.messages] == [m["id"] for m in items]


@settings(max_examples=100, deadline=None)
@given(messages())
def test_a_changed_model_serialises_its_new_values_and_keeps_unknown_fields(
    raw: dict[str, Any],
) -> None:
    changed = attrs.evolve(ghl.structure(raw, ghl.Message), body="changed")
    out = ghl.to_dict(changed)
    assert out["body"] == "changed"
    for key, value in raw.items():
        if key.startswith("zz"):
            assert out[key] == value
    if "messageType" in raw:
        assert out["messageType"] == raw["messageType"]


def test_attributes_are_snake_case_and_dates_aware() -> None:
    message = ghl.structure(
        {
            "id": "m",
            "conversationId": "c",
            "dateAdded": "2024-05-01T12:30:00.123Z",
            "meta": {"callDuration": 42, "call": {"duration": 42}},
        },
        ghl.Message,
    )
    assert message.conversation_id == "c"
    assert message.date_added == dt.datetime(2024, 5, 1, 12, 30, 0, 123000, tzinfo=dt.UTC)
    assert message.date_added.tzinfo is not None
    assert message.meta is not None and message.meta.call_duration == 42
    assert message.meta.call == {"duration": 42}


def test_unknown_enum_values_are_kept_and_flagged() -> None:
    message = ghl.structure({"id": "m", "messageType": "TYPE_HOLOGRAM"}, ghl.Message)
    assert message.message_type == "TYPE_HOLOGRAM"
    assert message.message_type is not None and not message.message_type.is_known
    assert ghl.structure({"id": "m", "messageType": "TYPE_SMS"}, ghl.Message).message_type is (
        ghl.MessageType.TYPE_SMS
    )


def test_unknown_fields_land_in_extra() -> None:
    message = ghl.structure({"id": "m", "altId": "a", "brandNew": {"x": 1}}, ghl.Message)
    assert message.alt_id == "a"
    assert message.extra == {"brandNew": {"x": 1}}


def test_epoch_millisecond_dates_are_understood() -> None:
    conv = ghl.structure({"id": "c", "lastMessageDate": 1_700_000_000_000}, ghl.Conversation)
    assert conv.last_message_date == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)


def test_models_are_immutable_and_to_dict_returns_a_copy() -> None:
    raw = {"id": "m", "attachments": ["a"]}
    message = ghl.structure(raw, ghl.Message)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        message.body = "x"  # type: ignore[misc]
    out = ghl.to_dict(message)
    out["attachments"].append("b")
    assert ghl.to_dict(message) == {"id": "m", "attachments": ["a"]}


def test_a_message_without_id_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="missing required field 'id'"):
        ghl.structure({"body": "x"}, ghl.Message)


def test_request_models_use_their_wire_names() -> None:
    call = ghl.CallData(to="+1", from_="+2", status="completed")
    assert ghl.to_dict(call) == {"to": "+1", "from": "+2", "status": "completed"}
    action = ghl.SubscriptionAction(type="custom", subtype_id="s", subtype_status="subscribed")
    assert ghl.to_dict(action) == {
        "type": "custom",
        "subtype_status": "subscribed",
        "subtype_id": "s",
    }


def test_to_dict_rejects_non_models() -> None:
    with pytest.raises(TypeError):
        ghl.to_dict({"id": "m"})
