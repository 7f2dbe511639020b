"""The retry decision and the reading of HighLevel's error messages, as pure functions."""

from __future__ import annotations

import random

import pytest

import ghl_conversations as ghl
from ghl_conversations._errors import classify, parse_retry_after
from ghl_conversations._pipeline import Action, decide

POLICY = ghl.RetryPolicy(jitter=0.0)


def status_error(status: int, message: str = "") -> ghl.APIStatusError:
    return ghl.APIStatusError(message, status=status)


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (401, "Invalid JWT", ghl.ErrorKind.TOKEN_EXPIRED),
        (401, "Invalid token: access token is invalid", ghl.ErrorKind.TOKEN_EXPIRED),
        (401, "jwt expired", ghl.ErrorKind.TOKEN_EXPIRED),
        (401, "The token is not authorized for this scope.", ghl.ErrorKind.SCOPE),
        (401, "version header was not found.", ghl.ErrorKind.VERSION_HEADER),
        (400, "Version header is invalid", ghl.ErrorKind.VERSION_HEADER),
        (400, "The cursor has expired", ghl.ErrorKind.CURSOR_EXPIRED),
        (422, "cursor must be a valid point in time", ghl.ErrorKind.CURSOR_EXPIRED),
        (403, "No conversation provider found", ghl.ErrorKind.PROVIDER_NOT_READY),
        (
            403,
            "The token does not have access to this location.",
            ghl.ErrorKind.LOCATION_ACCESS,
        ),
        (401, "Unauthorized", ghl.ErrorKind.OTHER),
        (404, "Message not found", ghl.ErrorKind.OTHER),
        (500, "cursor service down", ghl.ErrorKind.OTHER),  # a 5xx is no verdict on the cursor
    ],
)
def test_classify_reads_each_of_highlevels_messages(
    status: int, message: str, kind: ghl.ErrorKind
) -> None:
    error = status_error(status, message)
    assert classify(error) is kind
    assert error.kind is kind


def test_classify_gives_other_for_errors_without_a_message() -> None:
    assert classify(ghl.APIConnectionError("reset")) is ghl.ErrorKind.OTHER
    assert classify(ValueError("x")) is ghl.ErrorKind.OTHER


def test_backoff_doubles_from_half_a_second_up_to_the_cap() -> None:
    assert [POLICY.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_backoff_jitter_stays_within_its_spread() -> None:
    policy = ghl.RetryPolicy(jitter=0.25)
    rng = random.Random(5)
    delays = [policy.backoff(2, rng) for _ in range(200)]
    assert min(delays) >= 1.5 and max(delays) <= 2.5
    assert len(set(delays)) > 100  # actually jittered


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("Tue, 14 Nov 2023 22:13:50 GMT", 30.0),  # now (below) + 30 s
        ("Tue, 14 Nov 2023 22:12:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("-3", None),
        ("nan", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_both_forms_and_junk_ignored(
    value: str | None, seconds: float | None
) -> None:
    now = 1_700_000_000.0  # Tue, 14 Nov 2023 22:13:20 GMT
    assert parse_retry_after(value, now=now) == seconds


def test_a_retry_after_date_needs_the_clock() -> None:
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT") is None


def decide_for(error: BaseException, **overrides: object) -> ghl._pipeline.Decision:
    arguments: dict[str, object] = {
        "policy": POLICY,
        "attempt": 0,
        "max_retries": 3,
        "idempotent": True,
    }
    arguments.update(overrides)
    return decide(error, **arguments)  # type: ignore[arg-type]


def test_reads_retry_5xx_with_backoff_until_the_budget_is_spent() -> None:
    error = status_error(502)
    assert [decide_for(error, attempt=n).delay for n in range(3)] == [0.5, 1.0, 2.0]
    assert decide_for(error, attempt=3).action is Action.RAISE


def test_writes_are_not_retried_after_they_may_have_reached_the_server() -> None:
    assert decide_for(status_error(500), idempotent=False).action is Action.RAISE
    sent = ghl.APIConnectionError("reset", request_sent=True)
    assert decide_for(sent, idempotent=False).action is Action.RAISE
    invalid = ghl.APIResponseValidationError("empty", status=200)
    assert decide_for(invalid, idempotent=False).action is Action.RAISE
    assert decide_for(invalid, idempotent=True).action is Action.RETRY
    refused = ghl.APIConnectionError("refused", request_sent=False)
    assert decide_for(refused, idempotent=False).action is Action.RETRY


def test_a_429_waits_its_retry_after_and_holds_the_bucket_even_for_writes() -> None:
    error = ghl.RateLimitError("slow down", status=429, retry_after=1.0)
    decision = decide_for(error, idempotent=False)
    assert (decision.action, decision.delay, decision.hold_bucket) == (Action.RETRY, 1.0, True)


def test_a_429_without_retry_after_waits_out_the_rate_window() -> None:
    error = ghl.RateLimitError("slow down", status=429)
    assert decide_for(error, bucket_interval=10.0).delay == 10.0
    assert decide_for(error, bucket_interval=0.0, attempt=1).delay == 1.0  # no window: backoff


def test_a_retry_after_over_the_cap_is_raised_at_once_whatever_the_budget() -> None:
    error = ghl.RateLimitError("slow down", status=429, retry_after=61.0)
    decision = decide_for(error, max_retries=10)
    assert decision.action is Action.RAISE and "cap" in decision.reason


def test_an_expired_token_is_refreshed_once_and_other_401s_are_raised() -> None:
    expired = status_error(401, "Invalid JWT")
    assert decide_for(expired, can_refresh=True).action is Action.REFRESH
    assert decide_for(expired, can_refresh=True, attempt=3).action is Action.REFRESH
    assert decide_for(expired, can_refresh=False).action is Action.RAISE
    scope = status_error(401, "The token is not authorized for this scope.")
    assert decide_for(scope, can_refresh=True).action is Action.RAISE


def test_an_operations_own_retry_conditions_are_read_by_kind() -> None:
    not_ready = status_error(403, "No conversation provider found")
    assert decide_for(not_ready, idempotent=False).action is Action.RAISE
    by_kind = decide_for(
        not_ready, idempotent=False, retry_when=(ghl.ErrorKind.PROVIDER_NOT_READY,)
    )
    assert by_kind.action is Action.RETRY and by_kind.delay == 0.5
    by_message = decide_for(
        not_ready, idempotent=False, retry_when=((403, "No conversation provider found"),)
    )
    assert by_message.action is Action.RETRY
    other_403 = status_error(403, "The token does not have access to this location.")
    assert (
        decide_for(
            other_403, idempotent=False, retry_when=(ghl.ErrorKind.PROVIDER_NOT_READY,)
        ).action
        is Action.RAISE
    )


@pytest.mark.parametrize(
    ("message", "hint"),
    [
        ("version header was not found.", "Version header"),
        ("The token is not authorized for this scope.", "scope"),
        ("Invalid JWT", "invalid or expired"),
    ],
)
def test_the_cli_hints_follow_the_classifier(message: str, hint: str) -> None:
    from ghl_conversations.cli._explain import explain

    text, code = explain(ghl.AuthenticationError(message, status=401))
    assert hint in text and code == 3
