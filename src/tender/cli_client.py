"""Client-side commands: ``tender intents list|show``, ``tender trigger EVENT``, ``tender pay``.

They talk to a running Tender over HTTP through the SDK (``tender.client``), never to the
database, so they work against any server the key opens: ``--api-key`` (or TENDER_API_KEY) and
``--url`` (or TENDER_URL, default http://127.0.0.1:8000).
"""

import itertools
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tender.client import APIError, PaymentIntent, Tender
from tender.client.models import Money, TransactionResult

DEFAULT_URL = "http://127.0.0.1:8000"
SUCCESS_CARD = "4242424242424242"
GATEWAY_CODES = {
    0: "successful",
    3: "3-D Secure required",
    4: "referred",
    5: "declined",
    20: "duplicate transaction",
    30: "failed",
    400: "invalid request",
    401: "session secret used or expired",
    404: "no session secret",
    500: "internal error",
}
TRIGGERS = {
    "payment_intent.created": "create an intent",
    "payment_intent.status_updated": "create an intent and pay it with a test card",
    "payment_intent.send-receipt": "create an intent, pay it, and e-mail its receipt",
    "payment_intent.updated": "create an intent and pay it with a test card",
    "payment.successful": "create an intent and pay it with a test card",
    "setup_intent.created": "create a setup intent",
    "setup_intent.status_updated": "create a setup intent and authorize a test card on it "
    "(--charge: then charge it, merchant-initiated)",
}
SETUP_TERMS = "Test terms: the merchant may charge this card later (tender trigger)."
PAID_TRIGGERS = {name for name, what in TRIGGERS.items() if "pay it" in what}


class ThreeDsChoice(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


out = Console()
err = Console(stderr=True)
intents_app = typer.Typer(
    help="List and inspect payment intents on a running server.", no_args_is_help=True
)

ApiKey = Annotated[
    str,
    typer.Option(
        "--api-key", envvar="TENDER_API_KEY", help="Secret key (sk_sandbox_…)", show_default=False
    ),
]
Url = Annotated[str, typer.Option("--url", envvar="TENDER_URL", help="The server's base URL")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the API's JSON instead of a table")]


@contextmanager
def _client(api_key: str, url: str) -> Iterator[Tender]:
    """An SDK client; any API error becomes one red line (with its traceId) and exit code 1."""
    try:
        with Tender(api_key, base_url=url) as tender:
            yield tender
    except APIError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None


def _money(value: Money | None) -> str:
    return str(value) if value else ""


def _minor(value: int | None, currency: str) -> str:
    return str(Money(value=value, currency_code=currency)) if value else ""


def _when(value: Any) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}" if value else ""


def _plain(value: Any) -> str:
    """Text from the API, shown as it is (a reference like ``[VIP]`` is not rich markup)."""
    return escape(str(value)) if value is not None else ""


def _row(table: Table, *values: Any) -> None:
    table.add_row(*(_plain(v) for v in values))


def _dump(model: Any) -> str:
    return json.dumps(model.model_dump(mode="json", by_alias=True), indent=2)


@intents_app.command("list")
def intents_list(
    api_key: ApiKey,
    url: Url = DEFAULT_URL,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="Only these statuses (repeatable)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first")] = 20,
    as_json: AsJson = False,
) -> None:
    """List payment intents, newest first."""
    intents: list[PaymentIntent] = []
    with _client(api_key, url) as tender, err.status("fetching payment intents…") as spinner:
        found = tender.payment_intents.search(statuses=status, page_size=min(limit, 100))
        for intent in itertools.islice(found, limit):
            intents.append(intent)
            spinner.update(f"fetched {len(intents)} payment intent(s)…")
    if as_json:
        print(json.dumps([i.model_dump(mode="json", by_alias=True) for i in intents], indent=2))
        return
    table = Table("id", "status", "mode", "amount", "captured", "refunded", "reference", "created")
    for intent in intents:
        currency = intent.amount.currency_code if intent.amount else ""
        _row(
            table,
            intent.id,
            intent.status,
            intent.capture_mode or "",
            _money(intent.total_amount or intent.amount),
            _minor(intent.captured_amount, currency),
            _minor(intent.refunded_amount, currency),
            intent.reference or "",
            _when(intent.created_at),
        )
    out.print(table)
    err.print(f"{len(intents)} payment intent(s)")


def _timeline(intent: PaymentIntent) -> Table:
    table = Table("when", "event", "card", "auth code", "message", title="Status timeline")
    for event in intent.payment_events:
        card = " ".join(x for x in (event.card_type, event.card_number) if x)
        _row(
            table,
            _when(event.transaction_date_time),
            event.event_type,
            card,
            event.auth_code or "",
            event.message or "",
        )
    return table


