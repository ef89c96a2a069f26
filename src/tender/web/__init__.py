"""Tender's browser side: the Dojo.js-compatible library and its frames (``static/payments``),
the hosted checkout and demo assets (``static/site``) and the HTML templates of server-rendered
pages. ``render`` fills a template, escaping every value that is not ``Markup``.
"""

import html
import json
from functools import cache
from importlib.resources import files
from string import Template
from typing import Any

STATIC = files("tender.web") / "static"
PAYMENTS_DIR = str(STATIC / "payments")
SITE_DIR = str(STATIC / "site")


class Markup(str):
    """Trusted HTML, inserted as is."""


def escape(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(html.escape(str(value), quote=True))


def json_script(value: Any) -> Markup:
    """JSON safe to embed in ``<script type="application/json">``."""
    text = json.dumps(value, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@cache
def _template(name: str) -> Template:
    return Template((files("tender.web") / "templates" / name).read_text("utf-8"))


def render(name: str, **values: Any) -> str:
    return _template(name).substitute({k: escape(v) for k, v in values.items()})


def page(title: str, content: str, *, scripts: str = "", body_class: str = "") -> str:
    """The common layout around a page's content."""
    return render(
        "layout.html",
        title=title,
        content=Markup(content),
        scripts=Markup(scripts),
        body_class=body_class,
    )
