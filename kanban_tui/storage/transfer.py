"""``seller-kanban db copy``: everything in one database into another, empty one.

Works in any direction (SQLite → PostgreSQL for a team, PostgreSQL → a SQLite file for a
laptop or as a backup). The source is read in one snapshot; the target is written in one
transaction, table by table in foreign-key order, the ids kept, and the row count of
every table compared before it commits: a copy is whole or nothing. A target that holds
any row is refused (nothing is merged or overwritten).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import Session, SQLModel

import kanban_tui.domain.models  # noqa: F401  (registers the tables)
from kanban_tui.errors import DatabaseError, KanbanError
from kanban_tui.i18n import t
from kanban_tui.storage.database import Database, open_database, resolve_target

#: Rows inserted per statement.
CHUNK = 1000


def tables() -> list[Any]:
    """The board's tables, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def counts(db: Database) -> dict[str, int]:
    """Rows per table."""
    with db.read() as session:
        return {
            table.name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in tables()
        }


def _same_place(source: Database, location: str) -> bool:
    target = resolve_target(location)
    if target.is_server or source.is_server:
        return bool(target.url and source.target.url and target.label == source.label)
    if target.path is None or source.target.path is None:
        return False
    with contextlib.suppress(OSError):
        return target.path.resolve() == source.target.path.resolve()
    return False


def copy_database(source: Database, location: str) -> dict[str, int]:
    """Copy every row of ``source`` into the empty database at ``location`` (created with
    its schema when missing). Returns the rows copied per table."""
    if _same_place(source, location):
        raise KanbanError(location, t("errors.db.copy_onto_itself"))
    target_place = resolve_target(location)
    created_file = (
        target_place.path
        if target_place.path is not None and not target_place.path.exists()
        else None
    )
    try:
        target = open_database(location)
    except KanbanError:
        raise
    try:
        already = {name: n for name, n in counts(target).items() if n}
        if already:
            listed = ", ".join(f"{name} {n}" for name, n in sorted(already.items()))
            raise KanbanError(
                target.label,
                t("errors.db.copy_not_empty", listed=listed),
            )
        expected = _copy_rows(source, target)
    except BaseException:
        target.close()
        if created_file is not None:  # a file this copy made: leave nothing half-made
            _remove_with_sides(created_file)
        raise
    target.close()
    return expected


def _remove_with_sides(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm", path.name + "-journal"):
        with contextlib.suppress(OSError):
            (path.parent / name).unlink()


def _copy_rows(source: Database, target: Database) -> dict[str, int]:
    with Session(source.engine) as reading:
        if source.is_server:  # one snapshot of every table
            reading.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        expected = {
            table.name: int(reading.execute(select(func.count()).select_from(table)).scalar_one())
            for table in tables()
        }

        def write(session: Session) -> dict[str, int]:
            connection = session.connection()
            for table in tables():
                result = reading.execute(select(table).order_by(*table.primary_key.columns))
                while True:
                    rows = result.fetchmany(CHUNK)
                    if not rows:
                        break
                    connection.execute(insert(table), [dict(row._mapping) for row in rows])
            written = {
                table.name: int(
                    connection.execute(select(func.count()).select_from(table)).scalar_one()
                )
                for table in tables()
            }
            if written != expected:
                wrong = [name for name in expected if expected[name] != written.get(name)]
                raise DatabaseError(
                    target.label,
                    t("errors.db.copy_counts_differ", tables=", ".join(wrong)),
                )
            if target.is_server:
                _reset_sequences(connection)
            return written

        return target.transact(write)


def _reset_sequences(connection: Any) -> None:
    """PostgreSQL: the id counters continue after the copied ids."""
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or key[0].name != "id":
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table.name}"'
            )
        )
