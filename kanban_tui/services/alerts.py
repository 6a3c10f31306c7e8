"""Risk alerts: a KPI that breaks its target becomes an urgent card in Daily.

One card per KPI, marketplace and month (its ``period_key`` is ``alert:<kpi>:<market>:<month>``),
so re-importing never duplicates it. The card's title follows the latest figure; when the
KPI is back within target the card says so — closing it stays the user's decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from sqlmodel import Session, col, select

from kanban_tui.domain.judge import judged_text
from kanban_tui.domain.kpi import Status, format_value
from kanban_tui.domain.models import Card, Column, Priority, Source
from kanban_tui.i18n import language
from kanban_tui.services import playbooks, titles
from kanban_tui.services.board import BoardService
from kanban_tui.services.kpi import KpiService, Tile
from kanban_tui.services.kpi_words import kpi_name as _named
from kanban_tui.storage import activity
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


def _measured(service: KpiService, tile: Tile) -> bool:
    return bool(tile.measured) and bool(service.definitions[tile.key].measured_name_en)


def params(service: KpiService, tile: Tile, market: str, month: str, day: date) -> dict[str, Any]:
    """What an alert's title is rendered from, in any language: the KPI, where and when,
    and the figures as numbers read (the value gets the digits it needs never to read like
    the limit it breaks)."""
    definition = service.definitions[tile.key]
    found: dict[str, Any] = {
        "kpi": tile.key,
        "market": market,
        "month": month,
        "day": day.isoformat(),
    }
    if _measured(service, tile):
        found["measured"] = True
    pace = tile.pace
    if pace is not None and not pace.final and pace.projection is not None:
        found.update(
            kind="pace",
            value=format_value(definition, tile.value, tile.currency),
            projection=format_value(definition, pace.projection, tile.currency),
            goal=format_value(definition, pace.goal, tile.currency),
        )
    elif tile.value is None:
        found.update(kind="breach", value="—", target="—")
    else:
        value, target = judged_text(definition, tile.value, tile.target, tile.currency)
        found.update(kind="breach", value=value, target=target)
    return found


def describe(service: KpiService, tile: Tile, market: str, month: str, day: date) -> str:
    """ "ACoS 31.2%, target ≤ 25.0% (US, Nov 2026, through Nov 24)"; for a KPI judged by
    pace "Monthly sales on pace for 6,000.00 USD of 10,000.00 USD (…; US, Nov 2026,
    through Nov 10)", in the UI language. The alert is about the month; the day says how
    far its data goes."""
    return titles.render(titles.ALERT, params(service, tile, market, month, day), "")


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
    """One alert card, kept as a key and parameters: the title is rendered in each
    reader's language, so checking in another language changes nothing stored."""
    key = alert_key(tile.key, market, month)
    breach = tile.status is Status.BREACH
    wanted = params(kpi, tile, market, month, day) if breach else {}
    now = cards.clock().astimezone(UTC)

    def work(session: Session) -> tuple[str, int] | None:
        card = session.exec(
            select(Card).where(col(Card.source) == Source.ALERT, col(Card.period_key) == key)
        ).first()
        if breach and card is None:
            playbook = playbooks.for_kpi(book, tile.key)
            card = Card(
                title=titles.render(titles.ALERT, wanted, "", "en"),
                title_key=titles.ALERT,
                title_params=titles.dump(wanted),
                notes="",  # rendered in the reader's language from the parameters
                category=playbook.category if playbook else "",
                estimate_minutes=playbook.estimate if playbook else 30,
                priority=Priority.URGENT,
                source=Source.ALERT,
                period_key=key,
                checklist=playbooks.checklist(playbook) if playbook else "",
                created_at=now,
                updated_at=now,
            )
            repo.insert(session, card, Column.DAILY, 0)
            changes = {"to": Column.DAILY.value, "by": "kpi"}
            activity.write(session, card.id or 0, None, "add", changes, now)
            return "created", card.id or 0
        if card is None or card.column is Column.DONE or card.title_key != titles.ALERT:
            return None  # none, closed, or retitled by the user (their words stay)
        stored = titles.params_of(card.title_params)
        if breach and stored != wanted:
            _store(card, wanted, now)
            session.add(card)
            return "updated", card.id or 0
        if not breach and not stored.get("recovered"):
            _store(card, {**stored, "recovered": True}, now)
            if tile.pace is not None:
                # behind pace is a state of the month, not an event: when the pace is
                # back the alert resolves itself (it goes to Done, where it can be reopened)
                origin = card.column
                repo.move(session, card, Column.DONE, None)
                card.done_at = now
                card.origin_column = origin
                activity.write(session, card.id or 0, None, "done", {"by": "kpi"}, now)
            session.add(card)
            return "recovered", card.id or 0
        return None

    done = cards.db.transact(work)
    if done is not None:
        getattr(result, done[0]).append(done[1])


def _store(card: Card, values: dict[str, Any], now: Any) -> None:
    card.title_params = titles.dump(values)
    card.title = titles.render(titles.ALERT, values, card.title, "en")
    card.updated_at = now
