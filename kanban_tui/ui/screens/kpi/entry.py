"""The form for a value no report gives (COGS, fees, reply hours, keyword coverage, BSR,
ODR): layout and keys only; what may be entered and how it is stored are
:mod:`kanban_tui.services.kpi_entry`'s rules."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from kanban_tui.domain.marketplaces import MARKETPLACES
from kanban_tui.domain.text import literal
from kanban_tui.i18n import t
from kanban_tui.services.kpi import KpiService
from kanban_tui.services.kpi_entry import (
    MANUAL_METRICS,
    Entry,
    Recorded,
    parse_entry,
    record,
    value_kind,
)
from kanban_tui.services.kpi_words import market_label
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.forms import FormScreen, form_bindings, form_buttons


class KpiEntryForm(FormScreen[Entry | None]):
    """Enter one value by hand; it is saved only when every field is right."""

    BINDINGS = form_bindings()
    FIELDS = ("metric", "day", "value", "asin")
    FIRST_FIELD = "#value"

    def __init__(
        self, service: KpiService, marketplace: str, today: date, metric: str, lang: str
    ) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, form_bindings())
        self.service = service
        self.marketplace = marketplace
        self.today = today
        self.metric = metric if metric in MANUAL_METRICS else MANUAL_METRICS[0]
        self.lang = lang

    def _field(self, label: str, widget: Any, name: str) -> ComposeResult:
        with Vertical(classes=f"form-field field-{name}", id=f"field-{name}"):
            yield Label(label)
            yield widget
            yield Label("", id=f"{name}-error", classes="field-error")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="kpi-form", classes="dialog"):
            title = t("kpi_form.title", marketplace=market_label(self.marketplace, self.lang))
            yield Static(Text(title), classes="dialog-title")
            yield from self._field(
                t("kpi_form.metric"),
                Select(
                    [(t(f"kpi_form.option.{m}"), m) for m in MANUAL_METRICS],
                    value=self.metric,
                    allow_blank=False,
                    id="metric",
                ),
                "metric",
            )
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("kpi_form.day"),
                    Input(self.today.isoformat(), id="day", placeholder="2026-11-25"),
                    "day",
                )
                yield from self._field(t("kpi_form.value"), Input(id="value"), "value")
                yield from self._field(
                    t("kpi_form.asin"), Input(id="asin", placeholder="B0XXXXXXXX"), "asin"
                )
            yield Static(id="kpi-form-hint")
            yield Label("", id="form-error", classes="field-error")
            yield from form_buttons(t("kpi_form.keys"))

    def on_mount(self) -> None:
        self._metric_changed()
        self.query_one("#value", Input).focus()

    @property
    def currency(self) -> str:
        market = MARKETPLACES.get(self.marketplace)
        return market.currency if market else ""

    @on(Select.Changed, "#metric")
    def _metric_changed(self) -> None:
        metric = str(self.query_one("#metric", Select).value)
        self.query_one("#field-asin").display = metric == "bsr"
        box = self.query_one("#value", Input)
        box.placeholder = t(f"kpi_form.example_{value_kind(metric)}")
        hint = t(f"kpi_form.hint_{value_kind(metric)}", currency=self.currency)
        self.query_one("#kpi-form-hint", Static).update(Text(hint))

    def action_save(self) -> None:
        for name in (*self.FIELDS, "form"):
            self.query_one(f"#{name}-error", Label).update("")
        metric = str(self.query_one("#metric", Select).value)
        entry, errors = parse_entry(
            metric,
            self.query_one("#day", Input).value,
            self.query_one("#value", Input).value,
            self.query_one("#asin", Input).value,
            self.service.latest_day(self.marketplace),
        )
        if entry is None:
            for name, message in errors.items():
                self.query_one(f"#{name}-error", Label).update(Text(literal(message)))
            first = next(name for name in self.FIELDS if name in errors)
            self.query_one(f"#{first}").focus()
            return
        board = getattr(self.app, "board", None)
        # one call, in the writer thread: store the value, then a KPI in breach becomes an
        # urgent card at once
        work = partial(
            record,
            self.service,
            entry,
            self.marketplace,
            board.check_alerts if board is not None else None,
        )
        self.save_through(work, self._recorded)

    def _recorded(self, done: Recorded) -> Entry:
        if done.alerts_created:
            self.app.notify(t("alerts.created", count=done.alerts_created))
        return done.entry

    def store_failed(self, error: BaseException) -> None:
        self.fail_in_form(error)


__all__ = ["Entry", "KpiEntryForm", "form_bindings"]
