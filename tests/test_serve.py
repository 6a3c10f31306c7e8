"""``seller-kanban serve``: refusals, the token, the websocket guard, the page's assets and a
clean Ctrl+C — against a real server process and a plain HTTP client."""

from __future__ import annotations

import asyncio
import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kanban_tui.cli import main
from kanban_tui.web import server as web
from tests.serve_helpers import Serve, alive, children_of

TOKEN = "e2e-token-0123456789abcdef"


def get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """One GET with a plain HTTP client (no redirects followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def ws_status(port: int, headers: dict[str, str], origin: str | None) -> int:
    """The HTTP status of a websocket handshake (101 when the board would start)."""

    async def attempt() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(
                    f"http://127.0.0.1:{port}/ws?width=80&height=24", headers=headers, origin=origin
                ) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    return asyncio.run(attempt())


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--host", "0.0.0.0"], "without --token"),
        (["--host", "192.168.1.20"], "without --token"),
        (["--host", "::"], "without --token"),
        (["--host", "0.0.0.0", "--token", "short"], "at least 16"),
        (["--token", " " + TOKEN], "at least 16"),
        (["--port", "70000"], "not a TCP port"),
    ],
)
def test_refused_options_exit_2_before_anything_listens(
    argv: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "kanban.db"
    assert main(["--db", str(db), "serve", *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not db.exists()  # refused before the database was even created


def test_a_port_in_use_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--db", str(tmp_path / "k.db"), "serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"seller-kanban: 127.0.0.1:{port}: ") and err.count("\n") == 1


def test_in_memory_database_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", ":memory:", "serve"]) == 2
    assert "in-memory" in capsys.readouterr().err


def test_damaged_database_is_refused_before_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"not a database at all" * 100)
    assert main(["--db", str(db), "serve", "--port", "1"]) == 1
    assert "seller-kanban:" in capsys.readouterr().err
    assert db.read_bytes() == b"not a database at all" * 100


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.1:8000", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("LOCALHOST:8000", True),
        ("::1", True),
        ("[::1]:8000", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.2", False),
        ("evil.example:8000", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert web.is_loopback(host) is loopback


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_token_comparison_is_exact_for_any_text(a: str, b: str) -> None:
    assert web.tokens_equal(a, b) is (a == b)
    assert web.tokens_equal(a, a)


def test_cookie_never_carries_the_token_and_redirect_drops_it() -> None:
    assert TOKEN not in web.session_value(TOKEN)
    assert web.session_value(TOKEN) != web.session_value(TOKEN + "x")
    assert web.without_token("/", {"token": TOKEN}) == "./"
    assert web.without_token("/", {"token": TOKEN, "fontsize": "20"}) == "./?fontsize=20"
    assert web.same_origin("http://127.0.0.1:8000", ["127.0.0.1:8000"])
    assert not web.same_origin("http://evil.example", ["127.0.0.1:8000"])
    assert not web.same_origin(None, ["127.0.0.1:8000"])


# --------------------------------------------------------------------------- token server
@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    root = tmp_path_factory.mktemp("serve-token")
    # "Done means": a public address with a token. The token comes from the environment
    # here (`ps` would show a --token argument).
    serve = Serve(root, root / "kanban.db", "--host", "0.0.0.0", env={web.TOKEN_ENV: TOKEN})
    try:
        serve.wait_for("Ctrl+C")
        yield serve
    finally:
        serve.stop()


def test_without_token_no_page(token_server: Serve) -> None:
    status, _headers, body = get(token_server.port, "/")
    assert status == 401
    assert "<html" not in body and "terminal" not in body
    assert "?token=" in body  # says what to do
    for path in ("/static/js/textual.js", "/assets/page.js", "/ws"):
        assert get(token_server.port, path)[0] == 401


def test_wrong_token_is_refused(token_server: Serve) -> None:
    for wrong in (TOKEN[:-1], TOKEN + "0", "x" * len(TOKEN), "令牌" * 10):
        status, headers, body = get(token_server.port, "/?" + urlencode({"token": wrong}))
        assert status == 403
        assert "set-cookie" not in headers
        assert "<html" not in body
    bad_cookie = {"Cookie": f"{web.COOKIE}_{token_server.port}={'0' * 64}"}
    assert get(token_server.port, "/", bad_cookie)[0] == 403


def test_right_token_sets_an_httponly_cookie_then_serves_the_page(token_server: Serve) -> None:
    status, headers, _body = get(token_server.port, f"/?token={TOKEN}&fontsize=18")
    assert status == 303
    assert headers["location"] == "./?fontsize=18"  # the token leaves the address bar
    cookie = headers["set-cookie"]
    assert cookie.startswith(f"{web.COOKIE}_{token_server.port}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert TOKEN not in cookie
    value = cookie.split(";", 1)[0]
    status, headers, body = get(token_server.port, "/?fontsize=18", {"Cookie": value})
    assert status == 200
    assert 'id="terminal"' in body and 'data-font-size="18"' in body
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert get(token_server.port, "/static/js/textual.js", {"Cookie": value})[0] == 200
    # the websocket needs the cookie and the page's own origin
    origin = token_server.url
    assert ws_status(token_server.port, {"Cookie": value}, "http://evil.example") == 403
    assert ws_status(token_server.port, {}, origin) == 401
    assert ws_status(token_server.port, {"Cookie": value}, origin) == 101


def test_behind_a_tls_proxy_the_cookie_is_secure_and_the_websocket_opens(
    token_server: Serve,
) -> None:
    proxy = {"Host": "kanban.example.com", "X-Forwarded-Proto": "https"}
    status, headers, _body = get(token_server.port, f"/?token={TOKEN}", proxy)
    assert status == 303 and "Secure" in headers["set-cookie"]
    value = headers["set-cookie"].split(";", 1)[0]
    with_cookie = {**proxy, "Cookie": value}
    assert get(token_server.port, "/", with_cookie)[0] == 200
    assert ws_status(token_server.port, with_cookie, "https://kanban.example.com") == 101
    assert ws_status(token_server.port, with_cookie, "https://evil.example") == 403


def test_the_token_is_never_logged(token_server: Serve) -> None:
    get(token_server.port, f"/?token={TOKEN}")
    get(token_server.port, f"/?token={TOKEN[:-1]}x")
    get(token_server.port, "/missing?token=" + TOKEN)
    token_server.wait_for('"GET /missing"')
    log = token_server.text()
    assert '"GET /" 303' in log and '"GET /" 403' in log
    assert TOKEN not in log and TOKEN[:-1] not in log


# --------------------------------------------------------------------------- loopback server
@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    root = tmp_path_factory.mktemp("serve-local")
    serve = Serve(root, root / "kanban.db")
    try:
        serve.wait_for("Ctrl+C")
        yield serve
    finally:
        serve.stop()


def test_loopback_without_token_serves_only_loopback_names(local_server: Serve) -> None:
    assert get(local_server.port, "/")[0] == 200
    assert get(local_server.port, "/", {"Host": f"localhost:{local_server.port}"})[0] == 200
    # DNS rebinding: a foreign name that resolves to 127.0.0.1 gets no board
    status, _h, body = get(local_server.port, "/", {"Host": f"evil.example:{local_server.port}"})
    assert status == 403 and "<html" not in body
    # another site's page cannot drive the board through the websocket
    assert ws_status(local_server.port, {}, "http://evil.example") == 403
    assert ws_status(local_server.port, {}, None) == 403


def test_garbage_on_the_websocket_changes_nothing(local_server: Serve) -> None:
    async def talk() -> bytes:
        async with aiohttp.ClientSession() as session:
            url = f"{local_server.url}/ws?width=abc&height=-5"
            async with session.ws_connect(url, origin=local_server.url) as tab:
                for junk in (
                    "not json",
                    "[]",
                    "{}",
                    '["stdin"]',
                    '["stdin", 5]',
                    '["resize", 1]',
                    '["resize", {"width": "x"}]',
                    "[null]",
                    '"stdin"',
                ):
                    await tab.send_str(junk)
                await tab.send_bytes(b"\x00\xff")
                await tab.send_str('["ping", "7"]')
                seen = b""
                while True:
                    message = await asyncio.wait_for(tab.receive(), 60)
                    if message.type == aiohttp.WSMsgType.TEXT and message.data == '["pong", "7"]':
                        break
                    if message.type == aiohttp.WSMsgType.BINARY:
                        seen += message.data
                    else:
                        assert message.type == aiohttp.WSMsgType.TEXT, message
                return seen

    asyncio.run(talk())
    local_server.wait_for("board closed")
    assert "Traceback" not in local_server.text()
    assert get(local_server.port, "/")[0] == 200


def test_page_fetches_nothing_from_outside(local_server: Serve) -> None:
    _status, _headers, body = get(local_server.port, "/")
    references = re.findall(r'(?:src|href)="([^"]*)"', body)
    assert references, body
    for reference in references:
        assert not re.match(r"^[a-z]+:|^//", reference) or reference == "data:,", reference
        if reference != "data:,":
            assert get(local_server.port, "/" + reference)[0] == 200, reference
    _s, _h, css = get(local_server.port, "/assets/page.css")
    fonts = re.findall(r'url\("\.\./([^"]+)"\)', css)
    assert fonts and all(get(local_server.port, "/" + font)[0] == 200 for font in fonts)
    assert "googleapis" not in body + css and "https://" not in body + css
    assert get(local_server.port, "/static/")[0] in (403, 404)  # no directory listing


async def test_the_page_follows_the_language(tmp_path: Path) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from kanban_tui.i18n import set_language

    set_language("zh")
    server = web.BoardServer(database=str(tmp_path / "k.db"), lang="zh")
    async with TestClient(TestServer(server.make_app(), host="127.0.0.1")) as client:
        response = await client.get("/")
        page = await response.text()
        assert response.status == 200
        assert '<html lang="zh-CN">' in page
        assert "正在打开看板" in page and "重新连接" in page
        refused = await client.get("/", headers={"Host": "evil.example"})
        assert refused.status == 403 and "已拒绝" in await refused.text()


def test_page_shows_a_lost_connection() -> None:
    page = (Path(web.__file__).parent / "templates" / "index.html").read_text()
    script = (Path(web.__file__).parent / "static" / "page.js").read_text()
    assert 'class="dialog-container closed-dialog"' in page and "{{ closed }}" in page
    assert "reconnect" in script


# --------------------------------------------------------------------------- Ctrl+C
def test_ctrl_c_ends_every_board_process(tmp_path: Path) -> None:
    serve = Serve(tmp_path, tmp_path / "kanban.db")
    try:
        serve.wait_for("Ctrl+C")

        async def two_tabs() -> tuple[list[int], list[bytes]]:
            async with aiohttp.ClientSession() as session:
                url = f"{serve.url}/ws?width=100&height=30"
                tabs = [await session.ws_connect(url, origin=serve.url) for _ in range(2)]
                seen: list[bytes] = [b"", b""]
                for index, tab in enumerate(tabs):
                    while b"seller-kanban" not in seen[index]:
                        message = await asyncio.wait_for(tab.receive(), 60)
                        assert message.type == aiohttp.WSMsgType.BINARY, message
                        seen[index] += message.data
                boards = children_of(serve.process.pid)
                assert len(boards) == 2
                assert serve.interrupt() == 0  # Ctrl+C while both tabs are open
                for tab in tabs:
                    while (await tab.receive()).type in (
                        aiohttp.WSMsgType.BINARY,
                        aiohttp.WSMsgType.TEXT,
                    ):
                        pass
                return boards, seen

        boards, _seen = asyncio.run(two_tabs())
        assert not any(alive(pid) for pid in boards)
        assert "closing 2 open board(s)" in serve.text()
        assert "Traceback" not in serve.text()
    finally:
        serve.stop()


# --------------------------------------------------------------------------- copy
async def test_y_copies_the_focused_card_to_the_clipboard(tmp_path: Path, clock) -> None:
    from kanban_tui.domain.models import Column
    from tests.ui_helpers import column, make_app

    app, board = make_app(tmp_path / "board.db", clock)
    first = board.cards.list_cards(Column.DAILY)[0]
    noted = board.cards.add(
        {"title": "Reply to the A-to-z claim", "notes": "order 113-[b]x[/b]"}, Column.WEEKLY
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == first.title
        await pilot.press("l")
        column(app, Column.WEEKLY).cursor = [
            c.id for c in board.cards.list_cards(Column.WEEKLY)
        ].index(noted.id)
        await pilot.press("y")
        await pilot.pause()
        # literal text, notes included; the toast names the card
        assert app.clipboard == "Reply to the A-to-z claim\n\norder 113-[b]x[/b]"
        assert any("Copied: Reply to the A-to-z" in str(n.message) for n in app._notifications)


def test_boards_end_even_when_the_server_is_killed(tmp_path: Path) -> None:
    """kill -9 leaves no time to clean up: the boards still end (Linux parent-death signal)."""
    import signal
    import time

    serve = Serve(tmp_path, tmp_path / "kanban.db")
    try:
        serve.wait_for("Ctrl+C")

        async def one_tab() -> list[int]:
            async with aiohttp.ClientSession() as session:
                url = f"{serve.url}/ws?width=100&height=30"
                async with session.ws_connect(url, origin=serve.url) as tab:
                    seen = b""
                    while b"seller-kanban" not in seen:
                        message = await asyncio.wait_for(tab.receive(), 60)
                        assert message.type == aiohttp.WSMsgType.BINARY, message
                        seen += message.data
                    boards = children_of(serve.process.pid)
                    serve.process.send_signal(signal.SIGKILL)
                    serve.process.wait(30)
                    return boards

        boards = asyncio.run(one_tab())
        assert len(boards) == 1
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in boards) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in boards)
    finally:
        serve.stop()


# --------------------------------------------------------------------------- packaging
def test_a_plain_install_can_serve(tmp_path: Path) -> None:
    """The wheel ships the page, its script and styles, and depends on textual-serve."""
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("seller_kanban-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    for shipped in ("templates/index.html", "static/page.js", "static/page.css", "server.py"):
        assert f"kanban_tui/web/{shipped}" in names
    metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert any("textual-serve" in line and "extra ==" not in line for line in requires)
    assert any("playwright" in line and "extra == 'dev'" in line for line in requires)
