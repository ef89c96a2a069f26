"""The payment-intent endpoints before any money moves (spec §2.3–2.6, §2.10–2.11), auth,
versioning and health."""

import base64
import re
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from tender.service import accounts
from tender.service.context import Context
from tender.storage.migrate import head_revision
from tender.storage.tables import outbox_events, payment_events
from tests.conftest import VERSION, Api, assert_problem

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
BEFORE_PAYMENT = {
    "id", "captureMode", "clientSessionSecret", "clientSessionSecretExpirationDate", "status",
    "paymentMethods", "amount", "tipsAmount", "requestedAmount", "totalAmount", "refundedAmount",
    "reference", "config", "merchantConfig", "paymentSource", "cardHolderNotPresent", "expireAt",
    "paymentLink", "paymentEvents", "captures", "createdAt", "updatedAt",
}  # fmt: skip


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp[:26] + "+00:00")


async def outbox(ctx: Context, intent_id: str) -> list[str]:
    async with ctx.db.transaction(write=False) as conn:
        query = select(outbox_events.c.event, outbox_events.c.payload).where(
            outbox_events.c.intent_id == intent_id
        )
        rows = (await conn.execute(query.order_by(outbox_events.c.seq))).all()
    return [f"{r.event}:{r.payload['data']['paymentStatus']}" for r in rows]


async def test_created_intent_carries_every_field_that_applies_before_payment(api: Api) -> None:
    intent = await api.create()
    assert set(intent) >= BEFORE_PAYMENT
    assert re.fullmatch(r"pi_sandbox_[A-Za-z0-9_-]{22}", intent["id"])
    assert intent["status"] == "Created" and intent["captureMode"] == "Auto"
    gbp = {"value": 1000, "currencyCode": "GBP"}
    assert intent["amount"] == intent["requestedAmount"] == intent["totalAmount"] == gbp
    assert intent["tipsAmount"] == {"value": 0, "currencyCode": "GBP"}
    assert intent["refundedAmount"] == 0 and intent["captures"] == []
    assert intent["paymentMethods"] == ["Card", "Wallet"]
    assert intent["paymentSource"] == "api"
    assert intent["config"]["tradingName"] == "merchant"
    assert "VISA" in intent["merchantConfig"]["supportedPaymentMethods"]["cardSchemes"]
    for name in ("createdAt", "updatedAt", "expireAt", "clientSessionSecretExpirationDate"):
        assert STAMP.match(intent[name]), (name, intent[name])
    created = when(intent["createdAt"])
    assert when(intent["expireAt"]) - created == timedelta(days=30)
    assert when(intent["clientSessionSecretExpirationDate"]) - created == timedelta(minutes=30)


async def test_create_echoes_what_the_merchant_sent(api: Api) -> None:
    sent: dict[str, Any] = {
        "captureMode": "Manual",
        "autoExpireIn": "1.00:00:00",
        "autoExpireAction": "Capture",
        "description": "Two teas",
        "tipsAmount": {"value": 100, "currencyCode": "GBP"},
        "serviceChargeAmount": {"value": 50, "currencyCode": "GBP"},
        "cashbackAmount": {"value": 20, "currencyCode": "GBP"},
        "customer": {"id": "c1", "emailAddress": "a@b.co"},
        "billingAddress": {"address1": "1 High St", "countryCode": "GB"},
        "shippingDetails": {"name": "A", "address": {"countryCode": "GB"}},
        "requestSecurity": {"userAgent": "UA", "ipAddress": "127.0.0.1"},
        "itemLines": [
            {"name": "Tea", "quantity": 2, "amountTotal": {"value": 600, "currencyCode": "GBP"}},
            {"name": "Cake", "quantity": 1, "amountTotal": {"value": 400, "currencyCode": "GBP"}},
        ],
        "taxLines": [{"caption": "VAT", "amountTotal": {"value": 167, "currencyCode": "GBP"}}],
        "paymentMethods": ["Card"],
        "actionLink": {"url": "https://shop.example/r", "label": "Receipt", "action": "OpenLink"},
        "metadata": {"orderId": "245"},
        "orderDetails": {"id": "o1", "isUpdate": False},
        "cardHolderNotPresent": True,
        "paymentSource": "payment-links",
        "config": {"title": "Shop", "payment": {"tipsAllowed": True}},
    }
    intent = await api.create(**sent, generateRemoteToken=True)
    for name in ("captureMode", "autoExpireIn", "autoExpireAction", "description", "tipsAmount",
                 "serviceChargeAmount", "cashbackAmount", "customer", "billingAddress",
                 "shippingDetails", "requestSecurity", "itemLines", "taxLines", "paymentMethods",
                 "actionLink", "metadata", "orderDetails", "cardHolderNotPresent",
                 "paymentSource"):  # fmt: skip
        assert intent[name] == sent[name], name
    assert intent["config"]["title"] == "Shop" and intent["config"]["payment"]["tipsAllowed"]
    assert intent["totalAmount"]["value"] == 1000 + 100 + 50 + 20
    assert intent["requestedAmount"]["value"] == 1000
    assert intent["subtotalLineItems"] == {"value": 1000, "currencyCode": "GBP"}


