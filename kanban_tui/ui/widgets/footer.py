"""The footer every screen uses: Textual's, fitted to the width, without its per-screen leak.

**Fitted.** Textual's ``Footer`` lays its keys out in a row and cuts the row at the edge of
the terminal: at 80 columns the review and the KPI pane lost their last keys mid-word. This
footer measures its keys and, when they do not all fit, gives up space in this order:

1. the command palette's key (``ctrl+p`` still works, and help names it);
2. the long labels: each label that has a short form in the catalogs' ``[footer.short]``
   table (keyed by the full label's message id: ``"kpi_pane.prev_month" = "Prev"``) is
   shown short, all of them at once so the row reads alike;
3. the least important keys: a screen names the actions a seller uses most
   (``KanbanFooter(first=("add", "marketplace"))``); those come first, then the others in
   the screen's order. Help (``?``), quit (``q``) and the way back (esc) are never left out.

Every key it shows is whole, the keys keep the screen's order, and ``?`` lists them all.
It lays the row out again when the terminal is resized.

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kanban_tui.i18n import catalog, language, t

#: Keys a fitted footer never leaves out: help, quit and the way back.
ESSENTIAL_KEYS = frozenset({"question_mark", "q", "escape"})


def _is_essential(binding: Binding) -> bool:
    return bool(ESSENTIAL_KEYS & {key.strip() for key in binding.key.split(",")})


def key_width(key_display: str, description: str) -> int:
    """Cells a ``FooterKey`` takes (not compact): `` key `` then ``description ``."""
    width = cell_len(key_display) + 2
    return width + cell_len(description) + 1 if description else width


#: Where the short labels are: ``footer.short.<message id of the full label>``.
SHORT_PREFIX = "footer.short."


@cache
def short_labels(lang: str) -> dict[str, str]:
    """Full footer label → its short form, in ``lang`` (from ``[footer.short]``)."""
    texts = catalog(lang)
    return {
        texts[key[len(SHORT_PREFIX) :]]: short
        for key, short in texts.items()
        if key.startswith(SHORT_PREFIX) and key[len(SHORT_PREFIX) :] in texts
    }


@dataclass(frozen=True)
class Fitted:
    """Which keys a footer shows, whether short, and whether the palette key stays."""

    shown: list[bool]
    short: bool
    palette: bool


#: The rank of a key the screen did not name in ``first``: kept, in order, while room is left.
UNRANKED = 1_000


def fit(
    full: Sequence[int], short: Sequence[int], rank: Sequence[int], room: int, palette: int = 0
) -> Fitted:
    """Lay out keys of ``full`` (or ``short``) cells in ``room`` cells.

    ``rank`` 0 marks a key that always stays. The other ranks are kept lowest first while
    they fit: the keys of one rank below :data:`UNRANKED` together or not at all (a pair
    such as ``[`` / ``]``), the unranked ones one by one in their order. ``palette`` is the
    palette key's width (0: none): it is the first thing to go, then the long labels, then
    the keys of the highest rank.
    """
    everything = [True] * len(full)
    if palette and sum(full) + palette <= room:
        return Fitted(everything, short=False, palette=True)
    if sum(full) <= room:
        return Fitted(everything, short=False, palette=False)
    if sum(short) <= room:
        return Fitted(everything, short=True, palette=False)
    shown = [r == 0 for r in rank]
    left = room - sum(w for w, keep in zip(short, shown, strict=True) if keep)
    groups: dict[int, list[int]] = defaultdict(list)
    for index, r in enumerate(rank):
        if r:
            groups[r if r < UNRANKED else UNRANKED + index].append(index)
    for _, members in sorted(groups.items()):
        needed = sum(short[i] for i in members)
        if needed <= left:
            left -= needed
            for index in members:
                shown[index] = True
    return Fitted(shown, short=True, palette=False)


class KanbanFooter(Footer):
    """``Footer`` whose keys always fit and which keeps no discarded key alive.

    ``first``: the screen's actions as bound (``"add"``, ``"decide('keep')"``) to keep before
    the others when not every key fits, most used first; a tuple of actions in it (``("month(-1)",
    "month(1)")``) is shown together or not at all.
    """

    _fitted_width = 0

    def __init__(self, *, first: Sequence[str | tuple[str, ...]] = (), **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.first = tuple((item,) if isinstance(item, str) else item for item in first)

    def rank(self, binding: Binding) -> int:
        """0 for a key that always stays, else 1 + its place in ``first`` (or unranked)."""
        if _is_essential(binding):
            return 0
        for place, actions in enumerate(self.first, start=1):
            if binding.action in actions:
                return place
        return UNRANKED

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
        palette_width = 0
        if palette is not None:
            palette_width = key_width(palette.key_display, palette.description) + 2  # border, pad
        displays = [self.app.get_key_display(binding) for binding, _, _ in keys]
        shorter = short_labels(language())
        labels = [binding.description for binding, _, _ in keys]
        shorts = [shorter.get(label, label) for label in labels]
        fitted = fit(
            [key_width(d, label) for d, label in zip(displays, labels, strict=True)],
            [key_width(d, label) for d, label in zip(displays, shorts, strict=True)],
            [self.rank(binding) for binding, _, _ in keys],
            room,
            palette_width,
        )
        chosen = shorts if fitted.short else labels
        for display, label, (binding, enabled, tooltip), show in zip(
            displays, chosen, keys, fitted.shown, strict=True
        ):
            if show:
                yield self._key(
                    binding.key,
                    display,
                    label,
                    binding.action,
                    disabled=not enabled,
                    tooltip=tooltip
                    or (binding.description if label != binding.description else ""),
                )
        if palette is not None and fitted.palette:
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
