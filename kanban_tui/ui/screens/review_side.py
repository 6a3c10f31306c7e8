"""The Review screen's side panel: overall completion (and per person), the KPIs against
their targets, incidents and the time spent on them, and the review's note. Pure
renderables from a :class:`~kanban_tui.services.review.Review`; the screen places them."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kanban_tui.domain.kpi import Status
from kanban_tui.domain.text import literal, one_line
from kanban_tui.format import duration
from kanban_tui.i18n import t
from kanban_tui.services.review import Review

NO_VALUE = "—"
STATUS_STYLE = {
    Status.OK: "green",
    Status.WARNING: "yellow",
    Status.BREACH: "bold red",
    Status.NONE: "dim",
}
KPI_COMMAND = "seller-kanban kpi import FILE --marketplace {code}"


def rate_text(rate: float | None) -> str:
    return NO_VALUE if rate is None else f"{rate * 100:.0f}%"


def overall(review: Review | None) -> RenderableType:
    """The side panel's overall completion (and per person, once anyone is named)."""
    heading = Text(t("review_screen.overall_title"), style="bold")
    if review is None:
        return heading
    totals = review.overall
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim")
    grid.add_column(justify="right")
    grid.add_row(Text(t("review_screen.col_planned")), Text(str(totals.planned)))
    grid.add_row(Text(t("review_screen.col_on_time")), Text(str(totals.done)))
    grid.add_row(Text(t("review_screen.col_late")), Text(str(totals.late)))
    grid.add_row(Text(t("review_screen.col_missed")), Text(str(totals.missed + totals.overdue)))
    grid.add_row(Text(t("review_screen.col_open")), Text(str(totals.open)))
    if totals.deleted:
        grid.add_row(Text(t("review_screen.col_deleted")), Text(str(totals.deleted)))
    grid.add_row(Text(t("review_screen.completion")), Text(rate_text(totals.rate), style="bold"))
    threshold = Text(
        t("review_screen.threshold", threshold=rate_text(review.threshold)), style="dim"
    )
    return Group(heading, grid, threshold, Text(""), *people(review))


def people(review: Review | None) -> list[RenderableType]:
    """Completion per person (left out while nobody is named on a card)."""
    if review is None or not any(person.person for person in review.people):
        return []
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", overflow="ellipsis", no_wrap=True, max_width=16)
    grid.add_column(justify="right")
    grid.add_column(justify="right")
    for person in review.people:
        name = one_line(person.person) if person.person else t("people.report.nobody")
        counts = person.counts
        closed = f"{counts.done + counts.late}/{counts.closed}"
        grid.add_row(Text(name), Text(closed), Text(rate_text(counts.rate), style="bold"))
    return [Text(t("people.report.title"), style="bold"), grid, Text("")]


def kpis(review: Review | None, default_marketplace: str, room: int) -> RenderableType:
    """The KPIs against their targets; a row each when ``room`` columns allow it."""
    heading = Text(t("review_screen.kpis_title"), style="bold")
    if review is None or not review.kpis:
        command = KPI_COMMAND.format(code=default_marketplace)
        return Group(
            heading,
            Text(t("review_screen.no_kpis"), style="dim"),
            Text(command, style="dim"),
            Text(""),
        )
    parts: list[RenderableType] = [heading]
    for section in review.kpis:
        parts.append(
            Text(
                t(
                    "review_screen.kpi_market",
                    marketplace=section.marketplace,
                    days=section.days_with_data,
                ),
                style="italic",
            )
        )
        lines = [line for line in section.lines if line.value is not None]
        targets = ["" if line.target_text == NO_VALUE else line.target_text for line in lines]
        names = [one_line(line.name) for line in lines]
        values_width = max((cell_len(line.value_text) for line in lines), default=1)
        targets_width = max((cell_len(x) for x in targets), default=0)
        names_width = max((cell_len(name) for name in names), default=1)
        one_row = 2 + names_width + 1 + values_width + 1 + targets_width
        if one_row <= room:
            grid = Table.grid(padding=(0, 1), expand=True)
            grid.add_column(width=1, min_width=1)
            grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
            grid.add_column(justify="right", no_wrap=True, min_width=values_width)
            grid.add_column(style="dim", no_wrap=True, min_width=targets_width)
            for line, name, target in zip(lines, names, targets, strict=True):
                style = STATUS_STYLE.get(line.status, "")
                grid.add_row(
                    Text(line.status.symbol, style=style),
                    Text(name),
                    Text(line.value_text, style=style),
                    Text(target),
                )
            parts.append(grid)
            continue
        # too narrow for a row each: the name on its own line(s), value and target below
        for line, name, target in zip(lines, names, targets, strict=True):
            style = STATUS_STYLE.get(line.status, "")
            head = Text.assemble((line.status.symbol, style), " ", name)  # wraps, whole
            value = Text.assemble("  ", (line.value_text, style), " ", (target, "dim"))
            value.truncate(room, overflow="ellipsis")
            parts.extend([head, value])
    parts.append(Text(""))
    return Group(*parts)


def incidents(review: Review | None) -> RenderableType:
    count = len(review.incidents) if review else 0
    minutes = review.incident_minutes if review else 0
    heading = Text(t("review_screen.incidents", count=count, time=duration(minutes)), style="bold")
    if review is None or not review.incidents:
        return Group(heading, Text(""))
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=1, min_width=1)
    grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    grid.add_column(justify="right", no_wrap=True, min_width=8)
    for incident in review.incidents[:8]:
        grid.add_row(
            Text("✓" if incident.done else "·"),
            Text(one_line(incident.title)),
            Text(duration(incident.spent_minutes), style="dim"),
        )
    return Group(heading, grid, Text(""))


def note(review: Review | None) -> RenderableType:
    heading = Text(t("review_screen.note_title"), style="bold")
    if review is None or not review.notes.text:
        return Group(heading, Text(t("review_screen.no_note"), style="dim italic"))
    return Group(heading, Text(literal(review.notes.text)))
