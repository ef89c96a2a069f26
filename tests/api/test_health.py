"""``GET /health`` when the database cannot be reached: 503 with the reason, no traceback."""

import httpx

from tender.config import Settings
from tests.conftest import make_app


async def test_an_unreachable_database_is_reported_as_503() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none", run_workers=False)
    app = make_app(settings, run_jobs=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["dialect"] == "postgresql"
    assert body["database"]["reachable"] is False and body["database"]["revision"] is None
    assert body["database"]["error"]
