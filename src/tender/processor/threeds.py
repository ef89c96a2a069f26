"""The sandbox issuer's side of 3-D Secure: one-time codes and the check of a typed code."""

import hmac
import secrets
import string

CODE_LENGTH = 6


def new_code() -> str:
    """The one-time code a sandbox issuer "sends" the cardholder (the challenge page shows it)."""
    return "".join(secrets.choice(string.digits) for _ in range(CODE_LENGTH))


def code_matches(expected: str, typed: str | None) -> bool:
    return hmac.compare_digest(expected.encode(), (typed or "").strip().encode())
