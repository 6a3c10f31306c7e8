"""kill -9 at chosen moments of a first start, an import, a backup and a restore, and a fuzz
test of the report importer.

Each kill waits for a file the process creates at that moment (the database built aside,
its journal, the copy in progress, the safety copy), never for a time, so the rounds hit the
same points on a fast or a slow machine. After every kill the board must open whole, with
either the old or the new state and nothing half-written under a real name.
"""

from __future__ import annotations

import csv
import io
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban_tui.domain.models import COLUMNS, SCHEMA_VERSION, Card
from kanban_tui.importers.parsing import ParseError
from kanban_tui.importers.reports import read_report
from kanban_tui.services.session import open_board
from kanban_tui.storage import backup as backups
from kanban_tui.storage import cards as repo
from kanban_tui.storage.database import inspect_file, open_database
from kanban_tui.storage.files import STAGING_MARK
from tests.process_helpers import REPO_ROOT, subprocess_env

REPORTS = REPO_ROOT / "tests" / "fixtures" / "reports"


# --------------------------------------------------------------------------- helpers
def start(db: Path, *argv: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kanban_tui", "--db", str(db), *argv],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip


def kill_when(process: subprocess.Popen[bytes], moment: Callable[[], bool]) -> bool:
    """kill -9 ``process`` as soon as ``moment()`` is true; False if it ended first."""
    deadline = time.monotonic() + 120
    while not moment():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the process never reached the moment"
        time.sleep(0.0005)  # polling a file, not waiting for a time to pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    return process.returncode == -signal.SIGKILL


def staged(folder: Path, name: str) -> Callable[[], bool]:
    return lambda: (
        folder.exists()
        and any(p.name.startswith(f".{name}{STAGING_MARK}") for p in folder.iterdir())
    )


def exists(path: Path) -> Callable[[], bool]:
    return path.exists


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if STAGING_MARK in p.name)


def card_titles(path: Path) -> set[str]:
    db = open_database(path)
    try:
        with db.read() as session:
            return {card.title for card in repo.all_cards(session)}
    finally:
        db.close()


def fill(path: Path, count: int, tag: str) -> None:
    db = open_database(path)

    def work(session) -> None:
        for number in range(count):
            card = Card(title=f"{tag} {number}", notes="inbound shipment details " * 30)
            repo.insert(session, card, COLUMNS[number % 3], None)

    db.transact(work)
    db.close()


# --------------------------------------------------------------------------- first start
FIRST_START_MOMENTS: dict[str, Callable[[Path], Callable[[], bool]]] = {
    "building aside": lambda db: staged(db.parent, db.name),
    "writing its journal": lambda db: (
        lambda: any(p.name.endswith("-journal") for p in db.parent.iterdir())
    ),
    "just in place": lambda db: exists(db),
    "loading the plan": lambda db: exists(db.with_name(db.name + "-wal")),
}


def test_kill_9_at_any_moment_of_the_first_start(tmp_path: Path) -> None:
    killed = 0
    for round_number, (label, moment) in enumerate(FIRST_START_MOMENTS.items()):
        folder = tmp_path / f"round-{round_number}"
        folder.mkdir()
        db = folder / "kanban.db"
        process = start(db, "list")
        killed += kill_when(process, moment(db))
        # either no database at all or a whole one: never one the app refuses
        if db.exists():
            assert inspect_file(db) == SCHEMA_VERSION, label
        board = open_board(str(db), settings=None)  # the next start just works
        try:
            assert board.cards.list_cards(), label  # the plan is there
        finally:
            board.close()
        assert leftovers(folder) == [], label
    assert killed >= 2  # most moments are reached before the process ends


