"""Dojo webhook signatures (spec §5.4): ``dojo-signature: sha256=4B-49-F8-…``.

HMAC-SHA256 keyed with the subscription secret (UTF-8) over the raw request body, rendered as
upper-case hex byte pairs joined by ``-`` (.NET ``BitConverter.ToString``), which is what Dojo's
SDKs compare against. A leaf module: merchants' code, the dispatcher and ``tender listen`` share it.
"""

import hashlib
import hmac

HEADER = "dojo-signature"


def sign(secret: str, body: bytes) -> str:
    """The ``dojo-signature`` header value for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + "-".join(f"{b:02X}" for b in digest)


def _normalise(value: str) -> str:
    value = value.strip()
    if value.lower().startswith("sha256="):
        value = value[len("sha256=") :]
    return value.replace("-", "").lower()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is the signature of ``body`` under ``secret`` (constant time;
    tolerant of case and dashes, as Dojo's PHP helper is)."""
    if not header:
        return False
    expected = _normalise(sign(secret, body))
    return hmac.compare_digest(expected, _normalise(header))


def headers(secret: str, body: bytes) -> dict[str, str]:
    """Request headers for a signed JSON delivery (tests use it to forge deliveries too)."""
    return {"content-type": "application/json", HEADER: sign(secret, body)}
