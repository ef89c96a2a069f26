"""The webhook management API of spec §5.1: shapes, account scoping, errors, idempotency."""

import re

from tender.api.webhook_schemas import (
    EventCatalogueEntry,
    Subscription,
    SubscriptionSecrets,
)
from tests.conftest import VERSION, Api, assert_problem

URL = "https://merchant.example/dojo/webhooks"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")


async def create(api: Api, **fields) -> dict:
    body = {"events": ["payment_intent.status_updated"], "url": URL, **fields}
    response = await api.request("POST", "/webhooks", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_event_catalogue(api: Api) -> None:
    """Every event Dojo documents, under the model names of Dojo's example."""
    response = await api.request("GET", "/webhooks/events")
    assert response.status_code == 200
    entries = [EventCatalogueEntry.model_validate(e) for e in response.json()]
    assert {entry.model: entry.events for entry in entries} == {
        "PaymentIntent": [
            "payment_intent.created",
            "payment_intent.updated",
            "payment_intent.status_updated",
            "payment_intent.send-receipt",
        ],
        "Payment": ["payment.successful"],
        "SetupIntent": ["setup_intent.created", "setup_intent.status_updated"],
        "Order": ["order.created"],
    }


async def test_unknown_events_are_refused_with_the_known_ones(api: Api) -> None:
    body = {"events": ["payment_intent.created", "payment_intent.paid"], "url": URL}
    problem = assert_problem(await api.request("POST", "/webhooks", json=body), 400)
    [message] = problem["errors"]["Events[1]"]
    assert "'payment_intent.paid'" in message
    for known in ("payment_intent.status_updated", "setup_intent.created", "payment.successful"):
        assert known in message
    # Dojo's own examples subscribe to these.
    body = {"events": ["payment_intent.created", "payment.successful", "order.created"], "url": URL}
    assert (await api.request("POST", "/webhooks", json=body)).status_code == 200


async def test_create_answers_a_subscription_with_one_active_secret(api: Api) -> None:
    sub = await create(api, description="orders")
    Subscription.model_validate(sub)
    assert re.fullmatch(r"ws_sandbox_[A-Za-z0-9_-]{22}", sub["id"])
    assert sub["accountId"] == api.account_id
    assert sub["events"] == ["payment_intent.status_updated"]
    assert (sub["url"], sub["description"]) == (URL, "orders")
    [secret] = sub["secrets"]
    assert re.fullmatch(r"sc_sandbox_[A-Za-z0-9_-]{22}", secret["id"])
    assert len(secret["value"]) == 22 and secret["isActive"] is True
    assert secret["lastUsedAt"] is None
    assert ISO.match(sub["createdAt"]) and ISO.match(sub["updatedAt"])
    assert (await api.request("GET", "/webhooks")).json() == [sub]
    assert (await api.request("GET", f"/webhooks/{sub['id']}")).json() == sub


async def test_update_and_delete(api: Api) -> None:
    sub = await create(api, description="old")
    patched = await api.request(
        "PATCH",
        f"/webhooks/{sub['id']}",
        json={"events": ["payment_intent.created", "payment_intent.created"], "description": None},
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["events"] == ["payment_intent.created"]
    assert body["description"] is None and body["url"] == URL
    url = await api.request("PATCH", f"/webhooks/{sub['id']}", json={"url": URL + "/v2"})
    assert url.json()["url"] == URL + "/v2" and url.json()["events"] == ["payment_intent.created"]

    deleted = await api.request("DELETE", f"/webhooks/{sub['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await api.request("GET", "/webhooks")).json() == []
    assert_problem(await api.request("GET", f"/webhooks/{sub['id']}"), 404)
    assert_problem(await api.request("DELETE", f"/webhooks/{sub['id']}"), 404)


async def test_bad_input_is_a_problem_and_changes_nothing(api: Api) -> None:
    cases = [
        ({"events": [], "url": URL}, "Events"),
        ({"events": ["payment.succeeded"], "url": URL}, "Events[0]"),
        ({"events": ["payment_intent.created"]}, "Url"),
        ({"events": ["payment_intent.created"], "url": "not a url"}, "Url"),
        ({"events": ["payment_intent.created"], "url": "http://merchant.example/"}, "Url"),
        ({"events": "payment_intent.created", "url": URL}, "Events"),
        ({"events": ["payment_intent.created"], "url": URL, "Events": ["order.created"]}, "Events"),
        ({"events": ["payment_intent.created"], "url": URL, "description": "x" * 501}, None),
    ]
    for body, field in cases:
        problem = assert_problem(await api.request("POST", "/webhooks", json=body), 400)
        if field:
            assert field in problem["errors"], (body, problem)
    assert (await api.request("GET", "/webhooks")).json() == []
    sub = await create(api)
    problem = assert_problem(
        await api.request("PATCH", f"/webhooks/{sub['id']}", json={"events": ["nope"]}), 400
    )
    assert "Events[0]" in problem["errors"]
    assert (await api.request("GET", f"/webhooks/{sub['id']}")).json() == sub


async def test_sandbox_may_use_http_to_loopback(api: Api) -> None:
    sub = await create(api, url="http://127.0.0.1:5000/webhook")
    assert sub["url"] == "http://127.0.0.1:5000/webhook"


async def test_other_accounts_see_404(api: Api, other_api: Api) -> None:
    sub = await create(api)
    secret_id = sub["secrets"][0]["id"]
    for method, path in [
        ("GET", f"/webhooks/{sub['id']}"),
        ("PATCH", f"/webhooks/{sub['id']}"),
        ("DELETE", f"/webhooks/{sub['id']}"),
        ("GET", f"/webhooks/{sub['id']}/secrets"),
        ("POST", f"/webhooks/{sub['id']}/secrets"),
        ("PUT", f"/webhooks/{sub['id']}/secrets/{secret_id}/activate"),
        ("DELETE", f"/webhooks/{sub['id']}/secrets/{secret_id}"),
        ("GET", f"/webhooks/{sub['id']}/deliveries"),
    ]:
        response = await other_api.request(method, path, json={} if method == "PATCH" else None)
        assert_problem(response, 404)
    assert (await other_api.request("GET", "/webhooks")).json() == []
    assert (await api.request("GET", f"/webhooks/{sub['id']}")).json() == sub


async def test_auth_and_version_are_required(api: Api) -> None:
    no_key = await api.client.get("/webhooks", headers={"version": VERSION})
    assert_problem(no_key, 401)
    no_version = await api.client.get("/webhooks", headers={"Authorization": f"Basic {api.key}"})
    assert "Version" in assert_problem(no_version, 400)["errors"]


async def test_secret_rotation_endpoints(api: Api) -> None:
    sub = await create(api)
    old = sub["secrets"][0]
    added = await api.request("POST", f"/webhooks/{sub['id']}/secrets")
    assert added.status_code == 200
    SubscriptionSecrets.model_validate(added.json())
    assert added.json()["id"] == sub["id"]
    [new] = [s for s in added.json()["secrets"] if s["id"] != old["id"]]
    assert new["isActive"] is False and new["value"] != old["value"]

    activate = await api.request("PUT", f"/webhooks/{sub['id']}/secrets/{new['id']}/activate")
    assert activate.status_code == 204 and activate.content == b""
    listed = (await api.request("GET", f"/webhooks/{sub['id']}/secrets")).json()["secrets"]
    assert [(s["id"], s["isActive"]) for s in listed] == [(old["id"], False), (new["id"], True)]

    problem = assert_problem(
        await api.request("DELETE", f"/webhooks/{sub['id']}/secrets/{new['id']}"), 409
    )
    assert "activate another secret" in problem["detail"]
    gone = await api.request("DELETE", f"/webhooks/{sub['id']}/secrets/{old['id']}")
    assert gone.status_code == 204
    assert_problem(await api.request("DELETE", f"/webhooks/{sub['id']}/secrets/{old['id']}"), 404)
    assert_problem(await api.request("PUT", f"/webhooks/{sub['id']}/secrets/sc_nope/activate"), 404)


async def test_mutations_are_idempotent(api: Api) -> None:
    body = {"events": ["payment_intent.created"], "url": URL}
    key = {"idempotencyKey": "create-hook-1"}
    first = await api.request("POST", "/webhooks", json=body, headers=key)
    again = await api.request("POST", "/webhooks", json=body, headers=key)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len((await api.request("GET", "/webhooks")).json()) == 1
    changed = await api.request("POST", "/webhooks", json={**body, "url": URL + "/x"}, headers=key)
    assert_problem(changed, 422)

    sub_id = first.json()["id"]
    rotate = {"idempotencyKey": "rotate-1"}
    one = await api.request("POST", f"/webhooks/{sub_id}/secrets", headers=rotate)
    two = await api.request("POST", f"/webhooks/{sub_id}/secrets", headers=rotate)
    assert one.json() == two.json() and len(two.json()["secrets"]) == 2

    delete = {"idempotencyKey": "delete-1"}
    assert (await api.request("DELETE", f"/webhooks/{sub_id}", headers=delete)).status_code == 204
    replay = await api.request("DELETE", f"/webhooks/{sub_id}", headers=delete)
    assert replay.status_code == 204 and replay.headers["Idempotent-Replayed"] == "true"


async def test_receipt_emits_send_receipt_event(api: Api) -> None:
    intent = await api.create()
    path = f"/payment-intents/{intent['id']}/receipt"
    response = await api.request("POST", path, json={"emails": ["a@shop.example", "b@x.io"]})
    assert response.status_code == 204 and response.content == b""
    stream = (await api.request("GET", "/webhooks/stream", params={"after": 0})).json()
    receipt = stream["data"][-1]["event"]
    assert receipt["event"] == "payment_intent.send-receipt"
    assert receipt["data"]["paymentIntentId"] == intent["id"]
    assert receipt["data"]["paymentStatus"] == "Created"
    assert receipt["data"]["emails"] == ["a@shop.example", "b@x.io"]


async def test_receipt_rejects_bad_input_and_unknown_intents(api: Api, other_api: Api) -> None:
    intent = await api.create()
    path = f"/payment-intents/{intent['id']}/receipt"
    for body in [{}, {"emails": []}, {"emails": ["not-an-email"]}, {"emails": "a@b.co"}]:
        assert_problem(await api.request("POST", path, json=body), 400)
    assert_problem(await other_api.request("POST", path, json={"emails": ["a@b.co"]}), 404)
    missing = "/payment-intents/pi_sandbox_nope/receipt"
    assert_problem(await api.request("POST", missing, json={"emails": ["a@b.co"]}), 404)
    events = (await api.request("GET", "/webhooks/stream", params={"after": 0})).json()["data"]
    assert [e["event"]["event"] for e in events] == ["payment_intent.created"]


async def test_stream_starts_at_now_and_is_account_scoped(api: Api, other_api: Api) -> None:
    await api.create()
    start = (await api.request("GET", "/webhooks/stream")).json()
    assert start["data"] == []
    await api.create(reference="later")
    await other_api.create(reference="not mine")
    page = (await api.request("GET", "/webhooks/stream", params={"after": start["cursor"]})).json()
    assert [item["event"]["event"] for item in page["data"]] == ["payment_intent.created"]
    assert page["cursor"] == page["data"][-1]["seq"] > start["cursor"]
    empty = (await api.request("GET", "/webhooks/stream", params={"after": page["cursor"]})).json()
    assert empty == {"data": [], "cursor": page["cursor"]}
    assert_problem(await api.request("GET", "/webhooks/stream", params={"limit": 0}), 400)


async def test_receipt_is_idempotent(api: Api) -> None:
    intent = await api.create()
    path = f"/payment-intents/{intent['id']}/receipt"
    key = {"idempotencyKey": "receipt-1"}
    for _ in range(2):
        response = await api.request("POST", path, json={"emails": ["a@b.co"]}, headers=key)
        assert response.status_code == 204
    events = (await api.request("GET", "/webhooks/stream", params={"after": 0})).json()["data"]
    assert [e["event"]["event"] for e in events].count("payment_intent.send-receipt") == 1
