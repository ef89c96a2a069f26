"""Setup intents end to end over HTTP (both databases): create, authorize a card with the
client session secret (3-D Secure as the card calls for it), read, cancel or close, refresh."""

from datetime import timedelta

from tender.clock import ShiftedClock
from tender.service.context import Context
from tender.service.expiry import expire_due
from tests.conftest import Api, assert_problem
from tests.payhelp import pay
from tests.setuphelp import TERMS, authorize, authorized_setup, create_setup


async def test_create_answers_a_created_setup_intent_with_a_secret(api: Api) -> None:
    setup = await create_setup(api, metadata={"booking": "B-17"})
    assert setup["id"].startswith("si_sandbox_")
    assert setup["status"] == "Created"
    assert setup["terms"] == TERMS
    assert setup["intendedAmount"] == {"value": 1000, "currencyCode": "GBP"}
    assert setup["merchantInitiatedTransactionType"] == "NoShow"
    assert setup["metadata"] == {"booking": "B-17"}
    assert setup["setupEvents"] == []
    assert setup["clientSessionSecret"]
    got = await api.request("GET", f"/setup-intents/{setup['id']}")
    assert got.status_code == 200
    assert got.json()["clientSessionSecret"] == setup["clientSessionSecret"]


async def test_create_refuses_missing_terms_and_bad_currency(api: Api) -> None:
    body = {"reference": "x", "merchantInitiatedTransactionType": "NoShow"}
    assert_problem(await api.request("POST", "/setup-intents", json=body), 400)
    body |= {"terms": "t", "intendedAmount": {"value": 5, "currencyCode": "JPY"}}
    problem = assert_problem(await api.request("POST", "/setup-intents", json=body), 400)
    assert "IntendedAmount.CurrencyCode" in problem["errors"]


async def test_a_3ds_card_authorizes_it_and_nothing_is_charged(api: Api) -> None:
    setup = await authorized_setup(api, "4456 5300 0000 1096")
    assert setup["clientSessionSecret"] == ""
    details = setup["paymentDetails"]
    assert details["card"]["cardNumber"].endswith("1096")
    assert "4456530000001096" not in str(setup)
    events = [e["eventType"] for e in setup["setupEvents"]]
    assert events == ["AuthChallenged", "Authorized"]


async def test_a_frictionless_card_and_a_wallet_authorize_without_a_challenge(api: Api) -> None:
    setup = await create_setup(api)
    result = await pay(api.client, setup["clientSessionSecret"], "4000 0000 0000 3220")
    assert result["statusCode"] == 0, result
    assert result["setupIntentId"] == setup["id"]
    wallet = await create_setup(api)
    response = await api.client.post(
        f"/api/payments/{wallet['clientSessionSecret']}/google-pay", json={}
    )
    assert response.json()["statusCode"] == 0
    got = await api.request("GET", f"/setup-intents/{wallet['id']}")
    assert got.json()["status"] == "Authorized"


async def test_a_declined_card_leaves_it_created_and_the_secret_spent(api: Api) -> None:
    setup = await create_setup(api)
    secret = setup["clientSessionSecret"]
    result = await pay(api.client, secret, "4000 0000 0000 0002")
    assert result["statusCode"] == 5
    again = await pay(api.client, secret, "4242 4242 4242 4242")
    assert again["statusCode"] == 401
    got = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert got["status"] == "Created"
    assert [e["eventType"] for e in got["setupEvents"]] == ["Declined"]
    fresh = await api.client.post(
        f"/setup-intents/public/{setup['id']}/refresh-client-session-secret",
        headers={"version": "2024-02-05"},
    )
    assert fresh.status_code == 200
    assert (await pay(api.client, fresh.json()["clientSessionSecret"]))["statusCode"] == 0


async def test_a_rejected_challenge_declines(api: Api) -> None:
    from tests.payhelp import complete, decide

    setup = await create_setup(api)
    secret = setup["clientSessionSecret"]
    result = await pay(api.client, secret, "4456 5300 0000 1096")
    assert result["statusCode"] == 3
    await decide(api.client, result["md"], "reject")
    assert (await complete(api.client, secret, result["md"]))["statusCode"] == 5


