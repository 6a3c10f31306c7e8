"""The KPI service's targets, warning bands and goals (a mixin of
:class:`~kanban_tui.services.kpi.KpiService`, which supplies the database, the definitions,
the read cache and the month figures)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from sqlmodel import Session, select

from kanban_tui.domain.kpi import KpiDefinition, Target
from kanban_tui.domain.models import Goal, KpiTarget
from kanban_tui.errors import UsageError
from kanban_tui.i18n import t
from kanban_tui.services.kpi_figures import StoredGoal, month_bounds
from kanban_tui.services.kpi_store import decimal

if TYPE_CHECKING:
    from kanban_tui.services.kpi_figures import MonthFigures
    from kanban_tui.storage.database import Database

T = TypeVar("T")


class KpiTargetsMixin:
    """Targets, bands and goals of :class:`~kanban_tui.services.kpi.KpiService`."""

    if TYPE_CHECKING:
        # Supplied by KpiService.
        db: Database

        @property
        def definitions(self) -> dict[str, KpiDefinition]: ...

        def _remembered(self, key: Hashable, read: Callable[[], T]) -> T: ...

        def _runtime_target(
            self, definition: KpiDefinition, target: Target | None, goal: Decimal | None
        ) -> Target | None: ...

        def marketplaces(self) -> list[str]: ...

        def month(self, month: str, marketplace: str, scope: str = "store") -> MonthFigures: ...

    # ------------------------------------------------------------------ targets
    def targets(self) -> dict[str, Target | None]:
        """Effective targets: the store's own where set, the shipped defaults elsewhere."""
        return dict(self._remembered(("targets",), self._targets))

    def _targets(self) -> dict[str, Target | None]:
        with self.db.read() as session:
            own = {row.kpi: row for row in session.exec(select(KpiTarget)).all()}
        result: dict[str, Target | None] = {}
        for key, definition in self.definitions.items():
            if definition.target_runtime == "replenishment_lead_days":
                result[key] = self._runtime_target(definition, None, None)
                continue
            row = own.get(key)
            if row is None:
                result[key] = definition.target
                continue
            base = definition.target or Target()
            result[key] = base.model_copy(
                update={
                    "min": Decimal(row.min) if row.min is not None else None,
                    "max": Decimal(row.max) if row.max is not None else None,
                }
            )
        return result

    def set_target(self, spec: str) -> Target:
        """``acos=0.25`` (a limit on the side that matters), ``cpc=0.8..1.5`` (a range),
        ``acos=default`` (back to the shipped target)."""
        key, _, value = spec.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key.endswith(".band"):
            return self._set_band(key.removesuffix(".band"), value, spec)
        definition = self.definitions.get(key)
        if definition is None or not value:
            known = ", ".join(self.definitions)
            raise UsageError(spec, t("errors.kpi.target_spec", known=known))
        if definition.target_runtime is not None:
            raise UsageError(spec, t(f"judge.runtime_target.{definition.target_runtime}"))
        if value == "default":

            def reset(session: Session) -> None:
                row = session.get(KpiTarget, key)
                if row is not None:
                    session.delete(row)

            self.db.transact(reset)
            return definition.target or Target()
        try:
            if ".." in value:
                low_text, high_text = value.split("..", 1)
                low, high = decimal(low_text), decimal(high_text)
            elif definition.better == "lower":
                low, high = None, decimal(value)
            else:
                low, high = decimal(value), None
            target = Target(min=low, max=high)
        except (ValueError, InvalidOperation):
            raise UsageError(spec, t("errors.kpi.target_not_number")) from None

        def work(session: Session) -> None:
            row = session.get(KpiTarget, key) or KpiTarget(kpi=key)
            row.min = str(low) if low is not None else None
            row.max = str(high) if high is not None else None
            session.add(row)

        self.db.transact(work)
        return target

    def _set_band(self, key: str, value: str, spec: str) -> Target:
        """``acos.band=0.05``: a value within 5 % of the limit is shown as a warning."""
        definition = self.definitions.get(key)
        if definition is None:
            raise UsageError(spec, t("errors.kpi.unknown", key=repr(key)))
        try:
            band = decimal(value)
        except (ValueError, InvalidOperation):
            raise UsageError(spec, t("errors.kpi.band_not_number")) from None
        if not Decimal(0) <= band < Decimal(1):
            raise UsageError(spec, t("errors.kpi.band_range"))

        def work(session: Session) -> None:
            row = session.get(KpiTarget, key)
            if row is None:
                target = definition.target or Target()
                row = KpiTarget(
                    kpi=key,
                    min=str(target.min) if target.min is not None else None,
                    max=str(target.max) if target.max is not None else None,
                )
            row.band = str(band)
            session.add(row)

        self.db.transact(work)
        return self.targets()[key] or Target()

    def bands(self) -> dict[str, Decimal]:
        """Warning bands the store set (the rest use the definitions' default)."""
        return dict(self._remembered(("bands",), self._bands))

    def _bands(self) -> dict[str, Decimal]:
        with self.db.read() as session:
            rows = session.exec(select(KpiTarget)).all()
        return {row.kpi: Decimal(row.band) for row in rows if row.band is not None}

    # -------------------------------------------------------------------- goals
    def set_goal(
        self, year: int, amount: Decimal, currency: str = "USD", weights: Sequence[Decimal] = ()
    ) -> None:
        if amount < 0:
            raise UsageError(str(amount), t("errors.kpi.goal_negative"))
        if weights and (len(weights) != 12 or any(w < 0 for w in weights) or sum(weights) == 0):
            raise UsageError("--weights", t("errors.kpi.weights"))

        def work(session: Session) -> None:
            row = session.get(Goal, year) or Goal(year=year, amount="0")
            row.amount = str(amount)
            row.currency = currency.upper()
            row.weights = ",".join(str(w) for w in weights)
            session.add(row)

        self.db.transact(work)

    def goal(self, year: int) -> StoredGoal | None:
        """The year's goal as it was set: amount, currency and the 12 weights."""
        with self.db.read() as session:
            row = session.get(Goal, year)
            if row is None:
                return None
            weights = tuple(Decimal(w) for w in row.weights.split(",") if w)
            return StoredGoal(row.year, Decimal(row.amount), row.currency, weights)

    def monthly_goal(self, month: str) -> tuple[Decimal, str] | None:
        """The month's share of the year's goal (to the cent; the 12 add up to the year),
        and its currency."""
        return self._remembered(("goal", month), lambda: self._monthly_goal(month))

    def _monthly_goal(self, month: str) -> tuple[Decimal, str] | None:
        from kanban_tui.domain.goals import months

        start, _ = month_bounds(month)
        with self.db.read() as session:
            goal = session.get(Goal, start.year)
        if goal is None:
            return None
        weights = [Decimal(w) for w in goal.weights.split(",") if w]
        return months(Decimal(goal.amount), weights)[start.month - 1], goal.currency

    def sales_by_marketplace(
        self, month: str, rates: dict[str, float] | None = None, base: str = "USD"
    ) -> tuple[dict[str, tuple[Decimal, str | None]], Decimal | None]:
        """Each marketplace's sales in its own currency, and — only when every currency has a
        configured rate — the total converted to ``base``. Currencies are never added raw."""
        per_market: dict[str, tuple[Decimal, str | None]] = {}
        for market in self.marketplaces():
            figures = self.month(month, market)
            if figures.days_with_data:
                per_market[market] = (figures.tiles["sales"].value or Decimal(0), figures.currency)
        known = {k.upper(): Decimal(str(v)) for k, v in (rates or {}).items()}
        known.setdefault(base.upper(), Decimal(1))
        total: Decimal | None = Decimal(0)
        for amount, currency in per_market.values():
            rate = known.get((currency or base).upper())
            if rate is None or total is None:
                total = None
                continue
            total += amount * rate
        return per_market, (total.quantize(Decimal("0.01")) if total is not None else None)
