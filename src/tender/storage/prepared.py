"""Statements compiled once and run on the sqlite3 driver directly: the hot path's query layer.

SQLAlchemy Core costs ~100 µs a statement on a cache hit (parameter construction, an execution
context, result metadata), five times what sqlite3 takes to run a primary-key read; a payment
flow runs 33 of them. Repositories build their statements once, at import, so each one can be
compiled once per set of parameter names: its SQL text, the positional order of its binds with
their type processors, its scalar column defaults and its result columns with theirs, all taken
from SQLAlchemy's own compiler, so values convert exactly as SQLAlchemy converts them.

A statement takes this path from its second run (one built per call never does), executemany
included, and an expanding ``IN`` gets a plan per length of its list; anything the plan does not
cover (an empty ``IN``, callable defaults, text) and any
connection with execution event listeners (the tests' statement counters) go through
SQLAlchemy as before. A driver error re-runs the statement through SQLAlchemy (a failed
statement changed nothing), so callers see SQLAlchemy's exceptions as ever; a failed
executemany, whose earlier rows may be written, raises SQLAlchemy's wrapping of the error.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import Select

Processor = Callable[[Any], Any] | None
_MISSING = object()
_MAX_STATEMENTS = 1000


class FastRow(tuple[Any, ...]):
    """A result row: a tuple with ``_mapping`` and attribute access, like SQLAlchemy's ``Row``
    as the repositories use it."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    @property
    def _mapping(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._index[name]]
        except KeyError:
            raise AttributeError(name) from None


def _row_class(fields: tuple[str, ...]) -> type[FastRow]:
    index = {name: i for i, name in enumerate(fields)}
    return type("FastRow", (FastRow,), {"__slots__": (), "_fields": fields, "_index": index})


class FastResult:
    """The buffered answer of one statement: the methods repositories call on a result."""

    __slots__ = ("_rows", "returns_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int, returns_rows: bool = True) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.returns_rows = returns_rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return self._rows

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        if not self._rows:
            raise NoResultFound("No row was found when one was required")
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._rows[0]

    def one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self._rows[0] if self._rows else None

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]


@dataclass(frozen=True, slots=True)
class Plan:
    """One statement compiled for one set of parameter names."""

    sql: str
    # key, name, fixed value, processor, and the index in its list of an expanding IN's element
    binds: tuple[tuple[str, str, Any, Processor, int | None], ...]
    defaults: tuple[tuple[str, Any], ...]  # scalar column defaults by parameter name
    row: type[FastRow] | None
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]  # result columns with a processor

    def args(self, parameters: Mapping[str, Any]) -> list[Any]:
        """The driver's positional arguments for one set of parameters."""
        if self.defaults:
            parameters = {**dict(self.defaults), **parameters}
        args = []
        for key, name, fixed, process, index in self.binds:
            value = parameters.get(key, _MISSING)
            if value is _MISSING:
                value = parameters.get(name, fixed)
            if index is not None:
                value = value[index]
            args.append(value if process is None else process(value))
        return args

    def run(self, raw: Any, parameters: Mapping[str, Any]) -> FastResult:
        cursor = raw.execute(self.sql, self.args(parameters))
        fetched = cursor.fetchall()
        if self.row is None:
            return FastResult([], cursor.rowcount, returns_rows=False)
        rows = []
        for values in fetched:
            converted = list(values)
            for i, process in self.converters:
                converted[i] = process(converted[i])
            rows.append(self.row(converted))
        return FastResult(rows, cursor.rowcount)

    def run_many(self, raw: Any, many: Sequence[Mapping[str, Any]]) -> FastResult:
        """One statement per set of parameters, in order (``executemany``; no rows returned)."""
        cursor = raw.executemany(self.sql, [self.args(parameters) for parameters in many])
        return FastResult([], cursor.rowcount, returns_rows=False)


def _compile(statement: Executable, dialect: Dialect, keys: frozenset[str]) -> SQLCompiler | None:
    """SQLAlchemy's compiled form, or None where this module does not cover the statement."""
    if not isinstance(statement, Select | UpdateBase):
        return None
    compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))
    assert isinstance(compiled, SQLCompiler)
    if compiled.positiontup is None or compiled.literal_execute_params:
        return None
    if compiled.escaped_bind_names or compiled._collected_params:
        return None
    if isinstance(statement, Select) and not compiled._result_columns:
        return None
    for bind in compiled.bind_names:
        if bind.callable is not None or (bind.required and bind.key not in keys):
            return None
    return compiled


