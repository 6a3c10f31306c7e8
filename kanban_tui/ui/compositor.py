"""A compositor that draws, for a partial update, only the widgets the update touches.

Textual's ``Compositor._get_renders`` (Textual 8.2) picks the widgets of a partial update
by their *clip* (the visible area of their container), not by their own visible area, and
asks each one for every line of its region. On the board every pane's clip is the whole
row of columns: a move that changes two columns made all four panes, their columns and
scrollbars, the top bar and the footer hand over every line, and the compositor cut each
of those lines at every column edge, only to throw most of them away (lines outside the
update are not sent to the terminal).

:class:`UpdateCompositor` gives the same frame from less work: a widget whose visible area
does not meet the update's bounding box is skipped, and the others hand over only the
lines inside it (full width, so the cuts at the edges of the other widgets stay where
Textual puts them). A full update (start-up, resize, a new screen) is Textual's own.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class UpdateCompositor(Compositor):
    """Textual's compositor, drawing only the widgets and lines a partial update touches."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None or crop == self.size.region:
            yield from super()._get_renders(crop)
            return
        top, bottom = crop.y, crop.bottom
        for widget, (region, clip) in self.visible_widgets.items():
            shown = region.intersection(clip)
            if not shown.overlaps(crop):
                continue
            # every line of the widget that the update crosses, across its whole width
            first, last = max(shown.y, top), min(shown.bottom, bottom)
            band = Region(shown.x, first, shown.width, last - first)
            yield (
                region,
                band,
                widget.render_lines(
                    Region(band.x - region.x, band.y - region.y, band.width, band.height)
                ),
            )
