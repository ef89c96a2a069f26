"""One renderer for every error: RFC 7807 problem+json with ``traceId`` and per-field ``errors``.

Field names in ``errors`` are PascalCase paths (``Amount.Value``, ``ItemLines[0].Name``), as
Dojo's ASP.NET model binding writes them; ``$`` names the body as a whole.
"""

import logging
import secrets
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tender.errors import (
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    TenderError,
    Unauthorized,
    UnsupportedMediaType,
)

log = logging.getLogger("tender.api")
PROBLEM_JSON = "application/problem+json"


def new_trace_id() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def trace_id_of(request: Request) -> str:
    trace = getattr(request.state, "trace_id", None)
    if trace is None:
        trace = request.state.trace_id = new_trace_id()
    return trace


def problem_body(error: TenderError, trace_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": error.type,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "traceId": trace_id,
        "errors": error.errors,
    }
    body.update(error.extensions())
    return body


def problem_response(
    error: TenderError, trace_id: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        problem_body(error, trace_id),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def field_path(loc: Sequence[Any]) -> str:
    """``('body', 'itemLines', 0, 'name')`` -> ``ItemLines[0].Name``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "json-or-python")):
            out += ("." if out else "") + _pascal(str(part))
    return out or "$"


def _message(error: dict[str, Any], field: str) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        if error["loc"][:1] == ("header",) and field == "Version":
            return "The version header is required; send e.g. 'version: 2024-02-05'."
        if error["loc"] == ("body",):
            return "A JSON request body is required."
        return f"The {field} field is required."
    if kind == "extra_forbidden":
        return f"{field} is not a field of this request."
    message = str(error.get("msg", "Invalid value."))
    return message.removeprefix("Value error, ")


def validation_problem(exc: RequestValidationError) -> InvalidRequest:
    errors: dict[str, list[str]] = {}
    malformed = False
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            malformed = True
            position = error.get("ctx", {}).get("error", "")
            errors.setdefault("$", []).append(f"The request body is not valid JSON: {position}")
            continue
        field = field_path(error.get("loc", ()))
        errors.setdefault(field, []).append(_message(error, field))
    if malformed:
        return InvalidRequest(
            "The request body could not be parsed as JSON.",
            errors=errors,
            title="The request body is malformed.",
        )
    return InvalidRequest("See errors for the fields to fix.", errors=errors)


def install(app: FastAPI) -> None:
    @app.exception_handler(TenderError)
    async def _tender(request: Request, exc: TenderError) -> JSONResponse:
        return problem_response(exc, trace_id_of(request), headers=exc.headers() or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(exc), trace_id_of(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        trace = trace_id_of(request)
        error: TenderError
        if exc.status_code == 404:
            error = NotFound(f"No route matches {request.method} {request.url.path}.")
        elif exc.status_code == 405:
            error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}.")
        elif exc.status_code == 401:
            error = Unauthorized(str(exc.detail))
        elif exc.status_code == 413:
            error = PayloadTooLarge(str(exc.detail))
        elif exc.status_code == 415:
            error = UnsupportedMediaType(str(exc.detail))
        elif exc.status_code == 400:
            error = InvalidRequest(str(exc.detail))
        else:
            error = TenderError(str(exc.detail))
            error.status = exc.status_code
        return problem_response(error, trace, headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        trace = trace_id_of(request)
        log.error(
            "unhandled %s on %s %s (traceId %s)",
            type(exc).__name__,
            request.method,
            request.url.path,
            trace,
            exc_info=exc,
        )
        return problem_response(TenderError("Quote the traceId when reporting this."), trace)
