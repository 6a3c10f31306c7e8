"""End to end: ``seller-kanban serve`` in a real headless Chromium (Debian's ``chromium``,
driven by Playwright through ``executable_path`` — no browser download).

The test starts ``serve`` itself on a free loopback port with a temporary database, opens
the page, waits for the board, copies a card to the browser's clipboard, moves a card with
shift+right and another after a mouse click (checking the database through the service),
sees a card added from a terminal appear, opens help, the palette and the KPI pane, keeps
screenshots in ``artefacts/``, then presses Ctrl+C on the server: every board process ends
and the page says the connection is lost. In CI (``CI=true``) a missing Chromium or
Playwright fails the test; elsewhere it is skipped, saying why.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kanban_tui import config
from kanban_tui.domain.models import Column
from kanban_tui.i18n import t
from kanban_tui.services.session import open_board
from tests.process_helpers import run_cli
from tests.serve_helpers import ARTEFACTS, Serve, alive, children_of

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Copies everything the board sends into ``window.__screen`` and the terminal size into
#: ``window.__size`` (the page itself draws on a canvas, which has no text to read).
RECORDER = """
window.__screen = "";
window.__size = null;
const NativeSocket = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const socket = new NativeSocket(url, protocols);
  const decoder = new TextDecoder();
  socket.addEventListener("message", (event) => {
    if (typeof event.data !== "string") {
      window.__screen += decoder.decode(new Uint8Array(event.data), {stream: true});
    }
  });
  const send = socket.send.bind(socket);
  socket.send = (data) => {
    try {
      const message = JSON.parse(data);
      if (message[0] === "resize") window.__size = message[1];
    } catch (error) {}
    send(data);
  };
  return socket;
};
window.WebSocket.prototype = NativeSocket.prototype;
"""
ANSI = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, clipboard
    r"|\x1b[()][A-Z0-9]"  # charset
)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser test: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class Page:
    """The served page with the board's output as text."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.mark = 0

    def screen(self, start: int = 0) -> str:
        """What the board drew since ``start`` (a raw offset), escape sequences removed."""
        return ANSI.sub("", self.page.evaluate("(start) => window.__screen.slice(start)", start))

    def wait(self, what: str | Callable[[], bool], timeout: float = 60.0) -> None:
        """Until the board has drawn ``what`` since the last :meth:`press` (or a check holds)."""
        deadline = time.monotonic() + timeout
        while True:
            ok = what() if callable(what) else what in self.screen(self.mark)
            if ok:
                return
            if time.monotonic() > deadline:
                ARTEFACTS.mkdir(exist_ok=True)
                (ARTEFACTS / "serve-screen.txt").write_text(self.screen(self.mark))
                tail = self.screen(self.mark)[-2000:]
                raise AssertionError(f"timed out waiting for {what!r}; screen ends: {tail!r}")
            self.page.wait_for_timeout(100)

    def press(self, key: str) -> None:
        self.mark = self.page.evaluate("() => window.__screen.length")
        self.page.keyboard.press(key)

    def click(self, x: float, y: float) -> None:
        self.mark = self.page.evaluate("() => window.__screen.length")
        self.page.mouse.click(x, y)

    def cell(self, column: float, row: int) -> tuple[float, float]:
        """Page coordinates of a terminal cell (``column`` as a share of the width)."""
        box = self.page.locator("#terminal .xterm-screen").bounding_box()
        size = self.page.evaluate("() => window.__size")
        height = box["height"] / size["height"]
        return box["x"] + box["width"] * column, box["y"] + height * (row + 0.5)


def _titles(db: Path, column: Column) -> list[str]:
    board = open_board(str(db), config.Settings(), interactive=False)
    try:
        return [card.title for card in board.cards.list_cards(column)]
    finally:
        board.close()


def test_the_board_in_chromium(chromium: Any, tmp_path: Path) -> None:
    db = tmp_path / "kanban.db"
    board = open_board(str(db), config.Settings())  # the default plan, today's cards
    try:
        first_daily = board.cards.list_cards(Column.DAILY)[0]
        first_monthly = board.cards.list_cards(Column.MONTHLY)[0]
    finally:
        board.close()

    serve = Serve(tmp_path, db)
    try:
        serve.wait_for("Ctrl+C")
        context = chromium.new_context(viewport={"width": 1400, "height": 800})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=serve.url)
        requests: list[str] = []
        problems: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.add_init_script(RECORDER)
        page.goto(serve.url + "/")
        tab = Page(page)
        tab.wait(first_daily.title[:20])  # the board is drawn with today's cards
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "serve-board.png"))

        def column_of(card_id: int) -> Column:
            with_board = open_board(str(db), config.Settings(), interactive=False)
            try:
                return with_board.cards.card(card_id).column
            finally:
                with_board.close()

        # copy: y puts the focused card (the first) on the browser's clipboard
        tab.press("y")
        tab.wait(t("board.copied_note", title=""))
        assert page.evaluate("() => navigator.clipboard.readText()") == first_daily.title

        # keys: shift+right moves the focused card, and the database says so
        tab.press("Shift+ArrowRight")
        tab.wait(lambda: column_of(first_daily.id) is Column.WEEKLY)

        # mouse: a click focuses the first Monthly card, shift+right moves it into Done
        # (the board handles a click as a message of its own, so wait until the click has
        # taken the keys — the Monthly header is repainted as the active one — as a person
        # would see before the next key)
        monthly = len(_titles(db, Column.MONTHLY))
        x, y = tab.cell(0.6, 3)
        tab.click(x, y)
        tab.wait(f"{t('column.monthly')}  {monthly}")
        tab.press("Shift+ArrowRight")
        tab.wait(lambda: column_of(first_monthly.id) is Column.DONE)
        assert column_of(first_daily.id) is Column.WEEKLY  # the click moved the focus

        # live refresh: a card added from a terminal shows in the page
        added = run_cli(db, "add", "Restock SKU-42 (from the terminal)", "--column", "daily")
        assert added.returncode == 0, added.stderr
        tab.wait("Restock SKU-42")

        # help and the command palette open in the page (ctrl+p is not the print dialog)
        # (a person reads before the next key: wait until the board is back each time, i.e.
        # until a card that the help and the palette cover is drawn again)
        back = _titles(db, Column.WEEKLY)[3][:20]
        tab.press("?")
        tab.wait(t("help.close"))
        tab.press("Escape")
        tab.wait(back)
        tab.press("Control+p")
        tab.wait("Search for commands")
        tab.press("Escape")
        tab.wait(back)

        # the KPI pane
        tab.press("2")
        tab.wait(t("kpi_pane.days", count=0).split(" ", 1)[1])
        page.screenshot(path=str(ARTEFACTS / "serve-kpi.png"))

        # nothing was fetched from anywhere but the server itself
        outside = [url for url in requests if not url.startswith(serve.url + "/")]
        assert outside == []
        assert problems == []

        # Ctrl+C on the server: its board processes end, the page shows the lost connection
        boards = children_of(serve.process.pid)
        assert len(boards) == 1
        assert serve.interrupt() == 0
        assert not any(alive(pid) for pid in boards)
        page.locator(".closed-dialog").wait_for(state="visible", timeout=30_000)
        assert t("web.page.closed") in page.locator(".closed-dialog").inner_text()
        page.screenshot(path=str(ARTEFACTS / "serve-closed.png"))
        context.close()
    finally:
        serve.stop()
