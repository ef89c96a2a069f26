"""Use cases of the hosted checkout of a setup intent: open it (reusing the live client session
secret, as ``service.checkout`` does for payment intents, so a visit never spends the secret a
merchant's page holds) and read what the result page shows."""

from tender.domain.setup import SetupStatus
from tender.errors import NotFound
from tender.service.checkout import CheckoutView
from tender.service.context import Context
from tender.service.setup_intents import present, refresh
from tender.service.setup_views import public_setup
from tender.storage import setup_intents as repo


async def open_setup_checkout(ctx: Context, setup_id: str) -> CheckoutView:
    """``state`` is ``pay`` while a card can be saved, else the status in lower case."""
    async with ctx.db.transaction() as conn:
        setup = await repo.get_setup_any_account(conn, setup_id, for_update=True)
        if setup is None:
            raise NotFound(f"No setup intent with id {setup_id}.")
        now = ctx.clock()
        state = setup.status.value.lower()
        if setup.status is SetupStatus.CREATED:
            state = "expired" if setup.expire_at <= now else "pay"
        live = setup.client_secret is not None and (
            setup.client_secret_expires_at is not None and setup.client_secret_expires_at > now
        )
        if state == "pay" and not live:
            setup = await refresh(ctx, conn, setup)
        view = public_setup(await present(ctx, conn, setup), with_secret=state == "pay")
        return CheckoutView(state, view)


async def setup_result(ctx: Context, setup_id: str) -> CheckoutView:
    async with ctx.db.transaction(write=False) as conn:
        setup = await repo.get_setup_any_account(conn, setup_id)
        if setup is None:
            raise NotFound(f"No setup intent with id {setup_id}.")
        state = setup.status.value.lower()
        if setup.status is SetupStatus.CREATED:
            state = "expired" if setup.expire_at <= ctx.clock() else "pay"
        return CheckoutView(state, public_setup(await present(ctx, conn, setup), with_secret=False))
