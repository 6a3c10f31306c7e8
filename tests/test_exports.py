"""Tests of the exports: the review as Markdown and JSON, templates as iCalendar, cards as
CSV and JSON, and the ``report`` / ``export`` commands."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from markdown_it import MarkdownIt

from kanban_tui import i18n
from kanban_tui.cli import main
from kanban_tui.config import Settings
from kanban_tui.domain.models import Source
from kanban_tui.domain.recurrence import Rule, marketplace, occurrences_after
from kanban_tui.exporters import cards as card_export
from kanban_tui.exporters import ics, markdown, write_atomic
from kanban_tui.services.board import BoardService
from kanban_tui.services.review import ReviewService
from kanban_tui.services.session import Board, open_board
from kanban_tui.services.templates import TemplateService
from kanban_tui.storage import open_database
from tests.conftest import FakeClock, module_on_backend

LA = ZoneInfo("America/Los_Angeles")
TRICKY = "Ads | ACoS *≤* 25% [x](y) <b> $1 $2 `c` ~~s~~ & _u_ 红色 \\ end"


#: Where ``make_board`` opens its database: set per test by ``_on_both_backends``.
LOCATION = ":memory:"


@pytest.fixture(autouse=True)
def _on_both_backends(request: pytest.FixtureRequest, backend: str) -> None:
    """The suite's services run on SQLite and on PostgreSQL (issue 12)."""
    module_on_backend(request, backend)


def make_board(clock: FakeClock) -> Board:
    db = open_database(LOCATION)
    return Board(
        db=db,
        cards=BoardService(db, clock),
        templates=TemplateService(db, clock),
        settings=Settings(),
    )


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LA)


# --------------------------------------------------------------------------- Markdown


@pytest.fixture
def reviewed(clock: FakeClock) -> Board:
    """November 2026 with a tricky title, KPIs, an incident and notes."""
    clock.now = at(date(2026, 10, 31), 12)
    board = make_board(clock)
    titles = {"title_en": TRICKY, "title_zh": "复盘 | 广告 *粗体*"}
    rule = {"rule": "daily", "at": "09:00", "on_period_end": "carry"}
    tricky = board.templates.add({**titles, **rule, "category": "ads"}).id
    board.templates.add({"title_en": "Weekly check", "rule": "weekly:mon", "at": "09:00"})
    board.templates.tick()
    for day in range(1, 31):
        clock.now = at(date(2026, 11, day), 10)
        board.templates.tick()
        if day % 3 == 0:  # a third on time; the rest carried over, never done
            key = date(2026, 11, day).isoformat()
            row = next(
                r
                for r in board.cards.list_cards()
                if (r.template_id, r.period_key) == (tricky, key)
            )
            board.cards.set_done(row.id, True)
    clock.now = at(date(2026, 11, 20), 11)
    incident = board.cards.add({"title": "Listing | suppressed *now*"}, source=Source.INCIDENT)
    board.cards.toggle_timer(incident.id)
    clock.advance(minutes=90)
    board.cards.toggle_timer(incident.id)
    for month, spend in (("2026-10", "400"), ("2026-11", "450")):
        board.kpi.add(date.fromisoformat(f"{month}-10"), "ad_spend", Decimal(spend), "US")
        board.kpi.add(date.fromisoformat(f"{month}-10"), "ad_sales", Decimal(1000), "US")
    service = ReviewService(board)
    service.save_note("2026-10", "# Cut ads | daily\n- item *one*\n1. first\n\n    indented <tag>")
    service.save_note("2026-11", "Keep going")
    clock.now = at(date(2026, 12, 1), 12)
    return board


