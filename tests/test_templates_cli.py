"""Tests of the ``templates`` and ``tick`` subcommands, driven in-process through
:func:`kanban_tui.cli.main`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kanban_tui.cli import main
from kanban_tui.config import Settings
from kanban_tui.services.session import open_board
from tests.conftest import FakeClock

FRIDAY = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # Fri 09:00 in Los Angeles
MONDAY = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # Mon 08:00 in Los Angeles
TEMPLATE_KEYS = {"id", "title", "rule", "marketplace", "next_due", "active"}


class Cli:
    """Runs ``seller-kanban --db <file> …`` in-process and captures what it prints."""

    def __init__(self, db: Path | str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--db", str(self.db), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self.run(*args)
        assert code == 0, err
        return json.loads(out)

    def templates(self) -> dict[int, dict[str, Any]]:
        return {row["id"]: row for row in self.json("templates", "list", "--json")}

    def add(self, title: str, *options: str) -> int:
        row = self.json("templates", "add", title, *options, "--json")
        return int(row["id"])

    def tick(self, now: datetime) -> dict[str, Any]:
        return self.json("tick", "--now", now.isoformat(), "--json")

    def cards(self) -> list[dict[str, Any]]:
        return list(self.json("list", "--all", "--json"))


@pytest.fixture
def cli(db_location: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """A database opened once by the board on Friday morning (plan loaded and ticked),
    on SQLite and on PostgreSQL."""
    path = db_location
    board = open_board(path, Settings(), FakeClock(FRIDAY))
    board.close()
    return Cli(path, capsys)


def created(result: dict[str, Any]) -> set[tuple[int, str]]:
    return {(item["template_id"], item["period_key"]) for item in result["created"]}


# --------------------------------------------------------------------------- tick


def test_tick_json_lists_created_expired_and_carried_over(cli: Cli) -> None:
    result = cli.tick(MONDAY)
    assert {"created", "expired", "carried_over"} <= set(result)
    for group in ("created", "expired", "carried_over", "missed"):
        assert result[group], group  # the weekend has something in each
        for item in result[group]:
            assert isinstance(item["template_id"], int)
            assert isinstance(item["period_key"], str) and item["period_key"]
    keys = {item["period_key"] for item in result["created"]}
    assert keys == {"2026-11-30", "2026-W49"}
    assert {item["period_key"] for item in result["expired"]} == {"2026-11-27"}
    assert {item["period_key"] for item in result["carried_over"]} == {"2026-W48"}
    assert {item["period_key"] for item in result["missed"]} == {"2026-11-28", "2026-11-29"}
    # the expired Friday cards are listed with --all but not in the Done column
    expired = {item["card_id"] for item in result["expired"]}
    everything = {card["id"]: card for card in cli.cards()}
    assert expired <= set(everything)
    for card_id in expired:
        card = everything[card_id]
        assert card["column"] == "done" and card["done_at"] is None
    done_now = {card["id"] for card in cli.json("list", "--column", "done", "--json")}
    assert not expired & done_now
    again = cli.tick(MONDAY)
    assert again == {"created": [], "expired": [], "carried_over": [], "missed": []}


def test_tick_text_output(cli: Cli) -> None:
    code, out, err = cli.run("tick", "--now", MONDAY.isoformat())
    assert code == 0, err
    assert "2026-W49" in out and "2026-11-30" in out


def test_tick_refuses_a_time_without_offset(cli: Cli) -> None:
    code, _, err = cli.run("tick", "--now", "2026-11-30T08:00:00")
    assert code == 2
    assert "--now" in err


# --------------------------------------------------------------------------- listing


def test_templates_list_json(cli: Cli) -> None:
    rows = cli.templates()
    assert len(rows) == 16
    for row in rows.values():
        assert set(row) >= TEMPLATE_KEYS
        assert row["active"] is True and row["marketplace"] == "US"
        due = datetime.fromisoformat(row["next_due"])
        assert due.utcoffset() in (timedelta(hours=-8), timedelta(hours=-7))  # Los Angeles
    rules = {row["rule"] for row in rows.values()}
    assert {"daily", "weekly:mon", "monthly:1"} <= rules


def test_templates_list_text(cli: Cli) -> None:
    cli.add("Restock JP", "--rule", "weekly:mon", "--at", "09:00", "--marketplace", "JP")
    code, out, err = cli.run("templates", "list")
    assert code == 0, err
    assert "Restock JP" in out
    assert "every Monday 09:00 Tokyo time" in out


# --------------------------------------------------------------------------- add / edit


def test_add_jp_weekly_template_shows_next_due_in_tokyo_time(cli: Cli) -> None:
    before = datetime.now(UTC)
    code, out, err = cli.run(
        "templates", "add", "Restock JP", "--rule", "weekly:mon", "--at", "09:00",
        "--marketplace", "JP",
    )  # fmt: skip
    assert code == 0, err
    template_id = int(out.strip())
    row = cli.templates()[template_id]
    assert row["title"] == "Restock JP"
    assert (row["rule"], row["marketplace"], row["active"]) == ("weekly:mon", "JP", True)
    assert row["next_due"].endswith("+09:00")
    due = datetime.fromisoformat(row["next_due"])
    assert due.utcoffset() == timedelta(hours=9)
    assert (due.weekday(), due.hour, due.minute) == (0, 9, 0)
    assert before < due <= before + timedelta(days=7, minutes=1)
    assert row["on_period_end"] == "carry"
    assert len(cli.templates()) == 17


def test_edit_rule_to_monthly_31(cli: Cli) -> None:
    template_id = cli.add(
        "Restock JP", "--rule", "weekly:mon", "--at", "09:00", "--marketplace", "JP"
    )
    code, out, err = cli.run("templates", "edit", str(template_id), "--rule", "monthly:31")
    assert code == 0, err
    assert out.strip() == str(template_id)
    row = cli.templates()[template_id]
    assert (
        row["rule"] == "monthly:31" and row["marketplace"] == "JP" and row["title"] == "Restock JP"
    )
    due = datetime.fromisoformat(row["next_due"])
    assert due.utcoffset() == timedelta(hours=9) and (due.hour, due.minute) == (9, 0)
    assert (due + timedelta(days=1)).day == 1  # the month's last day (31st or earlier)


def test_edit_daily_rule_switches_the_period_end_default(cli: Cli) -> None:
    template_id = cli.add("Ads", "--rule", "daily", "--marketplace", "DE")
    assert cli.templates()[template_id]["on_period_end"] == "expire"
    cli.json("templates", "edit", str(template_id), "--rule", "weekly:fri", "--json")
    assert cli.templates()[template_id]["on_period_end"] == "carry"


# ------------------------------------------------------------- pause / resume / delete


def test_pause_and_resume(cli: Cli) -> None:
    template_id = cli.add("JP daily", "--rule", "daily", "--at", "00:00", "--marketplace", "JP")
    # Friday 17:00Z is already Saturday 02:00 in Tokyo
    assert created(cli.tick(FRIDAY + timedelta(minutes=1))) == {(template_id, "2026-11-28")}
    paused = cli.json("templates", "pause", str(template_id), "--json")
    assert paused["active"] is False
    row = cli.templates()[template_id]
    assert row["active"] is False and row["next_due"] is None
    result = cli.tick(MONDAY)
    assert result["created"]  # the plan's cards came …
    assert all(item["template_id"] != template_id for item in result["created"])
    assert all(item["template_id"] != template_id for item in result["missed"])
    mine = [c["period_key"] for c in cli.cards() if c["template_id"] == template_id]
    assert mine == ["2026-11-28"]  # … not its own

    resumed = cli.json("templates", "resume", str(template_id), "--json")
    assert resumed["active"] is True and resumed["next_due"] is not None
    result = cli.tick(MONDAY + timedelta(hours=1))
    # 2026-11-30T17:00Z is already Tuesday in Tokyo; the paused days are not back-filled
    assert created(result) == {(template_id, "2026-12-01")}
    assert result["missed"] == []
    mine = [c["period_key"] for c in cli.cards() if c["template_id"] == template_id]
    assert sorted(mine) == ["2026-11-28", "2026-12-01"]


def test_delete_keeps_past_cards(cli: Cli) -> None:
    template_id = cli.add("Weekly JP", "--rule", "weekly:mon", "--marketplace", "JP")
    assert (template_id, "2026-W49") in created(cli.tick(MONDAY))
    code, out, err = cli.run("templates", "delete", str(template_id))
    assert out.strip() == str(template_id)
    assert code == 0, err
    assert template_id not in cli.templates()
    kept = [c for c in cli.cards() if c["template_id"] == template_id]
    assert [c["period_key"] for c in kept] == ["2026-W49"]
    assert kept[0]["title"] == "Weekly JP" and kept[0]["source"] == "template"
    # nothing more is generated for it, and it cannot be edited any more
    later = cli.tick(MONDAY + timedelta(days=7))
    assert all(item["template_id"] != template_id for item in later["created"])
    code, _, err = cli.run("templates", "pause", str(template_id))
    assert code == 1 and "no such template" in err


def test_unknown_template_id(cli: Cli) -> None:
    for action in ("pause", "resume", "delete"):
        code, _, err = cli.run("templates", action, "999")
        assert code == 1 and "999" in err
    code, _, err = cli.run("templates", "edit", "999", "--rule", "daily")
    assert code == 1


# --------------------------------------------------------------------------- bad rules


BAD_RULES = [
    ("weekly:mox", "mox"),
    ("monthly:32", "32"),
    ("rrule:FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX"),
]


def caret_column(err: str, rule: str) -> int:
    """Where the caret under the echoed rule points, as an index into the rule."""
    lines = err.splitlines()
    for index, line in enumerate(lines[:-1]):
        if line.strip() == rule:
            caret = lines[index + 1]
            assert caret.strip() == "^", err
            return caret.index("^") - line.index(rule)
    raise AssertionError(f"the rule is not echoed:\n{err}")


@pytest.mark.parametrize(("rule", "culprit"), BAD_RULES)
def test_add_refuses_a_bad_rule(cli: Cli, rule: str, culprit: str) -> None:
    before = cli.templates()
    code, out, err = cli.run("templates", "add", "Broken", "--rule", rule, "--marketplace", "JP")
    assert code == 2
    assert out == ""
    assert "rule" in err
    assert caret_column(err, rule) == rule.index(culprit)
    assert cli.templates() == before  # nothing added


@pytest.mark.parametrize(("rule", "culprit"), BAD_RULES)
def test_edit_refuses_a_bad_rule(cli: Cli, rule: str, culprit: str) -> None:
    template_id = cli.add("Fine", "--rule", "weekly:tue")
    code, _, err = cli.run("templates", "edit", str(template_id), "--rule", rule)
    assert code == 2
    assert caret_column(err, rule) == rule.index(culprit)
    assert cli.templates()[template_id]["rule"] == "weekly:tue"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "seller-kanban: invalid template: rule: unknown weekday 'mox' at 7 (use mon, tue"),
        ("zh", "seller-kanban: 模板无效: 规则: 未知的星期几 'mox',位置 7(可用 mon、tue"),
    ],
)
def test_a_bad_rule_is_explained_in_the_users_language(cli: Cli, lang: str, said: str) -> None:
    before = cli.templates()
    code, out, err = cli.run("--lang", lang, "templates", "add", "X", "--rule", "weekly:mox")
    assert (code, out) == (2, "")
    first, echoed, caret = err.splitlines()
    assert first.startswith(said)
    assert (echoed, caret) == ("  weekly:mox", "         ^")
    code, _, err = cli.run("--lang", lang, "templates", "add", "X", "--marketplace", "XX")
    assert code == 2
    assert (
        "unknown marketplace 'XX' (use US, CA" if lang == "en" else "未知的站点 'XX'(可用 US"
    ) in err
    assert cli.templates() == before


def test_add_refuses_a_bad_time_and_marketplace(cli: Cli) -> None:
    before = len(cli.templates())
    code, _, err = cli.run("templates", "add", "Broken", "--at", "25:00")
    assert code == 2 and "at" in err
    code, _, err = cli.run("templates", "add", "Broken", "--marketplace", "XX")
    assert code == 2 and "marketplace" in err
    assert len(cli.templates()) == before
