"""Money movements on a payment intent: captures, refunds, reversal (spec §2.7–2.9)."""

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from tender.api.deps import AuthedAccount, Ctx, Idem, require_version
from tender.api.path_ids import PathId
from tender.api.problems import trace_id_of
from tender.api.route import WireRoute
from tender.api.schemas import Out, problems
from tender.service import capture as capture_op
from tender.service import refund as refund_op
from tender.service import reverse as reverse_op
from tender.service.capture import CaptureRequest
from tender.service.idempotency import Reply
from tender.service.refund import RefundRequest

router = APIRouter(
    prefix="/payment-intents",
    tags=["Payment intents"],
    dependencies=[Depends(require_version)],
    route_class=WireRoute,
)


class CaptureResult(Out):
    message: str
    capture_id: str = Field(examples=["cp_sandbox_RGBLw5pQ3kuHbWyCmTZC6A"])


class ReversalResult(Out):
    message: str
    reversal_id: str = Field(examples=["rvs_sandbox_6ZK0QxQ2RGG0JqJZ4V8CjA"])


class RefundResult(Out):
    payment_intent_id: str
    refund_id: str = Field(examples=["rfnd_sandbox_7kNfPWkq5Eq2wmNMFBX5Vg"])
    refund_reason: str | None = None
    notes: str | None = None
    amount: int
    message: str


class Refund(Out):
    refund_id: str
    payment_intent_id: str
    amount: int
    status: str = Field(description="Pending, Successful, Declined or Failed")
    message: str | None = None
    refund_reason: str | None = None
    notes: str | None = None
    previous_transaction_id: str | None = None
    created_at: str


def _respond(reply: Reply, request: Request) -> Response:
    """Like ``api.reply.respond``; a movement that did not succeed (402 declined, 502 failed,
    504 still pending) is a problem document with this traceId."""
    headers = {"Idempotent-Replayed": "true"} if reply.replayed else None
    body, media = reply.body, "application/json"
    if reply.status >= 400 and isinstance(body, dict):
        body, media = {**body, "traceId": trace_id_of(request)}, "application/problem+json"
    return JSONResponse(body, status_code=reply.status, headers=headers, media_type=media)


@router.post(
    "/{paymentIntentId:id}/captures",
    response_model=CaptureResult,
    responses=problems(400, 401, 402, 404, 409, 422, 502, 504),
    summary="Capture an authorized payment (full or partial)",
)
async def capture(
    paymentIntentId: PathId,
    body: CaptureRequest,
    account: AuthedAccount,
    ctx: Ctx,
    idem: Idem,
    request: Request,
) -> Response:
    """Manual capture mode only. Several partial captures may be made while the captured total
    (amount + tipsAmount) stays within the authorization, nothing was refunded and the 7-day
    window is open. The first moves the intent to `Captured`. A capture the issuer declines
    answers 402 with its `captureId` (502 if it failed at the acquirer, 504 while its answer is
    still awaited); it is listed in `captures[]` as `Declined` and no money moves."""
    return _respond(await capture_op.capture(ctx, account, paymentIntentId, body, idem), request)


@router.post(
    "/{paymentIntentId:id}/refunds",
    response_model=RefundResult,
    responses=problems(400, 401, 402, 404, 409, 422, 502, 504),
    summary="Refund a captured payment (full or partial)",
)
async def refund(
    paymentIntentId: PathId,
    body: RefundRequest,
    account: AuthedAccount,
    ctx: Ctx,
    idem: Idem,
    request: Request,
) -> Response:
    """The `idempotencyKey` header is required (400 without it): one key per new refund on
    this intent. Several partial refunds may be made until the captured amount is refunded; the
    first moves the intent to `Refunded`. A refund the issuer declines answers 402 with its
    `refundId` (502 failed, 504 still awaited): the intent keeps its status and amounts."""
    reply = await refund_op.refund(ctx, account, paymentIntentId, body, idem)
    return _respond(reply, request)


@router.get(
    "/refunds/{refundId:id}",
    response_model=Refund,
    responses=problems(401, 404),
    summary="Retrieve a refund",
)
async def get_refund(refundId: PathId, account: AuthedAccount, ctx: Ctx) -> JSONResponse:
    return JSONResponse(await refund_op.get_refund(ctx, account, refundId))


@router.post(
    "/{paymentIntentId:id}/reversal",
    response_model=ReversalResult,
    responses=problems(401, 402, 404, 409, 422, 502, 504),
    summary="Reverse (void) the whole payment",
)
async def reversal(
    paymentIntentId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem, request: Request
) -> Response:
    """Manual: while `Authorized`, within 7 days. Auto: while `Captured`, on the UTC day of the
    payment. Anything else answers 409 naming the current status and those that would allow it.
    A reversal the issuer declines answers 402 with its `reversalId` (502 failed, 504 still
    awaited): the intent keeps its status."""
    return _respond(await reverse_op.reverse(ctx, account, paymentIntentId, idem), request)
