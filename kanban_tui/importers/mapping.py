"""``--map mapping.toml``: a seller's own column names (ERP exports such as 店小秘 or 马帮,
or a sheet kept by hand), mapped once onto the fields the importer knows.

The file (see ``data/mapping.example.toml``)::

    kind = "business"          # business (by date) | ads | asin (by item, no dates)
    date_order = "YMD"         # optional: MDY | DMY | YMD
    date_format = "%Y-%m-%d"   # optional: one strptime format for every date
    ad_type = "sp"             # optional, ads only: sp | sb | sd

    [columns]                  # field = "the header in your file"
    date = "日期"
    sales = "销售额"
"""

from __future__ import annotations

import tomllib
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from kanban_tui.i18n import t
from kanban_tui.importers.layouts import mapped_spec
from kanban_tui.importers.report_types import ReportError


class ColumnMapping(BaseModel):
    """A parsed mapping file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["business", "ads", "asin"]
    columns: dict[str, str]
    date_order: Literal["MDY", "DMY", "YMD"] | None = None
    date_format: str | None = None
    ad_type: Literal["sp", "sb", "sd"] | None = None


def load_mapping(text: str, name: str | None = None) -> ColumnMapping:
    """Read and check a mapping file's text; :class:`ReportError` says what is wrong."""
    name = name or t("errors.import.the_mapping")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ReportError(t("errors.import.mapping_toml", name=name, error=error)) from None
    try:
        mapping = ColumnMapping.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or t("errors.import.top")
        raise ReportError(f"{name}: {where}: {first['msg']}") from None
    if not mapping.columns:
        raise ReportError(t("errors.import.mapping_empty", name=name))
    mapped_spec(mapping.kind, mapping.columns)  # unknown fields are refused here
    return mapping
