"""The gateway call that tells the browser library what a customer may do with saved cards:
offer "Save this card", and list the intent's customer's saved cards (Dojo.RecurringPayment and
the hosted checkout). The client session secret in the path is the only credential, as on every
gateway call; the answer holds masked card details only."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from tender.api.customer_schemas import SavedPaymentMethod
from tender.api.deps import Ctx
from tender.api.path_ids import PathToken
from tender.api.routes.gateway import CORS
from tender.api.schemas import Out
from tender.service import saved_cards

router = APIRouter(tags=["Gateway (browser library)"])


class SavedCardOptions(Out):
    offer_save: bool = Field(
        description="The intent names a customer and offers SavedCard: show 'Save this card'"
    )
    saved_payment_methods: list[SavedPaymentMethod]


@router.get(
    "/api/payments/{token:token}/saved-cards",
    response_model=SavedCardOptions,
    summary="Saved-card options of a payment",
)
async def saved_card_options(token: PathToken, ctx: Ctx) -> JSONResponse:
    """Empty for an unknown, used or expired token, and for an intent without a customer."""
    body: dict[str, Any] = await saved_cards.options(ctx, token)
    return JSONResponse(body, headers={**CORS, "Cache-Control": "no-store"})
