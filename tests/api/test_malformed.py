"""No malformed request yields a 5xx or changes anything: a generated corpus (corpus.py) of
broken JSON, wrong types, huge numbers, floats, nulls, deep nesting, unicode, NUL characters,
wrong content types, oversized bodies and missing or garbage headers, on every endpoint."""

from typing import Any

import httpx
from sqlalchemy import func, select

from tender.service import accounts
from tender.service.context import Context
from tender.storage import intents as intents_repo
from tender.storage.tables import metadata
from tests.api.corpus import Case, cases
from tests.conftest import Api


async def snapshot(ctx: Context, intent_id: str) -> dict[str, Any]:
    async with ctx.db.transaction(write=False) as conn:
        counts = {
            table.name: (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            for table in metadata.sorted_tables
        }
        row = await intents_repo.get_intent_any_account(conn, intent_id)
    assert row is not None
    return {**counts, "version": row.version, "secret": row.client_secret, "row": row._asdict()}


async def send(api: Api, case: Case) -> httpx.Response:
    headers = {k.lower(): v for k, v in api.headers().items() if k.lower() not in case.drop}
    if case.body is not None:
        headers["content-type"] = "application/json"
    headers.update({k.lower(): v for k, v in case.headers.items()})
    raw = [(k.encode(), v.encode("utf-8")) for k, v in headers.items()]  # non-ASCII bytes too
    return await api.client.request(case.method, case.path, content=case.body, headers=raw)


async def test_no_malformed_request_answers_5xx_or_changes_anything(api: Api, ctx: Context) -> None:
    intent = await api.create(
        config={"payment": {"customAmountAllowed": True, "tipsAllowed": True}}
    )
    revoked_account, revoked = await accounts.create_key(ctx, account_name="revoked")
    for row in await accounts.list_keys(ctx):
        if row.account_id == revoked_account.id:
            await accounts.revoke_key(ctx, row.id)
    unknown_prod = accounts.generate_key("prod")
    before = await snapshot(ctx, intent["id"])

    failures: list[str] = []
    total = 0
    for case in cases(intent["id"], revoked, unknown_prod):
        total += 1
        response = await send(api, case)
        kind = response.headers.get("content-type", "")
        if not 400 <= response.status_code < 500 or not kind.startswith("application/problem+json"):
            failures.append(f"{case.name}: {response.status_code} {response.text[:160]}")
        elif not response.json().get("traceId", "").startswith("00-"):
            failures.append(f"{case.name}: problem without traceId")
    assert total > 500
    assert not failures, f"{len(failures)} of {total} cases:\n" + "\n".join(failures)
    assert await snapshot(ctx, intent["id"]) == before
    # And the intent still works: the corpus left it exactly as it was.
    assert (await api.get(intent["id"])).json() == intent
