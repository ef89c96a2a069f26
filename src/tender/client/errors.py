"""The SDK's exceptions, and the one place that maps a problem response to one of them::

    APIError                      base: status, title, detail, trace_id, errors, body
    ├── APIConnectionError        no answer (connection refused, reset, timed out) after retries
    ├── AuthenticationError       401 missing, malformed, unknown or revoked key
    ├── DeclinedError             402 the issuer declined a movement: movement_id, no money moved
    │   ├── CaptureDeclinedError      … a capture: capture_id
    │   ├── RefundDeclinedError       … a refund: refund_id
    │   └── ReversalDeclinedError     … a reversal: reversal_id
    ├── PermissionDeniedError     403
    ├── NotFoundError             404 unknown object (or another account's; or Canceled)
    ├── InvalidRequestError       400, 413, 415: ``errors`` maps Field -> [messages]
    ├── MethodNotAllowedError     405 an edit the intent's config forbids
    ├── ConflictError             409
    │   ├── StateConflictError    409 status forbids it: current_status, allowed_statuses
    │   └── IdempotencyError      409 key still in flight / 422 key reused with another request
    ├── RateLimitError            429
    └── ServerError               5xx
        └── MovementFailedError   502 failed at the acquirer / 504 its answer still awaited:
                                  movement_id, movement_status (Failed or Pending)

Every message ends with the server's ``traceId``, so a log line is enough to find the request.
"""

from typing import Any

import httpx

IN_FLIGHT_TITLE = "A request with this idempotency key is still being processed."


class APIError(Exception):
    """Anything the API (or the network to it) answered instead of a success."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
        trace_id: str | None = None,
        errors: dict[str, list[str]] | None = None,
        body: Any = None,
        headers: httpx.Headers | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.trace_id = trace_id
        self.errors = errors or {}
        self.body = body
        self.headers = headers or httpx.Headers()
        self.message = message
        super().__init__(self._render())

    def _render(self) -> str:
        text = f"[{self.status}] {self.message}" if self.status else self.message
        for field, messages in self.errors.items():
            text += f"\n  {field}: {'; '.join(messages)}"
        if self.trace_id:
            text += f" (traceId {self.trace_id})"
        return text


class APIConnectionError(APIError):
    """The request got no HTTP answer; for a mutating call, retrying with the same
    idempotency key is safe."""


class AuthenticationError(APIError):
    pass


_MOVEMENTS = ("capture", "refund", "reversal")


class _Movement:
    """The capture, refund or reversal a problem names (``captureId`` and ``captureStatus``…)."""

    movement_id: str | None
    movement_status: str | None

    def _read_movement(self, body: Any) -> None:
        body = body if isinstance(body, dict) else {}
        noun = next((n for n in _MOVEMENTS if f"{n}Id" in body), None)
        self.movement_id = body.get(f"{noun}Id") if noun else None
        self.movement_status = body.get(f"{noun}Status") if noun else None


class DeclinedError(_Movement, APIError):
    """The issuer declined a capture, refund or reversal: ``movement_id`` names it, it is on
    record as Declined, and the intent's status and amounts are unchanged."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        self._read_movement(kwargs.get("body"))
        super().__init__(message, **kwargs)


class CaptureDeclinedError(DeclinedError):
    """A declined capture (listed as Declined in the intent's ``captures``)."""

    @property
    def capture_id(self) -> str | None:
        return self.movement_id


class RefundDeclinedError(DeclinedError):
    @property
    def refund_id(self) -> str | None:
        return self.movement_id


class ReversalDeclinedError(DeclinedError):
    @property
    def reversal_id(self) -> str | None:
        return self.movement_id


class PermissionDeniedError(APIError):
    pass


class NotFoundError(APIError):
    pass


class InvalidRequestError(APIError):
    """Bad input; ``errors`` names each field to fix (``Amount.Value``, ``Reference``)."""


class MethodNotAllowedError(APIError):
    pass


class ConflictError(APIError):
    pass


class StateConflictError(ConflictError):
    """The intent's status forbids the operation: ``current_status`` and the
    ``allowed_statuses`` that would have allowed it."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        body = kwargs.get("body") or {}
        self.current_status: str | None = body.get("currentStatus")
        self.allowed_statuses: list[str] = list(body.get("allowedStatuses") or [])
        super().__init__(message, **kwargs)


class IdempotencyError(ConflictError):
    """The idempotency key is still in use by a request in flight (409, retried first), or
    was used before with a different request (422: use a new key for a new request)."""


class RateLimitError(APIError):
    pass


class ServerError(APIError):
    pass


class MovementFailedError(_Movement, ServerError):
    """A capture, refund or reversal that failed at the acquirer (502, ``movement_status``
    Failed: no money moved) or whose answer is still awaited (504, Pending: read the intent
    later, or retry with the same idempotency key once it is settled). Never retried."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        self._read_movement(kwargs.get("body"))
        super().__init__(message, **kwargs)


_DECLINED = {
    "captureId": CaptureDeclinedError,
    "refundId": RefundDeclinedError,
    "reversalId": ReversalDeclinedError,
}


def names_a_movement(response: httpx.Response) -> bool:
    """A 502/504 problem about a movement: a definite answer, not a failure to retry."""
    body = _json(response) if response.status_code in (502, 504) else None
    return isinstance(body, dict) and any(f"{n}Status" in body for n in _MOVEMENTS)


_BY_STATUS: dict[int, type[APIError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: DeclinedError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    413: InvalidRequestError,
    415: InvalidRequestError,
    422: IdempotencyError,
    429: RateLimitError,
}


def is_in_flight(response: httpx.Response) -> bool:
    """A 409 saying another request with the same idempotency key is being processed."""
    if response.status_code != 409:
        return False
    body = _json(response)
    return isinstance(body, dict) and body.get("title") == IN_FLIGHT_TITLE


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_for(response: httpx.Response) -> APIError:
    """The exception for a non-2xx answer (RFC 7807 problem or anything else)."""
    status = response.status_code
    body = _json(response)
    problem = body if isinstance(body, dict) else {}
    title = problem.get("title")
    detail = problem.get("detail")
    message = detail or title or response.reason_phrase or f"HTTP {status}"
    errors = problem.get("errors")
    kwargs: dict[str, Any] = dict(
        status=status,
        title=title,
        detail=detail,
        trace_id=problem.get("traceId"),
        errors={str(k): [str(m) for m in v] for k, v in errors.items()}
        if isinstance(errors, dict)
        else None,
        body=problem or body,
        headers=response.headers,
    )
    cls: type[APIError]
    if status == 409 and "currentStatus" in problem:
        cls = StateConflictError
    elif status == 409 and title == IN_FLIGHT_TITLE:
        cls = IdempotencyError
    elif status == 402:
        cls = next((c for key, c in _DECLINED.items() if key in problem), DeclinedError)
    elif status in (502, 504) and any(f"{n}Status" in problem for n in _MOVEMENTS):
        cls = MovementFailedError
    elif status >= 500:
        cls = ServerError
    else:
        cls = _BY_STATUS.get(status, APIError)
    return cls(message, **kwargs)
