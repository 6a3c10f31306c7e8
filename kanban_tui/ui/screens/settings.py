"""The settings screen: language, theme, capacity (work hours and the incident buffer),
the default marketplace and how many backups are kept.

Values are checked by the same :class:`~kanban_tui.config.Settings` model that reads the
config file; a refused value is named next to its field and nothing is saved. Saving writes
the file with :func:`kanban_tui.config.save` and changes the running app's settings, so the
board's load bar follows at once. The theme applies as soon as it is chosen.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from kanban_tui import config
from kanban_tui.domain.recurrence import MARKETPLACES
from kanban_tui.domain.text import literal
from kanban_tui.i18n import language, t
from kanban_tui.services.budget import BUFFER_HIGH, BUFFER_LOW, buffer_warning
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens.forms import FormScreen, form_bindings, form_buttons

#: The form's fields, in the order their errors are looked for.
FIELDS = (
    "language",
    "theme",
    "work_hours_per_day",
    "incident_buffer",
    "default_marketplace",
    "backups_kept",
    "pace_grace_days",
    "replenishment_lead_days",
)
#: The language choice meaning "unset: the locale decides".
AUTO = "auto"


def number_text(value: float) -> str:
    """``8.0`` → ``8``, ``12.5`` → ``12.5`` (what the user would type)."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def parse_buffer(text: str) -> float | str:
    """The buffer typed as a percentage (``12.5`` or ``12.5 %``) as a share; text that is not
    a number is passed on unchanged for the model to refuse."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        return float(cleaned) / 100
    except ValueError:
        return text


def validate(
    current: config.Settings, raw: dict[str, Any]
) -> tuple[config.Settings | None, dict[str, str]]:
    """The new settings, or a message for each field the model refused."""
    values = current.model_dump() | raw
    try:
        return config.Settings.model_validate(values), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for item in exc.errors():
            name = str(item["loc"][0]) if item["loc"] else "form"
            if name not in errors:
                errors[name] = t(f"settings_screen.error_{name}") if name in FIELDS else item["msg"]
        return None, errors


class SettingsScreen(FormScreen[None]):
    """Edit the config; ``ctrl+s`` (or enter in a field) saves, esc leaves unchanged."""

    BINDINGS = form_bindings()

    def __init__(self, settings: config.Settings, *, running_language: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, form_bindings())
        self.settings = settings
        self.running_language = running_language or language()
        self.original_theme = settings.theme

    def _field(self, label: str, widget: Any, name: str, note: str = "") -> ComposeResult:
        with Vertical(classes=f"form-field field-{name}"):
            yield Label(label)
            yield widget
            if note:
                yield Static(Text(note), classes="field-note")
            yield Label("", id=f"{name}-error", classes="field-error")

    def compose(self) -> ComposeResult:
        settings = self.settings
        themes = sorted(self.app.available_themes)
        theme = settings.theme if settings.theme in themes else self.app.theme
        with VerticalScroll(id="settings-form", classes="dialog"):
            yield Static(Text(t("settings_screen.title")), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("settings_screen.language"),
                    Select(
                        [
                            (t("settings_screen.language_auto"), AUTO),
                            ("English", "en"),
                            ("简体中文", "zh"),
                        ],
                        value=settings.language or AUTO,
                        allow_blank=False,
                        id="language",
                    ),
                    "language",
                    t("settings_screen.language_note"),
                )
                yield from self._field(
                    t("settings_screen.theme"),
                    Select(
                        [(name, name) for name in themes],
                        value=theme,
                        allow_blank=False,
                        id="theme",
                    ),
                    "theme",
                    t("settings_screen.theme_note"),
                )
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("settings_screen.work_hours"),
                    Input(number_text(settings.work_hours_per_day), id="work_hours_per_day"),
                    "work_hours_per_day",
                )
                yield from self._field(
                    t("settings_screen.buffer"),
                    Input(number_text(settings.incident_buffer * 100), id="incident_buffer"),
                    "incident_buffer",
                )
            yield Static(id="capacity-line")
            yield Static(id="buffer-warning")
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("settings_screen.marketplace"),
                    Select(
                        [(f"{code} {self._market_name(code)}", code) for code in MARKETPLACES],
                        value=settings.default_marketplace.upper()
                        if settings.default_marketplace.upper() in MARKETPLACES
                        else "US",
                        allow_blank=False,
                        id="default_marketplace",
                    ),
                    "default_marketplace",
                    t("settings_screen.marketplace_note"),
                )
                yield from self._field(
                    t("settings_screen.backups"),
                    Input(str(settings.backups_kept), id="backups_kept"),
                    "backups_kept",
                )
            with Horizontal(classes="form-row"):
                yield from self._field(
                    t("settings_screen.pace_grace_days"),
                    Input(str(settings.pace_grace_days), id="pace_grace_days"),
                    "pace_grace_days",
                    t("settings_screen.pace_grace_note"),
                )
                yield from self._field(
                    t("settings_screen.replenishment_lead_days"),
                    Input(str(settings.replenishment_lead_days), id="replenishment_lead_days"),
                    "replenishment_lead_days",
                    t("settings_screen.replenishment_lead_note"),
                )
            yield Label("", id="form-error", classes="field-error")
            yield from form_buttons(t("settings_screen.hint"))

    def _market_name(self, code: str) -> str:
        market = MARKETPLACES[code]
        return market.name_zh if self.running_language == "zh" else market.name_en

    def on_mount(self) -> None:
        self.query_one("#work_hours_per_day", Input).focus()
        self.update_capacity()

    # --------------------------------------------------------------- values
    def raw(self) -> dict[str, Any]:
        chosen = self.query_one("#language", Select).value
        return {
            "language": None if chosen == AUTO else chosen,
            "theme": self.query_one("#theme", Select).value,
            "work_hours_per_day": self.query_one("#work_hours_per_day", Input).value.strip(),
            "incident_buffer": parse_buffer(self.query_one("#incident_buffer", Input).value),
            "default_marketplace": self.query_one("#default_marketplace", Select).value,
            "backups_kept": self.query_one("#backups_kept", Input).value.strip(),
            "pace_grace_days": self.query_one("#pace_grace_days", Input).value.strip(),
            "replenishment_lead_days": self.query_one(
                "#replenishment_lead_days", Input
            ).value.strip(),
        }

    @on(Input.Changed, "#work_hours_per_day, #incident_buffer")
    def _capacity_changed(self) -> None:
        self.update_capacity()

    def update_capacity(self) -> None:
        """The day's capacity the typed values give, and the warning when the buffer is
        outside the seed's 10–15 %."""
        from kanban_tui.format import duration

        line = self.query_one("#capacity-line", Static)
        warning = self.query_one("#buffer-warning", Static)
        raw = self.raw()
        try:
            hours = float(str(raw["work_hours_per_day"]).replace(",", "."))
            buffer = float(raw["incident_buffer"])
        except ValueError:
            line.update("")
            warning.display = False
            return
        day = round(hours * 60)
        kept = round(day * buffer)
        line.update(
            Text(
                t(
                    "settings_screen.capacity",
                    day=duration(day),
                    buffer=duration(kept),
                    capacity=duration(day - kept),
                ),
                style="dim",
            )
        )
        warning.display = buffer_warning(buffer)
        warning.update(
            Text(
                "⚠ "
                + t(
                    "settings_screen.buffer_warning",
                    buffer=number_text(buffer * 100),
                    low=f"{BUFFER_LOW * 100:.0f}",
                    high=f"{BUFFER_HIGH * 100:.0f}",
                )
            )
        )

    @on(Select.Changed, "#theme")
    def _theme_changed(self, event: Select.Changed) -> None:
        name = str(event.value)
        if name in self.app.available_themes and name != self.app.theme:
            self.app.theme = name

    # ----------------------------------------------------------------- save
    def action_save(self) -> None:
        for name in (*FIELDS, "form"):
            self.query_one(f"#{name}-error", Label).update("")
        chosen, errors = validate(self.settings, self.raw())
        if chosen is None:
            for name, message in errors.items():
                target = name if name in FIELDS else "form"
                self.query_one(f"#{target}-error", Label).update(Text(literal(message)))
            first = next((name for name in FIELDS if name in errors), None)
            if first is not None:
                self.query_one(f"#{first}").focus()
            return
        # the file is written in the app's writer thread, like every other write
        self.save_through(lambda: config.save(chosen), lambda _: self._apply(chosen))

    def store_failed(self, error: BaseException) -> None:
        if not isinstance(error, OSError):
            self.fail_in_form(error)
            return
        message = t("settings_screen.not_saved", error=str(error))
        self.query_one("#form-error", Label).update(Text(literal(message)))

    def _apply(self, chosen: config.Settings) -> None:
        """The file is saved: the running app takes the new settings."""
        language_changed = chosen.language != self.settings.language
        for name in config.Settings.model_fields:
            value = getattr(chosen, name)
            if getattr(self.settings, name) != value:
                setattr(self.settings, name, value)
        self.app.notify(t("settings_screen.saved"))
        if language_changed:
            self.app.notify(t("settings_screen.language_later"))

    def action_cancel(self) -> None:
        if (
            self.app.theme != self.original_theme
            and self.original_theme in self.app.available_themes
        ):
            self.app.theme = self.original_theme
        self.dismiss(None)


__all__ = ["SettingsScreen", "parse_buffer", "validate"]
