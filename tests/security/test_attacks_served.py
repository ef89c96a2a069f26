"""The attacks of issue 12, replayed against a real ``tender serve`` (SQLite or PostgreSQL, as
the suite runs). One server with tight limits serves the module; clients are told apart by
``X-Forwarded-For``, which it trusts from 127.0.0.1 as it would from a reverse proxy there."""

import re
import secrets
from collections.abc import Iterator

import pytest

from tests.security.served import VERSION, Served, served

DECLINE = "4000 0000 0000 0002"
SUCCEED = "4242 4242 4242 4242"
LIMITS = {
    "TENDER_DEMO": "true",
    "TENDER_TRUSTED_PROXIES": "127.0.0.1",
    "TENDER_LIMIT_DECLINES_PER_INTENT": "3/hour",
    "TENDER_LIMIT_DECLINES_PER_ACCOUNT": "5/hour",
    "TENDER_LIMIT_DECLINES_PER_IP": "4/hour",
    "TENDER_LIMIT_PUBLIC_REFRESH_PER_INTENT": "6/hour",
    "TENDER_LIMIT_PUBLIC_REFRESH_PER_IP": "1000/hour",
    "TENDER_LIMIT_AUTH_FAILURES_PER_IP": "5/minute",
    "TENDER_LIMIT_DEMO_ORDERS_PER_IP": "3/hour",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("attacks"), **LIMITS) as s:
        yield s


def new_key(server: Served, account: str) -> str:
    done = server.tender("keys", "create", "--account", account)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def address() -> str:
    """A client address of its own for each test (documentation range 198.18.0.0/15)."""
    return f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def assert_429(response, limit_words: str = "") -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    retry = int(response.headers["retry-after"])
    assert retry >= 1
    body = response.json()
    assert body["status"] == 429 and body["retryAfter"] == retry
    assert limit_words in body["detail"]


# --- 4. card testing ------------------------------------------------------------------------


def test_card_testing_on_one_intent_is_locked_until_the_merchant_refreshes(server: Served) -> None:
    """The replay: with only an intent id, refresh the secret without a key and try a card, up
    to 200 times. The intent locks after 3 declines; its history stops growing; the customer's
    key-less refresh does not unlock it; the merchant's refresh does."""
    key, ip = new_key(server, "locked shop"), address()
    intent = server.create(key)
    token, declines = intent["clientSessionSecret"], 0
    for attempt in range(200):
        if attempt:
            refreshed = server.public_refresh(intent["id"], **{"X-Forwarded-For": ip})
            assert refreshed.status_code == 200, refreshed.text
            token = refreshed.json()["clientSessionSecret"]
        answer = server.pay(token, DECLINE, **{"X-Forwarded-For": ip})
        if answer.status_code == 429:
            break
        assert answer.json()["statusCode"] == 5
        declines += 1
    assert declines == 3
    assert_429(answer, "too many declined attempts")
    events = server.api("GET", f"/payment-intents/{intent['id']}", key).json()["paymentEvents"]
    assert [e["eventType"] for e in events] == ["Declined"] * 3
    # A fresh key-less secret changes nothing, from any address.
    token = server.public_refresh(intent["id"]).json()["clientSessionSecret"]
    assert_429(server.pay(token, SUCCEED, **{"X-Forwarded-For": address()}))
    # The merchant, with their key, lets the customer try again.
    refreshed = server.api(
        "POST", f"/payment-intents/{intent['id']}/refresh-client-session-secret", key
    )
    assert refreshed.status_code == 200
    paid = server.pay(refreshed.json()["clientSessionSecret"], SUCCEED, **{"X-Forwarded-For": ip})
    assert paid.status_code == 200 and paid.json()["statusCode"] == 0


def test_card_testing_across_intents_of_one_account_is_refused(server: Served) -> None:
    key, other = new_key(server, "busy shop"), new_key(server, "quiet shop")
    for _ in range(5):  # five intents, one decline each, each from a new address
        intent = server.create(key)
        answer = server.pay(
            intent["clientSessionSecret"], DECLINE, **{"X-Forwarded-For": address()}
        )
        assert answer.json()["statusCode"] == 5
    intent = server.create(key)
    refused = server.pay(intent["clientSessionSecret"], SUCCEED, **{"X-Forwarded-For": address()})
    assert_429(refused, "for this merchant")
    unaffected = server.create(other)
    paid = server.pay(unaffected["clientSessionSecret"], SUCCEED, **{"X-Forwarded-For": address()})
    assert paid.json()["statusCode"] == 0


def test_card_testing_from_one_address_across_accounts_is_refused(server: Served) -> None:
    ip = address()
    for n in range(4):  # four merchants, one decline each, all from one address
        intent = server.create(new_key(server, f"shop {n} for one address"))
        answer = server.pay(intent["clientSessionSecret"], DECLINE, **{"X-Forwarded-For": ip})
        assert answer.json()["statusCode"] == 5
    key = new_key(server, "next shop for one address")
    refused = server.pay(
        server.create(key)["clientSessionSecret"], SUCCEED, **{"X-Forwarded-For": ip}
    )
    assert_429(refused, "for this address")
    paid = server.pay(
        server.create(key)["clientSessionSecret"], SUCCEED, **{"X-Forwarded-For": address()}
    )
    assert paid.json()["statusCode"] == 0


