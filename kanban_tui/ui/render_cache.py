"""A render cache of Textual's that kept every closed screen's lines alive.

``textual._styles_cache.StylesCache.get_inner_outer`` (Textual 8.2) is an instance method
under ``functools.lru_cache(1024)``: its cache key holds the ``StylesCache`` itself, and so
every widget's cache of rendered lines (``Strip`` objects and their own caches), until 1,024
later calls push it out. Every widget has a ``StylesCache``; a screen opened and closed
left about half a megabyte of lines of widgets that no longer exist (32 caches per opening
of the help screen), up to 1,024 of them. The result depends only on the two colours, so
:func:`install` caches it on the colours alone, with Textual's own body. Measured by
``python -m benchmarks.soak_screens``; reproduction for an upstream report in
``benchmarks/upstream_styles_cache_leak.py``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def install() -> bool:
    """Cache ``get_inner_outer`` by colours only; False when Textual no longer needs it
    (the method is not an ``lru_cache`` on the instance any more)."""
    from textual._styles_cache import StylesCache

    method: Any = StylesCache.__dict__.get("get_inner_outer")
    body = getattr(method, "__wrapped__", None)
    if body is None or not hasattr(method, "cache_info"):
        return False

    @lru_cache(1024)
    def by_colours(base_background: Any, background: Any) -> Any:
        return body(None, base_background, background)

    def get_inner_outer(self: Any, base_background: Any, background: Any) -> Any:
        return by_colours(base_background, background)

    method.cache_clear()
    StylesCache.get_inner_outer = get_inner_outer  # type: ignore[method-assign,assignment]
    return True
