"""The ``seller-kanban`` command.

With no subcommand it opens the board. Subcommands script the same service API the board
uses. The package never imports Textual unless the board is opened, so ``list --json``
starts as fast as SQLModel allows.

- :mod:`.dispatch`: ``main``, the dispatch table (command → handler), errors as one line
- :mod:`.parser`: argparse with translated messages and cell-wrapped help
- :mod:`.output`: padding by terminal cells, literal text, JSON, exports
- :mod:`.args`: the database, language, dates, marketplace as every command reads them
- one module per command group: :mod:`.cards`, :mod:`.tick`, :mod:`.templates`,
  :mod:`.kpi` (+ :mod:`.kpi_import`), :mod:`.goals`, :mod:`.report` (report, export),
  :mod:`.data` (backup, restore, doctor), :mod:`.keys`, :mod:`.app` (the board, serve)
"""

from __future__ import annotations

#: The largest report file ``kpi import`` reads (a year of daily reports is a few MB).
REPORT_MAX_BYTES = 64 * 1024 * 1024

from kanban_tui.cli.dispatch import build_parser, main, run  # noqa: E402
from kanban_tui.cli.output import wrap_cells  # noqa: E402

__all__ = ["REPORT_MAX_BYTES", "build_parser", "main", "run", "wrap_cells"]
