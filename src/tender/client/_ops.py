"""What each SDK method sends and how its answer is read, written once for both clients.

A resource method builds an ``Op`` (the ``Call`` plus a parser); ``Tender`` runs it with a
blocking transport, ``AsyncTender`` with an asynchronous one.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter

from tender.client._http import Call
from tender.client.models import Money

T = TypeVar("T")
MoneyLike = Money | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Op(Generic[T]):
    call: Call
    parse: Callable[[Any], T]


def model(cls: type[T]) -> Callable[[Any], T]:
    adapter = TypeAdapter(cls)
    return adapter.validate_python


def nothing(_: Any) -> None:
    return None


def seg(value: str) -> str:
    """A path segment, escaped (an id is never allowed to change the path)."""
    if not isinstance(value, str) or not value:
        raise ValueError("an id must be a non-empty string")
    return quote(value, safe="")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire(value: Any) -> Any:
    """A request value in wire form: models by alias, datetimes ISO 8601; mappings unchanged
    (nested keys are the caller's, e.g. metadata, and are sent as given)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    return value


def body(**fields: Any) -> dict[str, Any]:
    """Top-level snake_case keyword names become camelCase; None means "not sent"."""
    return {camel(k): wire(v) for k, v in fields.items() if v is not None}


def statuses_list(statuses: Sequence[str] | str | None) -> list[str] | None:
    if isinstance(statuses, str):
        return [statuses]
    return list(statuses) if statuses is not None else None
