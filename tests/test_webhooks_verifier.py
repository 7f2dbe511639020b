"""``webhooks.Verifier``: shipped keys, rotation, legacy off and sunset, ``N/A``, raw bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

import ghl_conversations as ghl
from ghl_conversations import webhooks
from ghl_conversations.testing import ManualClock, WebhookSigner
from ghl_conversations.webhooks import _keys

NOW = 1_700_000_000.0
RSA_PEM_SHA256 = "1155f70c468992df8664106baec6d0576dd5eaf2322b97d8ba36fe11d1c0d068"
ED25519_PEM_SHA256 = "0c91f6373e9844b6f83136e834054868cc418992969a5e5a9ff4abe6bc17ba0a"


@pytest.fixture
def signer() -> WebhookSigner:
    return WebhookSigner(clock=ManualClock(NOW))


def public_numbers(key: Any) -> Any:
    if isinstance(key, rsa.RSAPublicKey):
        return key.public_numbers()
    raw: bytes = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw


def test_the_shipped_keys_are_highlevels_published_ones_byte_for_byte() -> None:
    rsa_pem = webhooks.GHL_RSA_PUBLIC_KEY
    assert rsa_pem.endswith("-----END PUBLIC KEY-----\n")
    assert hashlib.sha256(rsa_pem.encode()).hexdigest() == RSA_PEM_SHA256
    ed_pem = (
        f"-----BEGIN PUBLIC KEY-----\n{webhooks.GHL_ED25519_PUBLIC_KEY}\n-----END PUBLIC KEY-----\n"
    )
    assert hashlib.sha256(ed_pem.encode()).hexdigest() == ED25519_PEM_SHA256
    legacy = webhooks.load_public_key(rsa_pem)
    assert isinstance(legacy, rsa.RSAPublicKey) and legacy.key_size == 4096
    assert isinstance(webhooks.load_public_key(ed_pem), ed25519.Ed25519PublicKey)


def test_a_default_verifier_uses_exactly_the_pinned_keys() -> None:
    verifier = webhooks.Verifier()
    [ed_key] = verifier._keys
    [rsa_key] = verifier._legacy_keys
    assert public_numbers(rsa_key) == public_numbers(
        webhooks.load_public_key(webhooks.GHL_RSA_PUBLIC_KEY)
    )
    assert public_numbers(ed_key) == public_numbers(
        webhooks.load_public_key(webhooks.GHL_ED25519_PUBLIC_KEY)
    )


async def test_a_legacy_delivery_verifies_against_the_shipped_key_by_default(
    signer: WebhookSigner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # HighLevel's private key is unknown: put the test key where the shipped public key sits.
    monkeypatch.setattr(_keys, "GHL_RSA_PUBLIC_KEY", signer.legacy_public_key_pem)
    body, headers = signer.delivery(legacy=True, body="from the old header")
    event = await webhooks.Verifier(clock=signer.clock).parse(body, headers)
    assert isinstance(event, webhooks.MessageEvent) and event.body == "from the old header"
    assert webhooks.verify(body, headers) == "x-wh-signature"


async def test_a_legacy_delivery_signed_by_another_key_is_refused_by_default(
    signer: WebhookSigner,
) -> None:
    body, headers = signer.delivery(legacy=True)
    with pytest.raises(ghl.InvalidSignatureError, match="x-wh-signature does not match"):
        await webhooks.Verifier(clock=signer.clock).parse(body, headers)


async def test_several_keys_are_accepted_during_a_rotation(signer: WebhookSigner) -> None:
    new = WebhookSigner.with_new_keys(clock=signer.clock)
    stranger = WebhookSigner.with_new_keys(clock=signer.clock)
    verifier = webhooks.Verifier(
        public_keys=[signer.public_key_pem, new.public_key_pem],
        legacy_public_keys=(signer.legacy_public_key_pem, new.legacy_public_key_pem),
        clock=signer.clock,
    )
    for source in (signer, new):
        for legacy in (False, True):
            body, headers = source.delivery(legacy=legacy)
            assert (await verifier.parse(body, headers)).webhook_id
    for legacy in (False, True):
        body, headers = stranger.delivery(legacy=legacy)
        with pytest.raises(ghl.InvalidSignatureError, match="does not match"):
            await verifier.parse(body, headers)


async def test_legacy_signatures_can_be_turned_off(signer: WebhookSigner) -> None:
    verifier = signer.verifier(legacy=False)
    body, headers = signer.delivery(legacy=True)
    with pytest.raises(ghl.InvalidSignatureError, match="turned off"):
        await verifier.parse(body, headers)
    body, headers = signer.delivery()
    assert await verifier.parse(body, headers)


async def test_legacy_signatures_stop_at_their_sunset_on_the_injected_clock() -> None:
    clock = ManualClock(NOW)
    signer = WebhookSigner(clock=clock)
    sunset = dt.datetime.fromtimestamp(NOW + 3600, dt.UTC)
    verifier = signer.verifier(legacy_sunset=sunset)
    body, headers = signer.delivery(legacy=True)
    assert await verifier.parse(body, headers)
    clock.advance(3600)
    body, headers = signer.delivery(legacy=True)
    with pytest.raises(ghl.InvalidSignatureError, match="no longer accepted"):
        await verifier.parse(body, headers)
    body, headers = signer.delivery()  # the current header is unaffected
    assert await verifier.parse(body, headers)


def test_a_naive_sunset_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        webhooks.Verifier(legacy_sunset=dt.datetime(2026, 12, 31))


@pytest.mark.parametrize("value", ["N/A", "n/a", " N/A ", ""])
async def test_a_signature_of_n_a_counts_as_missing(signer: WebhookSigner, value: str) -> None:
    body, _ = signer.delivery()
    with pytest.raises(ghl.InvalidSignatureError, match="no x-ghl-signature or x-wh-signature"):
        await signer.verifier().parse(body, {"x-ghl-signature": value, "x-wh-signature": value})


async def test_n_a_on_the_current_header_falls_back_to_a_genuine_legacy_one(
    signer: WebhookSigner,
) -> None:
    body, headers = signer.delivery(legacy=True)
    headers["X-GHL-Signature"] = "N/A"
    assert await signer.verifier().parse(body, headers)
    assert signer.verifier().verify(body, headers) == "x-wh-signature"


async def test_only_the_exact_raw_bytes_verify(signer: WebhookSigner) -> None:
    body, headers = signer.delivery(body="caf\u00e9  \u2603")
    reserialised = json.dumps(json.loads(body)).encode()  # same JSON, other bytes
    assert reserialised != body
    with pytest.raises(ghl.InvalidSignatureError, match="does not match"):
        await signer.verifier().parse(reserialised, headers)
    with pytest.raises(TypeError, match="raw request body as bytes"):
        await signer.verifier().parse(json.loads(body), headers)
    event = await signer.verifier().parse(body, headers)
    assert isinstance(event, webhooks.MessageEvent) and event.body == "caf\u00e9  \u2603"


async def test_a_verifier_remembers_webhook_ids_by_default(signer: WebhookSigner) -> None:
    verifier = signer.verifier()
    body, headers = signer.delivery()
    event = await verifier.parse(body, headers)
    with pytest.raises(webhooks.ReplayedWebhookError):
        await verifier.parse(body, headers)
    await verifier.forget(event)  # processing failed: HighLevel's retry must get through
    assert await verifier.parse(body, headers)


async def test_stale_and_future_timestamps_are_refused(signer: WebhookSigner) -> None:
    verifier = signer.verifier(tolerance=300)
    for offset in (-301, 301):
        payload = signer.event(body="x")
        moved = dt.datetime.fromtimestamp(NOW + offset, dt.UTC)
        payload["timestamp"] = moved.isoformat().replace("+00:00", "Z")
        body, headers = signer.delivery(payload)
        with pytest.raises(ghl.InvalidSignatureError, match="stale"):
            await verifier.parse(body, headers)
    payload = signer.event()
    payload["timestamp"] = int((NOW - 299) * 1000)  # epoch milliseconds are dates too
    assert await verifier.parse(*signer.delivery(payload))


def test_keys_of_the_wrong_kind_are_refused_at_construction(signer: WebhookSigner) -> None:
    with pytest.raises(ValueError, match="Ed25519"):
        webhooks.Verifier(public_keys=signer.legacy_public_key_pem)
    with pytest.raises(ValueError, match="RSA"):
        webhooks.Verifier(legacy_public_keys=[signer.public_key_pem])
    with pytest.raises(ValueError, match="at least one"):
        webhooks.Verifier(public_keys=[])
    with pytest.raises(ValueError, match="tolerance"):
        webhooks.Verifier(tolerance=0)


def test_without_cryptography_creating_any_verifier_says_what_to_install() -> None:
    script = """
