"""No malformed request yields a 5xx or changes anything: a generated corpus (corpus.py) of
broken JSON, wrong types, huge numbers, floats, nulls, deep nesting, unicode, NUL characters,
wrong content types, oversized bodies and missing or garbage headers, on every endpoint."""

import random
from typing import Any

import httpx
from sqlalchemy import func, select

from tender.service import accounts
from tender.service.context import Context
from tender.storage import intents as intents_repo
from tender.storage.tables import metadata
from tests.api.corpus import CREATE_FIELDS, GOOD_CREATE, Case, cases
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


def random_json(rng: random.Random, depth: int = 0) -> Any:
    """Any JSON value: nulls, booleans, huge and negative integers, floats, odd unicode, and
    nested arrays and objects."""
    kinds = ["null", "bool", "int", "big", "float", "text", "list", "dict"]
    kind = rng.choice(kinds if depth < 4 else kinds[:6])
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.randint(-3, 3000)
    if kind == "big":
        return rng.choice([-1, 1]) * 10 ** rng.randint(10, 40)
    if kind == "float":
        return rng.choice([0.5, -0.0, 1e308, 1000.0, 3.14])
    if kind == "text":
        alphabet = "aZ09 _-@.:/\u00e9\u4e2d\U0001f600\u202e\u0000\u200b"
        return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 3, 61, 300])))
    if kind == "list":
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["value", "currencyCode", "name", "countryCode", "a", "Amount"]
    return {rng.choice(keys): random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))}


async def test_random_json_in_every_field_never_answers_5xx(api: Api, ctx: Context) -> None:
    """A seeded, generated corpus: random JSON in random fields of every body-taking endpoint.
    Whatever is refused changes nothing; whatever is accepted creates exactly one intent."""
    rng = random.Random(20240205)
    intent = await api.create(
        config={"payment": {"customAmountAllowed": True, "tipsAllowed": True}}
    )
    bodies: dict[str, dict[str, Any]] = {
        "/payment-intents": dict(GOOD_CREATE),
        "/payment-intents/search": {"cursor": {"limit": 5}},
        f"/payment-intents/{intent['id']}/amount": {"amount": {"value": 5, "currencyCode": "GBP"}},
        f"/payment-intents/{intent['id']}/tips-amount": {
            "tipsAmount": {"value": 5, "currencyCode": "GBP"}
        },
    }
    fields = {path: [*body, "unknown"] for path, body in bodies.items()}
    fields["/payment-intents"] = [*CREATE_FIELDS, "unknown"]
    failures = []
    for _ in range(400):
        path = rng.choice(list(bodies))
        body = dict(bodies[path])
        for _ in range(rng.randint(1, 3)):
            body[rng.choice(fields[path])] = random_json(rng)
        before = await snapshot(ctx, intent["id"])
        response = await api.request("POST", path, json=body)
        after = await snapshot(ctx, intent["id"])
        if response.status_code >= 500:
            failures.append(f"{path} {body!r:.200}: {response.status_code}")
        elif response.status_code >= 400:
            if after != before:
                failures.append(f"{path} {body!r:.200}: refused but changed the database")
        elif path == "/payment-intents":
            assert after["payment_intents"] == before["payment_intents"] + 1
    assert not failures, "\n".join(failures)
