"""The overview's figures: payments and volume per UTC day, approval rate, decline reasons and
refunds, per currency, from the aggregate queries (``storage.overview``)."""

from datetime import timedelta

from tender.service import overview, refund
from tender.service.accounts import Account
from tender.service.idempotency import IdempotencyKey
from tender.service.refund import RefundRequest
from tests.payhelp import pay


async def _account(ctx, api) -> Account:
    from tender.service.accounts import authenticate

    return await authenticate(ctx, f"Basic {api.key}")


async def test_figures_of_the_last_30_days(ctx, api, other_api, clock):
    # 40 days ago: outside the window.
    old = await api.create(amount={"value": 9900, "currencyCode": "GBP"})
    await pay(api.client, old["clientSessionSecret"])
    clock.advance(timedelta(days=40))
    a = await api.create(amount={"value": 1000, "currencyCode": "GBP"})
    await pay(api.client, a["clientSessionSecret"])
    b = await api.create(amount={"value": 2550, "currencyCode": "GBP"})
    assert (await pay(api.client, b["clientSessionSecret"], "4000 0000 0000 9995"))[
        "statusCode"
    ] == 5
    b = (await api.get(b["id"])).json()  # a fresh secret after the decline
    await api.request("POST", f"/payment-intents/{b['id']}/refresh-client-session-secret")
    b = (await api.get(b["id"])).json()
    await pay(api.client, b["clientSessionSecret"])
    e = await api.create(amount={"value": 700, "currencyCode": "EUR"})
    await pay(api.client, e["clientSessionSecret"], "4000 0000 0000 0002")
    theirs = await other_api.create(amount={"value": 5000, "currencyCode": "GBP"})
    await pay(other_api.client, theirs["clientSessionSecret"])
    account = await _account(ctx, api)
    key = IdempotencyKey.of("r1", "POST", "/x", b"{}")
    await refund.refund(ctx, account, a["id"], RefundRequest(amount=300), key)

    found = await overview.overview(ctx, account)
    assert found.currency == "GBP"
    assert (found.payments, found.volume, found.refunds, found.refunded) == (2, 3550, 1, 300)
    today = clock().date()
    last = found.days[-1]
    assert (last.day, last.payments, last.volume, last.refunded) == (today, 2, 3550, 300)
    assert len(found.days) == 30 and found.start == today - timedelta(days=29)
    assert (found.approved, found.declined) == (2, 2)  # both currencies
    assert found.approval_rate == 0.5
    assert sorted(found.decline_reasons) == [("Declined", 1), ("Declined: insufficient funds", 1)]

    euros = await overview.overview(ctx, account, "EUR")
    assert (euros.currency, euros.payments, euros.volume) == ("EUR", 0, 0)


async def test_an_empty_account(ctx, api):
    found = await overview.overview(ctx, await _account(ctx, api))
    assert (found.payments, found.volume, found.approval_rate) == (0, 0, None)
    assert found.currency == "GBP" and found.decline_reasons == []
