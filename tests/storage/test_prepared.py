"""The compiled-statement path (``storage.prepared``) answers exactly what SQLAlchemy answers:
the same rows, converted the same way, the same defaults written, the same errors, with
nothing changed by a failed statement. Each statement runs twice through the real SQLite loop
connection (its second run takes the plan) and once through plain SQLAlchemy to compare."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from tender.ids import new_id
from tender.storage import prepared
from tender.storage.db import Database
from tender.storage.tables import accounts, payment_intents
from tests.conftest import backend

pytestmark = pytest.mark.skipif(backend() != "sqlite", reason="the plan path is SQLite's")

NOW = datetime(2026, 12, 3, 12, 0, 0, 123456, tzinfo=UTC)
INSERT = insert(payment_intents).returning(*payment_intents.c)
BY_ID = select(payment_intents).where(payment_intents.c.id == bindparam("intent_id"))
UPDATE = (
    update(payment_intents)
    .where(payment_intents.c.id == bindparam("_id"))
    .returning(payment_intents.c.status, payment_intents.c.version)
)
TOUCH = update(payment_intents).where(payment_intents.c.status == bindparam("_status"))


def intent_values(account_id: str) -> dict[str, Any]:
    """An intent written without the columns that have scalar defaults (tips, version…)."""
    return {
        "id": new_id("pi"),
        "account_id": account_id,
        "status": "Created",
        "capture_mode": "Auto",
        "currency": "GBP",
        "amount": 1234,
        "reference": "order 1",
        "details": {"a": [1, 2]},
        "created_at": NOW,
        "updated_at": NOW,
        "expire_at": NOW + timedelta(days=1),
    }


@pytest.fixture
async def db(database_url: str) -> Any:
    database = Database(database_url)
    account_id = new_id("acc")
    async with database.transaction() as conn:
        await conn.execute(
            insert(accounts),
            {"id": account_id, "name": "prepared", "environment": "sandbox",
             "currencies": ["GBP"], "created_at": NOW},
        )  # fmt: skip
    database.account_id = account_id  # type: ignore[attr-defined]
    yield database
    await database.dispose()


class Answer:
    """A result read inside its transaction: its rows (if it has any) and its row count."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def one(self) -> Any:
        assert len(self.rows) == 1
        return self.rows[0]

    def first(self) -> Any:
        return self.rows[0] if self.rows else None


async def run(db: Database, statement: Any, params: Any = None) -> Answer:
    async with db.transaction() as conn:
        result = await conn.execute(statement, params)
        return Answer(list(result) if result.returns_rows else [], result.rowcount)


async def insert_intents(db: Database, count: int, **overrides: Any) -> list[str]:
    """``count`` intents written one by one through ``INSERT`` (from the second, by its plan)."""
    ids = []
    for _ in range(count):
        values = {**intent_values(db.account_id), **overrides}  # type: ignore[attr-defined]
        await run(db, INSERT, values)
        ids.append(values["id"])
    return ids


def planned(db: Database, statement: Any, params: dict[str, Any]) -> bool:
    seen = db._statements._seen.get(id(statement))
    if seen is None or frozenset(params) not in seen[1]:
        return False
    found = seen[1][frozenset(params)]
    if isinstance(found, prepared.Expanding):
        shape = tuple(len(params.get(key, fixed)) for key, fixed in found.lists.values())
        return found.plans.get(shape) is not None
    return found is not None


async def sqlalchemy_row(db: Database, statement: Any, params: dict[str, Any]) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        row = (await conn.execute(statement, params)).one()
    return dict(row._mapping)


