"""The one error tree. Every failure a caller can see is one of these, rendered once as
RFC 7807 problem+json by ``tender.api.problems``::

    TenderError                       500 (base; never raised bare)
    ├── InvalidRequest                400 bad input; ``errors`` maps Field -> [messages]
    ├── Unauthorized                  401 missing, malformed or unknown key
    ├── NotFound                      404 unknown object, or another account's
    ├── MethodNotAllowed              405 wrong verb, or an edit the intent's config forbids
    ├── Conflict                      409
    │   ├── StateConflict             409 the intent's status forbids the operation
    │   └── IdempotencyInFlight       409 the same idempotency key is still being processed
    ├── PayloadTooLarge               413
    ├── UnsupportedMediaType          415
    ├── IdempotencyMismatch           422 an idempotency key reused with a different request
    ├── TooManyRequests               429 a rate limit was reached (with Retry-After)
    └── ServiceUnavailable            503
"""

from collections.abc import Iterable, Mapping, Sequence

_RFC = "https://tools.ietf.org/html/"


class TenderError(Exception):
    status = 500
    title = "An unexpected error occurred."
    type = _RFC + "rfc7231#section-6.6.1"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Mapping[str, Sequence[str]] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = {k: list(v) for k, v in (errors or {}).items()}
        if title:
            self.title = title

    def extensions(self) -> dict[str, object]:
        """Extra members of the problem document (beyond type/title/status/detail/errors)."""
        return {}

    def headers(self) -> dict[str, str]:
        """Extra response headers (``Retry-After``)."""
        return {}


class InvalidRequest(TenderError):
    status = 400
    title = "One or more validation errors occurred."
    type = _RFC + "rfc7231#section-6.5.1"

    @classmethod
    def field(cls, field: str, message: str) -> "InvalidRequest":
        return cls(message, errors={field: [message]})


class Unauthorized(TenderError):
    status = 401
    title = "Unauthorized."
    type = _RFC + "rfc7235#section-3.1"


class NotFound(TenderError):
    status = 404
    title = "Not Found."
    type = _RFC + "rfc7231#section-6.5.4"


class MethodNotAllowed(TenderError):
    status = 405
    title = "Method Not Allowed."
    type = _RFC + "rfc7231#section-6.5.5"


class Conflict(TenderError):
    status = 409
    title = "Conflict."
    type = _RFC + "rfc7231#section-6.5.8"


class StateConflict(Conflict):
    """An operation the intent's current status (or capture mode, or window) forbids."""

    title = "The payment intent's status does not allow this operation."

    def __init__(
        self, operation: str, current: str, allowed: Iterable[str], reason: str | None = None
    ) -> None:
        self.operation = operation
        self.current = current
        self.allowed = sorted(set(allowed))
        expected = " or ".join(self.allowed) if self.allowed else "no status"
        detail = f"Cannot {operation} the payment intent because its status is {current}"
        detail += f"; {reason}." if reason else f"; expected {expected}."
        super().__init__(detail)

    def extensions(self) -> dict[str, object]:
        return {"currentStatus": self.current, "allowedStatuses": self.allowed}


class SetupStateConflict(StateConflict):
    """An operation the setup intent's current status forbids."""

    title = "The setup intent's status does not allow this operation."

    def __init__(
        self, operation: str, current: str, allowed: Iterable[str], reason: str | None = None
    ) -> None:
        super().__init__(operation, current, allowed, reason)
        assert self.detail is not None
        self.detail = self.detail.replace("the payment intent", "the setup intent")


class IdempotencyInFlight(Conflict):
    title = "A request with this idempotency key is still being processed."

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class PayloadTooLarge(TenderError):
    status = 413
    title = "Payload Too Large."
    type = _RFC + "rfc7231#section-6.5.11"


class UnsupportedMediaType(TenderError):
    status = 415
    title = "Unsupported Media Type."
    type = _RFC + "rfc7231#section-6.5.13"


class IdempotencyMismatch(TenderError):
    status = 422
    title = "This idempotency key was already used with a different request."
    type = "https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/"


class TooManyRequests(TenderError):
    status = 429
    title = "Too Many Requests."
    type = "https://tools.ietf.org/html/rfc6585#section-4"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)

    def extensions(self) -> dict[str, object]:
        return {"retryAfter": self.retry_after}

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ServiceUnavailable(TenderError):
    status = 503
    title = "Service Unavailable."
    type = _RFC + "rfc7231#section-6.6.4"
