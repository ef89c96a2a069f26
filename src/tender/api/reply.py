"""Turning a use case's ``Reply`` into an HTTP response."""

from collections.abc import Callable
from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse

from tender.service.idempotency import Reply

Shape = Callable[[Any], Any]


def respond(reply: Reply, shape: Shape | None = None) -> Response:
    """``shape`` turns a successful answer into the caller's API version (``service.versions``);
    a replayed answer is stored in Tender's own shape, so a retry may ask for another version."""
    headers = {"Idempotent-Replayed": "true"} if reply.replayed else None
    if reply.body is None:
        return Response(status_code=reply.status, headers=headers)
    body = shape(reply.body) if shape is not None and reply.status < 300 else reply.body
    return JSONResponse(body, status_code=reply.status, headers=headers)
