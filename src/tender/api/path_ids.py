"""The one identifier type of every path parameter.

Ids (``pi_…``, ``ws_…``, ``rfnd_…``, attempt and delivery ids) are 1-100 characters of letters,
digits, ``_`` and ``-``; client session secrets (the gateway's bearer tokens) may also hold ``=``.
The patterns are route convertors (``{paymentIntentId:id}``), so a path with anything else in
that place matches no route and answers 404, before any handler or database sees it (a NUL byte
once reached PostgreSQL and answered 500). ``PathId`` documents the same pattern in OpenAPI.
"""

from typing import Annotated

from fastapi import Path
from starlette.convertors import Convertor, register_url_convertor

ID_PATTERN = r"[A-Za-z0-9_-]{1,100}"
TOKEN_PATTERN = r"[A-Za-z0-9_=-]{1,512}"
IDS_PATTERN = r"[A-Za-z0-9_,-]{1,2000}"  # comma-separated ids (GET /customers/{a,b})


class _Pattern(Convertor[str]):
    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class _Id(_Pattern):
    regex = ID_PATTERN


class _Token(_Pattern):
    regex = TOKEN_PATTERN


class _Ids(_Pattern):
    regex = IDS_PATTERN


register_url_convertor("id", _Id())
register_url_convertor("ids", _Ids())
register_url_convertor("token", _Token())

PathId = Annotated[str, Path(pattern=f"^{ID_PATTERN}$", description="An id such as pi_sandbox_…")]
PathToken = Annotated[
    str, Path(pattern=f"^{TOKEN_PATTERN}$", description="The client session secret")
]
