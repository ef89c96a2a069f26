"""Webhooks: the merchant-side helpers, and (in submodules) the delivery mechanics.

For a merchant's handler — light, standard library only (``tender.signing``)::

    from tender import webhooks

    event = webhooks.construct_event(request.body, request.headers["dojo-signature"], secret)

``sign(raw_body, secret)`` makes the ``dojo-signature`` value (spec §5.4, to forge deliveries
in tests); ``verify(raw_body, signature_header, secret)`` checks one in constant time.

Delivery mechanics with no database (imported explicitly, never from here): ``backoff``,
``targets`` (target safety), ``sender`` (the HTTP send). The use cases that claim and record
deliveries live in ``tender.service.dispatcher``.
"""

import json
from typing import Any

from tender import signing

HEADER = signing.HEADER

__all__ = ["HEADER", "SignatureVerificationError", "construct_event", "sign", "verify"]


class SignatureVerificationError(ValueError):
    """The body was not signed with this secret (or was changed on the way)."""


def _bytes(raw_body: bytes | str) -> bytes:
    return raw_body.encode() if isinstance(raw_body, str) else raw_body


def sign(raw_body: bytes | str, secret: str) -> str:
    """The ``dojo-signature`` header value for ``raw_body``: ``sha256=4B-49-…``."""
    return signing.sign(secret, _bytes(raw_body))


def verify(raw_body: bytes | str, signature_header: str | None, secret: str) -> bool:
    """True when ``signature_header`` signs exactly ``raw_body`` (the bytes received, before
    any JSON parsing) under ``secret``."""
    return signing.verify(secret, _bytes(raw_body), signature_header)


def construct_event(
    raw_body: bytes | str, signature_header: str | None, secret: str
) -> dict[str, Any]:
    """The verified event as a dict (``id``, ``event``, ``data.paymentIntentId``…); raises
    ``SignatureVerificationError`` for a bad or missing signature. De-duplicate on ``id``:
    Dojo's signature has no timestamp, so a delivery may be repeated."""
    if not verify(raw_body, signature_header, secret):
        raise SignatureVerificationError("The dojo-signature header does not match the body.")
    event: dict[str, Any] = json.loads(raw_body)
    return event
