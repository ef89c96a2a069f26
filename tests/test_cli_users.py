"""``tender users create|list|disable`` against the application's database; the user they make
signs in to the dashboard."""

import asyncio

from tests.dashboard_help import sign_in
from tests.processes import run


async def _tender(database_url: str, *args: str, **env: str) -> tuple[int, str, str]:
    environment = {"TENDER_DATABASE_URL": database_url, "COLUMNS": "200", **env}
    result = await asyncio.to_thread(run, list(args), environment)
    return result.exit_code, result.stdout, result.stderr


async def test_create_list_disable(database_url, client, api):
    password = "a long password 1"
    code, _, err = await _tender(
        database_url, "users", "create", "Ada@Shop.example", "--account", "merchant",
        "--role", "support", TENDER_USER_PASSWORD=password,
    )  # fmt: skip
    assert code == 0, err
    assert "created support ada@shop.example of merchant" in err
    assert (await sign_in(client, "ada@shop.example", password)).status_code == 303

    code, out, _ = await _tender(database_url, "users", "list")
    assert code == 0
    assert "ada@shop.example" in out and "support" in out and "active" in out
    assert password not in out

    code, _, err = await _tender(database_url, "users", "disable", "ada@shop.example")
    assert code == 0, err
    assert "disabled" in (await _tender(database_url, "users", "list"))[1]
    assert (await sign_in(client, "ada@shop.example", password)).status_code == 401


async def test_create_refuses_bad_input(database_url, api):
    for args, message in [
        (["nobody", "--account", "merchant"], "Enter an e-mail address"),
        (["a@shop.example", "--account", "no such shop"], "No sandbox account is named"),
        (["a@shop.example", "--account", "merchant", "--role", "king"], "The role must be one of"),
    ]:
        code, _, err = await _tender(
            database_url, "users", "create", *args, TENDER_USER_PASSWORD="a long password 1"
        )
        assert code == 2 and message in err, err
    code, _, err = await _tender(
        database_url, "users", "create", "a@shop.example", "--account", "merchant",
        TENDER_USER_PASSWORD="short",
    )  # fmt: skip
    assert code == 2 and "10 to 256 characters" in err