def tables(text: str) -> list[list[str]]:
    """The pipe tables of a Markdown text, as blocks of lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def cells(line: str) -> list[str]:
    """A table row's cells, split on unescaped pipes."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def test_markdown_has_the_tables_and_escapes_user_text(reviewed: Board) -> None:
    review = ReviewService(reviewed).review("2026-11")
    text = markdown.render(review)
    assert text.startswith("# Monthly review · Nov 2026\n")
    headings = ["Completion per recurring task", "KPIs against targets", "Incidents", "Notes"]
    for heading in [*headings, "To decide: keep, change or delete"]:
        assert f"\n## {heading}\n" in text
    escaped = r"Ads \| ACoS \*≤\* 25% \[x\](y) \<b\> \$1 \$2 \`c\` \~\~s\~\~ \& \_u\_ 红色 \\ end"
    assert escaped in text
    assert "Listing \\| suppressed \\*now\\*" in text
    completion, kpis, incidents = tables(text)
    for block in (completion, kpis, incidents):
        widths = {markdown.width(line) for line in block}
        assert len(widths) == 1, block  # the columns line up
        counts = {len(cells(line)) for line in block}
        assert len(counts) == 1, block  # a | in a title never adds a cell
    assert cells(completion[0])[1:4] == ["Task", "Rule", "Planned"]
    assert any("✗" in line for line in kpis)  # ACoS 45 % against ≤ 25 %
    assert "1 h 30 m" in incidents[-1]
    # the notes quote the text literally, block markers escaped
    assert "> \\# Cut ads \\| daily" in text
    assert "> \\- item \\*one\\*" in text
    assert "> 1\\. first" in text
    assert "> indented \\<tag\\>" in text
    assert "> Keep going" in text


def test_markdown_renders_as_intended(reviewed: Board) -> None:
    """A Markdown engine (GFM tables) sees the title as plain text in one cell."""
    review = ReviewService(reviewed).review("2026-11")
    html = (
        MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown.render(review))
    )
    literal = TRICKY.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"<td>{literal}</td>" in html
    assert "<em>" not in html and "<a " not in html and "<s>" not in html
    assert html.count("<table>") == 3
    assert "<h1>" in html and html.count("<h2>") == 5
    assert "<blockquote>" in html and "<h1>Cut ads" not in html


def test_json_has_the_same_numbers_as_markdown(reviewed: Board) -> None:
    review = ReviewService(reviewed).review("2026-11")
    data = json.loads(json.dumps(review.as_json()))
    completion = tables(markdown.render(review))[0]
    rows = [cells(line) for line in completion[2:]]
    for item, row in zip(data["templates"], rows, strict=False):
        numbers = [int(n) for n in row[3:10]]
        expected = [
            item[k] for k in ("planned", "done", "late", "missed", "deleted", "overdue", "open")
        ]
        assert numbers == expected
        assert row[10] == ("—" if item["rate"] is None else f"{item['rate'] * 100:.0f}%")
    overall = [int(n) for n in rows[-1][3:10]]
    assert overall == [
        data["overall"][k]
        for k in ("planned", "done", "late", "missed", "deleted", "overdue", "open")
    ]
    assert data["overall"]["planned"] == 35  # 30 days + 5 weeks
    assert data["incident_minutes"] == 90
    assert data["notes"]["previous"]["period"] == "2026-10"
    assert data["kpis"][0]["marketplace"] == "US"
    acos = next(k for k in data["kpis"][0]["kpis"] if k["key"] == "acos")
    assert (acos["value_text"], acos["status"]) == ("45.0%", "breach")
    tricky = next(t for t in data["templates"] if t["title"] == TRICKY)
    assert tricky["rate"] == pytest.approx(1 / 3)
    assert {r["code"] for r in tricky["reasons"]} == {"completion", "kpi"}


def test_markdown_in_chinese_lines_up_wide_characters(reviewed: Board) -> None:
    i18n.set_language("zh")
    text = markdown.render(ReviewService(reviewed).review("2026-11"))
    assert text.startswith("# 月度复盘 · 2026年11月\n")
    assert "复盘 \\| 广告 \\*粗体\\*" in text
    for block in tables(text):
        assert len({markdown.width(line) for line in block}) == 1


def test_an_empty_review_says_so(clock: FakeClock) -> None:
    text = markdown.render(ReviewService(make_board(clock)).review("2026-11"))
    assert "No recurring task had a period in this review." in text
    assert "No KPI data for this period." in text
    assert "No incidents in this period." in text
    assert tables(text) == []


