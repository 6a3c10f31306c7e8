"""Bytes → rows: text encodings, the separator, CSV records and XLSX sheets, and the
evidence of a file's decimal mark."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from contextlib import suppress
from datetime import date, datetime, time
from typing import Literal

from kanban_tui.i18n import t
from kanban_tui.importers.parsing import (
    DecimalMark,
)
from kanban_tui.importers.report_types import ReportError

# --------------------------------------------------------------------------------------
# Bytes → rows
# --------------------------------------------------------------------------------------


def _decodings(raw: bytes, marketplace: str) -> list[tuple[str, str]]:
    """Candidate (encoding, text) pairs, most likely first."""
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, encoding in boms:
        if raw.startswith(bom):
            try:
                return [(encoding, raw.decode(encoding))]
            except UnicodeDecodeError as error:
                raise ReportError(
                    t("errors.import.bad_byte", encoding=encoding.upper(), byte=error.start)
                ) from None
    sample = raw[:1000]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        encoding = "utf-16-le" if sample[1] == 0 else "utf-16-be"
        try:
            return [(encoding, raw.decode(encoding))]
        except UnicodeDecodeError:
            raise ReportError(t("errors.import.bad_utf16")) from None
    with suppress(UnicodeDecodeError):  # not UTF-8: try the legacy code pages below
        return [("utf-8", raw.decode("utf-8"))]
    order = (
        ("cp932", "cp1252", "gb18030") if marketplace == "JP" else ("cp1252", "cp932", "gb18030")
    )
    candidates = []
    for encoding in order:
        try:
            candidates.append((encoding, raw.decode(encoding)))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise ReportError(t("errors.import.unknown_encoding"))
    return candidates


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the first non-blank line into the most cells."""
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    best, best_cells = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            cells = len(next(csv.reader([first_line], delimiter=delimiter), []))
        except csv.Error:  # a stray CR inside the line: the full read says where
            continue
        if cells > best_cells:
            best, best_cells = delimiter, cells
    return best


def _read_records(text: str, delimiter: str) -> list[list[str]]:
    """The file's rows. Cells are shared between rows when they repeat (campaign names,
    currencies, countries, 0.00…), which keeps a report of a few hundred thousand rows
    to a fraction of the memory of one string per cell."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    seen: dict[str, str] = {}
    share = seen.setdefault
    try:
        for record in reader:
            records.append([share(cell, cell) for cell in record])
    except csv.Error as error:
        raise ReportError(t("errors.import.bad_csv", row=len(records) + 1, error=error)) from None
    return records


def _is_blank(record: Sequence[str]) -> bool:
    # every cell blank ⇔ their concatenation is (one C call instead of one per cell)
    return not "".join(record).strip()


def _evidence(cell: str) -> DecimalMark:
    """The decimal mark a number cell proves, if it proves one (``1.234,56`` → ``,``)."""
    match = re.search(r"\d(?:[\d.,]*\d)?", cell)
    if match is None:
        return None
    number = match.group()
    if "," in number and "." in number:
        return "," if number.rfind(",") > number.rfind(".") else "."
    pairs: tuple[tuple[Literal[",", "."], Literal[",", "."]], ...] = ((",", "."), (".", ","))
    for mark, other in pairs:
        if mark in number:
            if number.count(mark) > 1:
                return other  # 1,234,567: the mark groups, so the other one is decimal
            if len(number) - number.index(mark) - 1 != 3:
                return mark  # 12,50 / 0.5
    return None


_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _xlsx_cell(value: object) -> str:
    """A worksheet cell as the text a CSV export would hold (numbers with a decimal point,
    dates as ISO dates)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is float:
        number: float = value  # type: ignore[assignment]
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_sheets(raw: bytes) -> list[tuple[str, list[list[str]]]]:
    """Every worksheet of an XLSX (or XLS) workbook as rows of text cells, in sheet order."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = []
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append((name, [[_xlsx_cell(cell) for cell in row] for row in rows]))
    except Exception as error:  # calamine raises its own error types for broken workbooks
        raise ReportError(t("errors.import.bad_workbook", error=error)) from None
    return sheets
