"""The dashboard's overview of the last 30 UTC days (today included): payments authorized and
their volume per day, the approval rate, the most frequent decline reasons and the refunds,
in one currency at a time. Every figure is an aggregate query (``storage.overview``); nothing
here walks the account's payments."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from tender.domain.status import AttemptState
from tender.service.accounts import Account
from tender.service.context import Context
from tender.storage import overview as repo

DAYS = 30
REASONS = 8  # the most frequent decline reasons shown


@dataclass
class Day:
    day: date
    payments: int = 0
    volume: int = 0
    refunds: int = 0
    refunded: int = 0


@dataclass
class Overview:
    currency: str
    currencies: list[str]
    start: date
    end: date  # inclusive
    days: list[Day]
    payments: int = 0
    volume: int = 0
    refunds: int = 0
    refunded: int = 0
    approved: int = 0
    declined: int = 0
    decline_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def approval_rate(self) -> float | None:
        """Approved share of finished attempts (all currencies), or None without attempts."""
        finished = self.approved + self.declined
        return self.approved / finished if finished else None


async def overview(ctx: Context, account: Account, currency: str | None = None) -> Overview:
    today = ctx.clock().astimezone(UTC).date()
    first = today - timedelta(days=DAYS - 1)
    start = datetime.combine(first, time(), UTC)
    end = datetime.combine(today + timedelta(days=1), time(), UTC)
    async with ctx.db.transaction(write=False) as conn:
        attempts = await repo.attempts_per_day(conn, account.id, start, end)
        refunds = await repo.refunds_per_day(conn, account.id, start, end)
    seen = {r.currency for r in attempts} | {r.currency for r in refunds}
    currencies = list(account.currencies) + sorted(seen - set(account.currencies))
    if currency is None or currency not in currencies:
        volumes: dict[str, int] = {}
        for a in attempts:
            if a.state == AttemptState.SUCCEEDED:
                volumes[a.currency] = volumes.get(a.currency, 0) + a.amount
        currency = max(volumes, key=lambda c: volumes[c]) if volumes else currencies[0]
    days = {first + timedelta(days=i): Day(first + timedelta(days=i)) for i in range(DAYS)}
    result = Overview(currency, currencies, first, today, list(days.values()))
    reasons: dict[str, int] = {}
    for a in attempts:
        if a.state == AttemptState.SUCCEEDED:
            result.approved += a.count
        else:
            result.declined += a.count
            reasons[a.message] = reasons.get(a.message, 0) + a.count
        day = days.get(a.day)
        if a.state == AttemptState.SUCCEEDED and a.currency == currency and day is not None:
            day.payments += a.count
            day.volume += a.amount
    for r in refunds:
        day = days.get(r.day)
        if r.currency == currency and day is not None:
            day.refunds += r.count
            day.refunded += r.amount
    for d in result.days:
        result.payments += d.payments
        result.volume += d.volume
        result.refunds += d.refunds
        result.refunded += d.refunded
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    result.decline_reasons = ranked[:REASONS]
    return result
