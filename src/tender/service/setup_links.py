"""The check ``POST /payment-intents`` makes of a ``setupIntentId``: an Authorized setup intent
of the same account, in the payment intent's currency (when it named one)."""

from tender.domain.setup import SetupStatus
from tender.errors import InvalidRequest
from tender.service.context import Context
from tender.storage import setup_intents as repo


async def check_linked_setup(ctx: Context, account_id: str, setup_id: str, currency: str) -> None:
    async with ctx.db.transaction(write=False) as conn:
        setup = await repo.get_setup(conn, account_id, setup_id)
    if setup is None:
        raise InvalidRequest.field("SetupIntentId", f"No setup intent with id {setup_id}.")
    if setup.status is not SetupStatus.AUTHORIZED:
        raise InvalidRequest.field(
            "SetupIntentId",
            f"The setup intent is {setup.status}; only an Authorized one can be charged.",
        )
    if setup.currency and setup.currency != currency:
        raise InvalidRequest.field(
            "Amount.CurrencyCode", f"The currency must be the setup intent's ({setup.currency})."
        )
