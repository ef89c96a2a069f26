"""ASGI middleware that runs before routing: one spelling of every path (a trailing slash is
served as without it, never redirected, as Dojo's servers do), the trace id, the body-size cap
(413) and the JSON-only rule for request bodies (415). Both refusals happen before anything is
read or changed. On the way out it adds ``X-Trace-Id`` and, when the body had properties the
API ignored, ``Tender-Ignored-Fields`` (see ``api.route``).
"""

import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tender.api.problems import new_trace_id, problem_response
from tender.errors import PayloadTooLarge, UnsupportedMediaType

_TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Pages that accept HTML form posts rather than JSON.
FORM_PREFIXES: tuple[str, ...] = ("/checkout/", "/3ds/", "/dashboard")


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _strip_trailing_slash(scope: Scope) -> None:
    """``/payment-intents/`` is ``/payment-intents``: Dojo's samples POST to both spellings, and
    a redirect would lose the body of a POST for clients that do not follow it."""
    path = scope["path"]
    if len(path) > 1 and path.endswith("/"):
        scope["path"] = path.rstrip("/") or "/"
        raw = scope.get("raw_path")
        if raw:
            scope["raw_path"] = raw.rstrip(b"/") or b"/"


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        _strip_trailing_slash(scope)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        incoming = headers.get("traceparent", "")
        trace = incoming if _TRACEPARENT.match(incoming) else new_trace_id()
        scope.setdefault("state", {})["trace_id"] = trace

        async def reject(error: Any) -> None:
            await problem_response(error, trace)(scope, receive, send)

        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await reject(
                PayloadTooLarge(f"Request bodies are limited to {self.max_body_bytes} bytes.")
            )
            return
        has_body = (length not in (None, "0")) or "transfer-encoding" in headers
        path = scope["path"]
        if (
            scope["method"] in _BODY_METHODS
            and has_body
            and not path.startswith(FORM_PREFIXES)
            and not _is_json(headers.get("content-type", ""))
        ):
            await reject(UnsupportedMediaType("Send the request body as application/json."))
            return

        received = 0
        limit = self.max_body_bytes

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:  # rendered as a 413 problem by problems.py
                    raise HTTPException(413, f"Request bodies are limited to {limit} bytes.")
            return message

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-trace-id", trace.encode())]
                ignored = scope["state"].get("ignored_fields")
                if ignored:
                    extra.append((b"tender-ignored-fields", ", ".join(ignored).encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, counting_receive, tracking_send)
