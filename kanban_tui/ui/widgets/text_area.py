"""Textual's ``TextArea`` without its per-opening leak.

When it mounts, Textual's ``TextArea`` watches the app's ``theme`` reactive
(``self.watch(self.app, "theme", ...)``). The app keeps that watcher — and with it the
text area, its document and its render caches — until ``theme`` changes, the only moment
Textual prunes watchers of closed widgets. On a board open all day with the same theme,
every card form, review note and template form ever opened stayed alive: about 40 KB an
opening, +41 MB over 1,000 openings of the card form (``python -m benchmarks.soak_screens
--only card_form``). :class:`FieldArea` takes its own watcher off the app when it unmounts.
Reproduction for upstream: ``benchmarks/upstream_textarea_leak.py``.
"""

from __future__ import annotations

from textual.widgets import TextArea

#: where Textual keeps the watchers of a reactable (``textual.reactive._watch``)
_WATCHERS = "__watchers"


class FieldArea(TextArea):
    """A multi-line field of a form; forgotten by the app once it is gone."""

    def on_unmount(self) -> None:
        watchers = getattr(self.app, _WATCHERS, {}).get("theme")
        if watchers:
            watchers[:] = [entry for entry in watchers if entry[0] is not self]