async def test_delete_cancels_a_created_one_and_closes_an_authorized_one(api: Api) -> None:
    created = await create_setup(api)
    response = await api.request("DELETE", f"/setup-intents/{created['id']}")
    assert response.status_code == 200
    assert response.json()["status"] == "Canceled"
    again = assert_problem(await api.request("DELETE", f"/setup-intents/{created['id']}"), 409)
    assert again["currentStatus"] == "Canceled"
    authorized = await authorized_setup(api, "4242 4242 4242 4242")
    closed = await api.request("DELETE", f"/setup-intents/{authorized['id']}")
    assert closed.json()["status"] == "Closed"
    old = await api.request(
        "GET", f"/setup-intents/{authorized['id']}", headers={"version": "2022-04-07"}
    )
    assert old.json()["status"] == "Canceled"  # 2022-04-07 has no Closed


async def test_public_views_and_refresh(api: Api) -> None:
    setup = await create_setup(api, customer={"emailAddress": "ada@example.com"})
    public = await api.client.get(
        f"/setup-intents/public/{setup['id']}", headers={"version": "2024-02-05"}
    )
    assert public.status_code == 200
    assert "clientSessionSecret" not in public.json()
    assert "customer" not in public.json()
    assert public.json()["terms"] == TERMS
    refreshed = await api.request(
        "POST", f"/setup-intents/{setup['id']}/refresh-client-session-secret"
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["clientSessionSecret"] != setup["clientSessionSecret"]
    old = await pay(api.client, setup["clientSessionSecret"])
    assert old["statusCode"] == 404


async def test_other_accounts_see_nothing(api: Api, other_api: Api) -> None:
    setup = await create_setup(api)
    assert_problem(await other_api.request("GET", f"/setup-intents/{setup['id']}"), 404)
    assert_problem(await other_api.request("DELETE", f"/setup-intents/{setup['id']}"), 404)


async def test_create_is_idempotent(api: Api, ctx: Context) -> None:
    body = {"reference": "r", "merchantInitiatedTransactionType": "Unscheduled", "terms": "t"}
    first = await api.request("POST", "/setup-intents", json=body, headers={"idempotencyKey": "k"})
    second = await api.request("POST", "/setup-intents", json=body, headers={"idempotencyKey": "k"})
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["Idempotent-Replayed"] == "true"


async def test_versions_shape_the_answer(api: Api) -> None:
    setup = await create_setup(api)
    for version in ("2022-04-07", "2025-09-10"):
        got = await api.request(
            "GET", f"/setup-intents/{setup['id']}", headers={"version": version}
        )
        assert got.status_code == 200
        assert ("expireAt" in got.json()) is (version != "2022-04-07")


async def test_authorize_helper_works_for_a_frictionless_card(api: Api) -> None:
    setup = await create_setup(api)
    assert (await authorize(api.client, setup["clientSessionSecret"], "5555 5555 5555 4444"))[
        "statusCode"
    ] == 0


async def test_expiry_sweep_expires_unauthorized_and_marks_expired_cards(
    api: Api, ctx: Context, clock: ShiftedClock
) -> None:
    unauthorized = await create_setup(api, expireAt=(clock() + timedelta(days=1)).isoformat())
    authorized = await create_setup(api)
    result = await pay(api.client, authorized["clientSessionSecret"], expiry="02 / 27")
    assert result["statusCode"] == 0
    assert await expire_due(ctx) == 0
    clock.advance(timedelta(days=2))
    assert await expire_due(ctx) >= 1
    gone = (await api.request("GET", f"/setup-intents/{unauthorized['id']}")).json()
    assert gone["status"] == "Expired"
    assert gone["clientSessionSecret"] == ""
    clock.advance(timedelta(days=500))
    await expire_due(ctx)
    card = (await api.request("GET", f"/setup-intents/{authorized['id']}")).json()
    assert card["status"] == "CardExpired"
    assert card["setupEvents"][-1]["eventType"] == "Error"


async def test_2022_requests_know_no_expire_at(api: Api) -> None:
    body = {
        "reference": "r", "merchantInitiatedTransactionType": "NoShow", "terms": "t",
        "expireAt": "2099-01-01T00:00:00Z",
    }  # fmt: skip
    response = await api.request(
        "POST", "/setup-intents", json=body, headers={"version": "2022-04-07"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["Tender-Ignored-Fields"] == "expireAt"
