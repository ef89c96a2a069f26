"""HTML of the hosted checkout (spec §4.2) and its result and message pages, built from the
intent's public view. Pure functions: the route gets the view from the service layer."""

from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from tender.domain.money import format_amount
from tender.web import Markup, escape, json_script, page, render

COUNTRIES = [
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("ES", "Spain"),
    ("IT", "Italy"),
    ("NL", "Netherlands"),
    ("US", "United States"),
]


def _money(value: dict[str, Any] | None) -> str:
    """The amount as a customer reads it; "" for a line sent with ``amountTotal: null``."""
    return format_amount(value["value"], value["currencyCode"]) if value else ""


def with_intent_id(url: str, intent_id: str) -> str:
    """``redirectUrl`` with ``id=pi_…`` added to its query, as Dojo's samples expect."""
    parts = urlsplit(url)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({"id": intent_id})))


def _merchant(intent: dict[str, Any]) -> str:
    return intent.get("config", {}).get("tradingName") or "Tender"


def _lines(intent: dict[str, Any]) -> str:
    config = intent.get("config", {})
    items, taxes = intent.get("itemLines") or [], intent.get("taxLines") or []
    if not (items or taxes) or not (config.get("details") or {}).get("showTotal", True):
        return ""
    rows = []
    for line in items:
        quantity = line.get("quantity")
        name = line.get("name") or line.get("caption") or line.get("id") or "Item"
        label = f"{quantity} × {name}" if quantity and quantity != 1 else name
        rows.append(
            f"<tr><td>{escape(label)}</td><td>{escape(_money(line['amountTotal']))}</td></tr>"
        )
    for line in taxes:
        label = line.get("caption") or "Tax"
        if line.get("subCaption"):
            label += f" ({line['subCaption']})"
        rows.append(
            f'<tr class="tax"><td>{escape(label)}</td>'
            f"<td>{escape(_money(line['amountTotal']))}</td></tr>"
        )
    total = escape(_money(intent["totalAmount"]))
    return (
        '<table class="lines" aria-label="Order summary"><tbody>'
        + "".join(rows)
        + f'</tbody><tfoot><tr><th scope="row">Total</th><td>{total}</td></tr></tfoot></table>'
    )


def _input(
    name: str, label: str, *, kind: str = "text", auto: str = "", required: bool = True
) -> str:
    req = " required" if required else ""
    optional = "" if required else ' <span class="optional">(optional)</span>'
    return (
        f'<div class="input"><label for="{name}">{escape(label)}{optional}</label>'
        f'<input id="{name}" name="{name}" type="{kind}" autocomplete="{auto}"{req}></div>'
    )


def _country(name: str, auto: str) -> str:
    options = "".join(
        f'<option value="{code}">{escape(label)}</option>' for code, label in COUNTRIES
    )
    return (
        f'<div class="input"><label for="{name}">Country</label>'
        f'<select id="{name}" name="{name}" autocomplete="{auto}" required>{options}</select></div>'
    )


def _address(prefix: str, section: str) -> str:
    return (
        _input(f"{prefix}-address1", "Address line 1", auto=f"{section} address-line1")
        + _input(
            f"{prefix}-address2", "Address line 2", auto=f"{section} address-line2", required=False
        )
        + _input(f"{prefix}-city", "Town or city", auto=f"{section} address-level2")
        + _input(f"{prefix}-postcode", "Postcode", auto=f"{section} postal-code")
        + _country(f"{prefix}-country", f"{section} country")
    )


def _collect(config: dict[str, Any]) -> str:
    def required(name: str) -> bool:
        return bool((config.get(name) or {}).get("collectionRequired"))

    parts = []
    if required("customerEmail"):
        parts.append(
            '<fieldset id="collect-email"><legend>Contact</legend>'
            + _input("email", "E-mail address", kind="email", auto="email")
            + "</fieldset>"
        )
    if required("billingAddress"):
        parts.append(
            '<fieldset id="collect-billing"><legend>Billing address</legend>'
            + _address("billing", "billing")
            + "</fieldset>"
        )
    if required("shippingDetails"):
        parts.append(
            '<fieldset id="collect-shipping"><legend>Delivery</legend>'
            + _input("shipping-name", "Recipient's name", auto="shipping name")
            + _address("shipping", "shipping")
            + _input("shipping-notes", "Delivery notes", required=False)
            + "</fieldset>"
        )
    return "".join(parts)


