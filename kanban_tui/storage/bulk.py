"""Bulk reads and writes of one table through the driver's own ``executemany``, inside the
session's transaction.

SQLAlchemy's Core ``insert`` of tens of thousands of rows processes every value of every
row in Python (dates to text on SQLite, per-row parameter dictionaries); a KPI report is
60,000 observations. Here each value is processed once per *distinct* value (a report has
92 days, one timestamp, a few dozen metrics) with the column type's own bind processor, so
what is stored is exactly what the ORM would store, and the rows go to the driver as
tuples. Works on SQLite (``?``) and PostgreSQL (psycopg's ``%s``); the statements still
pass SQLAlchemy's events (counted by the tests like any other).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session


class BulkTable:
    """``table`` as the driver sees it, on the connection of ``session``'s transaction."""

    def __init__(self, session: Session, table: Table) -> None:
        self.connection = session.connection()
        self.table = table
        dialect = self.connection.dialect
        self._mark = "?" if dialect.paramstyle == "qmark" else "%s"
        if dialect.paramstyle not in ("qmark", "format", "pyformat"):  # pragma: no cover
            raise NotImplementedError(f"paramstyle {dialect.paramstyle}")
        self._quote = dialect.identifier_preparer.quote
        self._name = dialect.identifier_preparer.format_table(table)
        self._stored: dict[str, Callable[[Any], Any]] = {}

    def stored(self, column: str) -> Callable[[Any], Any]:
        """Value → what the driver is given for ``column`` (the type's bind processing,
        remembered per distinct value; None stays None)."""
        found = self._stored.get(column)
        if found is not None:
            return found
        dialect = self.connection.dialect
        process = self.table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            found = _same
        else:
            memo: dict[Any, Any] = {None: None}

            def found(value: Any) -> Any:
                try:
                    return memo[value]
                except KeyError:
                    memo[value] = made = process(value)
                    return made

        self._stored[column] = found
        return found

    def _columns(self, columns: Sequence[str]) -> str:
        return ", ".join(self._quote(name) for name in columns)

    def select(
        self, columns: Sequence[str], where: Sequence[tuple[str, str, Any]]
    ) -> list[Sequence[Any]]:
        """Rows of ``columns`` as the driver returns them (no result processing: on SQLite
        dates stay text, in the form :meth:`stored` gives). ``where``: (column, ``>=``,
        ``<=``, ``=`` or ``IN``, value), joined with AND; values are processed as stored."""
        parts: list[str] = []
        params: list[Any] = []
        for column, operator, value in where:
            stored = self.stored(column)
            if operator == "IN":
                values = [stored(item) for item in value]
                parts.append(f"{self._quote(column)} IN ({', '.join([self._mark] * len(values))})")
                params.extend(values)
            else:
                assert operator in (">=", "<=", "="), operator
                parts.append(f"{self._quote(column)} {operator} {self._mark}")
                params.append(stored(value))
        sql = f"SELECT {self._columns(columns)} FROM {self._name}"
        if parts:
            sql += " WHERE " + " AND ".join(parts)
        return list(self.connection.exec_driver_sql(sql, tuple(params)).all())

    def insert(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """INSERT ``rows``: tuples of *stored* values (:meth:`stored`) in ``columns`` order."""
        batch = list(rows)
        if batch:
            marks = ", ".join([self._mark] * len(columns))
            sql = f"INSERT INTO {self._name} ({self._columns(columns)}) VALUES ({marks})"
            self.connection.exec_driver_sql(sql, batch)

    def update(self, columns: Sequence[str], key: str, rows: Iterable[Sequence[Any]]) -> None:
        """UPDATE ``columns`` of the row whose ``key`` is the last value of each tuple."""
        batch = list(rows)
        if batch:
            values = ", ".join(f"{self._quote(name)} = {self._mark}" for name in columns)
            sql = f"UPDATE {self._name} SET {values} WHERE {self._quote(key)} = {self._mark}"
            self.connection.exec_driver_sql(sql, batch)


def _same(value: Any) -> Any:
    return value