# --------------------------------------------------------------------------- iCalendar

ICS_RULES = [
    ("daily", "US", "09:00"),
    ("daily", "US", "02:30"),  # 2027-03-14 02:30 does not exist in Los Angeles
    ("weekdays", "US", "08:00"),
    ("weekdays:mon,wed,fri", "DE", "07:45"),
    ("weekly:mon", "JP", "09:00"),
    ("biweekly:2026-01-05", "US", "10:00"),
    ("monthly:15", "UK", "09:00"),
    ("monthly:29", "US", "09:00"),
    ("monthly:30", "US", "09:00"),
    ("monthly:31", "JP", "18:00"),
    ("monthly:last", "US", "09:00"),
    ("monthly:last-business", "DE", "16:00"),
    ("4weekly:2026-01-05", "US", "09:00"),
    ("rrule:FREQ=MONTHLY;BYDAY=1MO", "US", "09:00"),
    ("rrule:2026-01-07:FREQ=WEEKLY;INTERVAL=3;BYDAY=WE,FR", "JP", "09:00"),
    ("rrule:2026-11-01:FREQ=DAILY;INTERVAL=2;COUNT=20", "US", "09:00"),
    ("rrule:FREQ=WEEKLY;BYDAY=TU;UNTIL=20270302", "US", "09:00"),
    ("rrule:2025-01-31:FREQ=MONTHLY;INTERVAL=2", "US", "09:00"),
]


def expand(event: Any, count: int) -> list[datetime]:
    start = event.decoded("dtstart")
    rule = event["RRULE"].to_ical().decode()
    return list(islice(rrulestr(rule, dtstart=start), count))


@pytest.fixture
def planned(clock: FakeClock) -> tuple[Board, dict[int, tuple[str, str, str]]]:
    """A template per rule (estimate 5 × its number: the first has none), one paused, one
    whose rule has ended."""
    board = make_board(clock)
    made: dict[int, tuple[str, str, str]] = {}
    for number, (rule, market, when) in enumerate(ICS_RULES):
        titles = {"title_en": f"Task {number} | {rule}", "title_zh": f"任务 {number}"}
        when_where = {"rule": rule, "at": when, "marketplace": market}
        row = board.templates.add({**titles, **when_where, "estimate_minutes": 5 * number})
        made[row.id] = (rule, market, when)
    paused = board.templates.add({"title_en": "Paused", "rule": "daily"}).id
    board.templates.set_active(paused, False)
    board.templates.add({"title_en": "Ended", "rule": "rrule:2026-01-01:FREQ=DAILY;COUNT=3"})
    return board, made


def test_ics_parses_back_and_repeats_like_the_board(
    planned: tuple[Board, dict[int, tuple[str, str, str]]], clock: FakeClock
) -> None:
    board, made = planned
    data = ics.to_ics(board.templates.rows(), clock(), "en")
    calendar = Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0" and str(calendar["PRODID"]).startswith("-//seller-kanban")
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {ics.uid(tid) for tid in made}  # paused and ended ones left out
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert calendar.get_missing_tzids() == set()
    for template_id, (text, market, when) in made.items():
        event = events[ics.uid(template_id)]
        tz = marketplace(market).tz
        assert event["DTSTART"].params["TZID"] == tz and tz in zones
        rule, moment = Rule.parse(text), time.fromisoformat(when)
        wanted = occurrences_after(rule, moment, tz, clock(), 130)  # over a DST change
        got = expand(event, 130)
        assert [d.date() for d in got] == [w.astimezone(ZoneInfo(tz)).date() for w in wanted], (
            text,
            event["RRULE"].to_ical(),
        )
        assert len(got) >= 6
        assert {d.time() for d in got} == {moment}  # the wall-clock time in its zone
        estimate = 5 * ICS_RULES.index((text, market, when))
        assert event.decoded("duration") == timedelta(minutes=estimate or ics.DEFAULT_MINUTES)
        [alarm] = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm.decoded("trigger") == timedelta(minutes=-10)
        assert str(event["SUMMARY"]).startswith("Task ")
    # COUNT counts from the rule's start: 12 of the 20 dates are before Nov 25
    counted = next(tid for tid, spec in made.items() if "COUNT=20" in spec[0])
    assert len(expand(events[ics.uid(counted)], 40)) == 8
    assert b"BYMONTHDAY=28,29,30,31;BYSETPOS=-1" in data