@intents_app.command("show")
def intents_show(
    intent_id: Annotated[str, typer.Argument(help="The intent's id (pi_…)")],
    api_key: ApiKey,
    url: Url = DEFAULT_URL,
    as_json: AsJson = False,
) -> None:
    """Show one intent and the status timeline of its paymentEvents."""
    with _client(api_key, url) as tender:
        intent = tender.payment_intents.get(intent_id, return_canceled=True)
    if as_json:
        print(_dump(intent))
        return
    currency = intent.amount.currency_code if intent.amount else ""
    facts = [
        ("status", intent.status),
        ("capture mode", intent.capture_mode),
        ("amount", _money(intent.amount)),
        ("tips", _money(intent.tips_amount)),
        ("total", _money(intent.total_amount)),
        ("captured", _minor(intent.captured_amount, currency)),
        ("refunded", _minor(intent.refunded_amount, currency)),
        ("reference", intent.reference),
        ("payment link", intent.payment_link),
        ("created", _when(intent.created_at)),
        ("expires", _when(intent.expire_at)),
    ]
    lines = "\n".join(f"[bold]{name}:[/bold] {_plain(value)}" for name, value in facts if value)
    out.print(Panel(lines, title=intent.id, expand=False))
    out.print(_timeline(intent))
    if intent.captures:
        captures = Table("capture", "amount", "status", "when", title="Captures")
        for capture in intent.captures:
            _row(
                captures,
                capture.id,
                _minor(capture.amount, currency),
                capture.status or "",
                _when(capture.created_at),
            )
        out.print(captures)


def _expiry(value: str | None) -> str | None:
    """``12/30``, ``1230`` or ``12 / 30`` -> the gateway's ``12 / 30``."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2})\s*", value)
    if not match:
        raise typer.BadParameter("use MM/YY, e.g. 12/30", param_hint="--expiry")
    return f"{int(match[1]):02d} / {match[2]}"


def _describe(result: TransactionResult) -> str:
    meaning = GATEWAY_CODES.get(result.status_code, "unknown")
    text = f"statusCode {result.status_code} ({meaning})"
    if result.message:
        text += f": {result.message}"
    if result.auth_code:
        text += f", auth code {result.auth_code}"
    return text


def pay(
    intent_id: Annotated[str, typer.Argument(help="The intent to pay (pi_…)")],
    api_key: ApiKey,
    card: Annotated[str, typer.Option("--card", help="A test card number")] = SUCCESS_CARD,
    expiry: Annotated[str | None, typer.Option(help="MM/YY; default a future date")] = None,
    cvv: Annotated[str | None, typer.Option(help="Default 123 (1234 for Amex)")] = None,
    name: Annotated[str, typer.Option(help="Cardholder name")] = "Test Cardholder",
    three_ds: Annotated[
        ThreeDsChoice | None,
        typer.Option("--3ds", help="Answer a 3-D Secure challenge here, not in a browser"),
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Pay an intent with a test card through the gateway, as a customer's browser would."""
    with _client(api_key, url) as tender, err.status(f"paying {intent_id}…"):
        result = tender.test_helpers.pay(
            intent_id,
            card_number=card,
            expiry_date=_expiry(expiry),
            cv2=cvv,
            card_name=name,
            three_ds=three_ds.value if three_ds else None,
        )
        intent = tender.payment_intents.get(intent_id, return_canceled=True)
    colour = "green" if result.succeeded else "yellow" if result.status_code == 3 else "red"
    out.print(f"[{colour}]{escape(_describe(result))}[/{colour}]", highlight=False)
    if result.status_code == 3 and result.step_up_url:
        out.print(
            f"complete 3-D Secure in a browser: {result.step_up_url} (or pass --3ds approve)",
            highlight=False,
        )
    out.print(f"{intent.id} is now {intent.status}", highlight=False)
    if not result.succeeded:
        raise typer.Exit(1)


Step = Callable[[Tender, dict[str, Any]], None]


