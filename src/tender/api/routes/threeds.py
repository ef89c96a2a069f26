"""The sandbox issuer's 3-D Secure challenge page (``stepUpUrl``): ``GET /3ds/{attemptId}``
shows the merchant, the amount and a one-time code; the form posts back Approve or Reject.

The result page tells the opener or parent frame via ``postMessage({source: "tender-3ds", …})``
and, when opened with ``?returnUrl=/path`` (same-origin paths only), goes there.
"""

import html
import json
from pathlib import Path
from string import Template
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tender.api.deps import Ctx
from tender.api.path_ids import PathId
from tender.service import limits, setup_pay, threeds

router = APIRouter(tags=["3-D Secure (sandbox issuer)"])
TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
_PAGE = Template((TEMPLATES / "challenge.html").read_text())
_RESULT = Template((TEMPLATES / "challenge_result.html").read_text())
_TITLES = {0: "Payment approved", 3: "Authentication pending"}
_HEADERS = {"Cache-Control": "no-store"}


def safe_return_url(value: str | None) -> str:
    """Only same-origin paths: "/x" but never "//host" or "/\\host" or a scheme."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return ""
    if any(ch in value for ch in "\r\n\t"):
        return ""
    return value


def _page(view: threeds.Challenge, return_url: str) -> HTMLResponse:
    error = f'<p class="error" role="alert">{html.escape(view.error)}</p>' if view.error else ""
    body = _PAGE.substitute(
        merchant=html.escape(view.merchant),
        amount=html.escape(view.amount),
        card=html.escape(view.card),
        code=html.escape(view.code or ""),
        attempt_id=html.escape(view.attempt_id),
        return_url=html.escape(return_url),
        error=error,
    )
    return HTMLResponse(body, headers=_HEADERS)


def _result(attempt_id: str, result: dict[str, object], return_url: str) -> HTMLResponse:
    code = int(str(result.get("statusCode", 500)))
    title = _TITLES.get(code, "Payment declined" if code in (4, 5) else "Payment not completed")
    payload = {
        "attemptId": attempt_id,
        "statusCode": code,
        "authCode": result.get("authCode"),
        "message": result.get("message"),
        "returnUrl": return_url or None,
    }
    script_safe = json.dumps(payload).replace("<", "\\u003c").replace(">", "\\u003e")
    body = _RESULT.substitute(
        title=html.escape(title),
        message=html.escape(str(result.get("message", ""))),
        payload=script_safe,
    )
    return HTMLResponse(body, headers=_HEADERS)


@router.get("/3ds/{attemptId:id}", response_class=HTMLResponse, summary="3-D Secure challenge page")
async def challenge_page(
    attemptId: PathId,
    ctx: Ctx,
    returnUrl: Annotated[str | None, Query(description="Same-origin path to go to after")] = None,
) -> HTMLResponse:
    service = setup_pay if setup_pay.is_setup_attempt(attemptId) else threeds
    view = await service.challenge(ctx, attemptId)
    back = safe_return_url(returnUrl)
    if view.result is not None:
        return _result(attemptId, view.result, back)
    return _page(view, back)


@router.post("/3ds/{attemptId:id}", response_class=HTMLResponse, summary="Approve or reject")
async def challenge_decision(attemptId: PathId, request: Request, ctx: Ctx) -> HTMLResponse:
    """Form post from the challenge page: `decision` (approve|reject), `code`, `returnUrl`."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    decision = (form.get("decision") or [""])[0]
    code = (form.get("code") or [""])[0]
    back = safe_return_url((form.get("returnUrl") or [""])[0])
    service = setup_pay if setup_pay.is_setup_attempt(attemptId) else threeds
    if decision not in ("approve", "reject"):
        view = await service.challenge(ctx, attemptId, "Choose Approve or Reject.")
        return _page(view, back)
    try:
        result = await service.decide_challenge(ctx, attemptId, decision == "approve", code)
    except threeds.WrongCode:
        view = await service.challenge(ctx, attemptId, "That code is not right; try again.")
        return _page(view, back)
    await limits.challenge_decided(ctx, result, request.client.host if request.client else None)
    return _result(attemptId, result, back)