def test_ics_is_stable_and_follows_the_language(
    planned: tuple[Board, dict[int, tuple[str, str, str]]], clock: FakeClock
) -> None:
    board, _ = planned
    first = ics.to_ics(board.templates.rows(), clock(), "en")
    assert ics.to_ics(board.templates.rows(), clock(), "en") == first
    i18n.set_language("zh")
    chinese = Calendar.from_ical(ics.to_ics(board.templates.rows(), clock(), "zh"))
    summaries = {str(e["SUMMARY"]) for e in chinese.walk("VEVENT")}
    assert "任务 0" in summaries
    assert str(chinese["X-WR-CALNAME"]).startswith("店铺运营计划")


@settings(max_examples=60, deadline=None)
@given(
    spec=st.one_of(
        st.integers(1, 31).map(lambda n: f"monthly:{n}"),
        st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1).map(
            lambda days: "weekdays:" + ",".join(sorted(days))
        ),
        st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(lambda d: f"biweekly:{d}"),
        st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(lambda d: f"4weekly:{d}"),
        st.sampled_from(["monthly:last", "monthly:last-business", "daily", "weekdays"]),
    ),
    day=st.dates(date(2025, 1, 1), date(2032, 12, 31)),
    market=st.sampled_from(["US", "JP", "DE", "IN"]),
    hour=st.integers(0, 23),
)
def test_rrules_expand_to_the_boards_dates(spec: str, day: date, market: str, hour: int) -> None:
    rule = Rule.parse(spec)
    tz = marketplace(market).tz
    zone = ZoneInfo(tz)
    moment = time(hour, 15)
    now = datetime.combine(day, time(12), tzinfo=zone)
    wanted = [w.astimezone(zone).date() for w in occurrences_after(rule, moment, tz, now, 30)]
    text = ics.rrule_text(rule, wanted[0], tz)
    assert text is not None
    start = datetime.combine(wanted[0], moment, tzinfo=zone)
    got = [d.date() for d in islice(rrulestr(text, dtstart=start), 30)]
    assert got == wanted, text


def test_export_writes_atomically(tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    target.write_bytes(b"old")
    assert write_atomic(target, b"new") == target
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]  # no temporary left behind
    from kanban_tui.errors import KanbanError

    with pytest.raises(KanbanError):
        write_atomic(tmp_path / "missing" / "x.ics", b"x")


# --------------------------------------------------------------------------- cards


def test_cards_csv_round_trips_chinese_and_markup(clock: FakeClock) -> None:
    board = make_board(clock)
    title = '补货:[bold]红色[/bold] | 50%, "急" <b>'
    first = board.cards.add(
        {"title": title, "notes": "第一行\n[link=x]second, line[/link]", "category": "inventory"}
    )
    board.cards.set_checklist(first.id, [{"text": "联系工厂", "done": True}, {"text": "b"}])
    second = board.cards.add({"title": "=SUM(A1) 'quoted'", "estimate_minutes": 30})
    board.cards.set_done(second.id, True)
    rows = board.cards.list_cards(include_all=True)
    data = card_export.to_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the mark
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert reader.fieldnames == list(rows[0].as_json())
    found = {int(r["id"]): r for r in reader}
    assert found[first.id]["title"] == title
    assert found[first.id]["notes"] == "第一行\n[link=x]second, line[/link]"
    assert found[first.id]["checklist"] == "1/2"
    # a formula-like title is written as text for spreadsheets (a leading ')
    assert found[second.id]["title"] == "'=SUM(A1) 'quoted'"
    assert found[second.id]["done"] == "true"
    assert found[second.id]["column"] == "done"
    assert found[second.id]["checklist"] == ""
    assert found[second.id]["due"] == ""
    for card in rows:
        shown = card.as_json()
        for key in ("id", "position", "estimate_minutes", "spent_minutes"):
            assert found[card.id][key] == str(shown[key])
        assert found[card.id]["created_at"] == shown["created_at"]
    # JSON: exactly CardRow.as_json, one per card
    assert json.loads(card_export.to_json(rows)) == [r.as_json() for r in rows]


