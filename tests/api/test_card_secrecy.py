"""No full card number and no CVV ever reaches a database row or a log line.

Pays with every test card (and a few invalid ones), completes the challenges, captures and
refunds, with SQL statements and their parameters logged; then searches every row of every table
and the captured log text for each number (with and without spaces) and each CVV used. The CVVs
are distinctive and searched as standalone values, so random ids cannot hide or fake a hit.
"""

import json
import logging
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tender.service.context import Context
from tender.storage.tables import metadata
from tests.api.test_gateway import NO_CHALLENGE
from tests.conftest import Api
from tests.customerhelp import customer, intent_for, methods, pay_saved, secret
from tests.payhelp import decide, pay
from tests.setuphelp import authorize, charge, create_setup

CHALLENGE_CARDS = ["4456 5300 0000 1096", "4456 5300 0000 0007", "4000 0084 0000 1629"]
INVALID = [("4242 4242 4242 4241", "529"), ("4000 0000 0000 0002", "61937")]


def standalone(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])")


async def dump(ctx: Context) -> str:
    lines = []
    async with ctx.db.transaction(write=False) as conn:
        for table in metadata.sorted_tables:
            for row in (await conn.execute(select(table))).all():
                lines.append(json.dumps([table.name, *map(str, row)]))
    return "\n".join(lines)


async def _setup_intents(api: Api) -> list[tuple[str, str]]:
    """Cards authorized on setup intents (with and without a challenge), then charged."""
    used = []
    for number, cvv in (("4456 5300 0000 1096", "418"), ("4000 0000 0000 0374", "307")):
        setup = await create_setup(api)
        result = await authorize(api.client, setup["clientSessionSecret"], number, cvv=cvv)
        assert result["statusCode"] == 0
        intent = await api.create(setupIntentId=setup["id"])
        await charge(api, intent["id"])
        used.append((number, cvv))
    return used


async def _saved_cards(api: Api, cvvs: Iterator[str]) -> list[tuple[str, str]]:
    """Save cards (one after its challenge), list them, pay with them (CVV given again)."""
    used = []
    ada = await customer(api)
    for number in ("4000 0000 0000 3220", "4456 5300 0000 1096"):
        cvv = next(cvvs)
        intent = await intent_for(api, ada["id"])
        token = intent["clientSessionSecret"]
        result = await pay(api.client, token, number, cvv, savePaymentMethod=True)
        if result["statusCode"] == 3:
            await decide(api.client, result["md"], "approve")
        used.append((number, cvv))
    cards = await methods(api, ada["id"], await secret(api, ada["id"]))
    assert len(cards) == 2
    for card in cards:
        cvv = next(cvvs)
        intent = await intent_for(api, ada["id"])
        result = await pay_saved(api, intent["clientSessionSecret"], card["id"], cvv)
        if result["statusCode"] == 3:
            await decide(api.client, result["md"], "approve")
        used.append(("4000 0000 0000 3220", cvv))  # the number is searched, not the pan
    return used


async def test_no_card_number_or_cvv_in_rows_or_logs(
    api: Api, ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements and parameters
    used: list[tuple[str, str]] = []
    cvvs = iter(["731", "852", "964", "517", "628", "739", "841", "953", "572", "683", "794"] * 3)
    for number, _, code, _ in NO_CHALLENGE:
        cvv = "8264" if number.startswith("37") else next(cvvs)
        intent = await api.create(captureMode="Manual")
        result = await pay(api.client, intent["clientSessionSecret"], number, cvv)
        assert result["statusCode"] == code
        used.append((number, cvv))
        if code == 0:
            await api.request(
                "POST", f"/payment-intents/{intent['id']}/captures", json={"amount": 500}
            )
    for number in CHALLENGE_CARDS:
        for decision in ("approve", "reject"):
            cvv = next(cvvs)
            intent = await api.create()
            first = await pay(api.client, intent["clientSessionSecret"], number, cvv)
            assert first["statusCode"] == 3
            await decide(api.client, first["md"], decision)
            used.append((number, cvv))
    for wallet in ("google-pay", "apple-pay"):
        intent = await api.create()
        await api.client.post(
            f"/api/payments/{intent['clientSessionSecret']}/{wallet}",
            json={"cardNumber": "5555555555554444"},
        )
    for number, cvv in INVALID:
        intent = await api.create()
        response = await api.client.post(
            f"/api/payments/{intent['clientSessionSecret']}",
            json={"cardNumber": number, "expiryDate": "12 / 39", "cV2": cvv},
        )
        assert response.json()["statusCode"] in (0, 400, 5)
        used.append((number, cvv))
    used += await _setup_intents(api)  # cards kept for merchant-initiated charges
    used += await _saved_cards(api, cvvs)
    logging.getLogger("tender").info("end of the payment run")

    rows = await dump(ctx)
    logs = caplog.text
    assert "payment_attempts" in rows and "INSERT INTO payment_attempts" in logs
    assert "INSERT INTO setup_attempts" in logs and "INSERT INTO setup_intents" in logs
    assert '["setup_intents", ' in rows and '["setup_attempts", ' in rows
    assert "************0056" in rows  # the masked form (last four only) is kept, as intended
    assert "payment_methods" in rows and "INSERT INTO payment_methods" in logs
    assert "520000" not in rows  # the first six digits are not stored
    for number, cvv in used:
        digits = number.replace(" ", "")
        for haystack, name in ((rows, "database"), (logs, "logs")):
            assert digits not in haystack, f"{name} holds a full card number"
            assert number not in haystack, f"{name} holds a full card number"
            assert not standalone(cvv).search(haystack), f"{name} holds the CVV {cvv}"