async def test_the_answer_keeps_to_dojos_payment_intent(api: Api) -> None:
    """Dojo's PaymentIntent has no generateRemoteToken and a customer of id, e-mail and phone
    only: the save-card flow's secret is kept for the payment but never echoed."""
    intent = await api.create(
        generateRemoteToken=True,
        customer={"id": "c1", "secret": "cs_sandbox_x", "savedCardId": "pm_1"},
    )
    assert "generateRemoteToken" not in intent
    assert intent["customer"] == {"id": "c1"}
    assert intent["itemLines"] == [] and intent["taxLines"] == []  # [] as Dojo answers


async def test_retrieve_hides_canceled_unless_asked(api: Api) -> None:
    intent = await api.create()
    assert (await api.get(intent["id"])).json() == intent
    assert (await api.request("DELETE", f"/payment-intents/{intent['id']}")).status_code == 200
    assert_problem(await api.get(intent["id"]), 404)
    assert_problem(await api.get(intent["id"], returnCanceled="false"), 404)
    shown = await api.get(intent["id"], returnCanceled="true")
    assert shown.status_code == 200 and shown.json()["status"] == "Canceled"
    assert_problem(await api.get(intent["id"], returnCanceled="maybe"), 400)
    assert_problem(await api.get("pi_sandbox_AAAAAAAAAAAAAAAAAAAAAA"), 404)


async def test_cancel_records_the_event_and_the_webhook_and_then_refuses(
    api: Api, ctx: Context
) -> None:
    intent = await api.create()
    response = await api.request("DELETE", f"/payment-intents/{intent['id']}")
    assert response.status_code == 200
    canceled = response.json()
    assert canceled["status"] == "Canceled"
    assert canceled["clientSessionSecret"] == ""
    assert canceled["clientSessionSecretExpirationDate"] == "0001-01-01T00:00:00Z"
    assert [e["eventType"] for e in canceled["paymentEvents"]] == ["Canceled"]
    assert await outbox(ctx, intent["id"]) == [
        "payment_intent.created:Created",
        "payment_intent.status_updated:Canceled",
        "payment_intent.updated:Canceled",
    ]
    again = assert_problem(await api.request("DELETE", f"/payment-intents/{intent['id']}"), 409)
    assert again["currentStatus"] == "Canceled" and again["allowedStatuses"] == ["Created"]
    assert "Canceled" in again["detail"] and "Created" in again["detail"]
    for path, body in (("amount", {"amount": {"value": 5, "currencyCode": "GBP"}}),
                       ("tips-amount", {"tipsAmount": {"value": 5, "currencyCode": "GBP"}}),
                       ("refresh-client-session-secret", None)):  # fmt: skip
        # Amount and tips edits are refused with 405 first (the intent does not allow them).
        refused = await api.request("POST", f"/payment-intents/{intent['id']}/{path}", json=body)
        assert refused.status_code in (405, 409)
    conflict = assert_problem(
        await api.request("POST", f"/payment-intents/{intent['id']}/refresh-client-session-secret"),
        409,
    )
    assert conflict["currentStatus"] == "Canceled"
    assert await outbox(ctx, intent["id"]) == [
        "payment_intent.created:Created",
        "payment_intent.status_updated:Canceled",
        "payment_intent.updated:Canceled",
    ]


