"""Limits that hold across several API processes sharing one database (the counters are in the
database, or in Redis with ``TENDER_REDIS_URL``), and idempotency claims a crashed process left
in flight, released when the server starts again."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.processes import fresh_database
from tests.security.served import served

REDIS_URL = "redis://127.0.0.1:6379/0"
DECLINE, SUCCEED = "4000000000000002", "4242424242424242"


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    if request.param == "database":
        yield {}
        return
    prefix = f"tender-test-{secrets.token_hex(4)}"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:  # the machine runs one; .ci/run starts it if stopped
        pytest.fail(f"Redis at {REDIS_URL} is unreachable: {exc}")
    try:
        yield {"TENDER_REDIS_URL": REDIS_URL, "TENDER_REDIS_PREFIX": prefix}
    finally:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def test_card_testing_limits_hold_across_api_processes(
    tmp_path: Path, store: dict[str, str]
) -> None:
    """Two ``tender serve`` processes on one database: declines counted by one refuse attempts
    on the other. Neither trusts X-Forwarded-For, so rotating it does not help."""
    env = {
        "TENDER_LIMIT_DECLINES_PER_INTENT": "2/hour",
        "TENDER_LIMIT_DECLINES_PER_IP": "3/hour",
        **store,
    }
    with (
        fresh_database(tmp_path) as url,
        served(tmp_path, url, **env) as a,
        served(tmp_path, url, **env) as b,
    ):
        key = a.printed_key

        def spoofed() -> dict[str, str]:
            return {"X-Forwarded-For": f"203.0.113.{secrets.randbelow(250) + 1}"}

        intent = a.create(key)
        assert a.pay(intent["clientSessionSecret"], DECLINE, **spoofed()).json()["statusCode"] == 5
        token = b.public_refresh(intent["id"]).json()["clientSessionSecret"]
        assert b.pay(token, DECLINE, **spoofed()).json()["statusCode"] == 5
        token = a.public_refresh(intent["id"]).json()["clientSessionSecret"]
        locked = a.pay(token, SUCCEED, **spoofed())
        assert locked.status_code == 429 and "declined attempts" in locked.json()["detail"]

        other = b.create(key)
        assert (
            b.pay(other["clientSessionSecret"], DECLINE, **spoofed()).json()["statusCode"] == 5
        )  # the third decline from 127.0.0.1, whatever the header said
        third = a.create(key)
        refused = a.pay(third["clientSessionSecret"], SUCCEED, **spoofed())
        assert refused.status_code == 429, refused.text
        assert "for this address" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) >= 1
