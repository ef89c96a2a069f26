"""``WireRoute``, the route class of the API routers: before FastAPI validates a request body
against its model, the body is bound as Dojo binds it (``service.binding``: case-insensitive
names, unknown properties ignored, duplicates refused) for the version the caller asked for.

What was ignored is kept in ``request.state.ignored_fields``; ``RequestGuard`` names it in the
``Tender-Ignored-Fields`` response header, and one log line records it.
"""

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.routing import APIRoute

from tender.api.problems import trace_id_of
from tender.errors import InvalidRequest
from tender.service import binding, versions
from tender.service.inputs import WireModel

log = logging.getLogger("tender.api")
IGNORED_HEADER = "Tender-Ignored-Fields"

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _version_of(request: Request) -> str:
    try:
        return versions.resolve(request.headers.get("version", ""))
    except InvalidRequest:  # the version dependency answers that with a 400
        return versions.V2024


def _header_safe(name: str) -> str:
    """A property name as header text: printable ASCII, anything else percent-encoded."""
    if name.isascii() and name.isprintable() and "," not in name:
        return name
    return quote(name.encode("utf-8", "backslashreplace"), safe="[].$_-")


async def bind_body(request: Request, model: type[WireModel]) -> None:
    """Bind the JSON body for ``model``; malformed JSON is left for FastAPI to report."""
    raw = await request.body()
    if not raw:
        return
    try:
        parsed = binding.parse_json(raw)
    except binding.MalformedJson as exc:
        raise InvalidRequest(
            "The request body could not be parsed as JSON.",
            errors={"$": [f"The request body is not valid JSON: {exc}"]},
            title="The request body is malformed.",
        ) from None
    strict = request.app.state.ctx.settings.strict_requests
    bound = binding.bind(model, parsed, _version_of(request), strict=strict)
    # FastAPI reads the body through request.json(), which returns this once it is set.
    request._json = bound.body
    if bound.ignored:
        names = [_header_safe(binding.wire_path(path)) for path in bound.ignored]
        request.state.ignored_fields = names
        log.info(
            "ignored unknown request properties %s on %s %s (traceId %s)",
            ", ".join(names),
            request.method,
            request.url.path,
            trace_id_of(request),
        )


class WireRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        field = self.body_field
        model = field.field_info.annotation if field is not None else None
        if not (isinstance(model, type) and issubclass(model, WireModel)):
            return handler

        async def bound_handler(request: Request) -> Response:
            await bind_body(request, model)
            return await handler(request)

        return bound_handler
