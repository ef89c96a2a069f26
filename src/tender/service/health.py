"""Health: whether the database answers, and at which schema revision."""

from typing import Any

from sqlalchemy import text

from tender.service.context import Context


async def check(ctx: Context) -> dict[str, Any]:
    database: dict[str, Any] = {"dialect": ctx.db.dialect, "reachable": False, "revision": None}
    try:
        async with ctx.db.transaction(write=False) as conn:
            result = await conn.execute(text("SELECT version_num FROM alembic_version"))
            database["revision"] = result.scalar_one_or_none()
        database["reachable"] = True
    except Exception as exc:  # an unreachable database is the answer, not a failure
        database["error"] = type(exc).__name__
    return {"status": "ok" if database["reachable"] else "unavailable", "database": database}