def test_keyless_secret_refreshes_are_rate_limited(server: Served) -> None:
    intent = server.create(new_key(server, "refreshed shop"))
    answers = [
        server.public_refresh(intent["id"], **{"X-Forwarded-For": address()}) for _ in range(7)
    ]
    assert [a.status_code for a in answers] == [200] * 6 + [429]
    assert_429(answers[-1], "refreshed too often")


def test_guessing_api_keys_is_refused_per_address(server: Served) -> None:
    key, ip = new_key(server, "guessed shop"), address()
    for _ in range(5):
        guess = "sk_sandbox_" + secrets.token_urlsafe(24)
        wrong = server.api("GET", "/payment-intents/pi_x", guess, headers={"X-Forwarded-For": ip})
        assert wrong.status_code == 401
    refused = server.api("GET", "/payment-intents/pi_x", key, headers={"X-Forwarded-For": ip})
    assert_429(refused, "failed authentications")  # even a right key learns nothing now
    elsewhere = server.api(
        "GET", "/payment-intents/pi_x", key, headers={"X-Forwarded-For": address()}
    )
    assert elsewhere.status_code == 404


# --- 1. the demo ------------------------------------------------------------------------------


def test_anonymous_demo_orders_are_rate_limited(server: Served) -> None:
    ip = address()
    orders = [
        server.http.post("/demo/api/orders", json={}, headers={"X-Forwarded-For": ip})
        for _ in range(4)
    ]
    assert [o.status_code for o in orders] == [200, 200, 200, 429]
    assert_429(orders[-1], "demo shop")


def test_the_demo_key_cannot_be_derived_from_public_defaults(server: Served) -> None:
    """The old demo key was an HMAC of a public default: anyone could compute it."""
    import base64
    import hashlib
    import hmac

    old = hmac.new(b"tender-sandbox-fingerprint-key", b"tender demo shop", hashlib.sha256)
    derived = "sk_sandbox_demo_" + base64.urlsafe_b64encode(old.digest()[:24]).decode()
    assert server.api("GET", "/webhooks", derived).status_code == 401
    [(stored,)] = server.sql("SELECT value FROM installation_secrets WHERE name = 'demo_key'")
    assert stored != derived and len(stored) >= 40


# --- 5. the smaller ones ----------------------------------------------------------------------


def test_viewing_the_checkout_keeps_the_merchants_secret(server: Served) -> None:
    intent = server.create(new_key(server, "linked shop"))
    for _ in range(2):
        assert server.http.get(f"/checkout/{intent['id']}").status_code == 200
    paid = server.pay(intent["clientSessionSecret"], SUCCEED, **{"X-Forwarded-For": address()})
    assert paid.json()["statusCode"] == 0


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/webhooks/stream", {"after": str(2**63)}),
        ("/webhooks/stream", {"after": "-1"}),
        ("/webhooks/stream", {"after": "99999999999999999999999999"}),
    ],
)
def test_cursors_out_of_range_answer_400(server: Served, path: str, params: dict) -> None:
    response = server.api("GET", path, server.printed_key, params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_event_cursors_do_not_reveal_other_accounts_volume(server: Served) -> None:
    busy, quiet = new_key(server, "busy tenant"), new_key(server, "quiet tenant")
    for _ in range(3):
        server.create(busy)
    start = server.api("GET", "/webhooks/stream", quiet).json()
    assert start == {"data": [], "cursor": 0}
    server.create(quiet)
    page = server.api("GET", "/webhooks/stream", quiet, params={"after": 0}).json()
    assert [item["seq"] for item in page["data"]] == [1] and page["cursor"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/payment-intents/refunds/rfnd_%00x",
        "/checkout/pi_%00x",
        "/checkout/pi_%00x/result",
        "/3ds/att_%00x",
        "/webhooks/ws_%00x",
        "/payment-intents/pi_%00x",
        "/payment-intents/public/pi_%00x",
        "/webhooks/events/evt_%00x",
    ],
)
def test_junk_in_a_path_id_answers_404_never_500(server: Served, path: str) -> None:
    response = server.api("GET", path, server.printed_key)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_client_session_secrets_never_reach_the_access_log(server: Served) -> None:
    intent = server.create(new_key(server, "logged shop"))
    token = intent["clientSessionSecret"]
    assert server.pay(token, SUCCEED, **{"X-Forwarded-For": address()}).status_code == 200
    server.http.post(f"/api/payments/{token}/three-ds-complete", json={"md": "att_x"})
    logs = server.logs()
    assert '"POST /api/payments/[redacted] HTTP/1.1" 200' in logs, logs[-2000:]
    assert token not in logs and token[:40] not in logs


def test_version_header_is_still_required(server: Served) -> None:
    response = server.http.get("/payment-intents/pi_x", headers={"Authorization": "Basic x"})
    assert response.status_code in (400, 401)
    assert re.match(r"^00-[0-9a-f]{32}", response.json()["traceId"])
    assert VERSION
