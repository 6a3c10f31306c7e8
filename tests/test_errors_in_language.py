"""Refusals are said in the reader's language (issue 14): the Chinese CLI and board say
why an action was refused in Chinese, keeping only what is not words (a path, a card's
#id, the operating system's own error text) as it is; the English stays word for word."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kanban_tui import config
from kanban_tui.cli import main
from kanban_tui.domain.models import Column
from kanban_tui.errors import KanbanError
from kanban_tui.i18n import set_language
from kanban_tui.services.session import open_board
from tests.conftest import FakeClock

Run = Callable[..., tuple[int, str]]

#: names that are the same in every language (a file format, the program itself)
PROPER_NAMES = ("SQLite", "seller-kanban")


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """``seller-kanban --db tmp/board.db *argv`` in-process: (exit code, stderr)."""

    def call(*argv: str, db: Path | None = None) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["--db", str(db or tmp_path / "board.db"), *argv])
        return code, capsys.readouterr().err

    return call


def words_left(err: str, *kept: str) -> str:
    """``err`` without the program's prefix, the ``kept`` parts (paths, ids, OS text)
    and the proper names: what is left are the words the reader reads."""
    text = err.strip().removeprefix("seller-kanban: ")
    for part in (*kept, *PROPER_NAMES):
        text = text.replace(part, "")
    return text


def assert_chinese(err: str, *kept: str) -> None:
    left = words_left(err, *kept)
    assert not re.search(r"[A-Za-z]", left), err
    assert re.search(r"[\u4e00-\u9fff]", left), err
    assert "\n" not in err.strip() and "Traceback" not in err


def test_a_missing_card(run: Run) -> None:
    assert run("done", "99999") == (1, "seller-kanban: #99999: no such card (deleted?)\n")
    code, err = run("--lang", "zh", "move", "99999", "--to", "weekly")
    assert code == 1
    assert err == "seller-kanban: #99999: 没有这张卡片(已删除?)\n"
    assert_chinese(err, "#99999")


def test_a_card_already_done(run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "board.db"), "add", "Reply to buyers", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)["id"]
    assert run("done", str(card)) == (0, "")
    moved_again = ("move", str(card), "--to", "done", "--position", "0")
    assert run(*moved_again) == (1, f"seller-kanban: #{card}: is already done\n")
    code, err = run("--lang", "zh", *moved_again)
    assert (code, err) == (1, f"seller-kanban: #{card}: 已经完成\n")
    assert_chinese(err, f"#{card}")


def test_a_missing_file(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.csv"
    code, err = run("kpi", "import", str(missing))
    assert (code, err) == (2, f"seller-kanban: {missing}: does not exist\n")
    code, err = run("--lang", "zh", "kpi", "import", str(missing))
    assert (code, err) == (2, f"seller-kanban: {missing}: 不存在\n")
    assert_chinese(err, str(missing))


def test_a_file_that_is_not_a_database(run: Run, tmp_path: Path) -> None:
    other = tmp_path / "report.csv"
    other.write_text("date,sales\n" * 20, encoding="utf-8")
    before = other.read_bytes()
    code, err = run("list", db=other)
    assert code == 1
    assert err == f"seller-kanban: {other}: is not a SQLite database (another program's file?)\n"
    code, err = run("--lang", "zh", "list", db=other)
    assert code == 1
    assert "不是 SQLite 数据库" in err
    assert_chinese(err, str(other))
    assert other.read_bytes() == before


def test_a_database_with_a_trigger_of_its_own(run: Run, tmp_path: Path) -> None:
    live = tmp_path / "board.db"
    assert run("list")[0] == 0
    with contextlib.closing(sqlite3.connect(live)) as connection:
        connection.execute("CREATE TRIGGER trap AFTER INSERT ON card BEGIN SELECT 1; END")
        connection.commit()
    code, err = run("list")
    assert code == 1
    assert err.startswith(
        f"seller-kanban: {live}: is not a database this version can use: it has a trigger "
        "'trap' of its own; restore a good backup with `seller-kanban restore FILE`"
    )
    code, err = run("--lang", "zh", "list")
    assert code == 1
    assert err == (
        f"seller-kanban: {live}: 不是本版本可用的数据库:它自带一个触发器 'trap';"
        "请用 `seller-kanban restore 文件` 恢复一个完好的备份(见 `seller-kanban doctor`)\n"
    )
    assert_chinese(err, str(live), "'trap'", "`seller-kanban restore", "`seller-kanban doctor`")


def test_a_missing_template(run: Run) -> None:
    assert run("templates", "pause", "9999") == (
        1,
        "seller-kanban: template 9999: no such template\n",
    )
    code, err = run("--lang", "zh", "templates", "pause", "9999")
    assert (code, err) == (1, "seller-kanban: 模板 9999: 没有这个模板\n")
    assert_chinese(err, "9999")


def test_a_backup_whose_folder_is_a_file(run: Run, tmp_path: Path) -> None:
    assert run("list")[0] == 0  # the board exists
    blocker = tmp_path / "backups"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    target = blocker / "copy.db"
    code, err = run("backup", "-o", str(target))
    assert code == 2
    assert err.startswith(f"seller-kanban: {target}: cannot be checked (")
    os_text = err.strip().removeprefix(f"seller-kanban: {target}: cannot be checked (")[:-1]
    code, err = run("--lang", "zh", "backup", "-o", str(target))
    assert (code, err) == (2, f"seller-kanban: {target}: 无法检查({os_text})\n")
    assert_chinese(err, str(target), os_text)
    assert blocker.read_text(encoding="utf-8") == "a file where a folder should be"


def test_a_backup_into_a_place_that_refuses_it(run: Run) -> None:
    assert run("list")[0] == 0
    proc = Path("/proc/seller-kanban-test")
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc")
    code, err = run("backup", "-o", str(proc))
    assert code == 1
    assert err.startswith(f"seller-kanban: {proc}: backup failed: ")
    os_text = err.strip().removeprefix(f"seller-kanban: {proc}: backup failed: ")
    code, err = run("--lang", "zh", "backup", "-o", str(proc))
    assert (code, err) == (1, f"seller-kanban: {proc}: 备份失败:{os_text}\n")
    assert_chinese(err, str(proc), os_text)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "the card was changed elsewhere; cannot undo"),
        ("zh", "这张卡片已在别处被修改;无法撤销"),
    ],
)
def test_an_undo_of_a_card_changed_elsewhere(tmp_path: Path, lang: str, expected: str) -> None:
    location = str(tmp_path / "team.db")
    set_language(lang)
    mine = open_board(location, config.Settings(), clock=FakeClock(), interactive=False)
    theirs = open_board(location, config.Settings(), clock=FakeClock(), interactive=False)
    card = mine.cards.add({"title": "Check the buy box"}, Column.DAILY)
    mine.cards.edit(card.id, {"title": "Check the buy box twice"})
    theirs.cards.delete(card.id)
    with pytest.raises(KanbanError) as refused:
        mine.cards.undo()
    assert refused.value.message == expected
    if lang == "zh":
        assert not re.search(r"[A-Za-z]", refused.value.message)
    # the refused undo changed nothing: the card stays deleted
    with pytest.raises(KanbanError):
        mine.cards.card(card.id)


async def test_the_chinese_board_says_a_refused_edit_in_chinese(tmp_path: Path) -> None:
    from textual.widgets import Input

    from kanban_tui.services.board import BoardService
    from kanban_tui.storage import open_database
    from kanban_tui.ui.screens.dialogs import ErrorScreen
    from tests.ui_helpers import column, make_app, settled

    db = tmp_path / "board.db"
    app, _board = make_app(db, FakeClock(), lang="zh", refresh_seconds=60)
    async with app.run_test(size=(120, 40)) as pilot:
        card = column(app, Column.DAILY).current
        assert card is not None
        BoardService(open_database(db), FakeClock()).delete(card.id)  # gone behind our back
        await pilot.press("e")
        app.screen.query_one("#title", Input).value = "改过的标题"
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert app.screen.error_message == "没有这张卡片(已删除?)"
        assert str(app.screen.query_one("#error-message").render()) == "没有这张卡片(已删除?)"


def test_an_unknown_metric_typed_by_hand(run: Run) -> None:
    typed = ("kpi", "add", "--metric", "revenue", "--value", "5", "--date", "2026-11-01")
    code, err = run(*typed)
    assert code == 2
    assert err.startswith("seller-kanban: revenue: unknown base metric 'revenue' (known: sales, ")
    code, err = run("--lang", "zh", *typed)
    assert code == 2
    assert err.startswith("seller-kanban: revenue: 未知的基础指标 'revenue'(可用:sales, ")
    known = err.split("可用:")[1].rstrip(")\n")
    assert_chinese(err, "revenue", known)


def _import_both(run: Run, report: Path) -> tuple[str, str]:
    """``kpi import report`` in English, then in Chinese: both refused with exit 2 (a
    refused value); the two messages, without the program's prefix and the path."""
    said = []
    for lang in ("en", "zh"):
        code, err = run("--lang", lang, "kpi", "import", str(report))
        assert code == 2, err
        assert "Traceback" not in err
        said.append(err.removeprefix(f"seller-kanban: {report}: "))
    return said[0], said[1]


