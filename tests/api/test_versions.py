"""The ``version`` header selects the request and response shapes of Dojo's documents
(service/versions.py): Dojo's PHP SDK sends 2022-04-07 and reads a flat ``paymentDetails``."""

import pytest

from tests.conftest import Api, assert_problem
from tests.payhelp import pay

GBP = {"value": 1000, "currencyCode": "GBP"}
V2022 = {"version": "2022-04-07"}


@pytest.mark.parametrize("version", ["1999-01-01", "2022-04-06", "latest", "2024-02-30", ""])
async def test_an_unknown_version_is_refused_with_the_supported_ones(
    api: Api, version: str
) -> None:
    response = await api.request(
        "POST", "/payment-intents", json={"amount": GBP, "reference": "r"},
        headers={"version": version},
    )  # fmt: skip
    problem = assert_problem(response, 400)
    [message] = problem["errors"]["Version"]
    assert "2022-04-07, 2024-02-05, 2025-09-10" in message
    assert (await api.request("POST", "/payment-intents/search", json={})).json()["data"] == []


async def test_a_date_selects_the_newest_version_released_by_then(api: Api) -> None:
    intent = await api.create()
    for version, has_link in (("2023-06-01", False), ("2024-02-05", True), ("2031-01-01", True)):
        response = await api.request(
            "GET", f"/payment-intents/{intent['id']}", headers={"version": version}
        )
        assert response.status_code == 200, response.text
        assert ("paymentLink" in response.json()) is has_link, version


async def test_2022_requests_and_answers_keep_2022_shapes(api: Api) -> None:
    body = {
        "amount": GBP,
        "reference": "Order 234",
        "transactionSource": "MOTO",
        "itemLines": [{"caption": "Tea", "quantity": 2, "amountTotal": GBP, "plu": "T-1"}],
        "cardHolderNotPresent": False,  # 2024-02-05's name: not 2022's, so ignored
    }
    response = await api.request("POST", "/payment-intents", json=body, headers=V2022)
    assert response.status_code == 200, response.text
    assert response.headers["Tender-Ignored-Fields"] == "itemLines[0].plu, cardHolderNotPresent"
    old = response.json()
    assert old["itemLines"] == [{"caption": "Tea", "quantity": 2, "amountTotal": GBP}]
    for newer in ("cardHolderNotPresent", "captures", "paymentLink", "cashbackAmount"):
        assert newer not in old, newer
    assert (await pay(api.client, old["clientSessionSecret"]))["statusCode"] == 0

    paid = (await api.request("GET", f"/payment-intents/{old['id']}", headers=V2022)).json()
    assert paid["paymentDetails"] == {
        "transactionDateTime": paid["paymentDetails"]["transactionDateTime"],
        "message": "Authorised",
        "authCode": paid["paymentDetails"]["authCode"],
        "cardNumber": "************4242",
        "cardName": "Ada Lovelace",
        "expiryDate": "12/39",
        "cardType": "VISA",
        "statusCode": 0,
    }
    now = (await api.get(old["id"])).json()  # the same intent in 2024-02-05's shape
    assert now["cardHolderNotPresent"] is True  # MOTO: the cardholder is not present
    assert now["itemLines"][0]["name"] == "Tea" and "caption" not in now["itemLines"][0]
    assert now["paymentDetails"]["card"]["cardNumber"] == "************4242"
    assert "cardNumber" not in now["paymentDetails"]
    search = await api.request("POST", "/payment-intents/search", json={}, headers=V2022)
    assert search.json()["data"] == [paid]


async def test_2022_refuses_what_2022_refused(api: Api) -> None:
    body = {"amount": GBP, "reference": "r", "transactionSource": "ECOM"}
    problem = assert_problem(
        await api.request("POST", "/payment-intents", json=body, headers=V2022), 400
    )
    assert "TransactionSource" in problem["errors"]
    ignored = await api.request(
        "POST", "/payment-intents", json={**body, "transactionSource": "MOTO"}
    )
    assert ignored.headers["Tender-Ignored-Fields"] == "transactionSource"  # 2024: not a field


async def test_2022_movements_ignore_later_members(api: Api) -> None:
    intent = await api.create(captureMode="Manual")
    await pay(api.client, intent["clientSessionSecret"])
    captured = await api.request(
        "POST", f"/payment-intents/{intent['id']}/captures",
        json={"amount": 400, "tipsAmount": 100}, headers=V2022,
    )  # fmt: skip
    assert captured.status_code == 200, captured.text
    assert captured.headers["Tender-Ignored-Fields"] == "tipsAmount"
    assert (await api.get(intent["id"])).json()["capturedAmount"] == 400


async def test_a_replay_is_shaped_for_the_version_of_the_retry(api: Api) -> None:
    body = {"amount": GBP, "reference": "r"}
    first = await api.request(
        "POST", "/payment-intents", json=body, headers={"idempotencyKey": "k"}
    )
    again = await api.request(
        "POST", "/payment-intents", json=body, headers={"idempotencyKey": "k", **V2022}
    )
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert "paymentLink" in first.json() and "paymentLink" not in again.json()
