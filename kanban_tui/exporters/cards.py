"""Every card as CSV (for Airtable or a spreadsheet) or JSON.

The columns are the keys of :meth:`CardRow.as_json`, in that order; a checklist is written
as ``done/total`` (empty when the card has none), booleans as ``true``/``false``, missing
values as empty cells. The CSV is UTF-8 with a byte-order mark so Excel reads Chinese
titles, and quotes whatever needs it (commas, quotes, newlines). A cell that a spreadsheet
would run as a formula (it starts with ``= + - @``, a tab or CR) is written with a leading
``'`` so it shows as text; the JSON export keeps every value exactly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from kanban_tui.services.board import CardRow

BOM = "\ufeff"


def columns(rows: Sequence[CardRow]) -> list[str]:
    """The CSV header: the keys of ``CardRow.as_json`` (also for an empty board)."""
    if rows:
        return list(rows[0].as_json())
    return list(_keys_of_an_empty_board())


def _cell(key: str, value: Any) -> str:
    if key == "checklist":
        if not value:
            return ""
        done = sum(1 for item in value if isinstance(item, dict) and item.get("done"))
        return f"{done}/{len(value)}"
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


#: First characters that make a spreadsheet read a cell as a formula (or a DDE command).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell: str) -> str:
    """A cell a spreadsheet shows as the text it is: one that would start a formula
    (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``) gets a leading ``'``."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def to_csv(rows: Iterable[CardRow]) -> bytes:
    cards = list(rows)
    header = columns(cards)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for card in cards:
        data = card.as_json()
        writer.writerow([_as_text(_cell(key, data.get(key))) for key in header])
    return (BOM + buffer.getvalue()).encode("utf-8")


def to_json(rows: Iterable[CardRow]) -> bytes:
    text = json.dumps([card.as_json() for card in rows], ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def _keys_of_an_empty_board() -> tuple[str, ...]:
    """The keys ``as_json`` gives, from a blank card (the header of an empty export)."""
    from datetime import UTC, datetime

    from kanban_tui.domain.models import Column, Priority

    moment = datetime(2000, 1, 1, tzinfo=UTC)
    sample = CardRow(
        id=0,
        title="",
        notes="",
        column=Column.DAILY,
        position=0,
        category="",
        estimate_minutes=0,
        priority=Priority.NORMAL,
        due=None,
        created_at=moment,
        updated_at=moment,
        done_at=None,
        origin_column=None,
        source="manual",
        template_id=None,
        period_key=None,
    )
    return tuple(sample.as_json())
