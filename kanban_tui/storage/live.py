"""Live refresh on PostgreSQL: one listening connection per open board.

Every write transaction of :class:`~kanban_tui.storage.database.Database` sends
``NOTIFY seller_kanban, '<token>'`` (delivered when it commits). A :class:`Listener` keeps one
psycopg connection in ``LISTEN`` on a daemon thread and raises a flag for every
notification whose token is not its own database's; the board's poll reads the flag.

When the server goes away the thread reconnects with a growing pause (0.2 s doubling to
5 s) and reports itself offline meanwhile; once back it raises the flag, because
notifications sent while it was away are lost and the board must read everything again.
"""

from __future__ import annotations

import threading
from typing import Any

CHANNEL = "seller_kanban"
FIRST_PAUSE = 0.2
LONGEST_PAUSE = 5.0


class Listener:
    """Waits for other connections' commits on a background thread."""

    def __init__(self, conninfo: str, token: str) -> None:
        self.conninfo = conninfo
        self.token = token
        self.online = False
        #: Notifications from others seen so far (the ``data_version`` of a server database).
        self.count = 0
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._connection: Any = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="db-listen", daemon=True)

    def start(self, wait: float = 5.0) -> None:
        """Start listening; waits (up to ``wait`` seconds) until the first ``LISTEN`` is in
        place, so a commit right after this is never missed."""
        self._thread.start()
        self._ready.wait(wait)

    def changed(self) -> bool:
        """True once after others committed (or after a reconnect)."""
        if self._changed.is_set():
            self._changed.clear()
            return True
        return False

    def _run(self) -> None:
        import psycopg

        pause = FIRST_PAUSE
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self.conninfo, autocommit=True, connect_timeout=5
                ) as connection:
                    self._connection = connection
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.online = True
                    pause = FIRST_PAUSE
                    if not first:  # what was sent while we were away is lost: read all again
                        self.count += 1
                        self._changed.set()
                    first = False
                    self._ready.set()
                    while not self._stop.is_set():
                        for note in connection.notifies(timeout=0.5):
                            if note.payload != self.token:
                                self.count += 1
                                self._changed.set()
                        # notifies() returns after the timeout: a dead server shows here
                        connection.execute("SELECT 1")
            except Exception:  # the server restarted or the network dropped: retry quietly
                if self._stop.is_set():
                    break
                self.online = False
                self._ready.set()
                self._stop.wait(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
            finally:
                self._connection = None
        self.online = False

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)
