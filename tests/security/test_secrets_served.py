"""Secrets by default, replayed against a real ``tender serve``: no card number can be recovered
from a copy of the database (the key included), production refuses a published fingerprint key,
and the demo is off unless enabled."""

import hashlib
import hmac
import re
from pathlib import Path

from tender.processor.cards import luhn_ok
from tests.processes import fresh_database
from tests.security.served import CARD, Served, served

CARDS = ["4242424242424242", "5555555555554444", "4000000000000002", "378282246310005"]


def _pay(server: Served, key: str, number: str) -> None:
    intent = server.create(key)
    response = server.http.post(
        f"/api/payments/{intent['clientSessionSecret']}",
        json={**CARD, "cardNumber": number, "cV2": "1234" if number[0] == "3" else "123"},
    )
    assert response.status_code == 200 and response.json()["statusCode"] in (0, 5), response.text


def test_card_numbers_cannot_be_recovered_from_a_copy_of_the_database(tmp_path: Path) -> None:
    """The replay: take every attempt row and the installation's key, and search the hidden
    digits with a Luhn check and the keyed hash, as the attack of issue 12 did. Only the last
    four digits are stored, and the fingerprint is not the fast HMAC that search relied on."""
    with served(tmp_path) as server:
        sandbox = server.printed_key
        done = server.tender("keys", "create", "--env", "prod", "--account", "live shop")
        assert done.returncode == 0, done.stderr
        production = done.stdout.strip()
        for number in CARDS:
            _pay(server, sandbox, number)
        _pay(server, production, "4456530000001013")
        rows = server.sql("SELECT card_masked, card_last4, fingerprint FROM payment_attempts")
        events = server.sql("SELECT card_number FROM payment_events WHERE card_number IS NOT NULL")
        [(key,)] = server.sql(
            "SELECT value FROM installation_secrets WHERE name = 'fingerprint_key'"
        )
    assert len(rows) == 5 and len(events) >= 5
    for masked, last4, _ in rows:
        assert re.fullmatch(r"\*+\d{4}", masked) and masked.endswith(last4)
    assert all(re.fullmatch(r"\*+\d{4}", number) for (number,) in events)
    assert key != "tender-sandbox-fingerprint-key" and len(key) >= 40
    # Even granting the attacker the first six digits the old rows kept, the fast search finds
    # nothing: each guess now needs a slow scrypt evaluation under the key.
    by_last4 = {number[-4:]: number for number in [*CARDS, "4456530000001013"]}
    for _masked, last4, fingerprint in rows:
        real = by_last4[last4]
        found = [
            guess
            for middle in range(10 ** (len(real) - 10))
            if luhn_ok(guess := f"{real[:6]}{middle:0{len(real) - 10}d}{last4}")
            and hmac.new(key.encode(), guess.encode(), hashlib.sha256).hexdigest() == fingerprint
        ]
        assert found == []
        slow = hashlib.scrypt(real.encode(), salt=key.encode(), n=2**14, r=8, p=1, dklen=32)
        assert fingerprint == slow.hex()  # same card, same fingerprint: still useful to merchants


def test_production_refuses_to_serve_with_a_published_fingerprint_key(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        server = Served(url, tmp_path, TENDER_FINGERPRINT_KEY="tender-sandbox-fingerprint-key")
        assert server.tender("keys", "create", "--env", "prod").returncode == 0
        server.start(wait=False)
        assert server.process is not None
        assert server.process.wait(timeout=60) == 2
        assert "Refusing to serve" in server.logs() and "published default" in server.logs()
        server.stop()
        short = Served(url, tmp_path, TENDER_FINGERPRINT_KEY="short").start(wait=False)
        assert short.process is not None and short.process.wait(timeout=60) == 2
        short.stop()
        with served(tmp_path, url) as generated:  # unset: a generated key, kept in the database
            assert generated.http.get("/health").status_code == 200


def test_a_sandbox_only_install_may_keep_any_key_but_production_may_not(tmp_path: Path) -> None:
    with served(tmp_path, TENDER_FINGERPRINT_KEY="changeme") as server:
        assert server.http.get("/health").status_code == 200
        done = server.tender("keys", "create", "--env", "prod")
        assert done.returncode == 0
    with fresh_database(tmp_path) as url:
        Served(url, tmp_path).tender("keys", "create", "--env", "prod")
        refused = Served(url, tmp_path, TENDER_FINGERPRINT_KEY="changeme").start(wait=False)
        assert refused.process is not None and refused.process.wait(timeout=60) == 2
        refused.stop()


def test_the_demo_is_not_served_unless_enabled(tmp_path: Path) -> None:
    with served(tmp_path) as server:
        assert server.http.get("/demo").status_code == 404
        assert server.http.post("/demo/api/orders", json={}).status_code == 404
        assert server.sql("SELECT name FROM installation_secrets WHERE name = 'demo_key'") == []
