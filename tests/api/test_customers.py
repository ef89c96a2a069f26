"""Dojo's Customers API over HTTP: create, read (one or several ids), update, delete, search
with cursors, secrets, and the customer-side saved-card endpoints (runs on both databases)."""

from datetime import timedelta
from typing import Any

from tender.clock import ShiftedClock
from tender.service.context import Context
from tests.api.test_card_secrecy import dump
from tests.conftest import Api, assert_problem
from tests.customerhelp import customer, methods, save_card, secret

ADDRESS = {
    "address1": "2 Canalside Walk",
    "city": "London",
    "postcode": "W2 1DG",
    "countryCode": "GB",
}


async def test_create_get_update_delete(api: Api) -> None:
    made = await customer(api, phoneNumber="078976534161", billingAddress=ADDRESS)
    assert made["id"].startswith("cust_sandbox_")
    assert (made["name"], made["documentVersion"]) == ("Ada Lovelace", 0)
    assert made["billingAddress"]["city"] == "London"
    got = await api.request("GET", f"/customers/{made['id']}")
    assert got.status_code == 200 and got.json() == [made]
    patched = await api.request(
        "PATCH", f"/customers/{made['id']}", json={"Name": "Ada King", "phoneNumber": None}
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["name"], body["documentVersion"]) == ("Ada King", 1)
    assert "phoneNumber" not in body and body["emailAddress"] == "ada@shop.example"
    deleted = await api.request("DELETE", f"/customers/{made['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_problem(await api.request("GET", f"/customers/{made['id']}"), 404)
    assert_problem(await api.request("DELETE", f"/customers/{made['id']}"), 404)


async def test_get_takes_several_ids_and_keeps_their_order(api: Api) -> None:
    a, b = await customer(api, name="A"), await customer(api, name="B")
    got = await api.request("GET", f"/customers/{b['id']},{a['id']},cust_sandbox_nobody")
    assert [c["name"] for c in got.json()] == ["B", "A"]


async def test_bad_input_is_a_problem_and_changes_nothing(api: Api) -> None:
    for body in (
        {"name": "x" * 101},
        {"emailAddress": "not an address"},
        {"phoneNumber": "123"},
        {"billingAddress": {"city": "London"}},  # countryCode is required
        {"name": 7},
    ):
        assert_problem(await api.request("POST", "/customers", json=body), 400)
    listed = await api.request("POST", "/customers/search", json={})
    assert listed.json()["data"] == []
    assert_problem(await api.request("POST", "/customers/search", json={"limit": 0}), 400)
    bad_cursor = await api.request("POST", "/customers/search", json={"after": "nope"})
    assert "After" in assert_problem(bad_cursor, 400)["errors"]
    no_key = await api.client.post("/customers", json={}, headers={"version": "2024-02-05"})
    assert_problem(no_key, 401)


async def test_another_accounts_customer_is_not_found(api: Api, other_api: Api) -> None:
    theirs = await customer(other_api)
    assert_problem(await api.request("GET", f"/customers/{theirs['id']}"), 404)
    assert_problem(await api.request("PATCH", f"/customers/{theirs['id']}", json={}), 404)
    assert_problem(await api.request("POST", f"/customers/{theirs['id']}/create-secret"), 404)


async def test_create_and_update_are_idempotent(api: Api) -> None:
    headers = {"idempotencyKey": "cust-1"}
    first = await api.request("POST", "/customers", json={"name": "A"}, headers=headers)
    again = await api.request("POST", "/customers", json={"name": "A"}, headers=headers)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = await api.request("POST", "/customers", json={"name": "B"}, headers=headers)
    assert_problem(other, 422)
    path = f"/customers/{first.json()['id']}"
    for _ in range(2):
        patched = await api.request(
            "PATCH", path, json={"name": "C"}, headers={"idempotencyKey": "p"}
        )
    assert patched.json()["documentVersion"] == 1
    searched = await api.request("POST", "/customers/search", json={})
    assert len(searched.json()["data"]) == 1


async def test_search_pages_newest_first_both_ways(api: Api, clock: ShiftedClock) -> None:
    names = []
    for i in range(5):
        names.append((await customer(api, name=f"c{i}"))["name"])
        clock.advance(timedelta(seconds=1))
    first = (await api.request("POST", "/customers/search", json={"limit": 2})).json()
    assert [c["name"] for c in first["data"]] == ["c4", "c3"] and first["before"] is None
    second = await api.request(
        "POST", "/customers/search", json={"limit": 2, "after": first["after"]}
    )
    page = second.json()
    assert [c["name"] for c in page["data"]] == ["c2", "c1"]
    back = await api.request(
        "POST", "/customers/search", json={"limit": 2, "before": page["before"]}
    )
    assert [c["name"] for c in back.json()["data"]] == ["c4", "c3"]
    last = await api.request("POST", "/customers/search", json={"limit": 2, "after": page["after"]})
    assert [c["name"] for c in last.json()["data"]] == ["c0"] and last.json()["after"] is None


def public(cs: str | None) -> dict[str, str]:
    headers = {"version": "2024-02-05"}
    if cs is not None:
        headers["Authorization"] = f"Basic {cs}"
    return headers


async def test_a_secret_opens_its_own_customer_only(api: Api, clock: ShiftedClock) -> None:
    ada, bob = await customer(api), await customer(api, name="Bob")
    await save_card(api, bob["id"])
    made = await api.request("POST", f"/customers/{ada['id']}/create-secret")
    body = made.json()
    assert body["secret"].startswith("cs_sandbox_") and body["expireAt"] > body["createdAt"]
    cs = body["secret"]
    mine = await api.client.get(
        f"/customers/public/{ada['id']}/payment-methods", headers=public(cs)
    )
    assert mine.status_code == 200 and mine.json()["savedPaymentMethods"] == []
    assert mine.json()["customerId"] == ada["id"]
    theirs = f"/customers/public/{bob['id']}/payment-methods"
    assert_problem(await api.client.get(theirs, headers=public(cs)), 404)
    [card] = await methods(api, bob["id"], await secret(api, bob["id"]))
    assert_problem(await api.client.delete(f"{theirs}/{card['id']}", headers=public(cs)), 404)
    mine_path = f"/customers/public/{ada['id']}/payment-methods"
    assert_problem(await api.client.delete(f"{mine_path}/{card['id']}", headers=public(cs)), 404)
    assert_problem(await api.client.get(mine_path, headers=public(None)), 401)
    assert_problem(await api.client.get(mine_path, headers=public("cs_sandbox_guess")), 401)
    assert_problem(await api.client.get(mine_path, headers=public(api.key)), 401)
    clock.advance(timedelta(minutes=16))
    assert_problem(await api.client.get(mine_path, headers=public(cs)), 401)


async def test_the_customer_deletes_a_saved_card(api: Api) -> None:
    ada = await customer(api)
    await save_card(api, ada["id"])
    cs = await secret(api, ada["id"])
    [card] = await methods(api, ada["id"], cs)
    assert card["id"].startswith("pm_sandbox_")
    assert card["cardDetails"] == {
        "pan": "************0056",
        "expiryDate": "2039-12-31",
        "scheme": "MASTERCARD",
    }
    path = f"/customers/public/{ada['id']}/payment-methods/{card['id']}"
    gone = await api.client.delete(path, headers={**public(cs), "idempotencyKey": "d1"})
    assert gone.status_code == 204
    replay = await api.client.delete(path, headers={**public(cs), "idempotencyKey": "d1"})
    assert replay.status_code == 204
    assert_problem(await api.client.delete(path, headers=public(cs)), 404)
    assert await methods(api, ada["id"], cs) == []


async def test_deleting_a_customer_deletes_its_cards(api: Api) -> None:
    ada = await customer(api)
    intent = await save_card(api, ada["id"])
    cs = await secret(api, ada["id"])
    assert len(await methods(api, ada["id"], cs)) == 1
    assert (await api.request("DELETE", f"/customers/{ada['id']}")).status_code == 204
    path = f"/customers/public/{ada['id']}/payment-methods"
    assert_problem(await api.client.get(path, headers=public(cs)), 401)
    paid: dict[str, Any] = (await api.get(intent["id"])).json()
    assert paid["status"] == "Captured"  # its payments stay


async def test_the_customer_side_answers_cors_for_a_merchants_page(api: Api) -> None:
    ada = await customer(api)
    path = f"/customers/public/{ada['id']}/payment-methods"
    preflight = await api.client.options(
        path,
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, version",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    private = await api.client.options(
        "/customers",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in private.headers


async def test_a_customer_secret_is_stored_hashed_only(api: Api, ctx: Context) -> None:
    ada = await customer(api)
    cs = await secret(api, ada["id"])
    rows = await dump(ctx)
    assert "customer_secrets" in rows and cs not in rows
    assert cs.removeprefix("cs_sandbox_") not in rows
