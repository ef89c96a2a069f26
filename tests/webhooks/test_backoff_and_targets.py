"""Backoff schedule and the target-safety rules, without a database."""

import ipaddress
import itertools
import random
from datetime import timedelta

import pytest

from tender.config import Settings
from tender.webhooks import backoff
from tender.webhooks.sender import render_body
from tender.webhooks.targets import AddressPolicy, UnsafeTarget, check_url


def test_default_schedule_spreads_ten_attempts_over_about_a_day() -> None:
    s = Settings()
    rng = random.Random(7)
    waits = [
        backoff.delay(
            n,
            base_seconds=s.webhook_backoff_base_seconds,
            max_seconds=s.webhook_backoff_max_seconds,
            rng=rng,
        )
        for n in range(1, s.webhook_max_attempts)
    ]
    assert s.webhook_max_attempts == 10
    assert all(a < b for a, b in itertools.pairwise(waits[:6]))  # grows
    assert timedelta(hours=18) < sum(waits, timedelta()) < timedelta(hours=32)


def test_jitter_stays_within_twenty_percent_and_varies() -> None:
    rng = random.Random(1)
    waits = {backoff.delay(3, base_seconds=100, max_seconds=10_000, rng=rng) for _ in range(50)}
    assert len(waits) > 40
    assert all(timedelta(seconds=320) <= w <= timedelta(seconds=480) for w in waits)
    capped = backoff.delay(30, base_seconds=100, max_seconds=1000, rng=rng)
    assert capped <= timedelta(seconds=1200)


@pytest.mark.parametrize(
    ("url", "sandbox", "ok"),
    [
        ("https://merchant.example/hooks", False, True),
        ("http://merchant.example/hooks", False, False),
        ("http://127.0.0.1:5000/webhook", False, False),
        ("http://127.0.0.1:5000/webhook", True, True),
        ("http://localhost:5000/webhook", True, True),
        ("http://[::1]:5000/webhook", True, True),
        ("http://merchant.example/hooks", True, False),
        ("http://10.0.0.5/hooks", True, False),
        ("https://user:pw@merchant.example/hooks", False, False),
        ("ftp://merchant.example/hooks", True, False),
        ("merchant.example/hooks", True, False),
        ("https://merchant.example/a b", False, False),
        ("https://merchant.example/\x00", False, False),
        ("https://merchant.example:99999/", False, False),
        ("https://[::1/", True, False),
    ],
)
def test_subscription_urls(url: str, sandbox: bool, ok: bool) -> None:
    assert (check_url(url, sandbox=sandbox) is None) is ok


PUBLIC_ONLY = AddressPolicy(allow_private=False)
PRIVATE_TOO = AddressPolicy(allow_private=True)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("224.0.0.1", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert (PUBLIC_ONLY.refusal(ipaddress.ip_address(address)) is None) is public


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("::ffff:192.168.0.1", True),
        ("169.254.169.254", False),  # never, even when private targets are allowed
        ("fe80::1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
    ],
)
def test_allowing_private_targets_never_allows_metadata_or_unspecified(
    address: str, allowed: bool
) -> None:
    assert (PRIVATE_TOO.refusal(ipaddress.ip_address(address)) is None) is allowed


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://localhost:8443/x",
        "https://[::1]/x",
        "https://10.0.0.1/",
        "https://2130706433/",  # 127.0.0.1 as one decimal number
        "https://0x7f.1/",
        "https://0177.0.0.1/",
        "https://0.0.0.0/",
        "https://[::ffff:127.0.0.1]/",
        "https://169.254.169.254/latest/meta-data/",
    ],
)
async def test_resolution_refuses_non_public_targets(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with pytest.raises(UnsafeTarget):
        await PUBLIC_ONLY.resolve(parts.hostname or "", parts.port or 443)
    assert check_url(url, sandbox=False, policy=PUBLIC_ONLY) is not None


async def test_a_public_literal_address_is_accepted() -> None:
    assert str(await PUBLIC_ONLY.resolve("93.184.216.34", 8443)) == "93.184.216.34"


def test_bodies_are_compact_json_in_the_spec_order() -> None:
    payload = {
        "data": {"captureMode": "Auto", "paymentStatus": "Created", "paymentIntentId": "pi_1"},
        "createdAt": "2022-02-01T13:07:41.8667859Z",
        "accountId": "acc_test",
        "event": "payment_intent.created",
        "id": "evt_1",
    }
    assert render_body(payload) == (
        b'{"id":"evt_1","event":"payment_intent.created","accountId":"acc_test",'
        b'"createdAt":"2022-02-01T13:07:41.8667859Z","data":{"paymentIntentId":"pi_1",'
        b'"paymentStatus":"Created","captureMode":"Auto"}}'
    )
