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
from datetime import UTC, datetime, timedelta
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
