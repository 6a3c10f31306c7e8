"""The Review screen: the "check" and "act" of the plan, for a month or a four-week window.

Per recurring template: planned periods, done on time, done late, missed and open, and the
completion rate; overall completion; the KPIs against their targets; incidents and the time
spent on them. Templates below the completion threshold, or whose KPI did not move, are
marked for a decision, and the decision is taken right here: ``k`` keep, ``p`` pause,
``e`` edit, ``x`` delete. ``n`` writes the review's note, which the next review shows at
the top. Everything comes from :class:`~kanban_tui.services.review.ReviewService`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.widgets import DataTable, Label, Static, TextArea

from kanban_tui.domain.text import literal, one_line
from kanban_tui.errors import KanbanError
from kanban_tui.format import category_label
from kanban_tui.i18n import t
from kanban_tui.services.kpi import shift_month
from kanban_tui.services.kpi_words import kpi_names, listed
from kanban_tui.services.review import (
    NOTE_MAX,
    WINDOW_DAYS,
    Notes,
    Review,
    ReviewRow,
    ReviewService,
    parse_period,
)
from kanban_tui.services.session import Board
from kanban_tui.services.templates import TemplateRow
from kanban_tui.ui.bindings import retranslate
from kanban_tui.ui.screens import review_side as side
from kanban_tui.ui.screens.base import AppScreen
from kanban_tui.ui.screens.dialogs import ConfirmScreen
from kanban_tui.ui.screens.forms import FormScreen, form_bindings, form_buttons
from kanban_tui.ui.screens.review_side import rate_text
from kanban_tui.ui.widgets.footer import KanbanFooter
from kanban_tui.ui.widgets.text_area import FieldArea

#: The default plan's four-weekly review ("pdca-evaluation") counts its windows from here.
ANCHOR = date(2026, 1, 5)
ANCHOR_KEY = "pdca-evaluation"
#: The template column's width before the screen knows its own (then it takes the room left).
TITLE_WIDTH = 30
#: Below this many terminal columns the table shows done/planned, missed and rate only
#: (every count stays in the detail box); from ``WIDE_FROM`` the side panel widens too.
NARROW_BELOW = 110
WIDE_FROM = 160
#: The side panel's width (border and padding included) per layout.
SIDE_WIDTH = {"narrow": 30, "medium": 40, "wide": 56}
#: Cells around a DataTable column (its padding) and the table's scrollbar.
CELL_PADDING = 2
SCROLLBAR = 2
#: Number columns: key, header message; narrow layouts show the first, the rest stay in
#: the detail box.
WIDE_NUMBERS = (
    ("planned", "review_screen.col_planned"),
    ("done", "review_screen.col_on_time"),
    ("late", "review_screen.col_late"),
    ("missed", "review_screen.col_missed"),
    ("open", "review_screen.col_open"),
    ("rate", "review_screen.col_rate"),
)
NARROW_NUMBERS = (
    ("done_of", "review_layout.col_done_of"),
    ("missed", "review_screen.col_missed"),
    ("rate", "review_screen.col_rate"),
)
FLAG = "⚑"


#: Row marks: what a decision did, or why a row stands out (never colour alone).
def judged_by_text(board: Board, row: ReviewRow) -> str:
    """ "Judged on: ACoS, CPC" or "Judged by completion only …"."""
    if not row.kpis:
        return t("judge.completion_only")
    names = kpi_names(board.kpi.definitions, row.kpis)
    return t("judge.judged_on", kpis=listed(names))


MARKS = {"kept": "✓", "paused": "⏸", "deleted": "✗", "flagged": FLAG}


def window_start(day: date, anchor: date = ANCHOR) -> date:
    """The start of the four-week window (counted from ``anchor``) that holds ``day``."""
    return anchor + timedelta(days=((day - anchor).days // WINDOW_DAYS) * WINDOW_DAYS)


def layout_for(width: int) -> str:
    """``narrow``, ``medium`` or ``wide``: the review's layout at ``width`` columns."""
    if width < NARROW_BELOW:
        return "narrow"
    return "wide" if width >= WIDE_FROM else "medium"


