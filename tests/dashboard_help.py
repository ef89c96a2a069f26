"""Helpers the dashboard tests share: users, signing in over HTTP, reading forms' hidden fields."""

import re
from dataclasses import dataclass
from typing import Any

import httpx

from tender.service import users
from tender.service.context import Context
from tests.conftest import Api, make_api

PASSWORD = "correct horse battery"


@dataclass
class Person:
    email: str
    password: str
    role: str
    api: Api


async def make_person(
    ctx: Context, api: Api, email: str, role: str = "owner", password: str = PASSWORD
) -> Person:
    await users.create_user(ctx, email, password, account_id=api.account_id, role=role)
    return Person(email, password, role, api)


async def merchant_with(ctx: Context, client: httpx.AsyncClient, name: str, role: str) -> Person:
    api = await make_api(ctx, client, name)
    slug = name.lower().replace(" ", "-")
    return await make_person(ctx, api, f"{role}@{slug}.example", role)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action``."""
    start = html.index(f'action="{action}"')
    form = html[start : html.index("</form>", start)]
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    """The sign-in form filled and sent, as a browser would (no redirects followed)."""
    page = await client.get("/dashboard/sign-in")
    token = hidden(page.text, "sign_in_token")
    return await client.post(
        "/dashboard/sign-in",
        data={"sign_in_token": token, "next": "/dashboard", "email": email, "password": password},
    )


async def signed_in(client: httpx.AsyncClient, person: Person) -> httpx.AsyncClient:
    response = await sign_in(client, person.email, person.password)
    assert response.status_code == 303, response.text
    return client


async def post_form(
    client: httpx.AsyncClient, page_url: str, action: str, **fields: Any
) -> httpx.Response:
    """Open ``page_url``, take the hidden fields of the form posting to ``action`` (CSRF token,
    idempotency key) and send it with ``fields``."""
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    data = {**hidden_fields(page.text, action), **fields}
    return await client.post(action, data=data)
