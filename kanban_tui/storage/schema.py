"""What a database file of this version must contain, derived from the SQLModel metadata.

The expected catalog is read off ``SQLModel.metadata`` (tables, columns, primary keys,
indexes, unique constraints) — what ``create_all`` builds for a new board, which a test
checks — so every schema change in ``domain/models.py`` (and its migration step) is checked
without a list kept by hand. A file passes when it has exactly those tables, each with
exactly those columns and primary key, the same indexes (names, columns, uniqueness)
and nothing of its own: no triggers, no views, no extra tables. A trigger in a restored
file would otherwise run inside every later write (and travel into every backup).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache

#: Tables SQLite itself keeps (AUTOINCREMENT counters, ANALYZE statistics).
_INTERNAL_PREFIX = "sqlite_"
#: Alembic's record of the schema revision (see :mod:`kanban_tui.storage.revisions`).
_VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class Catalog:
    """The parts of a schema we compare."""

    #: table → frozenset of (column name, part of the primary key)
    tables: dict[str, frozenset[tuple[str, bool]]]
    #: (table, index name or "" for automatic ones, unique, columns)
    indexes: frozenset[tuple[str, str, bool, tuple[str, ...]]]
    #: (type, name) of triggers and views
    extras: tuple[tuple[str, str], ...]


def read_catalog(connection: sqlite3.Connection) -> Catalog:
    rows = connection.execute(
        "SELECT type, name, tbl_name FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    tables: dict[str, frozenset[tuple[str, bool]]] = {}
    indexes: set[tuple[str, str, bool, tuple[str, ...]]] = set()
    extras: list[tuple[str, str]] = []
    for kind, name, _table in rows:
        if kind in ("trigger", "view"):
            extras.append((kind, name))
        if kind != "table" or name.startswith(_INTERNAL_PREFIX) or name == _VERSION_TABLE:
            continue
        quoted = name.replace('"', '""')
        columns = connection.execute(f'PRAGMA table_info("{quoted}")').fetchall()
        tables[name] = frozenset((column[1], bool(column[5])) for column in columns)
        for _seq, index_name, unique, origin, *_rest in connection.execute(
            f'PRAGMA index_list("{quoted}")'
        ).fetchall():
            quoted_index = index_name.replace('"', '""')
            members = tuple(
                str(member[2])
                for member in connection.execute(f'PRAGMA index_info("{quoted_index}")')
            )
            shown = index_name if origin == "c" else ""
            indexes.add((name, shown, bool(unique), members))
    return Catalog(tables, frozenset(indexes), tuple(extras))


@cache
def expected_catalog() -> Catalog:
    """The catalog a new database of this version has, read off the SQLModel metadata
    (no scratch database: this runs on every open, so it must cost next to nothing).
    ``built_catalog`` is the slow, literal version the tests compare it with."""
    from sqlalchemy import Integer, UniqueConstraint
    from sqlmodel import SQLModel

    import kanban_tui.domain.models  # noqa: F401  (registers the tables)

    tables: dict[str, frozenset[tuple[str, bool]]] = {}
    indexes: set[tuple[str, str, bool, tuple[str, ...]]] = set()
    for table in SQLModel.metadata.sorted_tables:
        tables[table.name] = frozenset(
            (column.name, bool(column.primary_key)) for column in table.columns
        )
        for index in table.indexes:
            members = tuple(column.name for column in index.columns)
            indexes.add((table.name, str(index.name), bool(index.unique), members))
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint):
                members = tuple(column.name for column in constraint.columns)
                indexes.add((table.name, "", True, members))
        for column in table.columns:
            if column.unique and not column.index:
                indexes.add((table.name, "", True, (column.name,)))
        key = list(table.primary_key.columns)
        # a single INTEGER primary key is the rowid itself; any other key gets an index
        if key and not (len(key) == 1 and isinstance(key[0].type, Integer)):
            indexes.add((table.name, "", True, tuple(column.name for column in key)))
    return Catalog(tables, frozenset(indexes), ())


def built_catalog() -> Catalog:
    """The catalog of a scratch in-memory database built with ``create_all``."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool
    from sqlmodel import SQLModel

    import kanban_tui.domain.models  # noqa: F401  (registers the tables)

    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        SQLModel.metadata.create_all(engine)
        raw = engine.raw_connection()
        try:
            return read_catalog(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()
    finally:
        engine.dispose()


def problems(
    connection: sqlite3.Connection, *, own_only: bool = False, lang: str | None = None
) -> list[str]:
    """What differs from this version's schema, one short phrase each in ``lang`` (the
    reader's language by default; empty: all good); ``own_only``: only what the file added
    of its own (triggers, views), all an older file is checked for before it is upgraded."""
    from functools import partial

    from kanban_tui.i18n import language, t_in

    t = partial(t_in, lang or language())

    actual = read_catalog(connection)
    found: list[str] = [
        t(f"errors.schema.own_{kind}", name=repr(name)) for kind, name in actual.extras
    ]
    if own_only:
        return found
    expected = expected_catalog()
    for table in sorted(expected.tables.keys() - actual.tables.keys()):
        found.append(t("errors.schema.lacks_table", table=repr(table)))
    for table in sorted(actual.tables.keys() - expected.tables.keys()):
        found.append(t("errors.schema.unknown_table", table=repr(table)))
    for table in sorted(expected.tables.keys() & actual.tables.keys()):
        want, have = expected.tables[table], actual.tables[table]
        if want == have:
            continue
        missing = sorted(name for name, _ in want - have)
        extra = sorted(name for name, _ in have - want)
        if missing:
            found.append(
                t("errors.schema.lacks_columns", table=repr(table), columns=", ".join(missing))
            )
        if extra:
            found.append(
                t("errors.schema.unknown_columns", table=repr(table), columns=", ".join(extra))
            )
    known = expected.tables.keys() & actual.tables.keys()
    for table, name, unique, columns in sorted(expected.indexes - actual.indexes):
        if table in known:
            label = name or ("unique " if unique else "") + f"({', '.join(columns)})"
            found.append(t("errors.schema.lacks_index", table=repr(table), index=label))
    for table, name, unique, columns in sorted(actual.indexes - expected.indexes):
        if table in known:
            label = name or ("unique " if unique else "") + f"({', '.join(columns)})"
            found.append(t("errors.schema.unknown_index", table=repr(table), index=label))
    return found
