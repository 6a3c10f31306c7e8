"""Opening the database (a SQLite file or a PostgreSQL database) and running units of work.

SQLite:

* A file is checked *before* anything writes to it: the SQLite magic, our application id
  and the schema version are read from the 100-byte header, then ``PRAGMA quick_check``
  runs on a read-only connection. A file that is not ours, damaged or from a newer version
  is refused with a clear message and left byte-for-byte untouched.
* Every connection runs in WAL mode with a busy timeout and foreign keys on.
* Writes go through :meth:`Database.transact`, which starts ``BEGIN IMMEDIATE`` (so two
  writers queue on the busy timeout instead of failing on a lock upgrade) and retries the
  whole unit of work if SQLite still reports the database busy.
* A new file gets its schema from the Alembic revisions (:mod:`~kanban_tui.storage.revisions`);
  a file of schema v1 is first brought to v2 by the old ``user_version`` steps (with the
  backup-before-upgrade), a v2 file without ``alembic_version`` is stamped with the
  baseline, and any later revision is applied with a backup first.

PostgreSQL (``postgresql+psycopg://user@host:port/db``, the ``[postgres]`` extra):

* An empty database gets the schema at the first open (under an advisory lock, so two
  first opens do not race); one at an older revision is refused until someone runs
  ``seller-kanban db upgrade`` (a team must not be upgraded by whoever opens first); one
  with tables but no ``alembic_version`` is not ours and is refused.
* Every write transaction first takes one transaction-scoped advisory lock — the
  PostgreSQL twin of SQLite's ``BEGIN IMMEDIATE``: writers queue, readers never wait, and
  the position bookkeeping (read, shift, place) sees no other writer's half-done move —
  and sends a ``NOTIFY`` that other boards' :class:`~kanban_tui.storage.live.Listener` hear.
* A unit of work that fails because the connection dropped (server restart) or the
  server reports a serialization failure or deadlock is retried whole, with back-off.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sqlite3
import stat
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import SQLAlchemyError as _SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from kanban_tui.domain.models import APPLICATION_ID, SCHEMA_VERSION
from kanban_tui.errors import DatabaseError
from kanban_tui.i18n import t
from kanban_tui.storage.files import check_regular_input, staging, sweep_stale

if TYPE_CHECKING:
    from kanban_tui.storage.live import Listener

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5_000
#: SQLite's page cache per connection, in KiB (SQLite's default: 2,000). The board keeps a
#: pool of connections (UI thread, tick workers, writer), each filling its own cache over
#: a day: the 8-hour soak's SQLite memory went 2.6 → 9.5 MB in its first hour with the
#: default, 0.8 → 2.5 MB with 256 KiB (the file's pages stay in the OS's cache, and WAL
#: mode drops a connection's cache whenever another one wrote anyway).
PAGE_CACHE_KIB = 256
WRITE_RETRIES = 5
#: PostgreSQL: how long a unit of work keeps retrying while the server is away (seconds).
SERVER_RETRY_SECONDS = 30.0
#: PostgreSQL: the advisory lock every write transaction holds ("SKbn", as the file id).
WRITE_LOCK = APPLICATION_ID
#: The drivers we accept for a PostgreSQL URL.
POSTGRES_DRIVER = "postgresql+psycopg"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("immediate", default=False)


@dataclass(frozen=True)
class Target:
    """Where the database lives: a file path, a server URL (``url``, PostgreSQL), or
    neither for an in-memory database."""

    path: Path | None
    url: str | None = None

    @property
    def label(self) -> str:
        if self.url is not None:
            return make_url(self.url).render_as_string(hide_password=True)
        return str(self.path) if self.path else ":memory:"

    @property
    def is_server(self) -> bool:
        return self.url is not None

    @property
    def conninfo(self) -> str:
        """The URL as libpq reads it (``postgresql://…``, password included)."""
        assert self.url is not None
        url = make_url(self.url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)


def resolve_target(location: str | os.PathLike[str]) -> Target:
    """Turn ``--db`` (a path or an SQLAlchemy URL) into a :class:`Target`."""
    text = os.fspath(location)
    if text in (":memory:", "sqlite://", "sqlite:///:memory:"):
        return Target(None)
    if "://" in text:
        try:
            url = make_url(text)
        except _SQLAlchemyError as exc:
            raise DatabaseError(text, t("errors.db.not_a_url", reason=exc)) from None
        backend = url.get_backend_name()
        if backend == "postgresql":
            return _server_target(text, url)
        if backend != "sqlite":
            raise DatabaseError(
                text,
                t("errors.db.unsupported_url"),
            )
        if not url.database or url.database == ":memory:":
            return Target(None)
        return Target(Path(url.database).expanduser())
    return Target(Path(text).expanduser())


def _server_target(text: str, url: Any) -> Target:
    driver = url.get_driver_name()
    if driver not in ("psycopg", "psycopg2") and "+" in url.drivername:
        raise DatabaseError(
            url.render_as_string(hide_password=True),
            t("errors.db.unsupported_driver", driver=repr(driver)),
        )
    url = url.set(drivername=POSTGRES_DRIVER)
    if not url.database:
        raise DatabaseError(
            url.render_as_string(hide_password=True),
            t("errors.db.url_names_no_database"),
        )
    return Target(None, url.render_as_string(hide_password=False))


#: What to run when a file is refused for its schema.
SCHEMA_HINT = "restore a good backup with `seller-kanban restore FILE` (see `seller-kanban doctor`)"


def schema_hint() -> str:
    """:data:`SCHEMA_HINT` in the reader's language (the doctor's report stays English)."""
    return t("errors.db.schema_hint")


def inspect_file(path: Path) -> int | None:
    """Check an existing file without writing to it.

    Returns the schema version it holds, or ``None`` when the path does not exist yet.
    Raises :class:`DatabaseError` for anything we must not open: not a regular file, not
    ours, damaged, from a newer version, or a schema that is not exactly this version's
    (see :mod:`kanban_tui.storage.schema`).
    """
    if not path.exists():
        return None
    check_regular_input(path)
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise DatabaseError(str(path), t("errors.file.cannot_read", reason=exc.strerror)) from None
    if not header:
        raise DatabaseError(str(path), t("errors.db.empty_file"))
    if not header.startswith(_SQLITE_MAGIC) or len(header) < 100:
        raise DatabaseError(str(path), t("errors.db.not_sqlite"))
    # Read the ids through SQLite, not the raw header: a change still in the WAL is not
    # in the main file's header yet. With no WAL beside the file everything committed is
    # in the main file, so open it immutable: a read-only connection to a WAL database
    # would otherwise leave new -wal/-shm files next to a file we may refuse.
    try:
        probe = _probe(path)
        try:
            application_id = probe.execute("PRAGMA application_id").fetchone()[0]
            user_version = probe.execute("PRAGMA user_version").fetchone()[0]
            if application_id != _signed(APPLICATION_ID):
                raise DatabaseError(str(path), t("errors.db.other_program"))
            if user_version > SCHEMA_VERSION:
                raise DatabaseError(
                    str(path),
                    t("errors.db.newer_schema", found=user_version, known=SCHEMA_VERSION),
                )
            if user_version < 1:
                raise DatabaseError(
                    str(path),
                    t("errors.db.unknown_schema", found=user_version, hint=schema_hint()),
                )
            result = probe.execute("PRAGMA quick_check").fetchone()
            if result and result[0] == "ok":
                _check_schema(path, probe, user_version)
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(str(path), t("errors.db.damaged", reason=exc)) from None
    if not result or result[0] != "ok":
        # quick_check reports many lines; the user gets the first real finding, on one line
        found = [
            line.strip()
            for line in str(result[0] if result else "no answer").splitlines()
            if line.strip() and not line.startswith("***")
        ]
        raise DatabaseError(str(path), t("errors.db.integrity", finding=repr((found or ["?"])[0])))
    return int(user_version)


def _probe(path: Path) -> sqlite3.Connection:
    """A read-only connection that writes nothing beside ``path``."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    probe = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=5)
    probe.text_factory = _text
    return probe


def _check_schema(path: Path, connection: sqlite3.Connection, version: int) -> None:
    """Refuse a file whose schema is not this version's. An older file only has to be free
    of triggers and views here: its tables are checked on an upgraded copy."""
    from kanban_tui.storage import schema

    found = schema.problems(connection, own_only=version < SCHEMA_VERSION)
    if found:
        more = t("errors.db.and_more", count=len(found) - 1) if len(found) > 1 else ""
        raise DatabaseError(
            str(path),
            t("errors.db.wrong_schema", problem=found[0], more=more, hint=schema_hint()),
        )


def is_leftover(path: Path) -> bool:
    """True for what an interrupted first start of an older version left: an empty file,
    or a SQLite file with no id, no version and not a single table. It holds no data."""
    try:
        if not path.is_file():
            return False
        size = path.stat().st_size
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return False
        if size == 0:
            return True
        with path.open("rb") as handle:
            if handle.read(16) != _SQLITE_MAGIC:
                return False
        probe = _probe(path)
        try:
            ids = (
                probe.execute("PRAGMA application_id").fetchone()[0],
                probe.execute("PRAGMA user_version").fetchone()[0],
                probe.execute("SELECT count(*) FROM sqlite_master").fetchone()[0],
            )
        finally:
            probe.close()
    except (OSError, sqlite3.Error):
        return False
    return ids == (0, 0, 0)


def _text(value: bytes) -> str:
    """Text columns as str even when another program stored bytes that are not UTF-8."""
    return value.decode("utf-8", "replace")


def _signed(value: int) -> int:
    return struct.unpack(">i", struct.pack(">I", value))[0]


def _read_only(path: Path) -> bool:
    """True if ``path`` cannot or should not be written.

    ``os.access`` alone is not enough: it says yes to root for any file, so a file (or
    folder) with no write bit at all is also treated as read-only.
    """
    if not os.access(path, os.W_OK):
        return True
    return not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _check_writable(path: Path) -> None:
    folder = path.parent
    if path.exists() and _read_only(path):
        raise DatabaseError(str(path), t("errors.db.read_only"))
    if folder.exists() and _read_only(folder):
        raise DatabaseError(str(path), t("errors.db.folder_read_only", folder=folder))


def is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_retryable_on_server(exc: BaseException) -> bool:
    """A PostgreSQL failure after which the whole unit of work may simply run again:
    nothing was committed (the connection dropped, a serialization failure, a deadlock)."""
    original = getattr(exc, "orig", exc)
    code = getattr(original, "sqlstate", None) or ""
    if code in ("40001", "40P01") or code.startswith("08") or code.startswith("57P"):
        return True
    if isinstance(exc, OperationalError) and not code:
        return True  # no SQLSTATE: the connection itself failed (refused, reset, closed)
    return bool(getattr(exc, "connection_invalidated", False))


def describe_server_error(label: str, exc: BaseException) -> DatabaseError:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return DatabaseError(label, t("errors.db.unreachable", reason=first))


def describe_write_error(label: str, exc: BaseException) -> DatabaseError:
    text = str(getattr(exc, "orig", exc))
    if "full" in text.lower():
        return DatabaseError(label, t("errors.db.disk_full"))
    if "readonly" in text.lower() or "read-only" in text.lower():
        return DatabaseError(label, t("errors.db.read_only_unchanged"))
    if is_busy(exc):
        return DatabaseError(label, t("errors.db.busy"))
    return DatabaseError(label, t("errors.db.not_written", reason=text))


class Database:
    """An open seller-kanban database."""

    def __init__(self, engine: Engine, target: Target) -> None:
        self.engine = engine
        self.target = target
        self._version_conn: sqlite3.Connection | None = None
        self._seen_version: int | None = None
        #: Sent with every NOTIFY, so this database's own commits do not reload its board.
        self.token = uuid.uuid4().hex
        self._listener: Listener | None = None
        self._listener_lock = threading.Lock()
        #: held from one of our commits until its ``data_version`` is taken as seen: a poll
        #: in between would take our own write for someone else's and reload the board
        self._own_commit_lock = threading.Lock()

    @property
    def is_server(self) -> bool:
        return self.target.is_server

    @property
    def offline(self) -> bool:
        """PostgreSQL: True while the listening connection is lost (and retrying)."""
        return self._listener is not None and not self._listener.online

    @property
    def label(self) -> str:
        return self.target.label

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (a deferred transaction, rolled back at the end)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def transact(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one ``BEGIN IMMEDIATE`` transaction and commit it.

        The whole unit of work is retried when SQLite reports the database busy, so a
        user never sees "database is locked" while a cron job or a second window writes.
        """
        if self.is_server:
            return self._transact_server(work)
        delay = 0.05
        for attempt in range(WRITE_RETRIES):
            token = _immediate.set(True)
            try:
                with Session(self.engine, expire_on_commit=False) as session:
                    result = work(session)
                    with self._own_commit_lock:
                        session.commit()
                        self._own_commit()
                return result
            except OperationalError as exc:
                if is_busy(exc) and attempt < WRITE_RETRIES - 1:
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise describe_write_error(self.label, exc) from None
            finally:
                _immediate.reset(token)
        raise AssertionError("unreachable")  # pragma: no cover

    def _transact_server(self, work: Callable[[Session], T]) -> T:
        """PostgreSQL: one transaction holding the write lock, with a NOTIFY; retried whole
        while the server is away (a restart) or reports a serialization failure."""
        from sqlalchemy import text

        delay = 0.05
        deadline = time.monotonic() + SERVER_RETRY_SECONDS
        while True:
            try:
                with Session(self.engine, expire_on_commit=False) as session:
                    session.execute(text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
                    result = work(session)
                    session.execute(
                        text("SELECT pg_notify(:channel, :token)"),
                        {"channel": _channel(), "token": self.token},
                    )
                    session.commit()
                return result
            except _SQLAlchemyError as exc:
                if not is_retryable_on_server(exc) or time.monotonic() > deadline:
                    raise describe_server_error(self.label, exc) from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _own_commit(self) -> None:
        """Our own commit moves ``data_version`` too: take it as seen, so the board does not
        reload itself after each of its own writes."""
        if self._version_conn is not None:
            self._seen_version = self.data_version()

    def listen(self) -> Listener:
        """PostgreSQL: the one listening connection of this database (started once)."""
        from kanban_tui.storage.live import Listener

        with self._listener_lock:
            if self._listener is None:
                self._listener = Listener(self.target.conninfo, self.token)
                self._listener.start()
            return self._listener

    def changed_elsewhere(self) -> bool:
        """True when another process (or connection not ours) committed since last asked."""
        if self.is_server:
            return self.listen().changed()
        if not self._own_commit_lock.acquire(blocking=False):
            return False  # one of our commits is on its way: ask again at the next poll
        try:
            current = self.data_version()
            changed = self._seen_version is not None and current != self._seen_version
            self._seen_version = current
            return changed
        finally:
            self._own_commit_lock.release()

    def data_version(self) -> int:
        """A number that changes whenever another connection commits.

        Uses one dedicated connection, so polling it costs a single cheap PRAGMA. On
        PostgreSQL it counts the notifications of others' commits.
        """
        if self.is_server:
            return self.listen().count
        if self.target.path is None:
            return 0
        if self._version_conn is None:
            self._version_conn = sqlite3.connect(
                str(self.target.path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
        row = self._version_conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._version_conn is not None:
            self._version_conn.close()
            self._version_conn = None
        self.engine.dispose()


def _channel() -> str:
    from kanban_tui.storage.live import CHANNEL

    return CHANNEL


def _install_pragmas(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is broken).
        dbapi_connection.isolation_level = None
        dbapi_connection.text_factory = _text
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: object) -> None:
        statement = "BEGIN IMMEDIATE" if _immediate.get() else "BEGIN"
        connection.exec_driver_sql(statement)  # type: ignore[attr-defined]


def open_database(
    location: str | os.PathLike[str], *, create: bool = True, upgrade: bool = False
) -> Database:
    """Open (and if needed create or upgrade) the database at ``location``.

    A new database is built aside and renamed into place, so a kill at any moment of the
    first start leaves either no file or a whole one. A PostgreSQL database at an older
    revision is upgraded only with ``upgrade`` (``seller-kanban db upgrade``); a SQLite
    file is upgraded at any open, after a backup.
    """
    target = resolve_target(location)
    if target.is_server:
        return _open_server(target, create=create, upgrade=upgrade)
    if target.path is None:
        engine = create_engine(
            "sqlite://",
            connect_args={"check_same_thread": False},
            poolclass=StaticPool,
        )
        _install_pragmas(engine, in_memory=True)
        db = Database(engine, target)
        _initialise(db, None)
        return db

    path = target.path
    leftover = is_leftover(path)
    version = None if leftover else inspect_file(path)
    if version is None and not create:
        raise DatabaseError(str(path), t("errors.file.missing"))
    _check_writable(path)
    if version is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                str(path), t("errors.db.folder_not_created", reason=exc.strerror)
            ) from None
        _create_aside(path, replace=leftover)
        version = SCHEMA_VERSION
    else:
        # what a process killed while building or copying this database left beside it
        sweep_stale(path.parent)
    engine = _file_engine(path)
    _install_pragmas(engine, in_memory=False)
    db = Database(engine, target)
    try:
        _initialise(db, version)
    except DatabaseError:
        db.close()
        raise
    except OperationalError as exc:
        db.close()
        raise describe_write_error(str(path), exc) from None
    return db


def server_engine(target: Target) -> Engine:
    """An engine for a PostgreSQL target; says how to install the driver when it is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseError(
            target.label,
            t("errors.db.no_driver"),
        ) from None
    assert target.url is not None
    return create_engine(
        target.url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 10, "application_name": "seller-kanban"},
    )


def _open_server(target: Target, *, create: bool, upgrade: bool) -> Database:
    from sqlalchemy import text

    from kanban_tui.storage import revisions

    engine = server_engine(target)
    db = Database(engine, target)
    try:
        with engine.begin() as connection:
            # two first opens (two teammates at once) must not both build the schema
            connection.execute(text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
            found = revisions.current(connection)
            if found is None:
                if revisions.tables(connection):
                    raise DatabaseError(
                        target.label,
                        t("errors.db.foreign_tables"),
                    )
                if not create:
                    raise DatabaseError(target.label, t("errors.db.no_schema"))
                revisions.upgrade(connection)
            elif found != revisions.head():
                if not revisions.known(found):
                    raise DatabaseError(target.label, t("errors.db.newer_revision", found=found))
                if not upgrade:
                    raise DatabaseError(
                        target.label,
                        t("errors.db.needs_upgrade", found=found, head=revisions.head()),
                    )
                revisions.upgrade(connection)
    except DatabaseError:
        db.close()
        raise
    except _SQLAlchemyError as exc:
        db.close()
        text_ = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise DatabaseError(
            target.label,
            t("errors.db.cannot_open", reason=text_[0] if text_ else type(exc).__name__),
        ) from None
    return db


def _file_engine(path: Path) -> Engine:
    return create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )


def _create_aside(path: Path, *, replace: bool) -> None:
    """Build a new, empty database beside ``path`` and rename it into place.

    ``replace`` puts it over a leftover of an interrupted older first start; otherwise a
    file that appeared meanwhile (another process's first start) wins and ours is dropped.
    """
    sweep_stale(path.parent)
    try:
        with staging(path) as temporary:
            engine = _file_engine(temporary)
            try:
                with engine.begin() as connection:
                    _build_schema(connection)
                with engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA journal_mode = WAL")
            finally:
                engine.dispose()
            with temporary.open("rb+") as handle:
                os.fsync(handle.fileno())
            if replace and is_leftover(path):
                os.replace(temporary, path)
            else:
                # a file that appeared meanwhile is another process's first start: open it
                with contextlib.suppress(FileExistsError):
                    os.link(temporary, path)
                temporary.unlink()
    except OSError as exc:
        raise DatabaseError(
            str(path), t("errors.file.cannot_create", reason=exc.strerror)
        ) from None
    except OperationalError as exc:
        raise describe_write_error(str(path), exc) from None


def _build_schema(connection: Any) -> None:
    """A new SQLite database: the Alembic revisions, then our ids in the header."""
    from kanban_tui.storage import revisions

    revisions.upgrade(connection)
    connection.exec_driver_sql(f"PRAGMA application_id = {_signed(APPLICATION_ID)}")
    connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _initialise(db: Database, version: int | None) -> None:
    from kanban_tui.storage import revisions

    if version is None:
        db.transact(lambda session: _build_schema(session.connection()))
        return
    with db.engine.connect() as connection:
        found = revisions.current(connection)
    if found is not None and not revisions.known(found):
        raise DatabaseError(db.label, t("errors.db.newer_revision", found=found))
    if version == SCHEMA_VERSION and found == revisions.head():
        return
    behind = version < SCHEMA_VERSION or found not in (None, revisions.head())
    if behind and db.target.path is not None:
        # an upgrade rewrites tables: keep the file as it was first, and prove the
        # upgrade on a copy before the live file is touched
        from kanban_tui.storage.backup import backup_to, check_upgrade, copy_path

        live = db.target.path
        kind = f"before-upgrade-v{version}" if found is None else f"before-upgrade-{found}"
        check_upgrade(backup_to(live, copy_path(live, kind)), version)
    from kanban_tui.storage.migrations import bring_up_to_date

    # (a v2 file from before Alembic only gets the baseline stamped: nothing is rewritten)
    bring_up_to_date(db, version)
