"""The footer every screen uses: Textual's, without its per-screen memory leak.

Textual's ``Footer`` recomposes whenever the active bindings change — each time a screen
is pushed or popped — and every new ``FooterKey`` is bound to the footer's ``compact``
reactive with ``data_bind``. That registers a watcher on the footer which is only pruned
when ``compact`` itself changes, which it never does in this app: each discarded
``FooterKey`` (and the render caches it holds) stayed reachable for as long as the board
was open, about half a megabyte per screen opened and closed. This footer drops the
watchers of removed keys after every recompose. Reproduction kept in
``benchmarks/upstream_footer_leak.py``.
"""

from __future__ import annotations

from textual.widgets import Footer


class KanbanFooter(Footer):
    """``Footer`` that forgets the keys it has removed."""

    async def recompose(self) -> None:
        await super().recompose()
        self.prune_watchers()

    def prune_watchers(self) -> None:
        """Forget watchers whose widget has been removed (closing or closed)."""
        watchers: dict[str, list[tuple[object, object]]] = getattr(self, "__watchers", {})
        for bound in watchers.values():
            bound[:] = [
                (node, callback)
                for node, callback in bound
                if not (getattr(node, "_closing", False) or getattr(node, "_closed", False))
            ]
