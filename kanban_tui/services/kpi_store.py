"""Writing KPI observations: the batched upsert of imported or typed values, and the
checks a typed value or target passes before it is stored."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from kanban_tui.domain.kpi import Observation
from kanban_tui.domain.models import KpiObservation, utcnow
from kanban_tui.domain.numbers import NumberError, parse_number
from kanban_tui.domain.validation import NUMBER_MAX
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t
from kanban_tui.storage.bulk import BulkTable
from kanban_tui.storage.database import Database

#: What makes an observation one: its period, marketplace, scope, metric and source.
_KEY = ("day", "period_end", "marketplace", "scope", "metric", "source")


def upsert(db: Database, observations: Sequence[Observation], dry_run: bool) -> dict[str, int]:
    """Insert or update ``observations`` in one transaction (``dry_run``: count only):
    how many were added, replaced or unchanged."""
    counts = {"added": 0, "replaced": 0, "unchanged": 0}
    if not observations:
        return counts
    first = min(o.day for o in observations)
    last = max(o.day for o in observations)
    markets = {o.marketplace for o in observations}

    def work(session: Session) -> dict[str, int]:
        # the driver's executemany, not ORM objects or Core's per-row processing: a
        # per-ASIN ads report is 60,000 observations (storage/bulk.py)
        rows = BulkTable(session, KpiObservation.__table__)  # type: ignore[attr-defined]
        day, end, when = rows.stored("day"), rows.stored("period_end"), rows.stored("imported_at")
        found = rows.select(
            ("id", *_KEY, "value", "currency"),
            (("day", ">=", first), ("day", "<=", last), ("marketplace", "IN", sorted(markets))),
        )
        #: key (as stored) → (row id, or the index of a pending insert; value text; currency)
        existing: dict[tuple[Any, ...], tuple[int | None, int | None, str, str | None]] = {
            tuple(row[1:7]): (row[0], None, row[7], row[8]) for row in found
        }
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        now = when(utcnow())
        for item in observations:
            start, stop = day(item.day), end(item.last_day)
            key = (start, stop, item.marketplace, item.scope, item.metric, item.source)
            text = str(item.value)
            known = existing.get(key)
            if known is None:
                counts["added"] += 1
                existing[key] = (None, len(inserts), text, item.currency)
                inserts.append((*key, text, item.currency, now))
                continue
            row_id, pending, value, currency = known
            if currency == item.currency and (value == text or Decimal(value) == item.value):
                counts["unchanged"] += 1
                continue
            counts["replaced"] += 1
            existing[key] = (row_id, pending, text, item.currency)
            if pending is not None:  # the same key twice in one file: the last one wins
                inserts[pending] = (*key, text, item.currency, now)
            else:
                updates.append((text, item.currency, now, row_id))
        if not dry_run:
            rows.insert((*_KEY, "value", "currency", "imported_at"), inserts)
            rows.update(("value", "currency", "imported_at"), "id", updates)
        return counts

    return db.transact(work)


#: Shares that must lie between 0 and 1 (entered as 0.72 or 72 %).
_FRACTIONS = frozenset({"odr", "keyword_coverage", "organic_share_measured"})


def check_range(metric: str, value: Decimal) -> None:
    """Refuse values no report could hold (an ODR of 5 means 500 %)."""
    if metric in _FRACTIONS and not Decimal(0) <= value <= Decimal(1):
        raise UsageError(metric, t("errors.kpi.not_a_share", value=value))
    if metric == "bsr" and (value < 1 or value != value.to_integral_value()):
        raise UsageError(metric, t("errors.kpi.not_a_rank", value=value))
    if metric != "bsr" and value < 0 and metric not in ("fees",):
        raise UsageError(metric, t("errors.kpi.negative", value=value))


def decimal(text: str) -> Decimal:
    """A typed target or band (``0.25``, ``25%`` = 0.25, ``1,500``); ``ValueError`` for
    anything else or a size of :data:`NUMBER_MAX` or more."""
    try:
        return parse_number(text, limit=NUMBER_MAX).fraction
    except NumberError:
        raise ValueError(text) from None


def first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        items = errors()
        if items:
            return str(items[0].get("msg", exc)).removeprefix("Value error, ")
    return str(exc)