# --------------------------------------------------------------------------- import
def _big_report(path: Path, days: int) -> None:
    start_day = date(2021, 1, 1)
    lines = ["Date,Ordered Product Sales,Units Ordered,Sessions - Total"]
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        amount = f"{offset % 997 + 1:,}"
        lines.append(f'{day:%m/%d/%y},"${amount}.00",{offset % 50},{offset % 900}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _observations(db: Path) -> int:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT count(*) FROM kpi_observation").fetchone()[0])


def test_kill_9_during_an_import_keeps_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "kanban.db"
    open_board(str(db), settings=None).close()
    report = tmp_path / "business.csv"
    _big_report(report, 900)
    wal = db.with_name(db.name + "-wal")
    process = start(db, "kpi", "import", str(report), "--marketplace", "US")
    kill_when(process, lambda: wal.exists() and wal.stat().st_size > 64_000)
    count = _observations(db)
    assert inspect_file(db) == SCHEMA_VERSION
    full = 900 * 3
    assert count in (0, full)
    done = subprocess.run(
        [sys.executable, "-m", "kanban_tui", "--db", str(db), "kpi", "import", str(report)],
        capture_output=True, env=subprocess_env(), timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _observations(db) == full


# --------------------------------------------------------------------------- backup
def test_kill_9_during_a_backup_leaves_no_half_copy(tmp_path: Path) -> None:
    db = tmp_path / "kanban.db"
    open_board(str(db), settings=None).close()
    fill(db, 1200, "stock")
    folder = tmp_path / "backups"
    for _round in range(2):
        process = start(db, "backup")
        kill_when(process, lambda: folder.exists() and bool(leftovers(folder)))
        for copy in folder.glob("*.db"):
            assert inspect_file(copy) == SCHEMA_VERSION  # a copy under a real name is whole
        assert inspect_file(db) == SCHEMA_VERSION
    made = backups.backup_to(db, backups.copy_path(db, backups.MANUAL))
    backups.prune(db, 14)
    assert inspect_file(made) == SCHEMA_VERSION
    assert leftovers(folder) == []


# --------------------------------------------------------------------------- restore
def test_kill_9_during_a_restore_keeps_the_old_or_the_new_board(tmp_path: Path) -> None:
    db = tmp_path / "kanban.db"
    open_board(str(db), settings=None).close()
    fill(db, 600, "old")
    old = card_titles(db)
    offered = tmp_path / "offered.db"
    open_board(str(offered), settings=None).close()
    fill(offered, 600, "new")
    new = card_titles(offered)
    folder = tmp_path / "backups"
    for _round in range(2):
        process = start(db, "restore", str(offered))
        kill_when(process, lambda: any(folder.glob("kanban-before-restore-*.db")))
        assert inspect_file(db) == SCHEMA_VERSION
        assert card_titles(db) in (old, new)
        for copy in folder.glob("kanban-before-restore-*.db"):
            copy.unlink()
    done = subprocess.run(
        [sys.executable, "-m", "kanban_tui", "--db", str(db), "restore", str(offered)],
        capture_output=True, env=subprocess_env(), timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert card_titles(db) == new


# --------------------------------------------------------------------------- fuzz
HEADERS = {
    "business": ["Date", "Ordered Product Sales", "Units Ordered", "Sessions - Total"],
    "ads": [
        "Date", "Campaign Name", "Impressions", "Clicks", "Spend", "7 Day Total Sales ",
        "7 Day Total Orders (#)",
    ],
}  # fmt: skip
CELL = st.one_of(
    st.sampled_from(["5/1/26", "05/02/2026", "2026-05-03", "$1,234.50", "12.5%", "0", "", "Total"]),
    st.text(alphabet=st.sampled_from(list("0123456789.,$%-/ \"'\n;\t€¥a=+@")), max_size=12),
    st.text(max_size=8),
)


@st.composite
def reports(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        header = draw(st.sampled_from(list(HEADERS.values())))
        rows = draw(
            st.lists(
                st.lists(CELL, min_size=max(0, len(header) - 2), max_size=len(header) + 1),
                max_size=8,
            )
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";", "\t"])))
        writer.writerow(header)
        writer.writerows(rows)
        text = buffer.getvalue()
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
        return text.encode(encoding, errors="replace")
    return draw(st.binary(max_size=400))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=reports(),
    market=st.sampled_from([("US", "MDY"), ("DE", "DMY"), ("JP", "YMD"), ("IN", "DMY")]),
    kind=st.sampled_from(["auto", "business", "ads"]),
)
def test_fuzz_the_report_importer_refuses_clearly_or_imports(
    raw: bytes, market: tuple[str, str], kind: str
) -> None:
    """Whatever the bytes: a ParseError with a message (what the CLI shows in one line
    with exit 2), or observations of the right marketplace — never another exception."""
    try:
        result = read_report(raw, marketplace=market[0], date_order=market[1], kind=kind)  # type: ignore[arg-type]
    except ParseError as exc:
        assert str(exc).strip()
        return
    assert result.rows_read >= 1
    for observation in result.observations:
        assert observation.marketplace == market[0]
        assert 1971 <= observation.day.year <= 2199


@pytest.mark.parametrize("fixture", sorted(p.name for p in REPORTS.glob("*.csv")))
def test_every_fixture_truncated_anywhere_is_refused_or_read(fixture: str) -> None:
    """A download cut at any byte (seeded positions) never crashes the importer."""
    import random

    data = (REPORTS / fixture).read_bytes()
    for cut in random.Random(fixture).sample(range(1, len(data)), min(12, len(data) - 1)):
        try:
            read_report(data[:cut], marketplace="US", date_order="MDY")
        except ParseError:
            continue