def test_a_csv_that_is_not_a_report(run: Run, tmp_path: Path) -> None:
    report = tmp_path / "orders.csv"
    report.write_text("Name,Colour\nfoo,red\n", encoding="utf-8")
    english, chinese = _import_both(run, report)
    assert english.startswith(
        'This file is not a report that can be imported. Its header row has: "Name", "Colour".\n'
        "Expected one of:\n• Business Report › Sales and Traffic by Date"
    )
    first = chinese.splitlines()[0]
    assert first == '此文件不是可导入的报告。其表头为:"Name", "Colour"。'
    assert_chinese(first, '"Name", "Colour"')
    assert "必须有" in chinese and "另可读取" in chinese and "needs" not in chinese


def test_a_report_with_a_bad_date(run: Run, tmp_path: Path) -> None:
    report = tmp_path / "business.csv"
    report.write_text("Date,Ordered Product Sales,Units Ordered\n13/45/2026,$100.00,2\n")
    english, chinese = _import_both(run, report)
    assert english == (
        'Row 2, column "Date", value "13/45/2026": \'13/45/2026\' is not a valid date\n'
    )
    assert chinese == '第 2 行,列 "Date",值 "13/45/2026":\'13/45/2026\' 不是有效的日期\n'
    assert_chinese(chinese, '"Date"', "13/45/2026")


def test_a_report_with_a_day_after_today(run: Run, tmp_path: Path) -> None:
    report = tmp_path / "business.csv"
    report.write_text("Date,Ordered Product Sales,Units Ordered\n1/2/2199,$100.00,2\n")
    english, chinese = _import_both(run, report)
    assert english.startswith('Row 2, column "Date", value "1/2/2199": 2199-01-02 is after today (')
    assert english.endswith(
        "); a report only holds days that have passed (check the date order, "
        "e.g. --date-order DMY)\n"
    )
    assert chinese.startswith('第 2 行,列 "Date",值 "1/2/2199":2199-01-02 晚于今天(')
    today = chinese.split("晚于今天(")[1].split(")")[0]
    assert_chinese(chinese, '"Date"', "1/2/2199", "2199-01-02", today, "--date-order DMY")


def test_an_empty_report(run: Run, tmp_path: Path) -> None:
    report = tmp_path / "empty.csv"
    report.write_bytes(b"")
    english, chinese = _import_both(run, report)
    assert (english, chinese) == ("The file is empty.\n", "文件是空的。\n")
    assert_chinese(chinese)