def _plan(
    statement: Executable, compiled: SQLCompiler, lengths: Mapping[str, int] | None = None
) -> Plan | None:
    """The plan of ``compiled``; with ``lengths``, its expanding INs rendered for lists of
    those lengths (by bind name)."""
    dialect = compiled.dialect
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    sql, positions = str(compiled), list(compiled.positiontup or [])
    processors: Mapping[str, Any] = compiled._bind_processors
    element_of: dict[str, tuple[str, int]] = {}
    if lengths is not None:
        shape: dict[str, Any] = {bind.key: None for bind in compiled.bind_names}
        shape |= {name: [None] * k for name, k in lengths.items()}
        shape |= {by_name[name].key: [None] * k for name, k in lengths.items()}
        expanded = compiled.construct_expanded_state(shape)
        sql, positions, processors = (
            expanded.statement,
            list(expanded.positiontup or []),
            expanded.processors,
        )
        element_of = {
            element: (name, i)
            for name, elements in expanded.parameter_expansion.items()
            for i, element in enumerate(elements)
        }
    binds: list[tuple[str, str, Any, Processor, int | None]] = []
    for position in positions:
        name, index = element_of.get(position, (position, None))
        bind, process = by_name[name], processors.get(position)
        if bind.expanding and index is None:
            return None
        if process is not None and not callable(process):  # a tuple's processors: not covered
            return None
        binds.append((bind.key, name, bind.value, cast(Processor, process), index))
    defaults = []
    prefetch = [(c, c.default) for c in compiled.insert_prefetch]
    prefetch += [(c, c.onupdate) for c in compiled.update_prefetch]
    for column, default in prefetch:
        if default is None or not default.is_scalar:
            return None
        defaults.append((column.key, default.arg))  # type: ignore[attr-defined]
    columns = compiled._result_columns
    row = None
    converters = []
    if columns:
        row = _row_class(tuple(c[0] for c in columns))
        for i, entry in enumerate(columns):
            if (process := entry[3]._cached_result_processor(dialect, None)) is not None:
                converters.append((i, process))
    return Plan(sql, tuple(binds), tuple(defaults), row, tuple(converters))


class Expanding:
    """A statement with expanding INs: one plan per length of each of its lists."""

    def __init__(self, statement: Executable, compiled: SQLCompiler) -> None:
        self.statement, self.compiled = statement, compiled
        self.lists = {
            name: (bind.key, bind.value)
            for bind, name in compiled.bind_names.items()
            if bind.expanding
        }
        self.plans: dict[tuple[int, ...], Plan | None] = {}

    def plan(self, parameters: Mapping[str, Any]) -> Plan | None:
        lengths = {}
        for name, (key, fixed) in self.lists.items():
            value = parameters.get(key, parameters.get(name, fixed))
            if not isinstance(value, list | tuple) or not value:  # an empty IN: SQLAlchemy's
                return None
            lengths[name] = len(value)
        shape = tuple(lengths.values())
        if shape not in self.plans:
            if len(self.plans) >= _MAX_STATEMENTS:
                self.plans.clear()
            self.plans[shape] = _plan(self.statement, self.compiled, lengths)
        return self.plans[shape]


class Statements:
    """The plans of one database's statements, by statement object and parameter names.

    A statement seen once is only a candidate (held, so that its id cannot be reused by another
    object meanwhile); seen again, it is planned. Statements built per call stay candidates,
    and filling up the candidates never drops a plan."""

    def __init__(self) -> None:
        self._candidates: dict[int, Executable] = {}
        self._seen: dict[int, tuple[Executable, dict[frozenset[str], Plan | Expanding | None]]] = {}
        self.retried = 0  # plans whose statement failed and went to SQLAlchemy

    def plan(
        self,
        conn: Connection,
        statement: Executable,
        parameters: Mapping[str, Any],
        many: bool = False,
    ) -> Plan | None:
        """The plan for these parameters (``many``: the first of an executemany's)."""
        entry = self._seen.get(id(statement))
        if entry is None or entry[0] is not statement:
            if self._candidates.get(id(statement)) is not statement:  # its first run
                if len(self._candidates) >= _MAX_STATEMENTS:
                    self._candidates.clear()
                self._candidates[id(statement)] = statement
                return None
            del self._candidates[id(statement)]
            if len(self._seen) >= _MAX_STATEMENTS:
                self._seen.clear()
            entry = self._seen[id(statement)] = (statement, {})
        plans, keys = entry[1], frozenset(parameters)
        if keys not in plans:
            compiled = _compile(statement, conn.dialect, keys)
            if compiled is None:
                plans[keys] = None
            elif any(bind.expanding for bind in compiled.bind_names):
                plans[keys] = Expanding(statement, compiled)
            else:
                plans[keys] = _plan(statement, compiled)
        found = plans[keys]
        if isinstance(found, Expanding):  # its lists' lengths may differ row to row
            return None if many else found.plan(parameters)
        return found


def execute(
    statements: Statements, conn: Connection, statement: Executable, parameters: Any
) -> Any:
    """``conn.execute(statement, parameters)``, through a plan where there is one."""
    dispatch = conn.dispatch
    if dispatch.before_cursor_execute or dispatch.before_execute:
        return conn.execute(statement, parameters)
    if parameters is None or isinstance(parameters, Mapping):
        given = parameters or {}
        plan = statements.plan(conn, statement, given)
        if plan is not None:
            try:
                return plan.run(conn.connection.driver_connection, given)
            except conn.dialect.loaded_dbapi.Error:
                statements.retried += 1  # it failed and changed nothing: SQLAlchemy says why
    elif parameters and isinstance(parameters, Sequence):  # executemany: same names in each
        keys = frozenset(parameters[0])
        if all(frozenset(p) == keys for p in parameters):
            plan = statements.plan(conn, statement, parameters[0], many=True)
            if plan is not None and plan.row is None:
                error = conn.dialect.loaded_dbapi.Error
                try:
                    return plan.run_many(conn.connection.driver_connection, parameters)
                except error as exc:  # earlier rows may be written: not run again, but wrapped
                    raise DBAPIError.instance(plan.sql, None, exc, error) from exc
    return conn.execute(statement, parameters)
