"""Merchant-initiated charges end to end over HTTP (both databases): a setup intent authorized
with 3-D Secure, a payment intent made with its ``setupIntentId``, ``/charge``."""

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from tender.clock import ShiftedClock
from tender.service.context import Context
from tender.storage.tables import captures, payment_attempts
from tests.conftest import Api, assert_problem
from tests.payhelp import pay
from tests.setuphelp import authorized_setup, charge, create_setup

MIT_CARD_DECLINED = "4000 0000 0000 0374"


async def _count(ctx: Context, table: object, *where: object) -> int:
    async with ctx.db.transaction(write=False) as conn:
        query = select(func.count()).select_from(table).where(*where)  # type: ignore[arg-type]
        return int((await conn.execute(query)).scalar_one())


async def test_setup_then_charge_captures_and_completes_it(api: Api) -> None:
    setup = await authorized_setup(api, "4456 5300 0000 1096")  # 3-D Secure challenge
    intent = await api.create(setupIntentId=setup["id"])
    assert intent["setupIntentId"] == setup["id"]
    response = await charge(api, intent["id"])
    assert response.status_code == 200, response.text
    assert response.json() == {
        "paymentIntentId": intent["id"],
        "status": "Successful",
        "message": response.json()["message"],
    }
    paid = (await api.get(intent["id"])).json()
    assert paid["status"] == "Captured"
    assert paid["capturedAmount"] == 1000
    assert paid["paymentDetails"]["card"]["cardNumber"].endswith("1096")
    assert "AuthChallenged" not in [e["eventType"] for e in paid["paymentEvents"]]
    done = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert done["status"] == "Completed"
    again = assert_problem(await charge(api, intent["id"]), 409)
    assert again["currentStatus"] == "Captured"


async def test_manual_capture_mode_charge_authorizes(api: Api) -> None:
    setup = await authorized_setup(api, "4242 4242 4242 4242")
    intent = await api.create(setupIntentId=setup["id"], captureMode="Manual")
    assert (await charge(api, intent["id"])).json()["status"] == "Successful"
    assert (await api.get(intent["id"])).json()["status"] == "Authorized"
    captured = await api.request(
        "POST", f"/payment-intents/{intent['id']}/captures", json={"amount": 1000}
    )
    assert captured.status_code == 200, captured.text


async def test_an_unscheduled_setup_intent_stays_authorized_for_more_charges(api: Api) -> None:
    setup = await authorized_setup(
        api, "5200 0000 0000 0056", merchantInitiatedTransactionType="Unscheduled"
    )
    for _ in range(2):
        intent = await api.create(setupIntentId=setup["id"])
        assert (await charge(api, intent["id"])).json()["status"] == "Successful"
    got = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert got["status"] == "Authorized"


async def test_the_0374_card_authorizes_but_its_charge_is_declined(api: Api) -> None:
    setup = await authorized_setup(api, MIT_CARD_DECLINED)
    intent = await api.create(setupIntentId=setup["id"])
    response = await charge(api, intent["id"])
    assert response.status_code == 200
    assert response.json()["status"] == "Declined"
    after = (await api.get(intent["id"])).json()
    assert after["status"] == "Created"
    assert after["capturedAmount"] == 0
    assert [e["eventType"] for e in after["paymentEvents"]] == ["Declined"]
    got = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert got["status"] == "Authorized"


async def test_create_with_setup_intent_id_checks_it(api: Api, other_api: Api) -> None:
    created = await create_setup(api)
    body = {
        "amount": {"value": 1000, "currencyCode": "GBP"},
        "reference": "x",
        "setupIntentId": created["id"],
    }
    problem = assert_problem(await api.request("POST", "/payment-intents", json=body), 400)
    assert "SetupIntentId" in problem["errors"]
    setup = await authorized_setup(api, "4242 4242 4242 4242")
    body["setupIntentId"] = setup["id"]
    foreign = assert_problem(await other_api.request("POST", "/payment-intents", json=body), 400)
    assert "SetupIntentId" in foreign["errors"]
    body["amount"] = {"value": 1000, "currencyCode": "EUR"}
    wrong = assert_problem(await api.request("POST", "/payment-intents", json=body), 400)
    assert "Amount.CurrencyCode" in wrong["errors"]


async def test_charge_needs_a_setup_intent_and_the_right_account(api: Api, other_api: Api) -> None:
    plain = await api.create()
    assert_problem(await charge(api, plain["id"]), 400)
    setup = await authorized_setup(api, "4242 4242 4242 4242")
    intent = await api.create(setupIntentId=setup["id"])
    assert_problem(await charge(other_api, intent["id"]), 404)


async def test_a_closed_setup_intent_cannot_be_charged(api: Api) -> None:
    setup = await authorized_setup(api, "4242 4242 4242 4242")
    intent = await api.create(setupIntentId=setup["id"])
    await api.request("DELETE", f"/setup-intents/{setup['id']}")
    problem = assert_problem(await charge(api, intent["id"]), 409)
    assert problem["currentStatus"] == "Closed"
    assert (await api.get(intent["id"])).json()["status"] == "Created"


async def test_an_expired_card_marks_it_card_expired(api: Api, clock: ShiftedClock) -> None:
    setup = await create_setup(api)
    secret = setup["clientSessionSecret"]
    result = await pay(api.client, secret, "4242 4242 4242 4242", expiry="01 / 30")
    assert result["statusCode"] == 0
    clock.advance(timedelta(days=365 * 5))  # past January 2030
    intent = await api.create(setupIntentId=setup["id"])
    problem = assert_problem(await charge(api, intent["id"]), 409)
    assert "CardExpired" in problem["detail"]
    got = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert got["status"] == "CardExpired"
    assert (await api.get(intent["id"])).json()["status"] == "Created"


async def test_charge_is_idempotent(api: Api) -> None:
    setup = await authorized_setup(api, "4242 4242 4242 4242")
    intent = await api.create(setupIntentId=setup["id"])
    first = await charge(api, intent["id"], idempotencyKey="charge-1")
    second = await charge(api, intent["id"], idempotencyKey="charge-1")
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"


async def test_fifty_concurrent_charges_charge_once(api: Api, ctx: Context) -> None:
    setup = await authorized_setup(
        api, "4242 4242 4242 4242", merchantInitiatedTransactionType="Unscheduled"
    )
    intent = await api.create(setupIntentId=setup["id"])
    responses = await asyncio.gather(*(charge(api, intent["id"]) for _ in range(50)))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 409: 49}, statuses
    attempts = await _count(ctx, payment_attempts, payment_attempts.c.intent_id == intent["id"])
    assert attempts == 1
    taken = await _count(ctx, captures, captures.c.intent_id == intent["id"])
    assert taken == 1
    assert (await api.get(intent["id"])).json()["capturedAmount"] == 1000


async def test_a_no_show_setup_intent_is_charged_once_across_intents(api: Api) -> None:
    setup = await authorized_setup(api, "4242 4242 4242 4242")  # NoShow
    intents = [await api.create(setupIntentId=setup["id"]) for _ in range(10)]
    responses = await asyncio.gather(*(charge(api, i["id"]) for i in intents))
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 9}
    paid = [i for i in intents if (await api.get(i["id"])).json()["status"] == "Captured"]
    assert len(paid) == 1
    done = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert done["status"] == "Completed"
