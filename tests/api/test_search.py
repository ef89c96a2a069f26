"""``POST /payment-intents/search``: newest first, cursors both ways, limits, status and date
filters, and a stable order when intents share a timestamp."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tender.clock import FrozenClock
from tests.conftest import Api, assert_problem


@pytest.fixture
def clock() -> FrozenClock:
    """Time stands still unless a test moves it, so intents can share a timestamp."""
    return FrozenClock(datetime(2024, 5, 7, 12, 0, tzinfo=UTC))


async def search(api: Api, **body: Any) -> dict[str, Any]:
    response = await api.request("POST", "/payment-intents/search", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def ids(page: dict[str, Any]) -> list[str]:
    return [intent["id"] for intent in page["data"]]


async def walk(api: Api, limit: int, **filters: Any) -> list[dict[str, Any]]:
    pages = [await search(api, cursor={"limit": limit}, **filters)]
    while pages[-1]["after"]:
        pages.append(
            await search(api, cursor={"limit": limit, "after": pages[-1]["after"]}, **filters)
        )
    return pages


async def check_round_trip(api: Api, expected: list[str], limit: int, **filters: Any) -> None:
    pages = await walk(api, limit, **filters)
    assert [i for page in pages for i in ids(page)] == expected
    assert all(len(ids(page)) == limit for page in pages[:-1])
    assert pages[0]["before"] is None and pages[-1]["after"] is None
    # Back again with `before`, from the last page to the first: the same pages.
    back = pages[-1]
    for page in reversed(pages[:-1]):
        assert back["before"]
        back = await search(api, cursor={"limit": limit, "before": back["before"]}, **filters)
        assert ids(back) == ids(page)
    assert back["before"] is None


async def test_equal_timestamps_page_in_a_stable_order_both_ways(api: Api) -> None:
    made = [(await api.create(reference=f"r{i}"))["id"] for i in range(7)]
    assert len({(await api.get(i)).json()["createdAt"] for i in made}) == 1
    expected = sorted(made, reverse=True)  # ties broken by id, newest-first order kept
    for limit in (1, 2, 3, 7, 100):
        await check_round_trip(api, expected, limit)


async def test_newest_first_across_time(api: Api, clock: FrozenClock) -> None:
    made = []
    for i in range(5):
        made.append((await api.create(reference=f"r{i}"))["id"])
        clock.advance(timedelta(seconds=1))
    await check_round_trip(api, made[::-1], 2)


async def test_limit_defaults_to_50_and_stops_at_100(api: Api, clock: FrozenClock) -> None:
    for i in range(101):
        await api.create(reference=f"r{i}")
        clock.advance(timedelta(milliseconds=1))
    first = await search(api)
    assert len(first["data"]) == 50 and first["after"] and first["before"] is None
    full = await search(api, cursor={"limit": 100})
    assert len(full["data"]) == 100 and full["after"]
    rest = await search(api, cursor={"limit": 100, "after": full["after"]})
    assert len(rest["data"]) == 1 and rest["after"] is None
    assert_problem(
        await api.request("POST", "/payment-intents/search", json={"cursor": {"limit": 101}}), 400
    )


async def test_status_filter(api: Api, clock: FrozenClock) -> None:
    made = []
    for i in range(6):
        made.append((await api.create(reference=f"r{i}"))["id"])
        clock.advance(timedelta(seconds=1))
    canceled = made[1::2]
    for intent_id in canceled:
        await api.request("DELETE", f"/payment-intents/{intent_id}")
    only_canceled = await search(api, statuses=["Canceled"])
    assert ids(only_canceled) == canceled[::-1]
    assert all(i["status"] == "Canceled" for i in only_canceled["data"])
    assert ids(await search(api, statuses=["Created"])) == made[0::2][::-1]
    assert ids(await search(api, statuses=["Created", "Canceled"])) == made[::-1]
    assert ids(await search(api, statuses=["Captured"])) == []
    await check_round_trip(api, canceled[::-1], 1, statuses=["Canceled"])


async def test_date_filters_are_inclusive(api: Api, clock: FrozenClock) -> None:
    start = clock.now
    made = []
    for i in range(4):
        made.append((await api.create(reference=f"r{i}"))["id"])
        clock.advance(timedelta(hours=1))
    at = [start + timedelta(hours=h) for h in range(4)]
    iso = [moment.isoformat() for moment in at]
    assert ids(await search(api, startDate=iso[1])) == made[1:][::-1]
    assert ids(await search(api, endDate=iso[1])) == made[:2][::-1]
    assert ids(await search(api, startDate=iso[1], endDate=iso[2])) == [made[2], made[1]]
    naive = at[3].replace(tzinfo=None).isoformat()  # read as UTC
    assert ids(await search(api, startDate=naive)) == [made[3]]
    plus_one = at[2].astimezone(timezone(timedelta(hours=1))).isoformat()
    assert ids(await search(api, startDate=plus_one)) == [made[3], made[2]]
    late = (at[3] + timedelta(seconds=1)).isoformat()
    assert await search(api, startDate=late) == {"data": [], "before": None, "after": None}
    await check_round_trip(api, [made[2], made[1]], 1, startDate=iso[1], endDate=iso[2])


async def test_an_empty_account_has_an_empty_page(api: Api) -> None:
    assert await search(api) == {"data": [], "before": None, "after": None}
