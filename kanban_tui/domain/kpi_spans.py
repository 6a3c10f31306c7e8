"""Which periods of KPI observations count: per source and scope the finest data wins, and
no day is counted twice (pure: no database, no UI, no path lookup).

:func:`finest` picks the observations to count and reports the coarser periods it left out
as :class:`Superseded`; :func:`superseded` says the same from the spans alone. Both are
re-exported by :mod:`kanban_tui.domain.kpi`, where they are imported from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kanban_tui.domain.kpi import Observation


@dataclass(frozen=True)
class Superseded:
    """A coarser period of a source that was not counted because finer data of the same
    source covers some of its days (e.g. a Summary for Dec 1–22 beside daily figures)."""

    source: str
    scope: str
    start: date
    end: date
    #: The spans of the finer data it overlaps, shortest first ((day, day) for daily data).
    finer: tuple[tuple[date, date], ...]

    @property
    def by_daily_data(self) -> bool:
        return all(start == end for start, end in self.finer)


def finest(observations: Iterable[Observation]) -> tuple[list[Observation], list[Superseded]]:
    """The observations to count for a period, and the coarser ones left out.

    The rule: **per source and scope, the finest data wins, and no day is counted twice.**
    The periods of each (source, scope) are taken from the shortest span to the longest
    (ties: earliest first); a period is counted when none of its days is already covered
    by a *different* counted period, otherwise all its observations are left out and
    reported as :class:`Superseded`. So daily figures beat a Summary or Monthly report of
    the same source for the same days, a Summary beats a Monthly report, and sources never
    affect each other (Sponsored Brands figures stay beside Sponsored Products ones).
    """
    groups: dict[tuple[str, str], dict[tuple[date, date], list[Observation]]] = {}
    for item in observations:
        groups.setdefault((item.source, item.scope), {}).setdefault(item.span, []).append(item)
    kept: list[Observation] = []
    dropped: list[Superseded] = []
    for (source, scope), periods in groups.items():
        counted, left_out = _settle(source, scope, periods)
        dropped.extend(left_out)
        for span in counted:
            kept.extend(periods[span])
    dropped.sort(key=lambda item: (item.start, item.end, item.source, item.scope))
    return kept, dropped


def superseded(spans: Iterable[tuple[str, str, date, date]]) -> list[Superseded]:
    """What :func:`finest` leaves out, from the (source, scope, first day, last day) of
    the observations alone (their metrics and values do not matter to it)."""
    groups: dict[tuple[str, str], set[tuple[date, date]]] = {}
    for source, scope, first, last in spans:
        groups.setdefault((source, scope), set()).add((first, last))
    dropped: list[Superseded] = []
    for (source, scope), periods in groups.items():
        dropped.extend(_settle(source, scope, periods)[1])
    dropped.sort(key=lambda item: (item.start, item.end, item.source, item.scope))
    return dropped


def _span_order(span: tuple[date, date]) -> tuple[int, date]:
    return (span[1] - span[0]).days, span[0]


def _settle(
    source: str, scope: str, spans: Iterable[tuple[date, date]]
) -> tuple[list[tuple[date, date]], list[Superseded]]:
    """One source and scope's periods: those counted (shortest first) and those left out."""
    covered: dict[date, tuple[date, date]] = {}
    counted: list[tuple[date, date]] = []
    dropped: list[Superseded] = []
    for span in sorted(spans, key=_span_order):
        days = [span[0] + timedelta(days=n) for n in range((span[1] - span[0]).days + 1)]
        clashes = {covered[day] for day in days if day in covered}
        if clashes:
            finer = tuple(sorted(clashes, key=_span_order))
            dropped.append(Superseded(source, scope, span[0], span[1], finer))
            continue
        covered.update(dict.fromkeys(days, span))
        counted.append(span)
    return counted, dropped
