"""HTML of the hosted checkout of a setup intent (``/checkout/si_…``): the merchant's terms, a
plain "Nothing is charged now", the card form (and wallets) of Tender's own client.js, and the
result page. Pure functions of the setup intent's public view."""

from typing import Any

from tender.domain.money import format_amount
from tender.web import Markup, escape, json_script, page, render
from tender.web.pages import with_intent_id

MESSAGES = {
    "authorized": ("✓", "Card saved", "Your card has been saved. Nothing was charged now."),
    "pay": ("…", "Card not saved yet", "No card has been saved yet."),
    "canceled": ("✕", "Request canceled", "This request was canceled; no card can be saved."),
    "expired": ("!", "Link expired", "This link has expired; no card can be saved."),
    "completed": ("✓", "Card saved", "Your card was saved and has since been charged."),
    "cardexpired": ("!", "Card expired", "The card saved here has expired."),
    "closed": ("✕", "Request closed", "The merchant has closed this request."),
}


def _merchant(setup: dict[str, Any]) -> str:
    return setup.get("config", {}).get("tradingName") or "Tender"


def setup_checkout_page(setup: dict[str, Any], sandbox: bool) -> str:
    config = setup.get("config", {})
    methods = setup.get("paymentMethods") or ["Card"]
    intended = setup.get("intendedAmount")
    later = (
        f'<p class="reference" id="intended">'
        f"{escape(format_amount(intended['value'], intended['currencyCode']))} may be charged "
        "later, as the terms say.</p>"
        if intended
        else ""
    )
    description = (
        f'<p class="description">{escape(setup["description"])}</p>'
        if setup.get("description")
        else ""
    )
    result = f"/checkout/{setup['id']}/result"
    data = {
        "id": setup["id"],
        "secret": setup["clientSessionSecret"],
        "redirectUrl": with_intent_id(config["redirectUrl"], setup["id"])
        if config.get("redirectUrl")
        else result,
        "refreshPath": f"/setup-intents/public/{setup['id']}/refresh-client-session-secret",
        "doneLabel": "Saved ✓",
        "card": "Card" in methods,
        "wallet": "Wallet" in methods,
    }
    wallet = '<div id="wallet" class="wallet-container"></div>' if data["wallet"] else ""
    card = ""
    if data["card"]:
        separator = '<p class="or"><span>or enter a card</span></p>' if wallet else ""
        card = f'{separator}<div id="card" class="card-container"></div>'
    cancel = config.get("cancelUrl")
    content = render(
        "setup_checkout.html",
        merchant=_merchant(setup),
        heading=config.get("title") or f"Save a card with {_merchant(setup)}",
        intended=Markup(later),
        description=Markup(description),
        terms=setup.get("terms") or "",
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
    return page(f"Save a card · {_merchant(setup)}", content, scripts=scripts)


def setup_message_page(setup: dict[str, Any], state: str) -> str:
    icon, heading, lead = MESSAGES[state]
    actions = []
    if state == "pay":
        actions.append(f'<a class="button" href="/checkout/{escape(setup["id"])}">Save a card</a>')
    cancel = setup.get("config", {}).get("cancelUrl")
    if state != "authorized" and cancel:
        actions.append(f'<a href="{escape(cancel)}">Return to the shop</a>')
    content = render(
        "message.html",
        state="paid" if state in ("authorized", "completed") else state,
        merchant=_merchant(setup),
        icon=icon,
        heading=heading,
        lead=lead,
        details=Markup(f'<p class="reference">Reference: {escape(setup["reference"])}</p>'),
        actions=Markup("".join(actions)),
    )
    return page(f"{heading} · {_merchant(setup)}", content)
