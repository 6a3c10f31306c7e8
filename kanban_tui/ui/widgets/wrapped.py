"""Text wrapped by terminal cells at the width it is drawn in.

Rich breaks lines at spaces only, so a Chinese sentence after a number ("2026 年还没有…")
moved whole to the next line and left the number alone above it. :class:`CellWrapped`
breaks between any two CJK characters and at spaces elsewhere
(:func:`kanban_tui.domain.text.line_breaks`), keeping the text's styles.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from kanban_tui.domain.text import line_breaks


class CellWrapped:
    """A rich renderable: ``text`` wrapped by cells to the width it is given."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __str__(self) -> str:  # the plain text, as ``str(Text)`` gives it
        return str(self.text)

    def lines(self, width: int) -> list[Text]:
        shown: list[Text] = []
        for line in self.text.split("\n", allow_blank=True):
            if not line.plain.strip():
                shown.append(line)
                continue
            for number, piece in enumerate(line.divide(line_breaks(line.plain, width))):
                piece.rstrip()
                if number:  # a continued line starts where its text does, not with a space
                    blank = len(piece.plain) - len(piece.plain.lstrip(" "))
                    piece = piece[blank:]
                shown.append(piece)
        return shown

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)
