"""Both backends: the Alembic schema, `db current | upgrade | copy`, and what the file
commands (backup, restore, doctor) do on PostgreSQL."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from kanban_tui.cli import main
from kanban_tui.domain.models import SCHEMA_VERSION, Column
from kanban_tui.errors import DatabaseError
from kanban_tui.services.session import open_board
from kanban_tui.storage import revisions
from kanban_tui.storage.database import open_database
from tests.conftest import FakeClock

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v1.db"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def everything(location: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in key order, as plain values."""
    db = open_database(location, create=False)
    try:
        with db.read() as session:
            return {
                table.name: [
                    dict(row._mapping)
                    for row in session.execute(
                        select(table).order_by(*table.primary_key.columns)
                    ).all()
                ]
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        db.close()


def busy_board(location: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A board with something in every table: plan, cards moved and done, KPI figures,
    targets, a goal and a review note."""
    board = open_board(location, settings=None, clock=FakeClock())
    try:
        card = board.cards.add({"title": "Reply to A-to-z claim"}, Column.DAILY)
        board.cards.move(card.id, Column.WEEKLY, 0)
        board.cards.set_done(board.cards.add({"title": "Price check"}, Column.DAILY).id, True)
    finally:
        board.close()
    for argv in (
        ["kpi", "add", "--date", "2026-11-20", "--metric", "cogs", "--value", "1234.50"],
        ["kpi", "targets", "--set", "acos=0.25"],
        ["goal", "set", "120000", "--year", "2026"],
    ):
        code, _out, err = run(capsys, "--db", location, *argv)
        assert code == 0, err
    db = open_database(location)
    try:
        from kanban_tui.domain.models import ReviewNote

        db.transact(lambda s: s.add(ReviewNote(period="2026-11", text="cut ACoS on SKU-7")))
    finally:
        db.close()


# ------------------------------------------------------------------ schema and Alembic
def test_the_migrations_build_exactly_the_models(db_location: str) -> None:
    """The guard: a model changed without an Alembic revision fails here, on both backends
    (autogenerate's comparison of a freshly upgraded database with the models)."""
    db = open_database(db_location)
    try:
        with db.engine.connect() as connection:
            assert revisions.current(connection) == revisions.head()
            assert revisions.differences(connection) == []
    finally:
        db.close()


def test_the_head_constant_is_the_newest_revision_shipped() -> None:
    """Opening compares with ``revisions.HEAD`` without importing Alembic: it must be the
    head Alembic finds in ``versions/`` (update it with every new revision)."""
    assert revisions.scanned_head() == revisions.HEAD


def test_a_scripting_command_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.process_helpers import subprocess_env

    path = tmp_path / "board.db"
    open_board(str(path), settings=None).close()
    probe = (
        "import sys; from kanban_tui.cli import main; "
        f"main(['--db', {str(path)!r}, 'list']); "
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=subprocess_env()
    )
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr


def test_db_current_and_upgrade_on_a_v1_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    code, out, _ = run(capsys, "--db", str(old), "db", "current", "--json")
    facts = json.loads(out)
    assert code == 0 and facts["schema"] == 1 and facts["revision"] is None
    assert not facts["up_to_date"]

    code, out, err = run(capsys, "--db", str(old), "db", "upgrade")
    assert code == 0, err
    assert revisions.head() in out
    # the file as it was is kept before anything is rewritten
    kept = list((tmp_path / "backups").glob("old-before-upgrade-v1-*.db"))
    assert len(kept) == 1
    with sqlite3.connect(kept[0]) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 1
    with sqlite3.connect(old) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert check.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (revisions.head(),)
        ]
    code, out, _ = run(capsys, "--db", str(old), "db", "current")
    assert code == 0 and "this version's" in out


def test_a_v2_file_from_before_alembic_is_stamped_without_a_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    open_database(path).close()
    with sqlite3.connect(path) as edit:  # what a release before Alembic wrote
        edit.execute("DROP TABLE alembic_version")
    open_database(path).close()
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (revisions.head(),)
        ]
    assert not (tmp_path / "backups").exists()


def test_a_revision_from_a_newer_version_is_refused(
    backend: str, db_location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_location)
    db.transact(
        lambda s: s.connection().exec_driver_sql("UPDATE alembic_version SET version_num='9999'")
    )
    db.close()
    with pytest.raises(DatabaseError, match="newer seller-kanban"):
        open_database(db_location)
    code, out, err = run(capsys, "--db", db_location, "list")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "9999" in err and "Traceback" not in err


def test_a_server_database_of_another_program_is_refused(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(DatabaseError, match="another program"):
        open_database(pg_url)


def test_the_first_open_of_an_empty_server_database_creates_the_schema(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", pg_url, "db", "current")
    assert code == 0 and "empty" in out
    code, out, err = run(capsys, "--db", pg_url, "add", "First team card", "--json")
    assert code == 0, err
    assert json.loads(out)["title"] == "First team card"
    code, out, _ = run(capsys, "--db", pg_url, "db", "current", "--json")
    assert json.loads(out)["revision"] == revisions.head()


# ------------------------------------------------------------------------------- db copy
def test_copy_a_solo_board_to_the_team_server_and_back_to_a_laptop(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    solo = str(tmp_path / "solo.db")
    busy_board(solo, capsys)
    before = everything(solo)
    assert all(before[name] for name in ("card", "template", "period_record", "meta"))
    assert all(before[name] for name in ("kpi_observation", "kpi_target", "goal", "review_note"))

    code, out, err = run(capsys, "--db", solo, "db", "copy", "--to", pg_url)
    assert code == 0, err
    assert f"{len(before['card'])}" in out and "checked" in out
    assert everything(pg_url) == before

    # the team keeps working: new ids follow the copied ones
    code, out, err = run(capsys, "--db", pg_url, "add", "After the move", "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == max(row["id"] for row in before["card"]) + 1

    laptop = tmp_path / "laptop.db"
    code, out, err = run(capsys, "--db", pg_url, "db", "copy", "--to", str(laptop), "--json")
    assert code == 0, err
    assert json.loads(out)["rows"]["card"] == len(before["card"]) + 1
    assert everything(str(laptop)) == everything(pg_url)
    code, out, _ = run(capsys, "--db", str(laptop), "list")
    assert "After the move" in out and "Reply to A-to-z claim" in out


def test_copy_refuses_a_target_that_holds_anything(
    tmp_path: Path, db_location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(tmp_path / "source.db")
    open_board(source, settings=None).close()
    code, _out, err = run(capsys, "--db", db_location, "add", "Already here")
    assert code == 0, err
    target_before = everything(db_location)

    code, out, err = run(capsys, "--db", source, "db", "copy", "--to", db_location)
    assert code == 1
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "not empty" in err and "Traceback" not in err
    assert everything(db_location) == target_before


def test_copy_to_an_unreachable_server_leaves_no_file_and_says_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(tmp_path / "source.db")
    open_board(source, settings=None).close()
    code, out, err = run(
        capsys, "--db", source, "db", "copy", "--to", "postgresql+psycopg://u@127.0.0.1:9/x"
    )
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1


# --------------------------------------------------------- file commands on PostgreSQL
def test_backup_restore_and_doctor_on_a_server_database(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", pg_url, "add", "Keep me")
    assert code == 0, err
    copy = tmp_path / "team-backup.db"
    code, out, err = run(capsys, "--db", pg_url, "backup", "-o", str(copy))
    assert code == 0, err
    code, out, _ = run(capsys, "--db", str(copy), "list")
    assert "Keep me" in out

    code, out, err = run(capsys, "--db", pg_url, "backup")
    assert code == 0, err
    assert Path(out.strip()).exists() and Path(out.strip()).suffix == ".db"

    code, out, err = run(capsys, "--db", pg_url, "restore", str(copy))
    assert code == 1 and out == "" and "db copy" in err
    assert len(err.strip().splitlines()) == 1

    code, out, err = run(capsys, "--db", pg_url, "doctor", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["backend"] == "postgresql" and report["opens"] == "yes"
    assert report["revision"] == revisions.head() and report["server"].startswith("PostgreSQL")


def test_serving_a_server_database_keeps_its_password_out_of_sight() -> None:
    from kanban_tui.web.server import BoardServer, _shown

    url = "postgresql+psycopg://seller:s3cret-pw@db.example.lan:5432/kanban"
    server = BoardServer(database=url, lang="en", host="127.0.0.1", port=8000, token=None)
    argv = server.board_argv()
    assert not any("s3cret-pw" in part for part in argv)  # not in the process list
    assert "s3cret-pw" not in _shown(url) and "db.example.lan:5432/kanban" in _shown(url)
    path_server = BoardServer(
        database="/tmp/board.db", lang="en", host="127.0.0.1", port=8000, token=None
    )
    assert path_server.board_argv()[-4:] == ["--db", "/tmp/board.db", "--lang", "en"]