async def test_inserts_and_reads_give_what_sqlalchemy_gives(db: Database) -> None:
    first, second = intent_values(db.account_id), intent_values(db.account_id)  # type: ignore[attr-defined]
    by_sqlalchemy = dict((await run(db, INSERT, first)).one()._mapping)
    by_plan = (await run(db, INSERT, second)).one()._mapping
    assert planned(db, INSERT, second)
    assert by_plan.keys() == by_sqlalchemy.keys()
    # the scalar column defaults are written, and every type comes back as SQLAlchemy's does
    assert by_plan["version"] == by_sqlalchemy["version"] == 1
    assert by_plan["tips_amount"] == 0 and by_plan["cashback_amount"] == 0
    assert by_plan["created_at"] == NOW and by_plan["created_at"].tzinfo is not None
    assert by_plan["details"] == {"a": [1, 2]}
    assert {k: v for k, v in by_plan.items() if k != "id"} == {
        k: v for k, v in by_sqlalchemy.items() if k != "id"
    }
    for _ in range(2):
        read = (await run(db, BY_ID, {"intent_id": second["id"]})).first()
    assert planned(db, BY_ID, {"intent_id": second["id"]})
    assert read._mapping == await sqlalchemy_row(db, BY_ID, {"intent_id": second["id"]})
    assert read.amount == read[list(read._mapping).index("amount")] == 1234
    assert db._statements.retried == 0


async def test_updates_return_rows_and_count_them(db: Database) -> None:
    ids = await insert_intents(db, 3)
    for intent_id in ids[:2]:
        result = await run(db, UPDATE, {"_id": intent_id, "status": "Canceled", "version": 2})
        assert result.one()._mapping == {"status": "Canceled", "version": 2}
    assert planned(db, UPDATE, {"_id": ids[1], "status": "Canceled", "version": 2})
    await run(db, TOUCH, {"_status": "Canceled", "reference": "x"})
    counted = await run(db, TOUCH, {"_status": "Canceled", "reference": "y"})
    assert planned(db, TOUCH, {"_status": "Canceled", "reference": "y"})
    assert counted.rowcount == 2
    nothing = await run(db, UPDATE, {"_id": "pi_missing", "status": "Canceled", "version": 2})
    assert nothing.first() is None
    assert db._statements.retried == 0


async def test_a_failed_statement_raises_sqlalchemys_error_and_changes_nothing(
    db: Database,
) -> None:
    values = intent_values(db.account_id)  # type: ignore[attr-defined]
    await run(db, INSERT, values)
    await run(db, INSERT, intent_values(db.account_id))  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        await run(db, INSERT, {**values, "amount": 1})
    assert db._statements.retried == 1  # the plan's attempt, then SQLAlchemy's
    row = (await run(db, BY_ID, {"intent_id": values["id"]})).one()
    assert row.amount == 1234


async def test_executemany_writes_every_row_in_order_and_a_failure_is_sqlalchemys(
    db: Database,
) -> None:
    batches = [[intent_values(db.account_id) for _ in range(3)] for _ in range(2)]  # type: ignore[attr-defined]
    many = insert(payment_intents)
    for batch in batches:  # the second batch takes the plan
        await run(db, many, batch)
    assert planned(db, many, batches[1][0])
    for batch in batches:
        for values in batch:
            row = (await run(db, BY_ID, {"intent_id": values["id"]})).one()
            assert (row.amount, row.version, row.details) == (1234, 1, {"a": [1, 2]})
    clash = [intent_values(db.account_id), batches[0][0]]  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        await run(db, many, clash)
    assert (await run(db, BY_ID, {"intent_id": clash[0]["id"]})).first() is None  # rolled back
    assert db._statements.retried == 0


async def test_json_null_is_written_as_sqlalchemy_writes_it(db: Database) -> None:
    """SQLAlchemy writes Python's None in a JSON column as JSON ``null`` (the column is NOT
    NULL); so must the plan."""
    ids = await insert_intents(db, 2, details=None)  # the second insert takes the plan
    assert planned(db, INSERT, {**intent_values(db.account_id), "details": None})  # type: ignore[attr-defined]
    async with db.engine.connect() as conn:
        stored = (
            await conn.exec_driver_sql(
                "SELECT details FROM payment_intents WHERE id IN (?, ?)", tuple(ids)
            )
        ).all()
    assert [details for (details,) in stored] == ["null", "null"]
    assert db._statements.retried == 0