async def test_edits_of_a_canceled_intent_that_allows_them_are_conflicts(api: Api) -> None:
    intent = await api.create(
        config={"payment": {"customAmountAllowed": True, "tipsAllowed": True}}
    )
    await api.request("DELETE", f"/payment-intents/{intent['id']}")
    for path, body in (
        ("amount", {"amount": {"value": 5, "currencyCode": "GBP"}}),
        ("tips-amount", {"tipsAmount": {"value": 5, "currencyCode": "GBP"}}),
    ):
        problem = assert_problem(
            await api.request("POST", f"/payment-intents/{intent['id']}/{path}", json=body), 409
        )
        assert problem["currentStatus"] == "Canceled"
        assert problem["allowedStatuses"] == ["Created"]


async def test_amount_and_tips_changes_need_the_config_flag(api: Api) -> None:
    intent = await api.create()
    amount = await api.request(
        "POST", f"/payment-intents/{intent['id']}/amount",
        json={"amount": {"value": 2000, "currencyCode": "GBP"}},
    )  # fmt: skip
    assert "customAmountAllowed" in assert_problem(amount, 405)["detail"]
    tips = await api.request(
        "POST", f"/payment-intents/{intent['id']}/tips-amount",
        json={"tipsAmount": {"value": 200, "currencyCode": "GBP"}},
    )  # fmt: skip
    assert "tipsAllowed" in assert_problem(tips, 405)["detail"]
    assert (await api.get(intent["id"])).json() == intent


