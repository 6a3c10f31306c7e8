"""The cyclic garbage collector, paused around bulk work.

Reading a 10,000-row report makes 60,000 observations and the tuples and dicts around
them: none of them form reference cycles (reference counting frees them), but every 700
new containers start a collection, and the older generations' collections walk every
object the process holds — a third of a report's parsing time went to walks that found
nothing. Inside :func:`paused` the collector does not run; it runs again as before when
the block ends (nesting is fine: only the outermost block turns it back on).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (memory is still freed by reference counts)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
