"""The whole saved-card flow of a merchant-initiated payment over real HTTP (a live server on
127.0.0.1; both databases): setup intent → authorized with 3-D Secure → payment intent with
``setupIntentId`` → ``/charge`` → Captured, setup intent Completed; and the 0374 card, whose
charge is declined with the payment intent unchanged."""

from tests.conftest import Api
from tests.setuphelp import authorized_setup, charge


async def test_setup_authorize_with_3ds_then_charge(live_api: Api) -> None:
    setup = await authorized_setup(live_api, "4456 5300 0000 1096")
    assert [e["eventType"] for e in setup["setupEvents"]] == ["AuthChallenged", "Authorized"]
    intent = await live_api.create(setupIntentId=setup["id"], reference="No-show fee")
    response = await charge(live_api, intent["id"])
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "Successful"
    paid = (await live_api.get(intent["id"])).json()
    assert (paid["status"], paid["capturedAmount"]) == ("Captured", 1000)
    done = await live_api.request("GET", f"/setup-intents/{setup['id']}")
    assert done.json()["status"] == "Completed"
    assert (await charge(live_api, intent["id"])).status_code == 409


async def test_the_0374_card_charge_is_declined_and_changes_nothing(live_api: Api) -> None:
    setup = await authorized_setup(live_api, "4000 0000 0000 0374")
    intent = await live_api.create(setupIntentId=setup["id"])
    before = (await live_api.get(intent["id"])).json()
    response = await charge(live_api, intent["id"])
    assert response.json()["status"] == "Declined"
    after = (await live_api.get(intent["id"])).json()
    assert after["status"] == before["status"] == "Created"
    assert after["capturedAmount"] == after["authorizedAmount"] == 0
    assert [e["eventType"] for e in after["paymentEvents"]] == ["Declined"]
    still = await live_api.request("GET", f"/setup-intents/{setup['id']}")
    assert still.json()["status"] == "Authorized"
