"""Synthetic seller databases, written with one bulk insert.

The database file is created by :func:`kanban_tui.storage.open_database` (so it carries
the real schema, application id and user_version), then every card goes in with a single
``INSERT ... VALUES`` executemany through SQLAlchemy Core (10,000 cards: about a second,
mostly building the rows in Python). The file is then opened once with
:func:`kanban_tui.services.session.open_board`, so whatever the app does on a first open
(loading the default plan, generating today's recurring cards) happens here, not inside a
figure.

The shape follows a seller who has used the board for two years:

* a few hundred open cards (daily > weekly > monthly), some with due dates (a few
  overdue, a few due today);
* everything else in Done, ``done_at`` spread over the last two years, with a few dozen
  finished this week (so the Done column, which only shows this week, is not empty);
* titles mixing Chinese and English, categories from the default plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# A seller's recurring work, in both languages (mixed on purpose: CJK cells are two wide).
_TASKS = (
    ("检查账户健康指标 Account health (ODR < 1%)", "account"),
    ("处理买家消息 Answer buyer messages", "service"),
    ("审核广告表现 Review PPC: CPC $0.8–1.5, ACoS ≤ 25%", "ads"),
    ("更新库存状态与补货 Restock FBA inventory", "inventory"),
    ("追踪核心竞品 Track 5 core competitors", "competitors"),
    ("关键词排名检测 Keyword rank check (top 3 pages)", "keywords"),
    ("依据BSR趋势调整定价 Reprice from BSR trend", "pricing"),
    ("检查政策更新 Policy update / risk alert", "risk"),
    ("内部策略会 Weekly strategy meeting", "review"),
    ("制定下月目标 Plan next month's targets", "planning"),
    ("Listing 优化: 五点描述 bullet points", "keywords"),
    ("回复差评 Respond to 1-star review", "service"),
    ("申请 Vine 计划 Enroll new ASIN in Vine", "ads"),
    ("FBA 货件入库 Create inbound shipment", "inventory"),
    ("Prime Day 促销准备 Lightning deal setup", "pricing"),
)
_SKUS = ("A1", "B7", "C3", "D9", "E2", "F5", "G8", "H4")
_MARKETS = ("US", "UK", "DE", "JP", "CA")
_PRIORITIES = ("low", "normal", "normal", "normal", "high", "high", "urgent")


@dataclass
class Dataset:
    """What was written, so a benchmark can check what it sees."""

    path: Path
    #: Cards in the file (the bulk insert plus any the app generated on first open).
    total: int
    #: Cards this generator inserted.
    inserted: int
    #: All cards by column.
    per_column: dict[str, int] = field(default_factory=dict)
    #: Cards the board shows by column (Done: only this week).
    shown: dict[str, int] = field(default_factory=dict)
    #: The title shown at the top of the Daily column (row 0).
    first_daily_title: str = ""

    @property
    def shown_by_default(self) -> int:
        """Cards that ``list`` (without ``--all``) and the board show."""
        return sum(self.shown.values())


def _title(rng: random.Random, n: int) -> tuple[str, str]:
    text, category = _TASKS[n % len(_TASKS)]
    sku = rng.choice(_SKUS)
    market = rng.choice(_MARKETS)
    return f"{text} · {market}-{sku}{n % 97:02d} #{n}", category


def build(path: Path, total: int, *, seed: int = 20240601, now: datetime | None = None) -> Dataset:
    """Create ``path`` (must not exist) with ``total`` cards in a realistic spread."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from kanban_tui.domain.models import Card, Column, Priority, Source
    from kanban_tui.storage import open_database

    rng = random.Random(seed)
    now = (now or datetime.now().astimezone()).astimezone(UTC)
    local_now = now.astimezone()
    monday = (local_now - timedelta(days=local_now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    week_start = monday.astimezone(UTC)
    today = local_now.date()

    # The app may add cards on a first open (today's recurring plan cards): insert that
    # many fewer, so the file ends up holding ``total`` cards.
    generated = _generated_on_first_open(path)
    count = max(0, total - generated)
    # Split: ~3.3 % open (a few hundred of 10,000), a few dozen done this week.
    if count >= 100:
        n_daily = round(count * 0.015)  # 150
        n_weekly = round(count * 0.012)  # 120
        n_monthly = round(count * 0.006)  # 60
        n_week_done = round(count * 0.004)  # 40
    else:  # a small board: round robin over daily, weekly, monthly, done this week
        n_daily, n_weekly, n_monthly, n_week_done = ((count + 3 - i) // 4 for i in range(4))
    n_done = count - n_daily - n_weekly - n_monthly

    rows: list[dict[str, object]] = []
    serial = 0

    def card(column: Column, position: int, done_at: datetime | None) -> dict[str, object]:
        nonlocal serial
        serial += 1
        title, category = _title(rng, serial)
        created = (done_at or now) - timedelta(days=rng.uniform(0, 10), minutes=rng.uniform(0, 600))
        due = None
        if column is not Column.DONE and rng.random() < 0.3:
            due = today + timedelta(days=rng.randint(-5, 20))
        notes = "" if rng.random() < 0.7 else f"备注 note: 跟进供应商 follow up supplier {serial}"
        return {
            "title": title,
            "notes": notes,
            "column": column,
            "position": position,
            "category": category,
            "estimate_minutes": rng.choice((0, 5, 10, 15, 20, 30, 45, 60, 90, 120)),
            "priority": Priority(rng.choice(_PRIORITIES)),
            "due": due,
            "created_at": created,
            "updated_at": done_at or created,
            "done_at": done_at,
            "origin_column": (
                rng.choice((Column.DAILY, Column.DAILY, Column.WEEKLY, Column.MONTHLY))
                if column is Column.DONE
                else None
            ),
            "source": Source.PLAN if rng.random() < 0.6 else Source.MANUAL,
            "template_id": None,
            "period_key": None,
        }

    for column, count in (
        (Column.DAILY, n_daily),
        (Column.WEEKLY, n_weekly),
        (Column.MONTHLY, n_monthly),
    ):
        for position in range(count):
            rows.append(card(column, position, None))

    # Done: oldest first so positions ascend with done_at (the column shows newest first).
    week_seconds = max(60.0, (now - week_start).total_seconds() - 60)
    old_span = timedelta(days=730).total_seconds()
    old = sorted(
        week_start - timedelta(seconds=rng.uniform(60, old_span))
        for _ in range(n_done - n_week_done)
    )
    recent = sorted(
        week_start + timedelta(seconds=rng.uniform(30, week_seconds)) for _ in range(n_week_done)
    )
    for position, done_at in enumerate(old + recent):
        rows.append(card(Column.DONE, position, done_at))

    # Columns this generator does not know about (the schema grows) get their defaults.
    for name, info in Card.model_fields.items():
        if name == "id" or not rows or name in rows[0]:
            continue
        default = info.get_default(call_default_factory=True)
        for row in rows:
            row[name] = default

    db = open_database(path)
    try:
        if rows:
            with Session(db.engine) as session:
                session.execute(insert(Card), rows)
                session.commit()
    finally:
        db.close()

    # Open it once the way the app does, so its first-run work (loading the default plan,
    # generating today's recurring cards...) is done here and not inside any figure: the
    # children see the steady state of a board in daily use.
    from kanban_tui.config import Settings
    from kanban_tui.services.session import open_board

    board = open_board(str(path), Settings())
    try:
        service = board.cards
        every = service.list_cards(None, True)
        per_column: dict[str, int] = {}
        for card_row in every:
            per_column[card_row.column.value] = per_column.get(card_row.column.value, 0) + 1
        shown = {
            c.value: service.summary(c)[0]
            for c in (Column.DAILY, Column.WEEKLY, Column.MONTHLY, Column.DONE)
        }
        top = service.rows(Column.DAILY, 0, 1)
        with board.db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        board.close()

    return Dataset(
        path=path,
        total=len(every),
        inserted=count,
        per_column=per_column,
        shown=shown,
        first_daily_title=top[0].title if top else "",
    )


def _generated_on_first_open(path: Path) -> int:
    """How many cards ``open_board`` puts on a brand-new, empty database right now."""
    from kanban_tui.config import Settings
    from kanban_tui.services.session import open_board

    probe = path.with_name(path.stem + "-probe.db")
    board = open_board(str(probe), Settings())
    try:
        return board.cards.count()
    finally:
        board.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            probe.with_name(probe.name + suffix).unlink(missing_ok=True)


# ============================================================================ scheduler, KPI
# and review data (figures 6-11). Each builder writes its file once; children measure it.


class FixedClock:
    """A clock that stays where it is put (aware datetimes), like the tests' FakeClock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


#: Rules of the 500-template figure: one of each form of ``domain/recurrence.py`` it names.
TEMPLATE_RULES = (
    "daily",
    "weekdays",
    "weekly:mon",
    "biweekly:2026-01-05",
    "monthly:15",
    "monthly:last",
    "4weekly:2026-01-05",
)
TEMPLATE_MARKETS = ("US", "DE", "JP")


def template_rows(count: int, now: datetime) -> list[dict[str, object]]:
    """``count`` user templates (rules and marketplaces in rotation) as ``template`` rows.

    Every row is validated by :class:`kanban_tui.domain.templates.TemplateFields` (as
    ``TemplateService.add`` does, so ``on_period_end`` follows the rule) and stored the way
    the service stores it (``at`` as ``HH:MM``, checklist lines joined).
    """
    from kanban_tui.domain.models import Column, Template
    from kanban_tui.domain.templates import TemplateFields

    columns = {"daily": Column.DAILY, "weekdays": Column.DAILY, "weekly": Column.WEEKLY}
    rows: list[dict[str, object]] = []
    for n in range(count):
        rule = TEMPLATE_RULES[n % len(TEMPLATE_RULES)]
        market = TEMPLATE_MARKETS[(n // len(TEMPLATE_RULES)) % len(TEMPLATE_MARKETS)]
        text, category = _TASKS[n % len(_TASKS)]
        fields = TemplateFields(
            title_en=f"{text} · {market} #{n}",
            title_zh=f"{text.split(' ')[0]} #{n}",
            category=category,
            estimate_minutes=(5, 10, 15, 30, 45)[n % 5],
            priority=("low", "normal", "high")[n % 3],
            checklist=["step one", "step two"] if n % 4 == 0 else [],
            column=columns.get(rule.split(":")[0], Column.MONTHLY),
            rule=rule,
            at=("00:00", "08:00", "09:30", "13:00")[n % 4],
            marketplace=market,
        )
        values = fields.model_dump()
        values["at"] = fields.at.strftime("%H:%M")
        values["checklist"] = "\n".join(fields.checklist)
        values.update(
            key=None,
            active=True,
            created_at=now,
            updated_at=now,
            deleted_at=None,
            checked_until=None,
        )
        rows.append(values)
    known = set(Template.model_fields) - {"id"}
    return [{k: v for k, v in row.items() if k in known} for row in rows]


def insert_templates(db: object, rows: list[dict[str, object]]) -> None:
    """One bulk ``INSERT`` of template rows through ``db`` (a ``Database``)."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from kanban_tui.domain.models import Template

    with Session(db.engine) as session:  # type: ignore[attr-defined]
        session.execute(insert(Template), rows)
        session.commit()


# ---------------------------------------------------------------------------------- KPI
#: Headers of a Sponsored Products › Advertised product report, daily (the console's own
#: spelling, trailing spaces included), as in tests/fixtures/reports.
SP_ADVERTISED_HEADERS = (
    "Date,Portfolio name,Currency,Campaign Name,Ad Group Name,Retailer,Country,"
    "Advertised SKU,Advertised ASIN,Impressions,Clicks,Click-Thru Rate (CTR),"
    "Cost Per Click (CPC),Spend,7 Day Total Sales ,Total Advertising Cost of Sales (ACOS) ,"
    "Total Return on Advertising Spend (ROAS),7 Day Total Orders (#),7 Day Total Units (#),"
    "7 Day Conversion Rate,7 Day Advertised SKU Units (#),7 Day Other SKU Units (#),"
    "7 Day Advertised SKU Sales ,7 Day Other SKU Sales "
)
_MATCHES = ("Auto", "Exact", "Phrase", "Broad")
_PRODUCTS = ("Yoga Mat", "Resistance Bands", "Water Bottle", "Foam Roller", "Jump Rope")


def sp_advertised_csv(rows: int, first: date, days: int, *, seed: int = 7) -> bytes:
    """A US Sponsored Products advertised-product daily report: ``rows`` rows spread over
    ``days`` days from ``first`` (many campaigns and products per day), UTF-8, US dates
    (``"May 16, 2026"``) and ``$1,234.56`` money, as the console writes it."""
    import csv
    import io

    rng = random.Random(seed)
    per_day = max(1, -(-rows // days))
    out = io.StringIO()
    out.write(SP_ADVERTISED_HEADERS + "\n")
    writer = csv.writer(out, lineterminator="\n")
    written = 0
    for offset in range(days):
        day = first + timedelta(days=offset)
        stamp = f"{day:%b} {day.day}, {day.year}"
        for k in range(per_day):
            if written >= rows:
                break
            written += 1
            product = _PRODUCTS[k % len(_PRODUCTS)]
            impressions = rng.randint(200, 25_000)
            clicks = rng.randint(0, max(1, impressions // 90))
            spend = round(clicks * rng.uniform(0.6, 1.7), 2)
            orders = rng.randint(0, clicks // 7) if clicks >= 7 else 0
            units = orders + (rng.randint(0, 2) if orders else 0)
            sales = round(orders * rng.uniform(18, 42), 2)
            other = round(sales * 0.1, 2) if k % 5 == 0 else 0.0
            writer.writerow(
                [
                    stamp,
                    "Not grouped" if k % 3 == 0 else "Brand",
                    "USD",
                    f"{product} - {_MATCHES[k % 4]} {k // 20:02d}",
                    f"Ad group {k % 7}",
                    "Amazon",
                    "United States",
                    f"{product[:2].upper()}-{k:03d}",
                    f"B0BENCH{k:03d}"[:10],
                    f"{impressions:,}",
                    clicks,
                    f"{clicks / impressions * 100:.2f}%",
                    f"${spend / clicks:.2f}" if clicks else "$0.00",
                    f"${spend:,.2f}",
                    f"${sales:,.2f}",
                    f"{spend / sales * 100:.2f}%" if sales else "",
                    f"{sales / spend:.2f}" if spend else "0.00",
                    orders,
                    units,
                    f"{orders / clicks * 100:.2f}%" if clicks else "0.00%",
                    units,
                    0,
                    f"${sales - other:,.2f}",
                    f"${other:,.2f}",
                ]
            )
    return out.getvalue().encode("utf-8")


#: Daily size of each marketplace (sessions); the other metrics follow from it.
_KPI_SCALE = {"US": 1800, "UK": 700, "DE": 900, "JP": 600, "CA": 300}
_KPI_CURRENCY = {"US": "USD", "UK": "GBP", "DE": "EUR", "JP": "JPY", "CA": "CAD"}


def kpi_rows(markets: tuple[str, ...], first: date, last: date, *, seed: int = 11) -> list[dict]:
    """``kpi_observation`` rows for every day of ``[first, last]`` and marketplace.

    Per day: the five Business Report metrics (source ``business``) and the six ad metrics
    (source ``ads``); per week the snapshot values a seller types (ODR, reply hours,
    keyword coverage, two ASINs' BSR) and per month COGS and fees (source ``manual``).
    """
    from kanban_tui.domain.models import utcnow

    rng = random.Random(seed)
    stamp = utcnow()
    rows: list[dict] = []

    def add(
        day: date,
        market: str,
        metric: str,
        value: str,
        source: str,
        scope: str = "store",
        money: bool = False,
    ) -> None:
        rows.append(
            {
                "day": day,
                "period_end": day,  # daily figures: the period is the one day (schema 2)
                "marketplace": market,
                "scope": scope,
                "metric": metric,
                "value": value,
                "source": source,
                "currency": _KPI_CURRENCY[market] if money else None,
                "imported_at": stamp,
            }
        )

    places = {m: (0 if m == "JP" else 2) for m in markets}
    for market in markets:
        scale = _KPI_SCALE.get(market, 500)
        money = 150 if market == "JP" else 1
        month_sales = 0.0
        day = first
        while day <= last:
            season = 1.0 + 0.25 * ((day.month in (11, 12)) - (day.month in (1, 2)))
            sessions = int(scale * season * rng.uniform(0.8, 1.2))
            units = int(sessions * rng.uniform(0.08, 0.14))
            price = rng.uniform(22, 28) * money
            sales = units * price
            month_sales += sales
            clicks = int(sessions * rng.uniform(0.25, 0.4))
            ad_spend = clicks * rng.uniform(0.7, 1.4) * money
            ad_units = int(units * rng.uniform(0.3, 0.5))
            ad_sales = ad_units * price
            p = places[market]
            for metric, value, is_money in (
                ("sales", f"{sales:.{p}f}", True),
                ("units", str(units), False),
                ("order_items", str(max(0, units - rng.randint(0, 3))), False),
                ("sessions", str(sessions), False),
                ("page_views", str(int(sessions * rng.uniform(1.3, 1.8))), False),
            ):
                add(day, market, metric, value, "business", money=is_money)
            for metric, value, is_money in (
                ("ad_spend", f"{ad_spend:.{p}f}", True),
                ("ad_sales", f"{ad_sales:.{p}f}", True),
                ("ad_orders", str(max(0, ad_units - rng.randint(0, 2))), False),
                ("ad_units", str(ad_units), False),
                ("clicks", str(clicks), False),
                ("impressions", str(clicks * rng.randint(60, 140)), False),
            ):
                add(day, market, metric, value, "ads_sp", money=is_money)
            if day.weekday() == 0:
                add(day, market, "odr", f"{rng.uniform(0.002, 0.012):.4f}", "manual")
                add(day, market, "response_hours", f"{rng.uniform(3, 20):.1f}", "manual")
                add(day, market, "keyword_coverage", f"{rng.uniform(0.55, 0.9):.3f}", "manual")
                for asin in ("B0BENCH001", "B0BENCH002"):
                    add(day, market, "bsr", str(rng.randint(800, 9000)), "manual", scope=asin)
            following = day + timedelta(days=1)
            if following.month != day.month or following > last:
                month_start = day.replace(day=1)
                add(
                    month_start, market, "cogs", f"{month_sales * 0.32:.{p}f}", "manual", money=True
                )
                add(
                    month_start, market, "fees", f"{month_sales * 0.18:.{p}f}", "manual", money=True
                )
                month_sales = 0.0
            day = following
    return rows


def insert_kpi(db: object, rows: list[dict]) -> None:
    from sqlalchemy import insert
    from sqlmodel import Session

    from kanban_tui.domain.models import KpiObservation

    with Session(db.engine) as session:  # type: ignore[attr-defined]
        for start in range(0, len(rows), 20_000):
            session.execute(insert(KpiObservation), rows[start : start + 20_000])
        session.commit()


@dataclass
class KpiBoard:
    path: Path
    observations: int
    first_day: date
    last_day: date
    markets: tuple[str, ...]


def build_kpi_board(
    path: Path, markets: tuple[str, ...] = ("US", "UK", "DE", "JP", "CA"), years: int = 3
) -> KpiBoard:
    """A board (default plan) with ``years`` years of daily KPI data up to yesterday."""
    from kanban_tui.config import Settings
    from kanban_tui.services.session import open_board

    last = datetime.now().astimezone().date() - timedelta(days=1)
    first = last.replace(year=last.year - years) + timedelta(days=1)
    board = open_board(str(path), Settings())
    try:
        rows = kpi_rows(markets, first, last)
        insert_kpi(board.db, rows)
        with board.db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        board.close()
    return KpiBoard(path, len(rows), first, last, markets)


# ------------------------------------------------------------------------------- review
def _stamp(moment: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite (naive UTC text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass
class ReviewBoard:
    path: Path
    #: The clock of the board once the year has run (aware, UTC).
    now: datetime
    year: int
    ticks: int
    generated: int
    marked_done: int
    marked_late: int
    total: int
    per_column: dict[str, int]
    period_records: int
    build_seconds: dict[str, float] = field(default_factory=dict)
    #: Seconds of each daily ``templates.tick()`` of the build (16 templates, a growing file).
    tick_seconds: list[float] = field(default_factory=list)


def build_review(
    path: Path, year: int = 2025, total: int = 10_000, *, seed: int = 99
) -> ReviewBoard:
    """A year of the default plan: ``open_board`` on 1 January with a fixed clock, then one
    ``templates.tick()`` a day (the clock advanced a day at a time, 18:00 UTC = 10:00 in
    Los Angeles, the plan's US zone). After each tick ~70 % of the cards it created are
    marked done a few hours later (on time) and about half of the cards it carried over
    are marked done at once (late); the rest stay open, or expire (daily cards) at the end
    of their period. Then manual filler cards (mostly done, spread over the year) bring the
    file to ``total`` cards, and a year of US KPI data is added so the review's KPI section
    has numbers. Marking done and the filler are bulk SQL (positions kept gapless), not
    ``BoardService`` calls: this is data preparation, not a figure.
    """
    import time as clock_time

    from sqlalchemy import insert

    from kanban_tui.config import Settings
    from kanban_tui.domain.models import Card, Column, Priority, Source
    from kanban_tui.services.session import open_board

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    clock = FixedClock(datetime(year, 1, 1, 18, 0, tzinfo=UTC))
    t0 = clock_time.perf_counter()
    board = open_board(str(path), Settings(), clock=clock)
    ticks = generated = done = late = 0
    mark_sql = (
        'UPDATE card SET origin_column = "column", "column" = \'DONE\', done_at = ?, '
        "updated_at = ?, position = (SELECT COALESCE(MAX(position), -1) + 1 FROM card "
        "WHERE \"column\" = 'DONE') WHERE id = ? AND \"column\" != 'DONE'"
    )
    renumber_open = (
        "UPDATE card SET position = (SELECT r.n FROM (SELECT id, ROW_NUMBER() OVER "
        '(PARTITION BY "column" ORDER BY position, id) - 1 AS n FROM card '
        "WHERE \"column\" != 'DONE') AS r WHERE r.id = card.id) WHERE \"column\" != 'DONE'"
    )
    tick_seconds: list[float] = []
    try:
        first = board.first_tick
        created = [item.card_id for item in first.created] if first else []
        # day 0 is the opening on 1 January; the last tick is on 1 January of the next
        # year, so every period that starts in the year has ended or is running
        for day in range((date(year + 1, 1, 1) - date(year, 1, 1)).days + 1):
            if day:
                clock.advance(days=1)
                start = clock_time.perf_counter()
                result = board.templates.tick()
                tick_seconds.append(clock_time.perf_counter() - start)
                ticks += 1
                created = [item.card_id for item in result.created]
                carried = [item.card_id for item in result.carried_over]
            else:
                carried = []
            generated += len(created)
            marks = []
            for card_id in created:
                if card_id is not None and rng.random() < 0.7:
                    stamp = _stamp(clock.now + timedelta(hours=rng.uniform(0.2, 5.5)))
                    marks.append((stamp, stamp, card_id))
                    done += 1
            for card_id in carried:
                if card_id is not None and rng.random() < 0.5:
                    marks.append((_stamp(clock.now), _stamp(clock.now), card_id))
                    late += 1
            if marks:
                with board.db.engine.begin() as connection:
                    connection.exec_driver_sql(mark_sql, marks)
                    connection.exec_driver_sql(renumber_open)
        timings["daily ticks"] = sum(tick_seconds)
        timings["ticks, marking done"] = clock_time.perf_counter() - t0

        t1 = clock_time.perf_counter()
        with board.db.engine.connect() as connection:
            have = connection.exec_driver_sql("SELECT COUNT(*) FROM card").scalar_one()
        filler = max(0, total - int(have))
        year_start = datetime(year, 1, 1, tzinfo=UTC)
        span = (clock.now - year_start).total_seconds()
        rows: list[dict[str, object]] = []
        n_open = {Column.DAILY: 40, Column.WEEKLY: 30, Column.MONTHLY: 20}
        for n in range(filler):
            column = Column.DONE
            for candidate, count in n_open.items():
                if count:
                    n_open[candidate] -= 1
                    column = candidate
                    break
            title, category = _title(rng, n)
            when = year_start + timedelta(seconds=rng.uniform(0, span))
            created_at = when - timedelta(hours=rng.uniform(1, 96))
            rows.append(
                {
                    "title": title,
                    "notes": "",
                    "column": column,
                    "position": 0,  # renumbered below
                    "category": category,
                    "estimate_minutes": rng.choice((0, 10, 15, 30, 60)),
                    "priority": Priority(rng.choice(_PRIORITIES)),
                    "due": None,
                    "created_at": created_at,
                    "updated_at": when,
                    "done_at": when if column is Column.DONE else None,
                    "origin_column": Column.DAILY if column is Column.DONE else None,
                    "source": Source.MANUAL,
                    "template_id": None,
                    "period_key": None,
                }
            )
        for name, info in Card.model_fields.items():
            if name == "id" or not rows or name in rows[0]:
                continue
            default = info.get_default(call_default_factory=True)
            for row in rows:
                row[name] = default
        with board.db.engine.begin() as connection:
            if rows:
                connection.execute(insert(Card), rows)
            # gapless positions: open columns keep their order (filler at the end), Done
            # ascends with done_at (the column shows the newest first)
            connection.exec_driver_sql(
                "UPDATE card SET position = (SELECT r.n FROM (SELECT id, ROW_NUMBER() OVER "
                '(PARTITION BY "column" ORDER BY CASE WHEN "column" = \'DONE\' THEN done_at '
                "END, CASE WHEN \"column\" = 'DONE' THEN NULL ELSE position END, id) - 1 AS n "
                "FROM card) AS r WHERE r.id = card.id)"
            )
        insert_kpi(board.db, kpi_rows(("US",), date(year - 1, 12, 1), date(year, 12, 31)))
        timings["filler cards, KPI data"] = clock_time.perf_counter() - t1
        with board.db.engine.connect() as connection:
            per_column: dict[str, int] = dict(
                connection.exec_driver_sql(
                    'SELECT "column", COUNT(*) FROM card GROUP BY "column"'
                ).all()
            )
            records = connection.exec_driver_sql("SELECT COUNT(*) FROM period_record").scalar_one()
        with board.db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        board.close()
    return ReviewBoard(
        path=path,
        now=clock.now,
        year=year,
        ticks=ticks,
        generated=generated,
        marked_done=done,
        marked_late=late,
        total=sum(per_column.values()),
        per_column={str(k): int(v) for k, v in per_column.items()},
        period_records=int(records),
        build_seconds=timings,
        tick_seconds=tick_seconds,
    )
