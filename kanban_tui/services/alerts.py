"""Risk alerts: a KPI that breaks its target becomes an urgent card in Daily.

One card per KPI, marketplace and month (its ``period_key`` is ``alert:<kpi>:<market>:<month>``),
so re-importing never duplicates it. The card's title follows the latest figure; when the
KPI is back within target the card says so — closing it stays the user's decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date

from sqlmodel import Session, col, select

from kanban_tui.domain.kpi import Status, format_value
from kanban_tui.domain.models import Card, Column, Priority, Source
from kanban_tui.i18n import language, t
from kanban_tui.services import playbooks
from kanban_tui.services.board import BoardService
from kanban_tui.services.kpi import KpiService, Tile
from kanban_tui.storage import cards as repo


@dataclass
class AlertResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)


def alert_key(kpi: str, market: str, month: str) -> str:
    return f"alert:{kpi}:{market}:{month}"


def describe(service: KpiService, tile: Tile, market: str, day: str) -> str:
    """ "ACoS 31.2% > 25.0% (US, 2026-11-24)" / "ACoS 31.2% 超过目标 25.0%(US,2026-11-24)"."""
    definition = service.definitions[tile.key]
    name = definition.name_zh if language() == "zh" else definition.name_en
    value = format_value(definition, tile.value, tile.currency)
    target = tile.target
    if (
        target is not None
        and target.max is not None
        and tile.value is not None
        and (tile.value > target.max or (target.max_exclusive and tile.value >= target.max))
    ):
        limit, relation = format_value(definition, target.max, tile.currency), "above"
    else:
        low = target.min if target is not None else None
        limit, relation = format_value(definition, low, tile.currency), "below"
    return t(f"alerts.{relation}", name=name, value=value, limit=limit, market=market, day=day)


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
        last_day = max(o.day for o in kpi.observations(market, *_bounds(chosen))).isoformat()
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
    day: str,
) -> None:
    key = alert_key(tile.key, market, month)
    breach = tile.status is Status.BREACH
    title = describe(kpi, tile, market, day) if breach else ""
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
                notes=t("alerts.notes", kpi=tile.key, market=market, month=month),
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
            session.add(card)
            return "recovered", card.id or 0
        return None

    done = cards.db.transact(work)
    if done is not None:
        getattr(result, done[0]).append(done[1])
