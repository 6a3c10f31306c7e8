"""Schema versions: old files upgrade in place after a backup; newer files are refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kanban_tui.domain.models import SCHEMA_VERSION, Card
from kanban_tui.errors import DatabaseError
from kanban_tui.storage import open_database
from kanban_tui.storage.database import inspect_file
from tests.revision_helpers import NEXT, one_revision_ahead

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v1.db"


def test_a_database_written_by_the_first_released_schema_opens_with_every_card(tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    db = open_database(copy)
    with db.read() as session:
        from sqlmodel import select

        titles = sorted(card.title for card in session.exec(select(Card)).all())
    db.close()
    assert len(titles) == 20
    assert "旧版本的卡片 19" in titles and "Card written by schema 1 — 0" in titles
    assert inspect_file(copy) == SCHEMA_VERSION


def test_an_older_file_is_upgraded_step_by_step_after_a_backup(tmp_path, monkeypatch, isolated_env):
    """A v1 file, with the code one revision ahead: the numbered step to v2, the baseline
    stamp and the next Alembic revision all run, after a backup of the file as it was.
    (Since issue 12 a schema change is an Alembic revision, not a new numbered step: the
    old test pretended the latter.)"""
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    # leaves the schema as the models say (the upgraded copy is checked against them)
    insert = "INSERT INTO meta (key, value) VALUES ('next-revision', 'ran')"
    with one_revision_ahead(tmp_path, monkeypatch, insert):
        open_database(copy).close()
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert check.execute("SELECT count(*) FROM card").fetchone()[0] == 20
        assert check.execute("SELECT version_num FROM alembic_version").fetchall() == [(NEXT,)]
        assert check.execute("SELECT value FROM meta WHERE key = 'next-revision'").fetchall() == [
            ("ran",)
        ]
    backups = list((tmp_path / "backups").glob("old-before-upgrade-v1-*.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path):
    copy = tmp_path / "new.db"
    shutil.copy(FIXTURE, copy)
    with sqlite3.connect(copy) as newer:
        newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = copy.read_bytes()
    with pytest.raises(DatabaseError, match="newer seller-kanban"):
        open_database(copy)
    assert copy.read_bytes() == before


def test_every_table_change_comes_with_a_migration(tmp_path):
    """The first released file, once opened (and upgraded), has exactly the tables and
    columns of the current models: a model change without a migration step fails here."""
    from sqlmodel import SQLModel

    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    open_database(copy).close()
    with sqlite3.connect(copy) as check:
        tables = {
            name: {row[1] for row in check.execute(f'PRAGMA table_info("{name}")')}
            for (name,) in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    expected = {
        table.name: {column.name for column in table.columns}
        for table in SQLModel.metadata.sorted_tables
    }
    # Alembic's own record of the revision, beside the board's tables
    assert tables.pop("alembic_version") == {"version_num"}
    assert tables == expected