def _setup_steps(event: str, charge: bool) -> list[tuple[str, Step]]:
    """A setup intent; authorized with a test card; then, with ``--charge``, a payment intent
    made with it and charged (merchant-initiated)."""

    def create(tender: Tender, state: dict[str, Any]) -> None:
        state["setup"] = tender.setup_intents.create(
            reference=f"tender trigger {event}",
            terms=SETUP_TERMS,
            merchant_initiated_transaction_type="Unscheduled",
            intended_amount={"value": state["amount"], "currencyCode": state["currency"]},
        )

    def authorize(tender: Tender, state: dict[str, Any]) -> None:
        result = tender.test_helpers.pay(
            state["setup"].id, card_number=state["card"], three_ds="approve"
        )
        if not result.succeeded:
            err.print(f"[red]error:[/red] the card was not accepted: {escape(_describe(result))}")
            raise typer.Exit(1)

    def charge_it(tender: Tender, state: dict[str, Any]) -> None:
        state["intent"] = tender.payment_intents.create(
            amount={"value": state["amount"], "currencyCode": state["currency"]},
            reference=f"tender trigger {event} --charge",
            capture_mode=state["capture_mode"],
            setup_intent_id=state["setup"].id,
        )
        result = tender.payment_intents.charge(state["intent"].id)
        out.print(f"charged {result.payment_intent_id}: {result.status}", highlight=False)
        if not result.succeeded:
            raise typer.Exit(1)

    steps: list[tuple[str, Step]] = [("creating a setup intent", create)]
    if event == "setup_intent.status_updated":
        steps.append(("authorizing a test card on it", authorize))
        if charge:
            steps.append(("charging it (merchant-initiated)", charge_it))
    return steps


def _steps(event: str, charge: bool = False) -> list[tuple[str, Step]]:
    def create(tender: Tender, state: dict[str, Any]) -> None:
        state["intent"] = tender.payment_intents.create(
            amount={"value": state["amount"], "currencyCode": state["currency"]},
            reference=f"tender trigger {event}",
            capture_mode=state["capture_mode"],
        )

    def pay_it(tender: Tender, state: dict[str, Any]) -> None:
        result = tender.test_helpers.pay(state["intent"].id, card_number=state["card"])
        if not result.succeeded:
            err.print(f"[red]error:[/red] the card was not accepted: {escape(_describe(result))}")
            raise typer.Exit(1)

    def receipt(tender: Tender, state: dict[str, Any]) -> None:
        tender.payment_intents.send_receipt(state["intent"].id, emails=[state["email"]])

    if event.startswith("setup_intent."):
        return _setup_steps(event, charge)
    steps: list[tuple[str, Step]] = [("creating a payment intent", create)]
    if event in PAID_TRIGGERS:
        steps.append(("paying it with a test card", pay_it))
    if event == "payment_intent.send-receipt":
        steps.append(("sending its receipt", receipt))
    return steps


def trigger(
    event: Annotated[str, typer.Argument(help=f"One of: {', '.join(TRIGGERS)}")],
    api_key: ApiKey,
    url: Url = DEFAULT_URL,
    amount: Annotated[int, typer.Option(min=1, help="Minor units")] = 1000,
    currency: Annotated[str, typer.Option()] = "GBP",
    capture_mode: Annotated[str, typer.Option(help="Auto or Manual")] = "Auto",
    card: Annotated[str, typer.Option(help="Card for the payment step")] = SUCCESS_CARD,
    email: Annotated[str, typer.Option(help="Receipt address")] = "customer@example.com",
    charge: Annotated[
        bool, typer.Option("--charge", help="setup_intent.status_updated: then charge the card")
    ] = False,
) -> None:
    """Make EVENT happen on a fresh test intent, to exercise a webhook handler.

    The server then sends EVENT to every subscription for it: your endpoint, or `tender listen`.
    """
    if event not in TRIGGERS:
        err.print(f"[red]error:[/red] unknown event {event!r}; choose one of:")
        for name, what in TRIGGERS.items():
            err.print(f"  {name}  ({what})")
        raise typer.Exit(2)
    state: dict[str, Any] = dict(
        amount=amount, currency=currency, capture_mode=capture_mode, card=card, email=email
    )
    steps = _steps(event, charge)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with _client(api_key, url) as tender, Progress(*columns, console=err) as progress:
        task = progress.add_task(steps[0][0], total=len(steps))
        for description, step in steps:
            progress.update(task, description=description)
            step(tender, state)
            progress.advance(task)
        if "setup" in state:
            setup = tender.setup_intents.get(state["setup"].id)
            subject, status = setup.id, setup.status
        else:
            intent = tender.payment_intents.get(state["intent"].id)
            subject, status = intent.id, intent.status
        listening = [s for s in tender.webhooks.list() if event in s.events]
    out.print(f"triggered {event} on {subject} (now {status})", highlight=False)
    if listening:
        urls = ", ".join(s.url or s.id for s in listening)
        err.print(f"the server delivers it to {len(listening)} subscription(s): {urls}")
    else:
        err.print(
            f"no subscription listens for {event}; `tender listen --forward-to URL` forwards "
            "events without one"
        )


def register(app: typer.Typer) -> None:
    """Add the client-side commands to the ``tender`` command."""
    app.add_typer(intents_app, name="intents")
    app.command("pay")(pay)
    app.command("trigger")(trigger)
