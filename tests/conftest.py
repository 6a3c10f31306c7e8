"""Shared fixtures: every test runs with its own data and config folders."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kanban_tui import i18n

# Local time shows on the board (done times); pin the zone so snapshots match anywhere.
os.environ["TZ"] = "Asia/Shanghai"
time.tzset()

#: The fixed "now" of UI tests: Wednesday 2026-11-25 09:30 at UTC+8 (a seller in Shenzhen).
FIXED_NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point data and config at temporary folders and clear language/db overrides."""
    data = tmp_path / "data"
    conf = tmp_path / "config"
    monkeypatch.setenv("SELLER_KANBAN_DATA_DIR", str(data))
    monkeypatch.setenv("SELLER_KANBAN_CONFIG_DIR", str(conf))
    for name in ("SELLER_KANBAN_DB", "SELLER_KANBAN_LANG", "SELLER_KANBAN_THEME"):
        monkeypatch.delenv(name, raising=False)
    # who adds and finishes cards: one name on every machine, not the login of the one
    # running the suite (tests of the login-name fallback remove it themselves)
    monkeypatch.setenv("SELLER_KANBAN_USER", "ops")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    yield tmp_path
    i18n.set_language("en")


class FakeClock:
    """A clock tests can move; returns aware datetimes."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def snap_compare(snap_compare, monkeypatch: pytest.MonkeyPatch):
    """The plugin's ``snap_compare`` with toasts silenced and text cursors that do not blink.

    Toasts come from worker threads and time out on the wall clock, so whether one is on
    screen depends on the machine's load — a snapshot shows the screen, the toasts are tested
    where they are asserted. A focused field's cursor blinks on a 0.5 s wall-clock timer:
    under load the screenshot landed on either phase (``test_new_card_form_with_errors_snapshot``
    failed that way), so here it shows or hides on events only (focus and keys show it)."""
    from textual.widgets import Input, TextArea

    from kanban_tui.ui.app import KanbanApp
    from tests.ui_helpers import started

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)

    def compare(app, *args, **kwargs):
        app.notify = lambda *_args, **_kwargs: None
        before = kwargs.get("run_before")

        # the board's start-up alert check runs in a thread after the first frame and may
        # add an alert card: the keys are pressed once it has landed, whatever the load;
        # the keys' writes run in the app's writer thread: the shot is taken once they are
        # stored and shown (and the "saving…" mark of a slow one is gone)
        async def run_before(pilot):
            if isinstance(pilot.app, KanbanApp):
                await started(pilot)
            if before is not None:
                await before(pilot)
            writes = getattr(pilot.app, "writes", None)
            if writes is not None:
                await writes.idle()
                await pilot.pause()

        kwargs["run_before"] = run_before
        return snap_compare(app, *args, **kwargs)

    return compare


# ------------------------------------------------------------------ database backends
@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL cluster for this test process (see ``tests/pg_cluster.py``).

    Missing PostgreSQL (or psycopg) fails under ``CI=true`` and skips elsewhere, saying why.
    """
    from tests.pg_cluster import Cluster, find_bin

    reason = None
    bin_dir = find_bin()
    if bin_dir is None:
        reason = "PostgreSQL is not installed (apt-get install postgresql)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            reason = "psycopg is not installed (pip install -e '.[dev]')"
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI needs PostgreSQL for the second backend: {reason}")
        pytest.skip(reason)
    assert bin_dir is not None
    cluster = Cluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_cluster: Any) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    url = pg_cluster.fresh_database()
    yield url
    pg_cluster.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Runs a test on both backends."""
    return str(request.param)


@pytest.fixture
def db_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the test's board lives: a SQLite file, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        return str(tmp_path / "board.db")
    return str(request.getfixturevalue("pg_url"))


def module_on_backend(request: pytest.FixtureRequest, backend: str) -> None:
    """Point the test module's ``LOCATION`` at the test's database on ``backend``. A
    hypothesis test builds a board per example: it stays on in-memory SQLite (and its
    PostgreSQL run is skipped)."""
    if getattr(request.function, "is_hypothesis_test", False):
        if backend != "sqlite":
            pytest.skip("many examples per test: run on in-memory SQLite only")
        return
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setattr(request.module, "LOCATION", request.getfixturevalue("db_location"))
