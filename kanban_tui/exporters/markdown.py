"""A review as Markdown that reads well pasted into Notion or committed to a repository.

Headings, pipe tables whose columns line up in plain text (wide CJK characters count as two
columns), and status marks ✓ (on target) ! (near the limit or marked for a decision) ✗ (off
target) · (no data). Every piece of user or report text is escaped, so a ``|`` in a title
stays inside its cell and ``*``, ``_``, ``[``, ``<``, ``$`` … never turn into formatting,
links, HTML or maths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from kanban_tui.domain.kpi import Status
from kanban_tui.domain.text import one_line
from kanban_tui.format import category_label, duration
from kanban_tui.i18n import t
from kanban_tui.services.review import Counts, Review, ReviewRow

#: ASCII punctuation that means something inline in CommonMark / GFM (``$`` for GitHub
#: maths, ``~`` for strikethrough, ``&`` for entities, ``|`` for table cells).
_INLINE = re.compile(r"([\\`*_\[\]<>|~$&])")
#: Line starts that open a block and are not escaped inline: a heading, a list item, a
#: thematic break or setext underline, an ordered list item (``1.`` / ``1)``).
_BLOCK_START = re.compile(r"^(?:([#+=-])|([0-9]{1,9})([.)]))")


def escape(text: str) -> str:
    """``text`` as literal inline Markdown on one line."""
    return _INLINE.sub(r"\\\1", one_line(text)).strip()


def escape_block(text: str) -> list[str]:
    """Multi-line text as literal Markdown paragraphs (one per non-blank line)."""
    lines = []
    for raw in text.splitlines():
        line = escape(raw)
        if not line:
            continue
        lines.append(_BLOCK_START.sub(_escape_start, line, count=1))
    return lines


def _escape_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


def width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font (CJK wide = 2, combining = 0)."""
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """A GFM pipe table with padded columns; ``align`` has one ``l`` or ``r`` per column.

    Cells must already be escaped."""
    widths = [max(3, width(cell)) for cell in header]
    for row in rows:
        widths = [max(w, width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for cell, size, side in zip(cells, widths, align, strict=True):
            gap = " " * (size - width(cell))
            padded.append(gap + cell if side == "r" else cell + gap)
        return "| " + " | ".join(padded) + " |"

    rule = [
        "-" * (size - 1) + ":" if side == "r" else "-" * size
        for size, side in zip(widths, align, strict=True)
    ]
    return [line(header), "| " + " | ".join(rule) + " |", *(line(row) for row in rows)]


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def _mark(row: ReviewRow, threshold: float) -> str:
    rate = row.rate
    if rate is not None and rate < threshold:
        return Status.BREACH.symbol
    if row.flagged:
        return Status.WARNING.symbol
    return Status.NONE.symbol if rate is None else Status.OK.symbol


def _numbers(counts: Counts) -> list[str]:
    return [
        str(counts.planned),
        str(counts.done),
        str(counts.late),
        str(counts.missed),
        str(counts.deleted),
        str(counts.overdue),
        str(counts.open),
        _percent(counts.rate),
    ]


def _completion(review: Review) -> list[str]:
    if not review.rows:
        return [t("report.no_templates")]
    header = [
        "",
        t("report.col_task"),
        t("report.col_rule"),
        t("report.col_planned"),
        t("report.col_done"),
        t("report.col_late"),
        t("report.col_missed"),
        t("report.col_deleted"),
        t("report.col_overdue"),
        t("report.col_open"),
        t("report.col_rate"),
        t("report.col_decide"),
    ]
    rows = []
    for row in review.rows:
        title = escape(row.title)
        if row.state != "active":
            state = t(f"report.state_{row.state}")
            title += f" ({state})"
        rows.append(
            [
                _mark(row, review.threshold),
                title,
                escape(row.rule),
                *_numbers(row.counts),
                escape(row.reason),
            ]
        )
    rows.append(["", f"**{t('report.overall')}**", "", *_numbers(review.overall), ""])
    return table(header, rows, "lllrrrrrrrrl")


def _completion_only(review: Review) -> list[str]:
    """The tasks the plan links to no KPI: they are judged by completion only."""
    names = [escape(row.title) for row in review.rows if not row.kpis]
    if not names:
        return []
    return [t("judge.completion_only_list", tasks=", ".join(names)), ""]


def _kpis(review: Review) -> list[str]:
    if not review.kpis:
        return [t("report.no_kpis", command="seller-kanban kpi import FILE --marketplace US")]
    out: list[str] = []
    for section in review.kpis:
        out += [
            f"### {escape(section.marketplace)}",
            "",
            t("report.days_with_data", days=section.days_with_data),
            "",
        ]
        header = [
            "",
            t("report.col_kpi"),
            t("report.col_value"),
            t("report.col_target"),
            t("report.col_previous"),
        ]
        rows = [
            [
                line.status.symbol,
                escape(line.name),
                escape(line.value_text),
                escape(line.target_text),
                escape(line.previous_text),
            ]
            for line in section.lines
        ]
        out += [*table(header, rows, "llrrr"), ""]
    out.append(t("report.legend"))
    return out


def _incidents(review: Review) -> list[str]:
    if not review.incidents:
        return [t("report.no_incidents")]
    header = [t("report.col_incident"), t("report.col_spent"), t("report.col_state")]
    rows = [
        [
            f"#{incident.card_id} {escape(incident.title)}",
            escape(duration(incident.spent_minutes)),
            t("report.incident_done") if incident.done else t("report.incident_open"),
        ]
        for incident in review.incidents
    ]
    total = t("report.incident_total", time=escape(duration(review.incident_minutes)))
    return [*table(header, rows, "lrl"), "", total]


def _quote(text: str) -> list[str]:
    lines = escape_block(text)
    if not lines:
        return [t("report.no_note")]
    out: list[str] = []
    for index, line in enumerate(lines):
        if index:
            out.append(">")
        out.append(f"> {line}")
    return out


def _notes(review: Review) -> list[str]:
    notes = review.notes
    previous = notes.previous_period or "—"
    return [
        f"### {t('report.previous_note', period=escape(previous))}",
        "",
        *_quote(notes.previous_text),
        "",
        f"### {t('report.this_note', period=escape(notes.period))}",
        "",
        *_quote(notes.text),
    ]


def _decisions(review: Review) -> list[str]:
    flagged = review.flagged
    if not flagged:
        return [t("report.nothing_flagged")]
    out = [t("report.decide_intro")]
    out.append("")
    for row in flagged:
        category = escape(category_label(row.category)) if row.category else ""
        suffix = f" · {category}" if category else ""
        out.append(f"- #{row.template_id} {escape(row.title)}{suffix}: {escape(row.reason)}")
    out += ["", t("report.decide_how")]
    return out


def _people(review: Review) -> list[str]:
    """Completion per person; left out while nobody is named on a card or template."""
    if not any(person.person for person in review.people):
        return []
    header = [
        t("people.report.col_person"),
        t("report.col_planned"),
        t("report.col_done"),
        t("report.col_late"),
        t("report.col_missed"),
        t("report.col_open"),
        t("report.col_rate"),
        t("people.report.col_other_done"),
    ]
    rows = [
        [
            escape(person.person) if person.person else t("people.report.nobody"),
            str(person.counts.planned),
            str(person.counts.done),
            str(person.counts.late),
            str(person.counts.missed + person.counts.overdue),
            str(person.counts.open),
            _percent(person.counts.rate),
            str(person.other_done),
        ]
        for person in review.people
    ]
    return [
        f"## {t('people.report.title')}",
        "",
        *table(header, rows, "lrrrrrrr"),
        "",
        t("people.report.help"),
        "",
    ]


def render(review: Review) -> str:
    """The whole review as one Markdown document (ends with a newline)."""
    title_key = "report.title_month" if review.kind == "month" else "report.title_window"
    lines = [
        f"# {t(title_key, label=escape(review.label))}",
        "",
        t(
            "report.period",
            start=review.start.isoformat(),
            end=review.last_day.isoformat(),
            threshold=_percent(review.threshold),
        ),
        "",
        f"## {t('report.completion')}",
        "",
        *_completion(review),
        "",
        t("report.completion_help"),
        "",
        *_completion_only(review),
        *_people(review),
        f"## {t('report.decisions')}",
        "",
        *_decisions(review),
        "",
        f"## {t('report.kpis')}",
        "",
        *_kpis(review),
        "",
        f"## {t('report.incidents')}",
        "",
        *_incidents(review),
        "",
        f"## {t('report.notes')}",
        "",
        *_notes(review),
    ]
    return "\n".join(lines) + "\n"
