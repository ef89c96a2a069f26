"""3-D Secure: the sandbox issuer's challenge (page data, approve or reject) and the completion
call the browser library makes afterwards.

State lives on the attempt: ``challenged`` holds the client session secret until the cardholder
decides. Deciding follows the phases of ``service.phases``: the attempt goes back to ``pending``
(committed), the processor completes the challenge outside any lock, and its answer is recorded
by ``pay.record_authorization``. A challenge whose intent got a new secret (refreshed after
abandoning it) or was canceled can no longer complete: it becomes ``abandoned`` and the intent
stays as it is.
"""

from dataclasses import dataclass
from typing import Any

from tender.domain.money import format_amount
from tender.domain.status import AttemptState, Status
from tender.errors import NotFound
from tender.processor.threeds import code_matches
from tender.service.accounts import account_by_id
from tender.service.context import Context
from tender.service.pay import attempt_answer, authorize_and_finish, hash_token
from tender.storage import attempts as repo
from tender.storage import intents as intents_repo


@dataclass(frozen=True)
class Challenge:
    """What the challenge page shows; ``result`` is set once the challenge is decided."""

    attempt_id: str
    merchant: str
    amount: str
    card: str
    code: str | None
    result: dict[str, Any] | None
    error: str | None = None


async def challenge(ctx: Context, attempt_id: str, error: str | None = None) -> Challenge:
    async with ctx.db.transaction(write=False) as conn:
        attempt = await repo.get_attempt(conn, attempt_id)
        if attempt is None or attempt.three_ds != "challenge":
            raise NotFound(f"No 3-D Secure challenge with id {attempt_id}.")
        intent = await intents_repo.get_intent_any_account(conn, attempt.intent_id)
        assert intent is not None
        account = await account_by_id(ctx, conn, intent.account_id)
        merchant = (intent.details.get("config") or {}).get("tradingName") or account.name
        pending = attempt.state is AttemptState.CHALLENGED
        return Challenge(
            attempt_id=attempt.id,
            merchant=merchant,
            amount=format_amount(attempt.amount, intent.currency),
            card=f"{attempt.card_brand} •••• {attempt.card_last4}",
            code=attempt.otp_code if pending else None,
            result=None if pending else attempt_answer(ctx, attempt),
            error=error,
        )


class WrongCode(Exception):
    """The typed one-time code does not match; nothing was decided."""


async def decide_challenge(
    ctx: Context, attempt_id: str, approve: bool, code: str | None
) -> dict[str, Any]:
    """The cardholder approves (with the right code) or rejects; answers the attempt's result.

    Deciding twice answers the first decision again.
    """
    async with ctx.db.transaction() as conn:
        attempt = await repo.get_attempt(conn, attempt_id)
        if attempt is None or attempt.three_ds != "challenge":
            raise NotFound(f"No 3-D Secure challenge with id {attempt_id}.")
        intent = await intents_repo.get_intent_any_account(conn, attempt.intent_id, for_update=True)
        assert intent is not None
        attempt = await repo.get_attempt(conn, attempt_id)  # re-read under the lock
        assert attempt is not None
        if attempt.state is not AttemptState.CHALLENGED:
            return attempt_answer(ctx, attempt)
        current = intent.client_secret is not None and hash_token(intent.client_secret) == (
            attempt.token_hash
        )
        if intent.status is not Status.CREATED or not current:
            attempt = await repo.update_attempt(
                conn,
                attempt_id,
                dict(
                    state=AttemptState.ABANDONED.value,
                    status_code=401,
                    otp_code=None,
                    message="This challenge has expired: the payment was restarted.",
                    completed_at=ctx.clock(),
                ),
            )
            return attempt_answer(ctx, attempt)
        if approve and not code_matches(attempt.otp_code or "", code):
            raise WrongCode
        attempt = await repo.update_attempt(
            conn, attempt_id, dict(state=AttemptState.PENDING.value, otp_code=None)
        )
    decided = attempt

    def call() -> Any:
        return ctx.processor.complete_challenge(
            decided.processor_data, approve, decided.amount, intent.currency, reference=decided.id
        )

    return attempt_answer(ctx, await authorize_and_finish(ctx, intent.id, attempt, call))


async def complete(ctx: Context, token: str, attempt_id: str | None) -> dict[str, Any]:
    """``three-ds-complete``: the attempt's answer (3 while the challenge is still pending)."""
    async with ctx.db.transaction(write=False) as conn:
        attempt = await repo.get_attempt(conn, attempt_id) if attempt_id else None
        if attempt is None or attempt.token_hash != hash_token(token):
            return {"statusCode": 404, "message": "No 3-D Secure attempt matches md and token."}
        return attempt_answer(ctx, attempt)


__all__ = ["Challenge", "WrongCode", "challenge", "complete", "decide_challenge"]
