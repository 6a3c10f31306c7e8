"""Snapshots of every screen and dialog at 80×24, 120×35 and 200×50, in English and Chinese.

One board used since October (the history of ``tests/test_plan_screens.make_history``, the
May reports of ``tests/test_kpi_ui.import_may``, a long urgent card with a checklist on
top of Daily) is built once per language and copied for each test; the clock is the fixed
``FIXED_NOW`` and toasts are silenced (``conftest.snap_compare``), so a snapshot shows the
screen alone. The review and the KPI pane at the three sizes are in
``tests/test_layout_snapshots.py``.

What every snapshot must show (checked on the SVGs, and asserted below on the screen's
text): headers readable, nothing cut without ``…``, and on every full screen ``?`` and
``q`` in the footer, at 80 columns too.

Regenerate after an intended visual change with ``pytest tests/test_screen_snapshots.py
--snapshot-update`` and look at the SVGs in ``tests/__snapshots__/test_screen_snapshots``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kanban_tui.domain.models import Column
from kanban_tui.i18n import language
from kanban_tui.ui.widgets.footer import KanbanFooter
from tests.conftest import FakeClock
from tests.test_kpi_ui import import_may
from tests.test_plan_screens import make_history
from tests.ui_helpers import make_app, pilot_until

SIZES = [(80, 24), (120, 35), (200, 50)]
LANGS = ["en", "zh"]
TOP = {
    "en": "Restock SKU-42 and SKU-43 before Black Friday and check the inbound shipment plan",
    "zh": "在黑色星期五之前补货SKU-42和SKU-43并检查入库货件计划与仓储容量限制以及广告预算安排",
}
CHECKLIST = {
    "en": ["Count units in the warehouse", "Book the inbound shipment", "Tell the 3PL"],
    "zh": ["清点仓库库存", "预约入库货件", "通知第三方仓库"],
}
ERROR = {
    "en": ("The database is busy", "Another program is writing to board.db; try again."),
    "zh": ("数据库正忙", "另一个程序正在写入 board.db,请稍后再试。"),
}

#: screen (or dialog) → the keys that open it from the board; None: the error modal
SCREENS: dict[str, list[str] | None] = {
    "board": [],
    "help": ["question_mark"],
    "card_form_new": ["n"],
    "card_form_edit": ["E"],
    "card_detail": ["c"],
    "confirm_delete": ["d"],
    "playbooks": ["exclamation_mark"],
    "kpi_entry": ["2", "a"],
    "kpi_help": ["2", "question_mark"],
    "review_note": ["3", "n"],
    "review_confirm": ["3", "x"],
    "templates": ["t"],
    "template_form": ["t", "e"],
    "goals": ["g"],
    "goal_form": ["g", "e"],
    "week": ["4"],
    "settings": ["s"],
    "error": None,
}
#: full screens: their footer names ? and q (dialogs have their own keys)
FULL = {"board", "templates", "goals", "week"}


def _build(folder: Path, lang: str) -> Path:
    db = folder / f"board-{lang}.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SELLER_KANBAN_DATA_DIR", str(folder / "data"))
        patch.setenv("SELLER_KANBAN_CONFIG_DIR", str(folder / "config"))
        _, board, _ = make_history(db, lang)
        import_may(board)
        top = board.cards.add(
            {"title": TOP[lang], "category": "inventory", "priority": "urgent"},
            Column.DAILY,
            0,
        )
        items = [{"text": text, "done": i == 0} for i, text in enumerate(CHECKLIST[lang])]
        board.cards.set_checklist(top.id, items)
        board.close()
    return db


@pytest.fixture(scope="module")
def boards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """One board per language for the whole module (built lazily: about 2 s each)."""
    folder = tmp_path_factory.mktemp("screens")

    class Lazy(dict[str, Path]):
        def __missing__(self, lang: str) -> Path:
            with pytest.MonkeyPatch.context() as env:
                env.setenv("SELLER_KANBAN_USER", "ops")  # "added by ops" on every machine
                self[lang] = _build(folder, lang)
            return self[lang]

    yield Lazy()


def _app(boards: dict[str, Path], tmp_path: Path, lang: str):
    db = tmp_path / "board.db"
    shutil.copy(boards[lang], db)
    app, _ = make_app(db, FakeClock(), lang=lang)
    return app


async def _press_to_open(pilot, key: str) -> None:
    """Press ``key`` and wait for the screen it opens (it opens on the next refresh)."""
    app, before = pilot.app, pilot.app.screen
    await pilot.press(key)
    await pilot_until(pilot, lambda: app.screen is not before and app.screen.is_mounted, key)


async def _open(pilot, keys: list[str] | None) -> None:
    app = pilot.app
    await pilot.pause()
    if keys is None:
        app.show_error(*ERROR[language()])
    for key in keys or []:
        await _press_to_open(pilot, key)
    # no text cursor: where the key that opened a form leaves it is not what these show
    for field in app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(snap_compare, boards, tmp_path, name, lang, size):
    app = _app(boards, tmp_path, lang)

    async def run_before(pilot) -> None:
        keys = SCREENS[name]
        await _open(pilot, keys)
        assert keys is None or len(app.screen_stack) == 2 + len(keys), (
            f"{name}: {keys} did not open it"
        )

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def _footer_text(app) -> str:
    footer = app.screen.query_one(KanbanFooter)
    return " ".join(f"{key.key_display} {key.description}" for key in footer.shown_keys())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("keys", [[], ["2"], ["3"], ["t"], ["g"], ["4"]], ids=str)
async def test_help_and_quit_are_in_every_footer_at_80_columns(boards, tmp_path, lang, keys):
    app = _app(boards, tmp_path, lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, keys)
        footer = app.screen.query_one(KanbanFooter)
        shown = list(footer.shown_keys())
        assert {"?", "q"} <= {key.key_display for key in shown}, _footer_text(app)
        # every key is whole: the row ends inside the screen
        assert max(key.region.right for key in shown) <= 80
        await pilot.press("question_mark")  # ? lists this screen's keys, q quits
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape", "q")
        await pilot.pause()
    assert app.return_code == 0