async def test_amount_change_replaces_the_secret_and_the_lines(api: Api) -> None:
    intent = await api.create(config={"payment": {"customAmountAllowed": True}})
    line = {"name": "Tea", "quantity": 1, "amountTotal": {"value": 2500, "currencyCode": "GBP"}}
    response = await api.request(
        "POST", f"/payment-intents/{intent['id']}/amount",
        json={"amount": {"value": 2500, "currencyCode": "GBP"}, "itemLines": [line]},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["amount"]["value"] == changed["totalAmount"]["value"] == 2500
    assert changed["itemLines"] == [line]
    assert changed["subtotalLineItems"]["value"] == 2500
    assert changed["clientSessionSecret"] not in ("", intent["clientSessionSecret"])
    assert changed["status"] == "Created"
    assert (await api.get(intent["id"])).json() == changed


async def test_tips_change_adds_to_the_total(api: Api) -> None:
    intent = await api.create(config={"payment": {"tipsAllowed": True}})
    response = await api.request(
        "POST", f"/payment-intents/{intent['id']}/tips-amount",
        json={"tipsAmount": {"value": 150, "currencyCode": "GBP"}},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["tipsAmount"]["value"] == 150
    assert changed["amount"]["value"] == 1000 and changed["totalAmount"]["value"] == 1150
    assert changed["clientSessionSecret"] != intent["clientSessionSecret"]


async def test_refresh_issues_a_new_secret_for_thirty_minutes(api: Api, clock: Any) -> None:
    intent = await api.create()
    clock.advance(timedelta(minutes=20))
    response = await api.request(
        "POST", f"/payment-intents/{intent['id']}/refresh-client-session-secret"
    )
    assert response.status_code == 200, response.text
    fresh = response.json()
    assert fresh["clientSessionSecret"] != intent["clientSessionSecret"]
    issued = when(fresh["updatedAt"])
    assert issued - when(intent["createdAt"]) >= timedelta(minutes=20)
    assert when(fresh["clientSessionSecretExpirationDate"]) - issued == timedelta(minutes=30)
    assert fresh["status"] == "Created"


async def test_public_endpoints_show_no_merchant_data_and_need_no_key(
    api: Api, client: httpx.AsyncClient
) -> None:
    intent = await api.create(customer={"emailAddress": "a@b.co"}, metadata={"k": "v"})
    headers = {"version": VERSION}
    public = await client.get(f"/payment-intents/public/{intent['id']}", headers=headers)
    assert public.status_code == 200
    seen = public.json()
    assert seen["id"] == intent["id"] and seen["amount"] == intent["amount"]
    for hidden in ("clientSessionSecret", "customer", "metadata", "paymentEvents"):
        assert hidden not in seen
    refreshed = await client.post(
        f"/payment-intents/public/{intent['id']}/refresh-client-session-secret", headers=headers
    )
    assert refreshed.status_code == 200
    secret = refreshed.json()["clientSessionSecret"]
    assert secret not in ("", intent["clientSessionSecret"])
    assert "customer" not in refreshed.json()
    assert (await api.get(intent["id"])).json()["clientSessionSecret"] == secret
    await api.request("DELETE", f"/payment-intents/{intent['id']}")
    gone = await client.get(f"/payment-intents/public/{intent['id']}", headers=headers)
    assert_problem(gone, 404)
    assert_problem(
        await client.post(
            f"/payment-intents/public/{intent['id']}/refresh-client-session-secret",
            headers=headers,
        ),
        404,
    )


async def test_both_authorization_forms_work_and_anything_else_is_401(
    api: Api, client: httpx.AsyncClient, ctx: Context
) -> None:
    intent = await api.create()
    path = f"/payment-intents/{intent['id']}"
    encoded = base64.b64encode(f"{api.key}:".encode()).decode()
    for auth in (f"Basic {api.key}", f"basic {api.key}", f"Basic {encoded}"):
        response = await client.get(path, headers={"Authorization": auth, "version": VERSION})
        assert response.status_code == 200, auth
    for auth in (None, "", "Basic", f"Basic {api.key}x", f"Token {api.key}"):
        headers = {"version": VERSION} | ({"Authorization": auth} if auth is not None else {})
        assert_problem(await client.get(path, headers=headers), 401)
    for row in await accounts.list_keys(ctx):
        if row.account_id == api.account_id:
            await accounts.revoke_key(ctx, row.id)
    assert_problem(await api.get(intent["id"]), 401)


async def test_the_version_header_is_required(api: Api, client: httpx.AsyncClient) -> None:
    body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"}
    auth = {"Authorization": f"Basic {api.key}"}
    missing = assert_problem(await client.post("/payment-intents", json=body, headers=auth), 400)
    assert "Version" in missing["errors"]
    bad = await client.post("/payment-intents", json=body, headers={**auth, "version": "v1"})
    assert "Version" in assert_problem(bad, 400)["errors"]
    capital = await client.post("/payment-intents", json=body, headers={**auth, "Version": VERSION})
    assert capital.status_code == 200
    listed = await api.request("POST", "/payment-intents/search", json={})
    assert len(listed.json()["data"]) == 1


async def test_health_reports_the_database(client: httpx.AsyncClient, ctx: Context) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {
        "dialect": ctx.db.dialect,
        "reachable": True,
        "revision": head_revision(),
    }


async def test_payment_events_table_is_written_only_by_status_changes(
    api: Api, ctx: Context
) -> None:
    intent = await api.create(config={"payment": {"customAmountAllowed": True}})
    await api.request(
        "POST", f"/payment-intents/{intent['id']}/amount",
        json={"amount": {"value": 5, "currencyCode": "GBP"}},
    )  # fmt: skip
    await api.request("POST", f"/payment-intents/{intent['id']}/refresh-client-session-secret")
    async with ctx.db.transaction(write=False) as conn:
        rows = (await conn.execute(select(payment_events))).all()
    assert rows == []
    assert await outbox(ctx, intent["id"]) == [
        "payment_intent.created:Created",
        "payment_intent.updated:Created",  # the amount changed; a secret refresh is no update
    ]
