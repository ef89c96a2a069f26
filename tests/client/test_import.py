"""``tender.client`` (and ``tender.webhooks``' helpers) import with the server's modules absent,
as in a merchant's process that installed only httpx and pydantic."""

import subprocess
import sys
import textwrap

BLOCKED = [
    "tender.api",
    "tender.service",
    "tender.storage",
    "tender.domain",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "uvicorn",
    "alembic",
]

PROGRAM = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = {blocked!r}

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if any(name == b or name.startswith(b + ".") for b in BLOCKED):
                raise ImportError(f"{{name}} is blocked in this test")
            return None

    sys.meta_path.insert(0, Block())
    {imports}
    print("ok")
    """
)


def _run(imports: str, blocked: list[str] = BLOCKED) -> subprocess.CompletedProcess[str]:
    code = PROGRAM.format(blocked=blocked, imports=imports)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_the_sdk_imports_without_the_server() -> None:
    result = _run(
        "from tender.client import Tender, AsyncTender, APIError\nTender('sk_sandbox_x').close()\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_blocker_really_blocks() -> None:
    result = _run("import tender.service.intents\n")
    assert result.returncode != 0
    assert "tender.service is blocked" in result.stderr


def test_the_webhook_helpers_need_only_the_standard_library() -> None:
    result = _run(
        "from tender import webhooks\n"
        "assert webhooks.verify(b'{}', webhooks.sign(b'{}', 's'), 's')\n",
        blocked=[*BLOCKED, "httpx", "pydantic", "tender.client"],
    )
    assert result.returncode == 0, result.stderr
