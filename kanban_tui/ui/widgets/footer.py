"""The footer every screen uses: Textual's, fitted to the width, without its per-screen leak.

**Fitted.** Textual's ``Footer`` lays its keys out in a row and cuts the row at the edge of
the terminal: at 80 columns the review and the KPI pane lost their last keys mid-word. This
footer measures its keys and, when they do not fit, leaves out the least important ones —
from the end, never help (``?``), quit (``q``) or the screen's way back (esc) — so every key
it shows is whole and ``?`` (which lists them all) is always there. It lays the row out
again when the terminal is resized.

**No leak.** Textual's ``Footer`` recomposes whenever the active bindings change — each
time a screen is pushed or popped — and binds every new ``FooterKey`` to its ``compact``
reactive with ``data_bind``. That registers a watcher on the footer which is only pruned
when ``compact`` changes, which it never does here: each discarded ``FooterKey`` (and the
render caches it holds) stayed reachable for as long as the board was open, about half a
megabyte per screen opened and closed. This footer makes its keys without ``data_bind``
(``compact`` is set on each key as it is made). Reproduction kept in
``benchmarks/upstream_footer_leak.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kanban_tui.i18n import t

#: Keys a fitted footer never leaves out: help, quit and the way back.
ESSENTIAL_KEYS = frozenset({"question_mark", "q", "escape"})


def _is_essential(binding: Binding) -> bool:
    return bool(ESSENTIAL_KEYS & {key.strip() for key in binding.key.split(",")})


def key_width(key_display: str, description: str) -> int:
    """Cells a ``FooterKey`` takes (not compact): `` key `` then ``description ``."""
    width = cell_len(key_display) + 2
    return width + cell_len(description) + 1 if description else width


def fit(widths: list[int], essential: list[bool], room: int) -> list[bool]:
    """Which keys to show in ``room`` cells: all when they fit, else the essential ones
    and, in their order, each of the others that still fits beside them."""
    if sum(widths) <= room:
        return [True] * len(widths)
    left = room - sum(w for w, keep in zip(widths, essential, strict=True) if keep)
    shown = []
    for width, keep in zip(widths, essential, strict=True):
        if keep:
            shown.append(True)
        elif width <= left:
            shown.append(True)
            left -= width
        else:
            shown.append(False)
    return shown


class KanbanFooter(Footer):
    """``Footer`` whose keys always fit and which keeps no discarded key alive."""

    _fitted_width = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        keys = [found[0] for found in by_action.values()]
        palette = self._palette_key(active)
        room = self._fitted_width = self.app.size.width
        if palette is not None:
            room -= key_width(palette.key_display, palette.description) + 2  # border, pad
        displays = [self.app.get_key_display(binding) for binding, _, _ in keys]
        widths = [
            key_width(display, binding.description)
            for display, (binding, _, _) in zip(displays, keys, strict=True)
        ]
        essential = [_is_essential(binding) for binding, _, _ in keys]
        shown = fit(widths, essential, room)
        for display, (binding, enabled, tooltip), show in zip(displays, keys, shown, strict=True):
            if show:
                yield self._key(
                    binding.key,
                    display,
                    binding.description,
                    binding.action,
                    disabled=not enabled,
                    tooltip=tooltip,
                )
        if palette is not None:
            yield palette

    def _key(
        self, key: str, display: str, description: str, action: str, **options: object
    ) -> FooterKey:
        made = FooterKey(key, display, description, action, **options)  # type: ignore[arg-type]
        made.set_reactive(FooterKey.compact, self.compact)
        made.set_class(self.compact, "-compact")
        return made

    def _palette_key(self, active: dict) -> FooterKey | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        found = active.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None:
            return None
        _, binding, enabled, _ = found
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            t("palette.footer"),
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
            tooltip=t("palette.footer"),
        )

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and self.app.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)

    def shown_keys(self) -> Iterator[FooterKey]:
        """The keys on show, in order (the palette key last)."""
        yield from self.query(FooterKey)