def test_cards_csv_of_an_empty_board_has_its_header(clock: FakeClock) -> None:
    data = card_export.to_csv([])
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    board = make_board(clock)
    board.cards.add({"title": "one"})
    assert header == list(board.cards.list_cards()[0].as_json())


# --------------------------------------------------------------------------- the commands


class Cli:
    def __init__(self, db: Path | str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = main(["--db", str(self.db), *args])
        except SystemExit as exc:  # argparse refuses the arguments
            code = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(db_location: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    path = db_location
    clock = FakeClock(at(date(2026, 11, 2), 10))
    board = open_board(str(path), Settings(), clock)
    board.cards.add({"title": "红色 | [b]markup[/b]"})
    clock.now = at(date(2026, 11, 20), 10)
    board.templates.tick()
    board.close()
    return Cli(path, capsys)


def test_report_command(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli.run("report", "--month", "2026-11")
    assert code == 0, err
    assert out.startswith("# Monthly review · Nov 2026")
    code, out, err = cli.run("report", "--month", "2026-11", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["period"] == "2026-11" and data["overall"]["planned"] > 0
    target = tmp_path / "review.md"
    code, out, err = cli.run("report", "--month", "2026-11", "-o", str(target), "--note", "Less")
    assert code == 0, err
    assert out.strip() == str(target)
    assert "> Less" in target.read_text(encoding="utf-8")
    code, out, _ = cli.run("report", "--month", "2026-12", "--format", "json")
    assert json.loads(out)["notes"]["previous"] == {"period": "2026-11", "text": "Less"}
    code, out, err = cli.run("report", "--window", "4w:2026-11-09", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["kind"] == "4w"
    code, out, err = cli.run("--lang", "zh", "report", "--month", "2026-11")
    assert out.startswith("# 月度复盘 · 2026年11月")


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--month", "2026-13"),
        ("report", "--month", "11/2026"),
        ("report", "--window", "2026-11-09"),
        ("report", "--month", "2026-11", "--window", "4w:2026-11-09"),
        ("report", "--format", "html"),
        ("export", "cards", "--format", "xlsx"),
        ("export",),
    ],
)
def test_bad_usage_exits_2(cli: Cli, args: tuple[str, ...]) -> None:
    code, out, err = cli.run(*args)
    assert code == 2
    assert out == "" and err.strip()


def test_export_commands(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli.run("export", "ics")
    assert code == 0, err
    calendar = Calendar.from_ical(out.encode())
    assert len(calendar.walk("VEVENT")) == 16  # the default plan
    assert calendar.get_missing_tzids() == set()
    target = tmp_path / "plan.ics"
    code, out, err = cli.run("export", "ics", "-o", str(target))
    assert (code, out.strip()) == (0, str(target))
    assert Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    code, out, err = cli.run("export", "cards", "--format", "json")
    assert code == 0, err
    cards = json.loads(out)
    assert "红色 | [b]markup[/b]" in {c["title"] for c in cards}
    target = tmp_path / "cards.csv"
    code, out, err = cli.run("export", "cards", "-o", str(target))
    assert (code, out.strip()) == (0, str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(cards)
    assert {r["title"] for r in rows} == {c["title"] for c in cards}
    code, out, err = cli.run("export", "cards", "-o", str(tmp_path / "nope" / "cards.csv"))
    assert code == 1 and "cannot be written" in err


def test_help_follows_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "export", "--help"])
    assert "周期模板" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "four-week" in capsys.readouterr().out
