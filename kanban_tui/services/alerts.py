"""Risk alerts: a KPI that breaks its target becomes an urgent card in Daily.

One card per KPI, marketplace and month (its ``period_key`` is ``alert:<kpi>:<market>:<month>``),
so re-importing never duplicates it. The card's title follows the latest figure; when the
KPI is back within target the card says so — closing it stays the user's decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date

from sqlmodel import Session, col, select

from kanban_tui.domain.judge import judged_text
from kanban_tui.domain.kpi import Status, format_value
from kanban_tui.domain.models import Card, Column, Priority, Source
from kanban_tui.i18n import day_name, language, month_name, t
from kanban_tui.services import playbooks
from kanban_tui.services.board import BoardService
from kanban_tui.services.kpi import KpiService, Tile
from kanban_tui.services.kpi_words import kpi_name as _named
from kanban_tui.storage import cards as repo


@dataclass
class AlertResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)


def alert_key(kpi: str, market: str, month: str) -> str:
    return f"alert:{kpi}:{market}:{month}"


def kpi_name(service: KpiService, tile: Tile) -> str:
    """The KPI's name in the UI language (a measured value has a name of its own)."""
    return _named(service.definitions[tile.key], measured=tile.measured)


def describe(service: KpiService, tile: Tile, market: str, month: str, day: date) -> str:
    """ "ACoS 31.2%, target ≤ 25.0% (US, Nov 2026, through Nov 24)"; for a KPI judged by
    pace "Monthly sales on pace for 6,000.00 USD of 10,000.00 USD (…; US, Nov 2026,
    through Nov 10)". The alert is about the month; the day says how far its data goes.
    The value gets the digits it needs never to read like the limit it breaks."""
    definition = service.definitions[tile.key]
    name = kpi_name(service, tile)
    where = {"market": market, "month": month_name(month), "day": day_name(day)}
    pace = tile.pace
    if pace is not None and not pace.final and pace.projection is not None:
        return t(
            "alerts.pace",
            name=name,
            value=format_value(definition, tile.value, tile.currency),
            projection=format_value(definition, pace.projection, tile.currency),
            goal=format_value(definition, pace.goal, tile.currency),
            **where,
        )
    if tile.value is None:
        return t("alerts.breach", name=name, value="—", target="—", **where)
    value, target = judged_text(definition, tile.value, tile.target, tile.currency)
    return t("alerts.breach", name=name, value=value, target=target, **where)


def check(kpi: KpiService, cards: BoardService, month: str | None = None) -> AlertResult:
    """Create, update or mark recovered the alert cards of ``month`` (default: each
    marketplace's latest month with data)."""
    result = AlertResult()
    book = playbooks.load(language())
    for market in kpi.marketplaces():
        chosen = month or kpi.latest_month(market)
        if chosen is None:
            continue
        figures = kpi.month(chosen, market)
        if not figures.days_with_data:
            continue
        last_day = max(o.day for o in kpi.observations(market, *_bounds(chosen)))
        for _key, tile in figures.tiles.items():
            _one(kpi, cards, book, result, tile, market, chosen, last_day)
    return result


def _bounds(month: str) -> tuple[date, date]:
    from kanban_tui.services.kpi import month_bounds

    return month_bounds(month)


def _one(
    kpi: KpiService,
    cards: BoardService,
    book: playbooks.PlaybookBook,
    result: AlertResult,
    tile: Tile,
    market: str,
    month: str,
    day: date,
) -> None:
    key = alert_key(tile.key, market, month)
    breach = tile.status is Status.BREACH
    title = describe(kpi, tile, market, month, day) if breach else ""
    now = cards.clock().astimezone(UTC)

    def work(session: Session) -> tuple[str, int] | None:
        card = session.exec(
            select(Card).where(col(Card.source) == Source.ALERT, col(Card.period_key) == key)
        ).first()
        if breach and card is None:
            playbook = playbooks.for_kpi(book, tile.key)
            steps = playbook.steps if playbook else ()
            card = Card(
                title=title,
                notes=t(
                    "alerts.notes",
                    kpi=kpi_name(kpi, tile),
                    market=market,
                    month=month_name(month),
                ),
                category=playbook.category if playbook else "",
                estimate_minutes=playbook.estimate if playbook else 30,
                priority=Priority.URGENT,
                source=Source.ALERT,
                period_key=key,
                checklist=playbooks.checklist(steps) if steps else "",
                created_at=now,
                updated_at=now,
            )
            repo.insert(session, card, Column.DAILY, 0)
            return "created", card.id or 0
        if card is None or card.column is Column.DONE:
            return None
        if breach and card.title != title:
            card.title = title
            card.updated_at = now
            session.add(card)
            return "updated", card.id or 0
        back = t("alerts.recovered_prefix")
        if not breach and not card.title.startswith(back):
            card.title = (back + card.title)[:200]
            card.updated_at = now
            if tile.pace is not None:
                # behind pace is a state of the month, not an event: when the pace is
                # back the alert resolves itself (it goes to Done, where it can be reopened)
                origin = card.column
                repo.move(session, card, Column.DONE, None)
                card.done_at = now
                card.origin_column = origin
            session.add(card)
            return "recovered", card.id or 0
        return None

    done = cards.db.transact(work)
    if done is not None:
        getattr(result, done[0]).append(done[1])
