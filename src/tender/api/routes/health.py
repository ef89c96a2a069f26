"""``GET /health``: is the process up, and can it reach its database?"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tender.api.deps import Ctx
from tender.api.schemas import Health
from tender.service import health

router = APIRouter(tags=["Operations"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
async def get_health(ctx: Ctx) -> JSONResponse:
    report = await health.check(ctx)
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)
