"""The KPI definitions file read and parsed here, so the domain receives definitions and
opens no file: ``data/kpis.toml`` (the packaged copy) or a file or text a test gives."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from kanban_tui import locations
from kanban_tui.domain.kpi import KpiConfigError, KpiDefinition, definitions_from


def load_definitions(source: str | Path) -> dict[str, KpiDefinition]:
    """KPI definitions keyed by KPI key, from TOML text or from a :class:`~pathlib.Path`.

    A ``str`` is always TOML *text*; pass a ``Path`` to read a file. Numbers are read as
    exact decimals. Raises :class:`KpiConfigError` naming the KPI at fault.
    """
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    try:
        document = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise KpiConfigError(f"KPI definitions are not valid TOML: {error}") from error
    return definitions_from(document)


def shipped_definitions() -> dict[str, KpiDefinition]:
    """The definitions the program ships (``data/kpis.toml``), read from the file."""
    return load_definitions(locations.shipped_file("kpis.toml"))
