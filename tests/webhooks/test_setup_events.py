"""Setup-intent events (``setup_intent.created``, ``setup_intent.status_updated``) are signed and
delivered like payment-intent events, to subscribers of them only."""

from tender import signing
from tender.service.context import Context
from tests.conftest import Api
from tests.setuphelp import authorized_setup, charge
from tests.webhooks.helpers import drain, subscribe
from tests.webhooks.receiver import Receiver


async def test_setup_intent_events_are_signed_and_delivered(
    api: Api, ctx: Context, clock, receiver: Receiver
) -> None:
    subscription = await subscribe(
        api, receiver.url, ["setup_intent.created", "setup_intent.status_updated"]
    )
    secret = subscription["secrets"][0]["value"]
    setup = await authorized_setup(api, "4242 4242 4242 4242")  # NoShow: one charge completes it
    intent = await api.create(setupIntentId=setup["id"])
    assert (await charge(api, intent["id"])).json()["status"] == "Successful"

    await drain(ctx, clock)

    delivered = [r for r in receiver.requests if r.answered == 200]
    for request in delivered:
        assert signing.verify(secret, request.body, request.headers["dojo-signature"])
    events = [(r.event["event"], r.event["data"]) for r in delivered]
    assert events == [
        ("setup_intent.created", {"setupIntentId": setup["id"], "setupIntentStatus": "Created"}),
        (
            "setup_intent.status_updated",
            {"setupIntentId": setup["id"], "setupIntentStatus": "Authorized"},
        ),
        (
            "setup_intent.status_updated",
            {"setupIntentId": setup["id"], "setupIntentStatus": "Completed"},
        ),
    ]  # and no payment-intent event: this subscription did not ask for them
    log = await api.request("GET", f"/webhooks/{subscription['id']}/deliveries")
    assert log.status_code == 200
    assert {d["status"] for d in log.json()["data"]} == {"delivered"}
    stream = await api.request("GET", "/webhooks/stream", params={"after": 0})
    assert "setup_intent.created" in [item["event"]["event"] for item in stream.json()["data"]]
