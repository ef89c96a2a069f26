"""Binds a JSON request body to a request model the way Dojo's ASP.NET servers bind it.

- Property names match case-insensitively: ``"AutoExpireIn"`` is ``autoExpireIn``.
- A property the version's document does not define is ignored and reported (``Bound.ignored``,
  which the API names in the ``Tender-Ignored-Fields`` header); ``strict`` refuses it instead.
- The same property twice (``"amount"`` and ``"Amount"`` included) is refused: "last wins"
  would let two readers of one body see two different requests.
- Values are left for the model to validate, explicit ``null`` included (nullable members
  accept it).

The walk follows the model's field annotations into nested request models only, so free-form
maps such as ``metadata`` keep their keys exactly as sent.
"""

import json
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from tender.errors import InvalidRequest
from tender.service import versions

Path = tuple[str | int, ...]


MAX_DEPTH = 64  # System.Text.Json's default, which Dojo's servers parse with


class MalformedJson(ValueError):
    """The body is not JSON a Dojo server would read."""


class _Object(dict[str, Any]):
    """A JSON object that remembers the names it saw more than once."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise MalformedJson(f"{name} is not a JSON number")


def _check_text_and_depth(value: Any, depth: int = 0) -> None:
    """At most MAX_DEPTH nested objects and arrays; text that UTF-8 can hold."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedJson("it holds an unpaired UTF-16 surrogate (\\ud800-\\udfff)") from None
        return
    if not isinstance(value, dict | list):
        return
    if depth + 1 > MAX_DEPTH:
        raise MalformedJson(f"it is nested deeper than {MAX_DEPTH} levels")
    for item in [*value.keys(), *value.values()] if isinstance(value, dict) else value:
        _check_text_and_depth(item, depth + 1)


def parse_json(raw: bytes) -> Any:
    """``json.loads`` as strict as Dojo's parser: no NaN or Infinity, no unpaired surrogates,
    at most 64 levels; duplicated names are remembered for ``bind`` to refuse.

    MalformedJson says what is wrong (never echoing the body)."""
    try:
        value = json.loads(raw, object_pairs_hook=_object, parse_constant=_no_constant)
    except MalformedJson:
        raise
    except json.JSONDecodeError as exc:
        raise MalformedJson(f"{exc.msg}: line {exc.lineno} column {exc.colno}") from None
    except UnicodeDecodeError:
        raise MalformedJson("it is not UTF-8 text") from None
    except (ValueError, RecursionError):
        raise MalformedJson(f"it is nested deeper than {MAX_DEPTH} levels") from None
    _check_text_and_depth(value)
    return value


def wire_path(path: Path) -> str:
    """``('itemLines', 0, 'colour')`` -> ``itemLines[0].colour``, as the caller spelled it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def error_path(path: Path) -> str:
    """The PascalCase form problem documents use: ``ItemLines[0].Colour``."""
    return wire_path(tuple(p if isinstance(p, int) else p[:1].upper() + p[1:] for p in path))


def _duplicates(value: Any, path: Path) -> list[Path]:
    found: list[Path] = []
    if isinstance(value, dict):
        found += [(*path, name) for name in getattr(value, "duplicates", [])]
        for key, item in value.items():
            found += _duplicates(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _duplicates(item, (*path, i))
    return found


def _models_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The request model an annotation holds, and whether it is a list of them."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _models_in(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            model, many = _models_in(arg)
            if model is not None:
                return model, many
        return None, False
    if origin is list:
        model, _ = _models_in(get_args(annotation)[0])
        return model, model is not None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


@dataclass
class Bound:
    """A body ready for the model: canonical names, unknown properties left out."""

    body: Any
    ignored: list[Path] = field(default_factory=list)
    duplicated: list[Path] = field(default_factory=list)


def _names(model: type[BaseModel], version: str) -> dict[str, str]:
    """Lower-cased property name -> the model's name for it, as ``version`` spells them."""
    spelling = versions.request_fields(version, model.__name__)
    names = {
        (info.alias or name).lower(): info.alias or name
        for name, info in model.model_fields.items()
        if (info.alias or name) not in spelling.absent
    }
    names.update({theirs.lower(): ours for theirs, ours in spelling.renamed.items()})
    return names


def _bind(model: type[BaseModel], value: Any, path: Path, version: str, out: Bound) -> Any:
    if not isinstance(value, dict):
        return value  # the model says what is wrong with it
    names = _names(model, version)
    keeps_extra = model.model_config.get("extra") == "allow"
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    bound: dict[str, Any] = {}
    for key, item in value.items():
        ours = names.get(key.lower())
        if ours is None:
            if keeps_extra:
                bound[key] = item
            else:
                out.ignored.append((*path, key))
            continue
        if ours in bound:
            out.duplicated.append((*path, key))
            continue
        inner, many = _models_in(fields[ours].annotation)
        if inner is not None and many and isinstance(item, list):
            item = [_bind(inner, x, (*path, key, i), version, out) for i, x in enumerate(item)]
        elif inner is not None and not many:
            item = _bind(inner, item, (*path, key), version, out)
        bound[ours] = item
    return bound


def bind(model: type[BaseModel], value: Any, version: str, *, strict: bool = False) -> Bound:
    """Bind a parsed body (``parse_json``) to ``model`` as ``version`` defines it.

    InvalidRequest when a property appears twice, or (``strict``) when one is unknown.
    """
    out = Bound(body=None, duplicated=_duplicates(value, ()))
    out.body = _bind(model, value, (), version, out)
    errors: dict[str, list[str]] = {}
    for path in out.duplicated:
        errors.setdefault(error_path(path), []).append(
            f"The property {wire_path(path)!r} appears more than once "
            "(property names are case-insensitive); send it once."
        )
    if strict:
        for path in out.ignored:
            errors.setdefault(error_path(path), []).append(
                f"{error_path(path)} is not a field of this request."
            )
    if errors:
        raise InvalidRequest("See errors for the fields to fix.", errors=errors)
    return out