def _cropped(text: str, width: int, style: str = "") -> Text:
    shown = Text(one_line(text), style=style)
    shown.truncate(width, overflow="ellipsis")
    return shown


# ------------------------------------------------------------------------------ screen


def screen_bindings() -> list[BindingType]:
    return [
        Binding("left_square_bracket", "period(-1)", t("review_screen.prev"), key_display="["),
        Binding("right_square_bracket", "period(1)", t("review_screen.next"), key_display="]"),
        Binding("w", "toggle_kind", t("review_screen.toggle_kind")),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "decide('keep')", t("review_screen.keep")),
        Binding("p", "pause", t("review_screen.pause")),
        Binding("e", "edit", t("review_screen.edit")),
        Binding("x", "delete", t("review_screen.delete")),
        Binding("n", "note", t("review_screen.note")),
        Binding("escape,3,b", "back", t("review_screen.back"), key_display="esc"),
    ]


class ReviewScreen(AppScreen[None]):
    """A month's (or four weeks') review with the decisions it calls for."""

    BINDINGS = screen_bindings()

    def __init__(
        self,
        board: Board,
        lang: str,
        clock: Callable[[], datetime],
        default_marketplace: str = "US",
        period: str | None = None,
    ) -> None:
        super().__init__()
        retranslate(self, screen_bindings())
        self.board = board
        self.service = ReviewService(board)
        self.lang = lang
        self.clock = clock
        self.default_marketplace = (default_marketplace or "US").upper()
        self.window_anchor = self._anchor()
        self.period = period or self.today.strftime("%Y-%m")
        self.review: Review | None = None
        #: Templates the user chose to keep in this session (``keep`` changes nothing).
        self.kept: set[int] = set()
        #: ``narrow``/``medium``/``wide`` and the template column's width, set from the size.
        self.fit_mode = "medium"
        self.title_width = TITLE_WIDTH

    @property
    def today(self) -> date:
        return self.clock().date()

    def _anchor(self) -> date:
        """The plan's four-weekly anchor (the PDCA template's rule), else 2026-01-05."""
        with suppress(KanbanError, ValueError):  # no readable anchor: the plan's default
            for row in self.board.templates.rows():
                if row.key == ANCHOR_KEY and row.rule.startswith("4weekly:"):
                    return date.fromisoformat(row.rule.split(":", 1)[1][:10])
        return ANCHOR

    # --------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(id="review-head")
        yield Static(id="review-previous-note")
        with Horizontal(id="review-body"):
            with Vertical(id="review-main"):
                yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="review-detail")
            with VerticalScroll(id="review-side"):
                yield Static(id="review-overall")
                yield Static(id="review-kpis")
                yield Static(id="review-incidents")
                yield Static(id="review-note")
        yield KanbanFooter(
            first=("decide('keep')", "pause", "edit", "delete", "note", ("period(-1)", "period(1)"))
        )

    def on_mount(self) -> None:
        self.query_one("#review-side", VerticalScroll).can_focus = False
        self._fit(self.app.size.width)
        self.reload()
        self.table.focus()

    def number_columns(self) -> tuple[tuple[str, str], ...]:
        return NARROW_NUMBERS if self.fit_mode == "narrow" else WIDE_NUMBERS

    @staticmethod
    def _number_width(key: str, header: str) -> int:
        return max(cell_len(header), 5 if key == "done_of" else 4)  # "31/31", "100%"

    def side_room(self) -> int:
        """Cells a line of the side panel has (its border, padding and scrollbar off)."""
        return SIDE_WIDTH[self.fit_mode] - 4

    def _fit(self, width: int) -> bool:
        """Lay the table and side panel out for a ``width``-column screen: the template
        names get every cell the numbers and the side panel leave. True if it changed."""
        layout = layout_for(width)
        side = SIDE_WIDTH[layout]
        numbers = NARROW_NUMBERS if layout == "narrow" else WIDE_NUMBERS
        used = (1 + CELL_PADDING) + sum(
            self._number_width(key, t(message)) + CELL_PADDING for key, message in numbers
        )
        title_width = max(12, width - side - used - CELL_PADDING - SCROLLBAR)
        table = self.table
        if table.columns and (layout, title_width) == (self.fit_mode, self.title_width):
            return False
        self.fit_mode, self.title_width = layout, title_width
        self.query_one("#review-side", VerticalScroll).styles.width = side
        table.clear(columns=True)
        table.add_column("", width=1, key="mark")
        table.add_column(t("review_screen.col_template"), width=title_width, key="title")
        for key, message in numbers:
            header = Text(t(message), justify="right")
            table.add_column(header, width=self._number_width(key, t(message)), key=key)
        return True

    @on(Resize)
    def _resized(self, event: Resize) -> None:
        current = self.current  # the cursor stays on its template across the new layout
        if self._fit(event.size.width):
            self.reload(focus=current.template_id if current else None)

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#review-table", DataTable)

    @property
    def current(self) -> ReviewRow | None:
        review = self.review
        if review is None or not review.rows:
            return None
        return review.rows[min(self.table.cursor_row, len(review.rows) - 1)]

    # ---------------------------------------------------------------- data
    def reload(self, focus: int | None = None) -> None:
        """Read the review of :attr:`period`; the cursor stays on ``focus`` (a template id),
        else on the same template, else on the same line."""
        table = self.table
        previous = self.current
        row_index = table.cursor_row
        if focus is None and previous is not None:
            focus = previous.template_id
        self.review = self._guard(lambda: self.service.review(self.period))
        table.clear()
        rows = self.review.rows if self.review else ()
        for row in rows:
            table.add_row(*self._cells(row), key=str(row.template_id))
        ids = [row.template_id for row in rows]
        if focus in ids:
            row_index = ids.index(focus)
        if rows:
            table.move_cursor(row=max(0, min(row_index, len(rows) - 1)), animate=False)
        self._update_head()
        self._update_previous_note()
        self._update_detail()
        self._update_side()

    def look(self, row: ReviewRow) -> str:
        """``deleted``, ``paused``, ``kept``, ``flagged`` or ``""``: how the row is marked."""
        if row.state in ("deleted", "paused"):
            return row.state
        if row.template_id in self.kept:
            return "kept"
        return "flagged" if row.flagged else ""

    def _cells(self, row: ReviewRow) -> list[Text]:
        look = self.look(row)
        style = {
            "deleted": "dim strike",
            "paused": "dim",
            "kept": "",
            "flagged": "bold yellow",
        }.get(look, "")
        missed = row.missed + row.overdue
        rate_style = style or ("green" if row.rate is not None else "dim")
        if (
            row.flagged
            and look in ("flagged", "kept")
            and any(reason.code == "completion" for reason in row.reasons)
        ):
            rate_style = "bold yellow" if look == "flagged" else "yellow"
        cells = {
            "planned": Text(str(row.planned), style=style, justify="right"),
            "done": Text(str(row.done), style=style, justify="right"),
            "done_of": Text(f"{row.done + row.late}/{row.planned}", style=style, justify="right"),
            "late": Text(str(row.late), style=style, justify="right"),
            "missed": Text(str(missed), style=style or ("red" if missed else ""), justify="right"),
            "open": Text(str(row.open), style=style, justify="right"),
            "rate": Text(rate_text(row.rate), style=rate_style, justify="right"),
        }
        return [
            Text(MARKS.get(look, ""), style="bold yellow" if look == "flagged" else ""),
            _cropped(row.title, self.title_width, style),
            *(cells[key] for key, _ in self.number_columns()),
        ]

    # -------------------------------------------------------------- pieces
    def _kind_word(self) -> str:
        kind = self.review.kind if self.review else parse_period(self.period).kind
        return t("review_screen.kind_month") if kind == "month" else t("review_screen.kind_4w")

    def _update_head(self) -> None:
        review = self.review
        head = Text.assemble((f" {t('review_screen.title')} ", "bold reverse"), "  ")
        if review is None:
            self.query_one("#review-head", Static).update(head)
            return
        head.append(one_line(review.label), style="bold")
        flagged = len([row for row in review.rows if self.look(row) == "flagged"])
        if flagged:  # what asks for a decision first: a narrow screen may cut the rest
            head.append("  ·  ")
            head.append(f"{FLAG} " + t("review_screen.flagged", count=flagged), style="bold yellow")
        overall = review.overall
        done = overall.done + overall.late
        head.append(
            "  ·  "
            + t(
                "review_screen.overall",
                done=done,
                closed=overall.closed,
                rate=rate_text(overall.rate),
            )
        )
        head.append(f"  ({self._kind_word()})")
        head.no_wrap = True
        head.truncate(max(1, self.app.size.width), overflow="ellipsis")
        self.query_one("#review-head", Static).update(head)

    def _update_previous_note(self) -> None:
        box = self.query_one("#review-previous-note", Static)
        review = self.review
        if review is None or not review.notes.previous_text:
            box.update(Text(t("review_screen.no_previous_note"), style="dim italic"))
            box.set_class(False, "-note")
            return
        previous = review.notes.previous_period or ""
        try:
            label = parse_period(previous).label()
        except KanbanError:
            label = previous
        text = Text(t("review_screen.previous_note", period=one_line(label)) + " ", style="bold")
        text.append(literal(review.notes.previous_text), style="")
        box.update(text)
        box.set_class(True, "-note")

    def _update_detail(self) -> None:
        detail = self.query_one("#review-detail", Static)
        row = self.current
        if row is None:
            detail.update(Text(t("review_screen.empty"), style="italic"))
            return
        lines = Text(one_line(row.title), style="bold")
        facts = [row.rule]
        if row.category:
            facts.append(category_label(row.category))
        facts.append(row.marketplace)
        look = self.look(row)
        if look in ("paused", "deleted", "kept"):
            facts.append(f"{MARKS[look]} {t(f'review_screen.state_{look}')}")
        lines.append("\n" + one_line(" · ".join(facts)), style="")
        counts = t(
            "review_screen.counts",
            planned=row.planned,
            done=row.done,
            late=row.late,
            missed=row.missed,
            overdue=row.overdue,
            open=row.open,
        )
        lines.append("\n" + counts, style="dim")
        if row.deleted:
            lines.append("\n" + t("review_screen.deleted_periods", count=row.deleted), style="dim")
        lines.append("\n" + judged_by_text(self.board, row), style="dim italic")
        if row.flagged:
            lines.append(f"\n{FLAG} " + one_line(row.reason), style="bold yellow")
            if row.state != "deleted":
                lines.append("\n" + t("review_screen.decide_hint"), style="italic")
        elif row.rate is None:
            lines.append("\n" + t("review_screen.too_early"), style="dim italic")
        else:
            lines.append("\n" + t("review_screen.on_track"), style="green")
        detail.update(lines)

    def _update_side(self) -> None:
        review = self.review
        self.query_one("#review-overall", Static).update(side.overall(review))
        kpis = side.kpis(review, self.default_marketplace, self.side_room())
        self.query_one("#review-kpis", Static).update(kpis)
        self.query_one("#review-incidents", Static).update(side.incidents(review))
        self.query_one("#review-note", Static).update(side.note(review))

    def overall_renderable(self) -> RenderableType:
        return side.overall(self.review)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._update_detail()

    # ------------------------------------------------------------- actions
    def action_cursor(self, delta: int) -> None:
        if delta > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_period(self, delta: int) -> None:
        window = parse_period(self.period)
        if window.kind == "month":
            self.period = shift_month(self.period, delta)
        else:
            start = window.start + timedelta(days=WINDOW_DAYS * delta)
            self.period = f"4w:{start.isoformat()}"
        self.reload()

    def action_toggle_kind(self) -> None:
        """Month ↔ four weeks, around today when it is in the period shown, else around the
        period's first day."""
        window = parse_period(self.period)
        day = self.today if window.start <= self.today < window.end else window.start
        if window.kind == "month":
            self.period = f"4w:{window_start(day, self.window_anchor).isoformat()}"
        else:
            self.period = day.strftime("%Y-%m")
        self.reload()

    def _live(self, row: ReviewRow | None) -> ReviewRow | None:
        """The row, if its template can still be acted on."""
        if row is None:
            return None
        if row.state == "deleted":
            self.notify(t("review_screen.already_deleted"), severity="warning")
            return None
        return row

    def action_decide(self, decision: str) -> None:
        row = self._live(self.current)
        if row is None:
            return

        def stored(_: object) -> None:
            self.kept.add(row.template_id)
            self.reload(focus=row.template_id)
            self.notify(t("review_screen.kept_note", title=one_line(row.title)), markup=False)

        work = partial(self.service.decide, row.template_id, decision)
        self._write(("template", row.template_id), work, stored)

    def action_pause(self) -> None:
        row = self._live(self.current)
        if row is None:
            return
        work: Callable[[], object]
        if row.state == "paused":
            work = partial(self.board.templates.set_active, row.template_id, True)
            key = "review_screen.resumed_note"
        else:
            work = partial(self.service.decide, row.template_id, "pause")
            key = "review_screen.paused_note"

        def stored(_: object) -> None:
            self.kept.discard(row.template_id)
            self.reload(focus=row.template_id)
            self.notify(t(key, title=one_line(row.title)), markup=False)

        # p again while the first is on its way does nothing (it would undo it)
        self._write(("template", row.template_id), work, stored)

    def action_delete(self) -> None:
        row = self._live(self.current)
        if row is None:
            return
        title = one_line(row.title)

        def deleted(_: object) -> None:
            self.kept.discard(row.template_id)
            self.reload(focus=row.template_id)
            self.notify(t("review_screen.deleted_note", title=title), markup=False)

        def answered(yes: bool | None) -> None:
            if yes:
                work = partial(self.service.decide, row.template_id, "delete")
                self._write(("template", row.template_id), work, deleted)

        self.app.push_screen(
            ConfirmScreen(t("review_screen.confirm_delete", title=title)), answered
        )

    def action_edit(self) -> None:
        from kanban_tui.ui.screens.templates import TemplateForm, template_changes

        row = self._live(self.current)
        if row is None:
            return
        template = self._guard(lambda: self.board.templates.row(row.template_id))
        if template is None:
            return

        templates = self.board.templates

        def store(values: dict[str, Any]) -> TemplateRow | None:
            changes = template_changes(template, values)
            return templates.edit(template.id, changes) if changes else None

        def saved(edited: TemplateRow | None) -> None:
            if edited is not None:
                self.reload(focus=edited.id)
                self.notify(
                    t("templates_screen.saved_note", title=edited.title(self.lang)), markup=False
                )

        form = TemplateForm(template, templates.clock, self.lang, template.marketplace)
        self.app.push_screen(form.stores(store, saved))

    def action_note(self) -> None:
        review = self.review
        if review is None:
            return
        period, label = review.period, review.label

        def written(notes: Notes) -> None:
            self.reload()
            key = "review_screen.note_saved" if notes.text else "review_screen.note_removed"
            self.notify(t(key, period=one_line(label)), markup=False)

        store = partial(self.service.save_note, period)
        self.app.push_screen(NoteForm(label, review.notes.text).stores(store, written))

    def action_back(self) -> None:
        self.dismiss(None)


# ------------------------------------------------------------------------------ note


class NoteForm(FormScreen[str | None]):
    """What to change next time: the review's note (empty removes it)."""

    BINDINGS = form_bindings()

    def __init__(self, label: str, text: str) -> None:
        super().__init__(classes="dialog-screen")
        retranslate(self, form_bindings())
        self.label = label
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="note-form", classes="dialog"):
            title = t("note_form.title", period=one_line(self.label))
            yield Static(Text(title), classes="dialog-title")
            yield Static(t("note_form.prompt"), classes="field-note")
            yield FieldArea(self.text, id="note-text")
            yield Label("", id="note-error", classes="field-error")
            yield from form_buttons(t("note_form.hint"))

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one("#note-text", TextArea).text
        if len(text.strip()) > NOTE_MAX:
            message = t("note_form.too_long", max=NOTE_MAX)
            self.query_one("#note-error", Label).update(Text(message))
            return
        self.finish(text)


__all__ = ["NoteForm", "ReviewScreen", "window_start"]
