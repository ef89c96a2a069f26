"""Turning a use case's ``Reply`` into an HTTP response."""

from fastapi import Response
from fastapi.responses import JSONResponse

from tender.service.idempotency import Reply


def respond(reply: Reply) -> Response:
    headers = {"Idempotent-Replayed": "true"} if reply.replayed else None
    if reply.body is None:
        return Response(status_code=reply.status, headers=headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=headers)
