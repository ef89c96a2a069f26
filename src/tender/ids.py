"""Object identifiers: prefix, ``sandbox_`` for sandbox objects, 22 base64url characters.

Dojo's ids look like ``pi_sandbox_vpwd4ooAPEqyNAQe4z89WQ``: 16 random bytes, base64url, no padding.
"""

import base64
import secrets

PREFIXES = frozenset(
    {
        "pi",
        "cp",
        "rfnd",
        "rvs",
        "evt",
        "ws",
        "sc",
        "si",
        "cust",
        "acc",
        "key",
        "att",
        "satt",
        "dlv",
        "usr",
        "pm",
        "cs",
    }
)


def new_id(prefix: str, *, sandbox: bool = True) -> str:
    """A fresh random id such as ``pi_sandbox_…`` (or ``pi_…`` for production objects)."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    body = base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode()
    return f"{prefix}_sandbox_{body}" if sandbox else f"{prefix}_{body}"


def new_token(nbytes: int = 96) -> str:
    """An opaque bearer token (client session secrets): base64url, ~128 characters."""
    return base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode()
