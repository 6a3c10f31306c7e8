"""The KPI pane (:mod:`.pane`) and its entry form (:mod:`.entry`).

The names tests and other screens import from here; the view model, the entry rules and
the wording live in services (:mod:`kanban_tui.services.kpi_view`,
:mod:`kanban_tui.services.kpi_entry`, :mod:`kanban_tui.services.kpi_words`).
"""

from kanban_tui.services.kpi_entry import Entry, parse_entry, parse_value
from kanban_tui.services.kpi_view import KpiView, PaneData
from kanban_tui.services.kpi_words import delta_text, target_text
from kanban_tui.ui.screens.kpi.entry import KpiEntryForm
from kanban_tui.ui.screens.kpi.pane import KpiScreen

__all__ = [
    "Entry",
    "KpiEntryForm",
    "KpiScreen",
    "KpiView",
    "PaneData",
    "delta_text",
    "parse_entry",
    "parse_value",
    "target_text",
]
