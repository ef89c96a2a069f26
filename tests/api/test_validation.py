# ruff: noqa: E501  (a table reads best one case per line)
"""Every request limit of spec §2.2–2.3, §2.5 and §2.11: one table of (body change -> the field
named in the 400 problem), with the accepted value at each boundary next to the refused one."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import Api, assert_problem

GBP = "GBP"


def money(value: Any = 1000, currency: Any = GBP) -> dict[str, Any]:
    return {"value": value, "currencyCode": currency}


def address(**changes: Any) -> dict[str, Any]:
    return {"address1": "1 High St", "city": "London", "countryCode": "GB", **changes}


def item(**changes: Any) -> dict[str, Any]:
    return {"name": "Tea", "quantity": 1, "amountTotal": money(300), **changes}


def iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


OK = None  # accepted
# (case id, changes to the seed's Step 1 body, field named in errors or OK)
CREATE: list[tuple[str, dict[str, Any], str | None]] = [
    ("seed body", {}, OK),
    ("amount missing", {"amount": ...}, "Amount"),
    ("amount 1 minor unit", {"amount": money(1)}, OK),
    ("amount zero", {"amount": money(0)}, "Amount.Value"),
    ("amount negative", {"amount": money(-1)}, "Amount.Value"),
    ("amount at max", {"amount": money(999_999_999_999)}, OK),
    ("amount over max", {"amount": money(10**12)}, "Amount.Value"),
    ("amount huge", {"amount": money(10**40)}, "Amount.Value"),
    ("amount as string", {"amount": money("1000")}, "Amount.Value"),
    ("amount as float", {"amount": money(1000.0)}, "Amount.Value"),
    ("amount as bool", {"amount": money(True)}, "Amount.Value"),
    ("amount null", {"amount": None}, "Amount"),
    ("amount unknown member (ignored)", {"amount": {**money(), "cents": 1}}, OK),
    ("currency lower case", {"amount": money(1000, "gbp")}, "Amount.CurrencyCode"),
    ("currency 4 letters", {"amount": money(1000, "GBPX")}, "Amount.CurrencyCode"),
    ("currency empty", {"amount": money(1000, "")}, "Amount.CurrencyCode"),
    ("currency missing", {"amount": {"value": 1000}}, "Amount.CurrencyCode"),
    ("currency EUR", {"amount": money(1000, "EUR")}, OK),
    ("currency USD", {"amount": money(1000, "USD")}, OK),
    ("currency not accepted by account", {"amount": money(1000, "JPY")}, "Amount.CurrencyCode"),
    ("reference missing", {"reference": ...}, "Reference"),
    ("reference empty", {"reference": ""}, "Reference"),
    ("reference blank", {"reference": "   "}, "Reference"),
    ("reference 60", {"reference": "r" * 60}, OK),
    ("reference 61", {"reference": "r" * 61}, "Reference"),
    ("reference number", {"reference": 245}, "Reference"),
    ("reference unicode", {"reference": "Zamówienie №245 ☕"}, OK),
    ("captureMode Manual", {"captureMode": "Manual"}, OK),
    ("captureMode lower case", {"captureMode": "manual"}, "CaptureMode"),
    ("captureMode unknown", {"captureMode": "Later"}, "CaptureMode"),
    ("description 4096", {"description": "d" * 4096}, OK),
    ("description 4097", {"description": "d" * 4097}, "Description"),
    ("tipsAmount zero", {"tipsAmount": money(0)}, OK),
    ("tipsAmount negative", {"tipsAmount": money(-1)}, "TipsAmount.Value"),
    ("tipsAmount other currency", {"tipsAmount": money(1, "EUR")}, "TipsAmount.CurrencyCode"),
    ("cashback other currency", {"cashbackAmount": money(1, "EUR")}, "CashbackAmount.CurrencyCode"),
    ("serviceCharge negative", {"serviceChargeAmount": money(-5)}, "ServiceChargeAmount.Value"),
    ("customer full", {"customer": {"id": "c1", "emailAddress": "a@b.co", "phoneNumber": "+44 1"}}, OK),
    ("customer extra key", {"customer": {"id": "c1", "secret": "cs_sandbox_x"}}, OK),
    ("customer extra non-string", {"customer": {"secret": 5}}, "Customer"),
    ("customer 21 extra keys", {"customer": {f"k{i}": "v" for i in range(21)}}, "Customer"),
    ("customer email 254", {"customer": {"emailAddress": "a@" + "b" * 252}}, OK),
    ("customer email 255", {"customer": {"emailAddress": "a@" + "b" * 253}}, "Customer.EmailAddress"),
    ("customer email no @", {"customer": {"emailAddress": "nobody"}}, "Customer.EmailAddress"),
    ("customer phone 51", {"customer": {"phoneNumber": "1" * 51}}, "Customer.PhoneNumber"),
    ("customer id 65", {"customer": {"id": "c" * 65}}, "Customer.Id"),
    ("billingAddress ok", {"billingAddress": address()}, OK),
    ("billingAddress no country", {"billingAddress": {"city": "X"}}, "BillingAddress.CountryCode"),
    ("billingAddress country gb", {"billingAddress": address(countryCode="gb")}, "BillingAddress.CountryCode"),
    ("billingAddress country 826", {"billingAddress": address(countryCode="826")}, "BillingAddress.CountryCode"),
    ("billingAddress address1 100", {"billingAddress": address(address1="a" * 100)}, OK),
    ("billingAddress address1 101", {"billingAddress": address(address1="a" * 101)}, "BillingAddress.Address1"),
    ("billingAddress city 101", {"billingAddress": address(city="a" * 101)}, "BillingAddress.City"),
    ("billingAddress postcode 51", {"billingAddress": address(postcode="p" * 51)}, "BillingAddress.Postcode"),
    ("billingAddress unknown (ignored)", {"billingAddress": address(street="x")}, OK),
    ("shipping name 101", {"shippingDetails": {"name": "n" * 101}}, "ShippingDetails.Name"),
    ("shipping notes 1024", {"shippingDetails": {"deliveryNotes": "n" * 1024}}, OK),
    ("shipping notes 1025", {"shippingDetails": {"deliveryNotes": "n" * 1025}}, "ShippingDetails.DeliveryNotes"),
    ("shipping address bad", {"shippingDetails": {"address": {"city": "X"}}}, "ShippingDetails.Address.CountryCode"),
    ("cardHolderNotPresent true", {"cardHolderNotPresent": True}, OK),
    ("cardHolderNotPresent string", {"cardHolderNotPresent": "true"}, "CardHolderNotPresent"),
    ("cardHolderNotPresent 1", {"cardHolderNotPresent": 1}, "CardHolderNotPresent"),
    ("config full", {"config": {"title": "t" * 100, "redirectUrl": "https://shop.example/done",
                                "cancelUrl": "http://shop.example/cancel",
                                "payment": {"customAmountAllowed": True, "tipsAllowed": False},
                                "details": {"showTotal": True}, "customerEmail": {"collectionRequired": True}}}, OK),
    ("config title 101", {"config": {"title": "t" * 101}}, "Config.Title"),
    ("config redirectUrl ftp", {"config": {"redirectUrl": "ftp://shop.example/"}}, "Config.RedirectUrl"),
    ("config redirectUrl relative", {"config": {"redirectUrl": "/done"}}, "Config.RedirectUrl"),
    ("config tipsAllowed string", {"config": {"payment": {"tipsAllowed": "yes"}}}, "Config.Payment.TipsAllowed"),
    ("config unknown (ignored)", {"config": {"colour": "red"}}, OK),
    ("requestSecurity userAgent 301", {"requestSecurity": {"userAgent": "u" * 301}}, "RequestSecurity.UserAgent"),
    ("requestSecurity ipAddress 71", {"requestSecurity": {"ipAddress": "1" * 71}}, "RequestSecurity.IpAddress"),
    ("requestSecurity device 121", {"requestSecurity": {"device": "d" * 121}}, "RequestSecurity.Device"),
    ("itemLines ok", {"itemLines": [item(), item(modifiers=[{"id": "m", "name": "Milk", "amountPerModifier": money(-20), "quantity": 1}])]}, OK),
    ("itemLines 100", {"itemLines": [item()] * 100}, OK),
    ("itemLines 101", {"itemLines": [item()] * 101}, "ItemLines"),
    ("itemLine without amountTotal", {"itemLines": [{"name": "Tea"}]}, "ItemLines[0].AmountTotal"),
    ("itemLine quantity 0", {"itemLines": [item(quantity=0)]}, "ItemLines[0].Quantity"),
    ("itemLine name 101", {"itemLines": [item(name="n" * 101)]}, "ItemLines[0].Name"),
    ("itemLine id 61", {"itemLines": [item(id="i" * 61)]}, "ItemLines[0].Id"),
    ("itemLine plu 201", {"itemLines": [item(plu="p" * 201)]}, "ItemLines[0].Plu"),
    ("itemLine other currency", {"itemLines": [item(amountTotal=money(1, "EUR"))]}, "ItemLines[0].AmountTotal.CurrencyCode"),
    ("taxLine caption 101", {"taxLines": [{"caption": "c" * 101, "amountTotal": money(1)}]}, "TaxLines[0].Caption"),
    ("paymentMethods all", {"paymentMethods": ["Card", "Wallet", "SavedCard"]}, OK),
    ("paymentMethods empty", {"paymentMethods": []}, "PaymentMethods"),
    ("paymentMethods repeated", {"paymentMethods": ["Card", "Card"]}, "PaymentMethods"),
    ("paymentMethods unknown", {"paymentMethods": ["Cash"]}, "PaymentMethods[0]"),
    ("actionLink ok", {"actionLink": {"url": "https://x.example/r.pdf", "action": "DownloadFile", "label": "l" * 60}}, OK),
    ("actionLink label empty", {"actionLink": {"url": "https://x.example", "label": ""}}, "ActionLink.Label"),
    ("actionLink label 61", {"actionLink": {"url": "https://x.example", "label": "l" * 61}}, "ActionLink.Label"),
    ("actionLink no url", {"actionLink": {"label": "Go"}}, "ActionLink.Url"),
    ("actionLink bad action", {"actionLink": {"url": "https://x.example", "label": "Go", "action": "Open"}}, "ActionLink.Action"),
    ("expireAt in a day", {"expireAt": iso(timedelta(days=1))}, OK),
    ("expireAt in the past", {"expireAt": iso(timedelta(minutes=-1))}, "ExpireAt"),
    ("expireAt past 90 days", {"expireAt": iso(timedelta(days=91))}, "ExpireAt"),
    ("expireAt not a date", {"expireAt": "tomorrow"}, "ExpireAt"),
    ("expireAt year 1 +01:00", {"expireAt": "0001-01-01T00:00:00+01:00"}, "ExpireAt"),
    ("autoExpireIn Manual 31 s", {"captureMode": "Manual", "autoExpireIn": "00:00:31", "autoExpireAction": "Capture"}, OK),
    ("autoExpireIn Manual 30 s", {"captureMode": "Manual", "autoExpireIn": "00:00:30"}, "AutoExpireIn"),
    ("autoExpireIn just under 7 days", {"captureMode": "Manual", "autoExpireIn": "6.23:59:59"}, OK),
    ("autoExpireIn 7 days", {"captureMode": "Manual", "autoExpireIn": "7.00:00:00"}, "AutoExpireIn"),
    ("autoExpireIn garbage", {"captureMode": "Manual", "autoExpireIn": "soon"}, "AutoExpireIn"),
    ("autoExpireIn in Auto mode", {"autoExpireIn": "01:00:00"}, "AutoExpireIn"),
    ("autoExpireAction in Auto mode", {"autoExpireAction": "Release"}, "AutoExpireAction"),
    ("autoExpireAction unknown", {"captureMode": "Manual", "autoExpireAction": "Void"}, "AutoExpireAction"),
    ("metadata 50 keys", {"metadata": {f"k{i}": "v" for i in range(50)}}, OK),
    ("metadata 51 keys", {"metadata": {f"k{i}": "v" for i in range(51)}}, "Metadata"),
    ("metadata key 41", {"metadata": {"k" * 41: "v"}}, "Metadata"),
    ("metadata empty key", {"metadata": {"": "v"}}, "Metadata"),
    ("metadata value 500", {"metadata": {"k": "v" * 500}}, OK),
    ("metadata value 501", {"metadata": {"k": "v" * 501}}, "Metadata.K"),
    ("metadata value number", {"metadata": {"k": 1}}, "Metadata.K"),
    ("setupIntentId unknown", {"setupIntentId": "si_sandbox_x"}, "SetupIntentId"),
    ("orderDetails isUpdate string", {"orderDetails": {"isUpdate": "yes"}}, "OrderDetails.IsUpdate"),
    ("generateRemoteToken string", {"generateRemoteToken": "no"}, "GenerateRemoteToken"),
    ("paymentSource 50", {"paymentSource": "p" * 50}, OK),
    ("paymentSource 51", {"paymentSource": "p" * 51}, "PaymentSource"),
    ("unknown field (ignored)", {"foo": 1}, OK),
    ("PascalCase twice", {"Reference": "x"}, "Reference"),
    ("cardHolderNotPresent null", {"cardHolderNotPresent": None}, OK),
    ("customer secret null", {"customer": {"secret": None, "savedCardId": None}}, OK),
    ("actionLink action null", {"actionLink": {"url": "https://x.example", "label": "Go", "action": None}}, OK),
    ("itemLine amountTotal null", {"itemLines": [item(amountTotal=None)]}, OK),
    ("expireAt as a number", {"expireAt": 1893456000}, "ExpireAt"),
    ("transactionSource (2022 only, ignored)", {"transactionSource": "MOTO"}, OK),
    ("NUL in reference", {"reference": "a\u0000b"}, "Reference"),
    ("NUL in metadata", {"metadata": {"k": "\u0000"}}, "Metadata"),
]  # fmt: skip


def seed(changes: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"amount": money(), "reference": "Order 245"}
    for key, value in changes.items():
        if value is ...:
            body.pop(key, None)
        else:
            body[key] = value
    return body


@pytest.mark.parametrize(("changes", "field"), [c[1:] for c in CREATE], ids=[c[0] for c in CREATE])
async def test_create_limits(api: Api, changes: dict[str, Any], field: str | None) -> None:
    response = await api.request("POST", "/payment-intents", json=seed(changes))
    if field is OK:
        assert response.status_code == 200, response.text
        return
    problem = assert_problem(response, 400)
    assert any(name.startswith(field) for name in problem["errors"]), problem["errors"]
    assert all(problem["errors"].values())
    # Nothing was created.
    listed = await api.request("POST", "/payment-intents/search", json={})
    assert listed.json()["data"] == []


def test_the_table_covers_every_request_field_of_spec_2_3() -> None:
    from tender.service.inputs import CreatePaymentIntent

    fields = {f.alias for f in CreatePaymentIntent.model_fields.values()}
    covered = {key for _, changes, _ in CREATE for key in changes}
    assert fields <= covered, fields - covered


SEARCH: list[tuple[str, dict[str, Any], str | None]] = [
    ("empty body", {}, OK),
    ("limit 1", {"cursor": {"limit": 1}}, OK),
    ("limit 100", {"cursor": {"limit": 100}}, OK),
    ("limit 0", {"cursor": {"limit": 0}}, "Cursor.Limit"),
    ("limit 101", {"cursor": {"limit": 101}}, "Cursor.Limit"),
    ("limit string", {"cursor": {"limit": "10"}}, "Cursor.Limit"),
    ("before and after", {"cursor": {"before": "x", "after": "y"}}, "Cursor"),
    ("garbage after", {"cursor": {"after": "not-a-cursor"}}, "Cursor.After"),
    ("garbage before", {"cursor": {"before": "IjEi"}}, "Cursor.Before"),
    ("all statuses", {"statuses": ["Created", "Authorized", "Captured", "Reversed", "Refunded", "Canceled"]}, OK),
    ("unknown status", {"statuses": ["Paid"]}, "Statuses[0]"),
    ("seven statuses", {"statuses": ["Created"] * 7}, "Statuses"),
    ("dates", {"startDate": "2024-01-01T00:00:00Z", "endDate": "2024-01-02T00:00:00Z"}, OK),
    ("start after end", {"startDate": "2024-01-02T00:00:00Z", "endDate": "2024-01-01T00:00:00Z"}, "StartDate"),
    ("bad date", {"startDate": "yesterday"}, "StartDate"),
    ("unknown field (ignored)", {"paymentSource": "api"}, OK),
    ("cursor null", {"cursor": None}, OK),
    ("cursor members null", {"cursor": {"before": None, "after": None}}, OK),
    ("startDate 0", {"startDate": 0}, "StartDate"),
    ("startDate digits", {"startDate": "1700000000"}, "StartDate"),
    ("endDate true", {"endDate": True}, "EndDate"),
    ("cursor twice", {"cursor": {"limit": 1}, "Cursor": {"limit": 2}}, "Cursor"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field"), [c[1:] for c in SEARCH], ids=[c[0] for c in SEARCH])
async def test_search_limits(api: Api, body: dict[str, Any], field: str | None) -> None:
    response = await api.request("POST", "/payment-intents/search", json=body)
    if field is OK:
        assert response.status_code == 200, response.text
        return
    problem = assert_problem(response, 400)
    assert any(name.startswith(field) for name in problem["errors"]), problem["errors"]


EDITS: list[tuple[str, str, dict[str, Any], str | None]] = [
    ("amount ok", "amount", {"amount": money(2000)}, OK),
    ("amount with lines", "amount", {"amount": money(300), "itemLines": [item()]}, OK),
    ("amount zero", "amount", {"amount": money(0)}, "Amount.Value"),
    ("amount other currency", "amount", {"amount": money(10, "EUR")}, "Amount.CurrencyCode"),
    ("amount line other currency", "amount", {"amount": money(10), "itemLines": [item(amountTotal=money(1, "EUR"))]}, "ItemLines[0].AmountTotal.CurrencyCode"),
    ("amount missing", "amount", {}, "Amount"),
    ("amount unknown field (ignored)", "amount", {"amount": money(), "tipsAmount": money()}, OK),
    ("tips ok", "tips-amount", {"tipsAmount": money(150)}, OK),
    ("tips zero", "tips-amount", {"tipsAmount": money(0)}, OK),
    ("tips negative", "tips-amount", {"tipsAmount": money(-1)}, "TipsAmount.Value"),
    ("tips other currency", "tips-amount", {"tipsAmount": money(1, "USD")}, "TipsAmount.CurrencyCode"),
    ("tips missing", "tips-amount", {}, "TipsAmount"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "body", "field"), [c[1:] for c in EDITS], ids=[c[0] for c in EDITS]
)
async def test_amount_and_tips_limits(
    api: Api, path: str, body: dict[str, Any], field: str | None
) -> None:
    intent = await api.create(
        config={"payment": {"customAmountAllowed": True, "tipsAllowed": True}}
    )
    response = await api.request("POST", f"/payment-intents/{intent['id']}/{path}", json=body)
    if field is OK:
        assert response.status_code == 200, response.text
        return
    problem = assert_problem(response, 400)
    assert any(name.startswith(field) for name in problem["errors"]), problem["errors"]
    after = (await api.get(intent["id"])).json()
    assert after == intent
