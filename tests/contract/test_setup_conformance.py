"""Each setup-intent operation and the merchant-initiated charge, in each API version: the
answers validate against the schema Dojo's document gives that operation and status (checked
here explicitly; the Recorder checks every answer of the suite as well)."""

import json
from typing import Any

import httpx
import pytest

from tests.conftest import Api
from tests.contract import conformance
from tests.setuphelp import authorize

VERSIONS = ["2022-04-07", "2024-02-05", "2025-09-10"]
SI = "/setup-intents/{setupIntentId}"
PUBLIC = "/setup-intents/public/{setupIntentId}"


def conforms(version: str, method: str, template: str, response: httpx.Response) -> None:
    found = conformance.check(version, method, template, response.status_code, response.content)
    assert found == [], (method, template, response.status_code, found)


async def _create(api: Api, version: str) -> dict[str, Any]:
    body = {
        "reference": "Table 4",
        "merchantInitiatedTransactionType": "NoShow",
        "terms": "The booking fee is charged if you do not come.",
        "intendedAmount": {"value": 1000, "currencyCode": "GBP"},
        "description": "Booking",
        "metadata": {"table": "4"},
        "customer": {"emailAddress": "ada@example.com"},
    }
    response = await api.request("POST", "/setup-intents", json=body, headers={"version": version})
    assert response.status_code == 200, response.text
    conforms(version, "post", "/setup-intents", response)
    return dict(response.json())


@pytest.mark.parametrize("version", VERSIONS)
async def test_every_setup_intent_operation_conforms(api: Api, version: str) -> None:
    v = {"version": version}
    setup = await _create(api, version)
    sid = setup["id"]
    conforms(version, "get", SI, await api.request("GET", f"/setup-intents/{sid}", headers=v))
    public = await api.client.get(f"/setup-intents/public/{sid}", headers=v)
    conforms(version, "get", PUBLIC, public)
    refresh = await api.request(
        "POST", f"/setup-intents/{sid}/refresh-client-session-secret", headers=v
    )
    conforms(version, "post", f"{SI}/refresh-client-session-secret", refresh)
    public_refresh = await api.client.post(
        f"/setup-intents/public/{sid}/refresh-client-session-secret", headers=v
    )
    conforms(version, "post", f"{PUBLIC}/refresh-client-session-secret", public_refresh)
    secret = public_refresh.json()["clientSessionSecret"]
    assert (await authorize(api.client, secret, "4456 5300 0000 1096"))["statusCode"] == 0
    authorized = await api.request("GET", f"/setup-intents/{sid}", headers=v)
    conforms(version, "get", SI, authorized)
    assert authorized.json()["setupEvents"]

    other = (await _create(api, version))["id"]
    canceled = await api.request("DELETE", f"/setup-intents/{other}", headers=v)
    conforms(version, "delete", SI, canceled)
    closed = await api.request("DELETE", f"/setup-intents/{sid}", headers=v)
    conforms(version, "delete", SI, closed)
    problem = await api.request("DELETE", f"/setup-intents/{sid}", headers=v)
    assert problem.status_code == 409
    conforms(version, "delete", SI, problem)
    missing = await api.request("GET", "/setup-intents/si_sandbox_missing", headers=v)
    assert missing.status_code == 404
    conforms(version, "get", SI, missing)


@pytest.mark.parametrize("version", VERSIONS)
async def test_charge_answers_conform(api: Api, version: str) -> None:
    v = {"version": version}
    charge = "/payment-intents/{paymentIntentId}/charge"
    for card, status in (
        ("4242 4242 4242 4242", "Successful"),
        ("4000 0000 0000 0374", "Declined"),
    ):
        setup = await _create(api, version)
        result = await authorize(api.client, setup["clientSessionSecret"], card)
        assert result["statusCode"] == 0
        intent = await api.create(setupIntentId=setup["id"])
        response = await api.request("POST", f"/payment-intents/{intent['id']}/charge", headers=v)
        assert response.json()["status"] == status, response.text
        conforms(version, "post", charge, response)
        created = await api.request("GET", f"/payment-intents/{intent['id']}", headers=v)
        conforms(version, "get", "/payment-intents/{paymentIntentId}", created)
        assert ("setupIntentId" in created.json()) is (version != "2022-04-07")
    again = await api.request("POST", f"/payment-intents/{intent['id']}/charge", headers=v)
    assert again.status_code in (200, 409)
    conforms(version, "post", charge, again)
    bad = await api.request("POST", f"/payment-intents/{(await api.create())['id']}/charge")
    assert bad.status_code == 400
    assert json.loads(bad.content)["errors"]
