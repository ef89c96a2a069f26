"""The demo shop's server (the seed's Step 1): it sells one bag of coffee and creates payment
intents by calling Tender's REST API with its sandbox key, exactly as a merchant's server would.

It is mounted only when ``TENDER_DEMO=true`` (``make run`` sets it), and its order endpoints are
rate limited per visitor address: anyone may call them.

By default it reaches Tender in-process (the same application, through httpx's ASGI transport);
set ``TENDER_DEMO_API_URL`` to call a Tender server over the network instead.
"""

import os
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from tender.api.path_ids import PathId
from tender.demo.key import demo_key
from tender.service import limits
from tender.web import Markup, escape, page, render

router = APIRouter(prefix="/demo", include_in_schema=False)
API_VERSION = "2024-02-05"


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    net: int  # minor units (GBP)
    vat: int


PRODUCT = Product("House blend coffee beans, 1 kg", net=2000, vat=400)


async def tender(request: Request) -> httpx.AsyncClient:
    """An API client for Tender, authenticated with the shop's secret key."""
    key = await demo_key(request.app.state.ctx, request.app.state)
    headers = {"Authorization": f"Basic {key}", "version": API_VERSION}
    url = os.environ.get("TENDER_DEMO_API_URL")
    if url:
        return httpx.AsyncClient(base_url=url, headers=headers, timeout=30)
    transport = httpx.ASGITransport(app=request.app)
    return httpx.AsyncClient(base_url="http://tender", headers=headers, transport=transport)


def order(reference: str, shop_url: str, hosted: bool) -> dict[str, Any]:
    """The payment intent for one bag of coffee (Step 1's request body)."""
    total = PRODUCT.net + PRODUCT.vat
    body: dict[str, Any] = {
        "amount": {"value": total, "currencyCode": "GBP"},
        "reference": reference,
        "description": PRODUCT.name,
        "metadata": {"shop": "demo"},
    }
    if hosted:
        body["config"] = {
            "title": "Your coffee order",
            "redirectUrl": f"{shop_url}/demo/thanks",
            "cancelUrl": f"{shop_url}/demo",
            "customerEmail": {"collectionRequired": True},
            "details": {"showTotal": True, "showReference": True},
        }
        body["itemLines"] = [
            {
                "id": "beans-1kg",
                "quantity": 1,
                "name": PRODUCT.name,
                "amountTotal": {"value": PRODUCT.net, "currencyCode": "GBP"},
            }
        ]
        body["taxLines"] = [
            {
                "id": "vat",
                "caption": "VAT",
                "subCaption": "20%",
                "amountTotal": {"value": PRODUCT.vat, "currencyCode": "GBP"},
            }
        ]
    return body


async def _count_order(request: Request) -> None:
    """Raise a 429 problem when this visitor has placed too many orders lately."""
    client = request.client.host if request.client else None
    await limits.demo_order(request.app.state.ctx, client)


async def _call(request: Request, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async with await tender(request) as api:
        return await api.request(method, path, **kwargs)


def _shop_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _failed(response: httpx.Response) -> JSONResponse:
    return JSONResponse({"error": response.json().get("detail", "Tender refused")}, status_code=502)


@router.get("")
async def shop(request: Request) -> HTMLResponse:
    content = render("demo.html", price=Markup("£24.00"), product=PRODUCT.name)
    scripts = (
        '<script src="/payments/v1/client.js"></script>'  # Step 3: the checkout script
        '<script src="/static/tender/demo.js"></script>'  # Step 2: the client instance
    )
    return HTMLResponse(page("Tender Coffee · demo shop", content, scripts=scripts))


@router.post("/api/orders")
async def create_order(request: Request) -> JSONResponse:
    """Step 1: create the intent; the browser gets only its id and client session secret."""
    await _count_order(request)
    reference = f"Coffee order {os.urandom(3).hex()}"
    response = await _call(
        request, "POST", "/payment-intents", json=order(reference, _shop_url(request), False)
    )
    if response.status_code != 200:
        return _failed(response)
    intent = response.json()
    return JSONResponse({"id": intent["id"], "clientSessionSecret": intent["clientSessionSecret"]})


@router.post("/api/hosted-orders")
async def create_hosted_order(request: Request) -> JSONResponse:
    """The hosted variant: create the intent, then send the customer to its paymentLink."""
    await _count_order(request)
    reference = f"Coffee order {os.urandom(3).hex()}"
    response = await _call(
        request, "POST", "/payment-intents", json=order(reference, _shop_url(request), True)
    )
    if response.status_code != 200:
        return _failed(response)
    return JSONResponse({"paymentLink": response.json()["paymentLink"]})


@router.post("/api/orders/{intent_id:id}/retry")
async def retry_order(intent_id: PathId, request: Request) -> JSONResponse:
    """After a failed attempt: a fresh single-use secret for the same intent."""
    await _count_order(request)
    response = await _call(
        request, "POST", f"/payment-intents/{intent_id}/refresh-client-session-secret"
    )
    if response.status_code != 200:
        return _failed(response)
    return JSONResponse(
        {"id": intent_id, "clientSessionSecret": response.json()["clientSessionSecret"]}
    )


@router.get("/api/orders/{intent_id:id}")
async def order_status(intent_id: PathId, request: Request) -> JSONResponse:
    """The browser's word is not proof of payment: the server asks Tender for the status."""
    response = await _call(request, "GET", f"/payment-intents/{intent_id}")
    if response.status_code != 200:
        return _failed(response)
    intent = response.json()
    return JSONResponse(
        {"id": intent["id"], "status": intent["status"], "reference": intent["reference"]}
    )


@router.get("/thanks")
async def thanks(request: Request, id: str = "") -> HTMLResponse:
    """Where the hosted checkout sends the customer back (``?id=pi_…``)."""
    response = await _call(request, "GET", f"/payment-intents/{id}") if id else None
    intent = response.json() if response is not None and response.status_code == 200 else None
    paid = intent is not None and intent["status"] in ("Authorized", "Captured")
    if paid:
        heading, lead = "Thank you!", "Your coffee is on its way."
    else:
        heading, lead = "Payment not received", "We could not confirm a payment for this order."
    status = escape(intent["status"]) if intent else "unknown"
    reference = escape(intent["reference"]) if intent else "—"
    content = (
        f'<main class="panel message {"paid" if paid else "canceled"}">'
        '<p class="trading-name">Tender Coffee Roasters · demo</p>'
        f'<div class="badge" aria-hidden="true">{"✓" if paid else "✕"}</div>'
        f'<h1>{escape(heading)}</h1><p class="lead">{escape(lead)}</p>'
        f'<p class="reference">Order <strong>{reference}</strong>; payment status according to '
        f'Tender\'s API: <strong id="order-status">{status}</strong></p>'
        '<nav class="actions"><a href="/demo">Back to the shop</a></nav></main>'
    )
    return HTMLResponse(page(heading, content))