import json, sys
sys.modules["cryptography"] = None
import ghl_conversations
from ghl_conversations import webhooks
from ghl_conversations.testing import WebhookSigner

async def on_event(event):
    pass

made = {
    "Verifier": lambda: webhooks.Verifier(),
    "handler": lambda: webhooks.handler(on_event),
    "asgi": lambda: webhooks.asgi(on_event),
    "fastapi": lambda: webhooks.fastapi.verified_event(),
    "verify": lambda: webhooks.verify(b"{}", {}),
    "WebhookSigner": lambda: WebhookSigner(),
}
errors = {}
for name, make in made.items():
    try:
        make()
    except ImportError as exc:
        errors[name] = str(exc)
print(json.dumps(errors))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    errors = json.loads(result.stdout)
    assert set(errors) == {"Verifier", "handler", "asgi", "fastapi", "verify", "WebhookSigner"}
    for message in errors.values():
        assert "pip install 'ghl-conversations[webhooks]'" in message


def test_importing_the_package_imports_no_web_framework_or_cryptography() -> None:
    script = (
        "import sys, ghl_conversations, ghl_conversations.webhooks, ghl_conversations.testing\n"
        "print(sorted(m for m in ('fastapi', 'starlette', 'cryptography', 'pytest_asyncio')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"


async def test_the_default_replay_store_remembers_ids_as_long_as_a_delivery_stays_fresh() -> None:
    clock = ManualClock(NOW)
    signer = WebhookSigner(clock=clock)
    verifier = signer.verifier(tolerance=3600)
    body, headers = signer.delivery()
    assert await verifier.parse(body, headers)
    clock.advance(3599)  # the timestamp is still within tolerance ...
    with pytest.raises(webhooks.ReplayedWebhookError):  # ... so the id must still be known
        await verifier.parse(body, headers)


def test_without_fastapi_the_dependency_says_which_extra_to_install() -> None:
    script = """
import sys
sys.modules["fastapi"] = None
from ghl_conversations import webhooks
try:
    webhooks.fastapi.verified_event()
except ImportError as exc:
    print(exc)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert "pip install 'ghl-conversations[fastapi]'" in result.stdout
