"""The checkout routes without a browser: headers, escaping, the secret it shows, CORS scope."""

import json
import re

from tests.conftest import Api


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="checkout-data">(.*?)</script>', html)
    assert match, html
    return json.loads(match.group(1))


CARD = {"cardNumber": "4242424242424242", "expiryDate": "12 / 34", "cV2": "123"}
DECLINED = {**CARD, "cardNumber": "4000000000000002"}


async def test_viewing_the_checkout_never_invalidates_a_live_secret(client, api: Api) -> None:
    """Any visitor (or a link previewer) may open the link: the secret the merchant's own page
    holds keeps working."""
    intent = await api.create()
    for _ in range(3):
        response = await client.get(f"/checkout/{intent['id']}")
        assert response.status_code == 200
        assert page_data(response.text)["secret"] == intent["clientSessionSecret"]
    paid = await client.post(f"/api/payments/{intent['clientSessionSecret']}", json=CARD)
    assert paid.json()["statusCode"] == 0
    assert (await api.get(intent["id"])).json()["status"] == "Captured"


async def test_the_checkout_issues_a_secret_once_the_last_one_is_spent(client, api: Api) -> None:
    intent = await api.create()
    declined = await client.post(f"/api/payments/{intent['clientSessionSecret']}", json=DECLINED)
    assert declined.json()["statusCode"] == 5
    data = page_data((await client.get(f"/checkout/{intent['id']}")).text)
    assert data["secret"] != intent["clientSessionSecret"]
    assert (await api.get(intent["id"])).json()["clientSessionSecret"] == data["secret"]
    new = await client.post(f"/api/payments/{data['secret']}", json=CARD)
    assert new.json()["statusCode"] == 0


async def test_viewing_the_checkout_never_abandons_a_pending_challenge(client, api: Api) -> None:
    intent = await api.create()
    token = intent["clientSessionSecret"]
    card = {**CARD, "cardNumber": "4456530000001096", "cV2": "020"}
    challenged = (await client.post(f"/api/payments/{token}", json=card)).json()
    assert challenged["statusCode"] == 3
    assert page_data((await client.get(f"/checkout/{intent['id']}")).text)["secret"] == token
    page = await client.get(f"/3ds/{challenged['md']}")
    code = re.search(r'id="otp">(\d+)<', page.text)
    assert code, page.text
    decided = await client.post(
        f"/3ds/{challenged['md']}",
        content=f"decision=approve&code={code.group(1)}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert decided.status_code == 200
    assert (await api.get(intent["id"])).json()["status"] == "Captured"


async def test_a_line_sent_with_a_null_amount_still_shows(client, api: Api) -> None:
    """Dojo's ItemLine.amountTotal is nullable; the page lists the line without an amount."""
    gbp = {"value": 300, "currencyCode": "GBP"}
    intent = await api.create(
        itemLines=[{"name": "Gift wrap", "amountTotal": None}, {"name": "Tea", "amountTotal": gbp}],
        config={"details": {"showTotal": True}},
    )
    assert intent["itemLines"][0] == {"name": "Gift wrap", "amountTotal": None}
    assert intent["subtotalLineItems"] == gbp
    page = await client.get(f"/checkout/{intent['id']}")
    assert page.status_code == 200
    assert "Gift wrap" in page.text and "Tea" in page.text


async def test_checkout_page_escapes_merchant_text_and_refuses_framing(client, api: Api) -> None:
    intent = await api.create(
        reference="<img src=x onerror=alert(1)>",
        description="</script><script>alert(2)</script>",
        config={"title": "<script>alert(3)</script>", "details": {"showReference": True}},
    )
    response = await client.get(f"/checkout/{intent['id']}")
    html = response.text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert page_data(html)["id"] == intent["id"]


async def test_redirect_url_carries_the_intent_id(client, api: Api) -> None:
    intent = await api.create(config={"redirectUrl": "https://shop.example/done?order=7"})
    data = page_data((await client.get(f"/checkout/{intent['id']}")).text)
    assert data["redirectUrl"] == f"https://shop.example/done?order=7&id={intent['id']}"


async def test_unknown_and_unpaid_pages(client, api: Api) -> None:
    missing = await client.get("/checkout/pi_sandbox_unknown")
    assert missing.status_code == 404
    assert "Payment not found" in missing.text
    intent = await api.create()
    result = await client.get(f"/checkout/{intent['id']}/result")
    assert result.status_code == 200
    assert "Not paid yet" in result.text
    assert (await api.get(intent["id"])).json()["status"] == "Created"


async def test_browser_library_is_served_where_dojos_cdn_serves_it(client) -> None:
    response = await client.get("/payments/v1/client.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "global.Dojo = api" in response.text
    frame = await client.get("/payments/v1/card-frame.html")
    assert frame.status_code == 200 and 'autocomplete="cc-number"' in frame.text


async def test_cors_only_on_customer_side_endpoints(client, api: Api) -> None:
    intent = await api.create()
    origin = {"Origin": "https://shop.example"}
    public = await client.get(
        f"/payment-intents/public/{intent['id']}", headers={**origin, "version": "2024-02-05"}
    )
    assert public.status_code == 200
    assert public.headers["access-control-allow-origin"] == "*"
    preflight = await client.options(
        f"/payment-intents/public/{intent['id']}/refresh-client-session-secret",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "version",
        },
    )
    assert preflight.status_code == 200
    assert "version" in preflight.headers["access-control-allow-headers"]
    private = await api.request("GET", f"/payment-intents/{intent['id']}", headers=origin)
    assert private.status_code == 200
    assert "access-control-allow-origin" not in private.headers
    private_preflight = await client.options(
        f"/payment-intents/{intent['id']}",
        headers={**origin, "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in private_preflight.headers