async def test_statements_built_per_call_and_listened_connections_go_through_sqlalchemy(
    db: Database,
) -> None:
    values = intent_values(db.account_id)  # type: ignore[attr-defined]
    await run(db, INSERT, values)
    planned_before = dict(db._statements._seen)
    for _ in range(3):  # a new statement object each time: never planned
        fresh = select(payment_intents).where(payment_intents.c.id == values["id"])
        assert (await run(db, fresh)).one().id == values["id"]
        assert id(fresh) not in db._statements._seen
    assert db._statements._seen == planned_before  # and the plans already made stay
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    assert db._loop_engine is not None
    event.listen(db._loop_engine, "before_cursor_execute", record)
    try:
        for _ in range(2):
            await run(db, BY_ID, {"intent_id": values["id"]})
    finally:
        event.remove(db._loop_engine, "before_cursor_execute", record)
    assert len([s for s in seen if s.startswith("SELECT payment_intents.id")]) == 2


async def test_many_statements_built_per_call_do_not_push_out_the_plans(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepared, "_MAX_STATEMENTS", 5)
    values = intent_values(db.account_id)  # type: ignore[attr-defined]
    await run(db, INSERT, values)
    for _ in range(2):
        await run(db, BY_ID, {"intent_id": values["id"]})
    assert planned(db, BY_ID, {"intent_id": values["id"]})
    for _ in range(20):  # four times the room for candidates
        await run(db, select(payment_intents.c.id).where(payment_intents.c.id == values["id"]))
    assert planned(db, BY_ID, {"intent_id": values["id"]})


async def test_expanding_in_gets_a_plan_per_list_length(db: Database) -> None:
    """The ledger's and the rate limits' ``IN (…)``: a plan for each length of the list, with
    a fixed list (``state IN ('Created', 'Canceled')``) beside it; an empty list is SQLAlchemy's."""
    ids = await insert_intents(db, 3)
    expanding = select(payment_intents.c.id).where(
        payment_intents.c.id.in_(bindparam("ids", expanding=True)),
        payment_intents.c.status.in_(["Created", "Canceled"]),
        payment_intents.c.amount == bindparam("amount"),
    )
    for chosen in ([ids[0]], [ids[0]], ids[:2], [ids[2], "pi_none", ids[1]], ids[:2], []):
        rows = (await run(db, expanding, {"ids": chosen, "amount": 1234})).rows
        assert sorted(r.id for r in rows) == sorted(set(chosen) & set(ids))
    assert planned(db, expanding, {"ids": [ids[0]], "amount": 1234})
    assert planned(db, expanding, {"ids": ids[:2], "amount": 1234})
    assert planned(db, expanding, {"ids": ids, "amount": 1234})
    assert not planned(db, expanding, {"ids": [], "amount": 1234})
    assert db._statements.retried == 0


def test_a_result_answers_as_sqlalchemys_does() -> None:
    row_class = prepared._row_class(("a", "b"))
    empty, one, two = (
        prepared.FastResult([], -1),
        prepared.FastResult([row_class([1, 2])], 1),
        prepared.FastResult([row_class([1, 2]), row_class([3, 4])], 2),
    )
    assert empty.first() is None and empty.scalar() is None and empty.one_or_none() is None
    assert one.scalar_one() == 1 and one.one().b == 2 and one.one()._mapping == {"a": 1, "b": 2}
    assert [r.a for r in two] == [1, 3] and len(two.all()) == 2
    with pytest.raises(AttributeError):
        _ = one.one().c
    for bad in (empty.one, two.one, two.one_or_none):
        with pytest.raises(Exception, match=r"row|Multiple"):
            bad()
