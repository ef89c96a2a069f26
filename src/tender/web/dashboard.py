"""The merchant dashboard's templates (``templates/dashboard``, Jinja2 with autoescaping) and
the small formatting helpers they use. Pure: routes pass in what the service layer returned."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
import segno
from markupsafe import Markup, escape

from tender.domain.money import CURRENCY_EXPONENTS, format_amount

DASHBOARD_STATIC = str(files("tender.web") / "static" / "dashboard")
# Recorded where the vendored charting library came from (see static/dashboard/vendor/).
CHART_JS_VERSION = "4.6.1"


@dataclass(frozen=True, slots=True)
class NavItem:
    key: str
    label: str
    href: str
    permission: str
    shown: bool = True


NAV = (
    NavItem("overview", "Overview", "/dashboard", "view"),
    NavItem("payments", "Payments", "/dashboard/payments", "view"),
    NavItem("links", "Payment links", "/dashboard/payment-links", "create_payment_link"),
    NavItem("customers", "Customers", "/dashboard/customers", "view"),
    NavItem("developers", "Developers", "/dashboard/developers", "manage_keys"),
    NavItem("team", "Team", "/dashboard/team", "manage_users"),
)


def money(value: int | None, currency: str) -> str:
    return format_amount(value or 0, currency)


def major(value: int, currency: str) -> str:
    """Minor units as the plain decimal a person types back into a form (``1050`` -> ``10.50``)."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    return str(Decimal(value).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent)))


def when(value: datetime | str | None) -> str:
    """UTC, to the second: ``2026-11-26 10:00:01``."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("0Z", "Z").replace("Z", "+00:00"))
    return value.strftime("%Y-%m-%d %H:%M:%S")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tender.web", "templates/dashboard"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=money,
        major=major,
        when=when,
        percent=percent,
        exponent=lambda currency: CURRENCY_EXPONENTS.get(currency, 2),
    )
    env.globals.update(nav=NAV, chart_js_version=CHART_JS_VERSION)
    return env


def render(name: str, **values: Any) -> str:
    return environment().get_template(name).render(**values)


def qr_svg(url: str, label: str) -> Markup:
    """The URL as a QR code, inline SVG with an accessible name (segno; no image files)."""
    svg = segno.make(url, error="m").svg_inline(scale=5, border=2, light="#fff", svgclass="qr")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))
