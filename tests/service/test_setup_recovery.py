"""A processor that does not answer in time, for setup intents and merchant-initiated charges:
the caller hears it is pending, and the recovery job settles it from the processor's records —
the setup intent Authorized, the charge Captured (a NoShow setup intent Completed) and its
idempotency key completed with the answer the request would have given."""

from datetime import timedelta

import pytest

from tender.clock import ShiftedClock
from tender.config import Settings
from tender.service.context import Context
from tender.service.recovery import recover
from tests.conftest import Api
from tests.doubles import HeldProcessor
from tests.payhelp import pay
from tests.setuphelp import charge, create_setup


@pytest.fixture
def processor() -> HeldProcessor:
    return HeldProcessor()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"processor_timeout_seconds": 0.3})


async def settle_pending(ctx: Context, clock: ShiftedClock) -> int:
    clock.advance(timedelta(seconds=10))
    return await recover(ctx)


async def test_a_setup_authorization_then_a_charge_without_answers_are_recovered(
    api: Api, ctx: Context, clock: ShiftedClock, processor: HeldProcessor
) -> None:
    setup = await create_setup(api)
    secret = setup["clientSessionSecret"]
    answer = await pay(api.client, secret)
    assert answer["statusCode"] == 30
    assert (await pay(api.client, secret))["statusCode"] == 20  # still being processed
    assert await settle_pending(ctx, clock) == 1
    got = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert got["status"] == "Authorized"

    intent = await api.create(setupIntentId=setup["id"])
    pending = await charge(api, intent["id"], idempotencyKey="c-1")
    assert pending.json()["status"] == "Created"  # the acquirer has not answered yet
    assert (await charge(api, intent["id"])).status_code == 409
    assert await settle_pending(ctx, clock) == 1  # the authorization; its capture times out
    waiting = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert waiting["status"] == "Authorized"  # not Completed before the money is captured
    still = await charge(api, intent["id"], idempotencyKey="c-1")
    assert still.status_code == 409  # the key waits for the charge's outcome
    assert await settle_pending(ctx, clock) == 1  # the capture
    assert (await api.get(intent["id"])).json()["status"] == "Captured"
    done = (await api.request("GET", f"/setup-intents/{setup['id']}")).json()
    assert done["status"] == "Completed"
    replay = await charge(api, intent["id"], idempotencyKey="c-1")
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json()["status"] == "Successful"
