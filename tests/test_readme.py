"""The README's Python examples run, in order and sharing names, against a live server: the
placeholders ``sk_sandbox_…`` and ``http://127.0.0.1:8000`` become a real key and address."""

import asyncio
import re
from typing import Any

from tender.service import accounts
from tender.service.context import Context
from tender.storage.db import Database
from tests.conftest import ROOT, LiveServer

KEY_PLACEHOLDER = "sk_sandbox_…"
URL_PLACEHOLDER = "http://127.0.0.1:8000"


def python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_the_readme_has_the_sdk_examples() -> None:
    blocks = python_blocks()
    assert len(blocks) >= 5
    assert any("payment_intents.create" in b and "Order 245" in b for b in blocks)  # seed Step 1


async def test_every_python_block_runs(live_server: LiveServer) -> None:
    ctx = Context(db=Database(live_server.settings.database_url), settings=live_server.settings)
    try:
        _, key = await accounts.create_key(ctx, account_name="readme merchant")
    finally:
        await ctx.db.dispose()
    namespace: dict[str, Any] = {"__name__": "readme"}
    for n, block in enumerate(python_blocks(), 1):
        code = block.replace(KEY_PLACEHOLDER, key).replace(URL_PLACEHOLDER, live_server.url)
        compiled = compile(code, f"README.md python block {n}", "exec")
        # a worker thread: blocks call asyncio.run() and block on HTTP to the live server
        await asyncio.to_thread(exec, compiled, namespace)
    for value in namespace.values():
        if hasattr(value, "close") and type(value).__name__ == "Tender":
            value.close()