def checkout_page(intent: dict[str, Any], sandbox: bool) -> str:
    config = intent.get("config", {})
    methods = intent.get("paymentMethods") or ["Card", "Wallet"]
    amount = _money(intent["totalAmount"])
    details = config.get("details") or {}
    reference = (
        f'<p class="reference">Reference: {escape(intent["reference"])}</p>'
        if details.get("showReference")
        else ""
    )
    description = (
        f'<p class="description">{escape(intent["description"])}</p>'
        if intent.get("description")
        else ""
    )
    cancel = config.get("cancelUrl")
    data = {
        "id": intent["id"],
        "secret": intent["clientSessionSecret"],
        "redirectUrl": with_intent_id(config["redirectUrl"], intent["id"])
        if config.get("redirectUrl")
        else f"/checkout/{intent['id']}/result",
        "card": "Card" in methods,
        "wallet": "Wallet" in methods,
        # The customer's saved cards (Dojo.RecurringPayment), shown once the gateway lists
        # some: only an intent that names a customer has any.
        "savedCards": "SavedCard" in methods,
    }
    wallet = '<div id="wallet" class="wallet-container"></div>' if data["wallet"] else ""
    card = ""
    if data["card"]:
        separator = '<p class="or"><span>or pay by card</span></p>' if wallet else ""
        card = f'{separator}<div id="card" class="card-container"></div>'
    if data["savedCards"]:
        card = (
            '<section id="saved-section" class="saved-section" aria-label="Your saved cards" '
            'hidden><div id="saved" class="card-container"></div>'
            f'<button type="button" class="primary" id="pay-saved">Pay {escape(amount)} with '
            'this saved card</button><p class="or"><span>or pay with another card</span></p>'
            f"</section>{card}"
        )
    content = render(
        "checkout.html",
        merchant=_merchant(intent),
        heading=config.get("title") or f"Pay {_merchant(intent)}",
        amount=amount,
        reference=Markup(reference),
        description=Markup(description),
        lines=Markup(_lines(intent)),
        collect=Markup(_collect(config)),
        wallet=Markup(wallet),
        card=Markup(card),
        back=Markup(f'<a href="{escape(cancel)}" id="back-link">← Back</a>' if cancel else ""),
        sandbox=" · sandbox" if sandbox else "",
        data=json_script(data),
    )
    scripts = (
        '<script src="/payments/v1/client.js"></script>'
        '<script src="/static/tender/checkout.js"></script>'
    )
    return page(f"Pay {amount} · {_merchant(intent)}", content, scripts=scripts)


MESSAGES = {
    "paid": ("✓", "Payment successful", "Thank you: your payment of {amount} has been made."),
    "refunded": ("↩", "Payment refunded", "This payment of {amount} was made and then refunded."),
    "reversed": ("↩", "Payment reversed", "This payment of {amount} was made and then reversed."),
    "canceled": ("✕", "Payment canceled", "This payment was canceled and can no longer be made."),
    "expired": ("!", "Payment link expired", "This payment link has expired and cannot be used."),
    "pay": ("…", "Not paid yet", "No payment has been made for {amount} yet."),
}


def message_page(intent: dict[str, Any], state: str, *, already: bool = False) -> str:
    icon, heading, lead = MESSAGES[state]
    if already and state == "paid":
        heading, lead = "Already paid", "This payment of {amount} has already been made."
    amount = _money(intent["totalAmount"])
    config = intent.get("config", {})
    details = f'<p class="reference">Reference: {escape(intent["reference"])}</p>'
    actions = []
    if state == "pay":
        actions.append(f'<a class="button" href="/checkout/{escape(intent["id"])}">Pay now</a>')
    link = intent.get("actionLink")
    if state == "paid" and link:
        actions.append(
            f'<a class="button" href="{escape(link["url"])}">{escape(link["label"])}</a>'
        )
    if state != "paid" and config.get("cancelUrl"):
        actions.append(f'<a href="{escape(config["cancelUrl"])}">Return to the shop</a>')
    content = render(
        "message.html",
        state=state,
        merchant=_merchant(intent),
        icon=icon,
        heading=heading,
        lead=lead.format(amount=amount),
        details=Markup(details),
        actions=Markup("".join(actions)),
    )
    return page(f"{heading} · {_merchant(intent)}", content)


def not_found_page() -> str:
    content = (
        '<main class="panel message missing"><div class="badge" aria-hidden="true">?</div>'
        '<h1 id="message-title">Payment not found</h1>'
        '<p class="lead">This payment link is not valid. Check the link you were sent.</p>'
        '<p class="footer">Secured by Tender</p></main>'
    )
    return page("Payment not found", content)
