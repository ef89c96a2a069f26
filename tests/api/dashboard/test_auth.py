"""Signing in to the dashboard over HTTP, on both databases: cookies, CSRF on every form,
session fixation, lockout after repeated failures, sign-out and disabled users."""

from datetime import timedelta

import httpx
import pytest

from tender.service import users
from tests.dashboard_help import (
    PASSWORD,
    hidden,
    hidden_fields,
    make_person,
    post_form,
    sign_in,
    signed_in,
)


@pytest.fixture
async def owner(ctx, api):
    return await make_person(ctx, api, "owner@merchant.example")


async def test_the_sign_in_form_has_the_labelled_fields(client):
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert '<label for="email">Email</label>' in page.text
    assert '<label for="password">Password</label>' in page.text
    assert ">Sign in</button>" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


async def test_sign_in_sets_an_httponly_samesite_session_cookie(client, owner):
    response = await sign_in(client, owner.email, PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("tender_session=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags and "samesite=lax" in flags and "path=/dashboard" in flags
    assert "secure" not in flags  # plain http: a Secure cookie would never come back
    overview = await client.get("/dashboard")
    assert "<h1>Overview</h1>" in overview.text


async def test_cookies_are_secure_behind_https(app, ctx, api):
    owner = await make_person(ctx, api, "owner@merchant.example")
    ctx.settings = ctx.settings.model_copy(update={"public_url": "https://pay.example"})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await sign_in(client, owner.email, PASSWORD)
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("tender_session=")
    )
    assert "secure" in cookie.lower()


async def test_a_wrong_password_is_refused(client, owner):
    response = await sign_in(client, owner.email, "not the password")
    assert response.status_code == 401
    assert "The e-mail address or password is not right." in response.text
    assert "tender_session" not in client.cookies
    assert "Sign in" in (await client.get("/dashboard")).text


async def test_an_unknown_address_gets_the_same_answer(client):
    response = await sign_in(client, "nobody@nowhere.example", "whatever it is")
    assert response.status_code == 401
    assert "The e-mail address or password is not right." in response.text


async def test_sign_in_without_the_forms_token_is_refused(client, owner):
    response = await client.post(
        "/dashboard/sign-in", data={"email": owner.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "tender_session" not in client.cookies


async def test_sign_in_from_another_site_is_refused(client, owner):
    page = await client.get("/dashboard")
    response = await client.post(
        "/dashboard/sign-in",
        data={"sign_in_token": hidden(page.text, "sign_in_token"), "email": owner.email,
              "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert response.status_code == 403
    assert "tender_session" not in client.cookies


async def test_every_form_needs_the_sessions_csrf_token(client, api, owner):
    await signed_in(client, owner)
    intent = await api.create(captureMode="Manual")
    action = f"/dashboard/payments/{intent['id']}/cancel"
    page = await client.get(f"/dashboard/payments/{intent['id']}")
    fields = hidden_fields(page.text, action)
    for token in (None, "forged", fields["csrf_token"][:-1] + "x"):
        data = {**fields, "confirmed": "yes"}
        if token is None:
            del data["csrf_token"]
        else:
            data["csrf_token"] = token
        response = await client.post(action, data=data)
        assert response.status_code == 403, response.text
        assert "This form has expired" in response.text
    foreign = await client.post(
        action, data={**fields, "confirmed": "yes"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert (await api.get(intent["id"])).json()["status"] == "Created"
    done = await client.post(action, data={**fields, "confirmed": "yes"})
    assert done.status_code == 303
    assert (await api.get(intent["id"], returnCanceled="true")).json()["status"] == "Canceled"


async def test_a_planted_session_id_is_not_adopted_at_sign_in(client, owner):
    """Session fixation: whatever session cookie the browser brings, signing in issues a new
    one, and the one it brought is worth nothing."""
    client.cookies.set(
        "tender_session", "attacker-chosen-value", domain="testserver.local", path="/dashboard"
    )
    response = await sign_in(client, owner.email, PASSWORD)
    assert response.status_code == 303
    issued = client.cookies.get("tender_session")
    assert issued and issued != "attacker-chosen-value"
    async with httpx.AsyncClient(
        transport=client._transport, base_url="http://testserver"
    ) as other:
        other.cookies.set("tender_session", "attacker-chosen-value", path="/dashboard")
        assert "Sign in" in (await other.get("/dashboard")).text


async def test_signing_in_again_ends_the_previous_session(client, owner):
    await signed_in(client, owner)
    first = client.cookies.get("tender_session")
    await signed_in(client, owner)
    second = client.cookies.get("tender_session")
    assert first != second
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as old:
        old.cookies.set("tender_session", first, path="/dashboard")
        page = await old.get("/dashboard/payments")
        assert page.status_code == 303 and page.headers["location"].startswith("/dashboard?next=")


async def test_lockout_after_repeated_failures(client, ctx, clock, owner):
    for _ in range(ctx.settings.dashboard_lockout_failures - 1):
        assert (await sign_in(client, owner.email, "wrong password!")).status_code == 401
    locked = await sign_in(client, owner.email, "wrong password!")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    # Locked: even the right password is refused until the lock ends.
    assert (await sign_in(client, owner.email, PASSWORD)).status_code == 429
    clock.advance(timedelta(minutes=ctx.settings.dashboard_lockout_minutes, seconds=1))
    assert (await sign_in(client, owner.email, PASSWORD)).status_code == 303


async def test_unknown_addresses_lock_out_the_same_way(client, ctx):
    for _ in range(ctx.settings.dashboard_lockout_failures - 1):
        assert (await sign_in(client, "ghost@nowhere.example", "guess guess")).status_code == 401
    assert (await sign_in(client, "ghost@nowhere.example", "guess guess")).status_code == 429


async def test_a_success_resets_the_failure_count(client, ctx, owner):
    for _ in range(ctx.settings.dashboard_lockout_failures - 1):
        await sign_in(client, owner.email, "wrong password!")
    assert (await sign_in(client, owner.email, PASSWORD)).status_code == 303
    for _ in range(ctx.settings.dashboard_lockout_failures - 1):
        assert (await sign_in(client, owner.email, "wrong password!")).status_code == 401


async def test_sign_out_ends_the_session_on_the_server(client, owner):
    await signed_in(client, owner)
    token = client.cookies.get("tender_session")
    response = await post_form(client, "/dashboard", "/dashboard/sign-out")
    assert response.status_code == 303
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as old:
        old.cookies.set("tender_session", token, path="/dashboard")
        assert "Sign in" in (await old.get("/dashboard")).text


async def test_a_disabled_user_is_signed_out_and_cannot_sign_in(client, ctx, owner):
    await signed_in(client, owner)
    await users.disable_user(ctx, owner.email)
    page = await client.get("/dashboard/payments")
    assert page.status_code == 303
    assert (await sign_in(client, owner.email, PASSWORD)).status_code == 401


async def test_after_sign_in_the_browser_goes_where_it_was_going(client, owner):
    first = await client.get("/dashboard/payments?status=Captured")
    assert first.status_code == 303
    target = first.headers["location"]
    page = await client.get(target)
    token = hidden(page.text, "sign_in_token")
    assert hidden(page.text, "next") == "/dashboard/payments?status=Captured"
    response = await client.post(
        "/dashboard/sign-in",
        data={"sign_in_token": token, "next": "https://evil.example/", "email": owner.email,
              "password": PASSWORD},
    )  # fmt: skip
    assert response.headers["location"] == "/dashboard"  # never another site
