"""``POST /payment-intents/{id}/receipt`` (spec §2.5)."""

from fastapi import APIRouter, Depends, Response

from tender.api.deps import AuthedAccount, Ctx, Idem, require_version
from tender.api.path_ids import PathId
from tender.api.reply import respond
from tender.api.route import WireRoute
from tender.api.schemas import problems
from tender.service import receipts
from tender.service.webhook_inputs import SendReceipt

router = APIRouter(
    prefix="/payment-intents",
    tags=["Payment intents"],
    dependencies=[Depends(require_version)],
    route_class=WireRoute,
)


@router.post(
    "/{paymentIntentId:id}/receipt",
    status_code=204,
    responses=problems(400, 401, 404, 409, 422),
    summary="E-mail a receipt",
)
async def send_receipt(
    paymentIntentId: PathId, body: SendReceipt, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Emits `payment_intent.send-receipt` (addresses in `data.emails`) to your webhooks."""
    return respond(await receipts.send_receipt(ctx, account, paymentIntentId, body, idem))
