"""``tender.webhooks``, the merchant-side helpers: they sign and verify exactly as
``tender.signing`` does (whose test vector is in tests/test_signing.py), take the raw body as
bytes or text, and ``construct_event`` parses only what verifies."""

import pytest

from tender import signing, webhooks
from tests.test_signing import BODY, EXPECTED, SECRET


def test_sign_and_verify_are_the_signing_schemes_with_the_body_first() -> None:
    assert webhooks.sign(BODY, SECRET) == signing.sign(SECRET, BODY) == EXPECTED
    assert webhooks.verify(BODY, EXPECTED, SECRET)
    assert webhooks.verify(BODY.decode(), EXPECTED, SECRET)  # text as received
    assert not webhooks.verify(BODY, None, SECRET)
    assert not webhooks.verify(BODY, EXPECTED, "another secret")


def test_construct_event_verifies_then_parses() -> None:
    event = webhooks.construct_event(BODY, EXPECTED, SECRET)
    assert event["data"]["paymentIntentId"] == "pi_vpwd4ooAPEqyNAQe4z89WQ"
    with pytest.raises(webhooks.SignatureVerificationError):
        webhooks.construct_event(BODY, EXPECTED, "another secret")
    with pytest.raises(webhooks.SignatureVerificationError):
        webhooks.construct_event(BODY.replace(b"Created", b"Captured"), EXPECTED, SECRET)
