"""The FBA inventory snapshot sellers download, as KPI observations (formats only).

Two downloads are read, tab-separated (as Seller Central sends them) or saved as CSV:

* **Manage FBA Inventory** (``_GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA_``): ``sku, fnsku,
  asin, product-name, condition, …, afn-fulfillable-quantity, afn-unsellable-quantity,
  afn-reserved-quantity, afn-total-quantity, …, afn-inbound-working-quantity,
  afn-inbound-shipped-quantity, afn-inbound-receiving-quantity, …``;
* **FBA Inventory** (the newer "Inventory health" layout): ``snapshot-date, sku, fnsku,
  asin, …, available, …, inbound-quantity, …, Total Reserved Quantity, …``.

One file is one snapshot: the units on hand (fulfillable + reserved) and the units inbound
(working + shipped + receiving) summed over its SKUs, dated by ``--date`` or by the file's
own ``snapshot-date``. Headers match loosely (case, blanks, ``_`` for ``-``). A bad number
names the row, the column and the value, and nothing is imported.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kanban_tui.domain.judge import INBOUND, ON_HAND
from kanban_tui.domain.kpi import Observation
from kanban_tui.i18n import t
from kanban_tui.importers.parsing import ParseError, parse_count

#: The ``source`` of the observations (replaced as a whole by a re-import of that day).
SOURCE = "fba_inventory"

_ON_HAND = (
    ("afn-fulfillable-quantity", "available"),
    ("afn-reserved-quantity", "total reserved quantity"),
)
_INBOUND = (
    ("afn-inbound-working-quantity",),
    ("afn-inbound-shipped-quantity",),
    ("afn-inbound-receiving-quantity",),
)
_INBOUND_TOTAL = "inbound-quantity"
#: Headers that make a file an FBA inventory snapshot.
_MARKERS = frozenset({"afn-fulfillable-quantity", "afn-total-quantity"})
_SNAPSHOT_MARKERS = frozenset({"snapshot-date"})


class InventoryError(ParseError):
    """The snapshot cannot be imported; the message says where and why."""


@dataclass(frozen=True)
class InventorySnapshot:
    """What one snapshot file holds."""

    day: date
    rows_read: int
    on_hand: int
    inbound: int
    #: Units on hand per ASIN (for a per-ASIN view once observations carry an ASIN).
    by_asin: dict[str, int] = field(default_factory=dict)
    observations: tuple[Observation, ...] = ()


def _key(header: str) -> str:
    return " ".join(header.strip().lstrip("\ufeff").lower().replace("_", "-").split())


def _text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _rows(raw: bytes) -> list[list[str]]:
    text = _text(raw)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") >= first.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    except csv.Error as exc:
        raise InventoryError(t("errors.import.inventory_unreadable", error=exc)) from None


def _headers(raw: bytes) -> list[str]:
    """The first line's cells (a spreadsheet or any binary file has none we know)."""
    if not raw or raw.startswith(b"PK\x03\x04"):
        return []
    head = raw[:8192].split(b"\n", 1)[0].rstrip(b"\r")
    try:
        rows = _rows(head)
    except InventoryError:
        return []
    return [_key(cell) for cell in rows[0]] if rows else []


def is_inventory_report(raw: bytes) -> bool:
    """True when the file's header row is an FBA inventory snapshot's."""
    headers = set(_headers(raw))
    if headers & _MARKERS:
        return True
    return bool(headers & _SNAPSHOT_MARKERS) and "available" in headers and "sku" in headers


def read_inventory(raw: bytes, *, marketplace: str, day: date | None) -> InventorySnapshot:
    """Sum the snapshot's SKUs into ``inventory_on_hand`` and ``inventory_inbound`` of
    ``day`` (default: the file's ``snapshot-date``) for ``marketplace``."""
    rows = _rows(raw)
    if not rows:
        raise InventoryError(t("errors.import.empty"))
    header = [_key(cell) for cell in rows[0]]
    index = {name: position for position, name in enumerate(header)}
    on_hand_columns = [next((index[n] for n in names if n in index), None) for names in _ON_HAND]
    if on_hand_columns[0] is None:
        raise InventoryError(t("errors.import.not_inventory"))
    inbound_columns = [index[names[0]] for names in _INBOUND if names[0] in index]
    total_inbound = index.get(_INBOUND_TOTAL)
    asin_column = index.get("asin")
    snapshot_column = index.get("snapshot-date")
    on_hand = inbound = 0
    by_asin: dict[str, int] = defaultdict(int)
    inbound_by_asin: dict[str, int] = defaultdict(int)
    file_days: set[date] = set()
    body = rows[1:]
    for number, row in enumerate(body, start=2):

        def count(position: int | None, row: list[str] = row, number: int = number) -> int:
            if position is None or position >= len(row) or not row[position].strip():
                return 0
            try:
                return parse_count(row[position])
            except ParseError:
                raise InventoryError(
                    t(
                        "errors.import.units_not_whole",
                        row=number,
                        column=repr(header[position]),
                        value=repr(row[position]),
                    )
                ) from None

        if len(row) > len(header):
            raise InventoryError(
                t("errors.import.inventory_row", row=number, got=len(row), width=len(header))
            )
        units = sum(count(position) for position in on_hand_columns)
        on_hand += units
        if inbound_columns:
            coming = sum(count(position) for position in inbound_columns)
        else:
            coming = count(total_inbound)
        inbound += coming
        if asin_column is not None and asin_column < len(row) and row[asin_column].strip():
            asin = row[asin_column].strip().upper()
            by_asin[asin] += units
            inbound_by_asin[asin] += coming
        if snapshot_column is not None and snapshot_column < len(row):
            stamp = row[snapshot_column].strip()[:10]
            try:
                file_days.add(date.fromisoformat(stamp))
            except ValueError:
                raise InventoryError(
                    t(
                        "errors.import.snapshot_date",
                        row=number,
                        value=repr(row[snapshot_column]),
                    )
                ) from None
    if day is None:
        if len(file_days) != 1:
            raise InventoryError(t("errors.import.snapshot_day"))
        day = file_days.pop()
    common = {"day": day, "marketplace": marketplace, "source": SOURCE}
    # the store's totals, and each ASIN's own (its turnover and days of cover per product)
    observations = (
        Observation(metric=ON_HAND, value=Decimal(on_hand), **common),
        Observation(metric=INBOUND, value=Decimal(inbound), **common),
        *(
            Observation(metric=metric, value=Decimal(value), scope=asin, **common)
            for asin in sorted(by_asin)
            for metric, value in ((ON_HAND, by_asin[asin]), (INBOUND, inbound_by_asin[asin]))
        ),
    )
    return InventorySnapshot(
        day=day,
        rows_read=len(body),
        on_hand=on_hand,
        inbound=inbound,
        by_asin=dict(by_asin),
        observations=observations,
    )
