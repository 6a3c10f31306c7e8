"""The web server behind ``seller-kanban serve``.

Every browser tab opens a websocket; each websocket runs its own board process
(``python -m kanban_tui --db … --lang …`` under Textual's web driver) on the same database,
so tabs, terminals and cron jobs see each other's changes as they always do.

Security model (see the README, "In a browser"):

* Without a token the server binds to loopback only (the CLI refuses anything else), and
  answers only requests whose ``Host`` is a loopback name, so a web page on another site
  cannot reach it through DNS rebinding.
* With a token every request needs it: ``?token=…`` once (answered by a redirect that drops
  it from the address bar and sets an HttpOnly, SameSite=Strict cookie), then the cookie.
  Tokens and cookies are compared with :func:`hmac.compare_digest`; the cookie holds an
  HMAC of the token, never the token itself. The access log writes paths without their
  query string, so the token never reaches a log.
* The websocket also checks ``Origin`` against ``Host``: a page of another origin cannot
  drive the board even from the same machine.
* Nothing is fetched from outside: the page, its script, the xterm stylesheet and the
  Roboto Mono font are served from here, under a Content-Security-Policy of ``'self'``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import textual_serve
from aiohttp import WSMsgType, web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from kanban_tui.errors import KanbanError, UsageError
from kanban_tui.i18n import t

#: The environment variable that may hold the token (keeps it out of ``ps`` output).
TOKEN_ENV = "SELLER_KANBAN_TOKEN"
#: A token shorter than this is refused: it would guard a board on the network.
MIN_TOKEN_LENGTH = 16
COOKIE = "seller_kanban_session"
#: How long a board process gets to quit by itself before it is terminated, then killed.
QUIT_GRACE_SECONDS = 5.0
KILL_GRACE_SECONDS = 3.0

_HERE = Path(__file__).resolve().parent
_STATIC = _HERE / "static"
_TEXTUAL_STATIC = Path(textual_serve.__file__ or "textual_serve").resolve().parent / "static"
_LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost", "ip6-loopback"}

log = logging.getLogger("seller_kanban.serve")

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # xterm.js writes its cell metrics into <style> elements
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


# --------------------------------------------------------------------------- pure checks
def host_name(host: str) -> str:
    """``host`` (a bind address or a ``Host`` header) without port or IPv6 brackets."""
    host = host.strip()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


def is_loopback(host: str) -> bool:
    """True for ``localhost``, ``127.0.0.0/8`` and ``::1`` (with or without a port)."""
    name = host_name(host).lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_options(host: str, port: int, token: str | None) -> None:
    """Refuse what would expose the board by accident (:class:`UsageError`, exit 2)."""
    if not 1 <= port <= 65535:
        raise UsageError("--port", t("web.bad_port", port=port))
    if token is not None:
        if len(token) < MIN_TOKEN_LENGTH or not token.isprintable() or token != token.strip():
            raise UsageError("--token", t("web.weak_token", length=MIN_TOKEN_LENGTH))
    elif not is_loopback(host):
        raise UsageError("--host", t("web.needs_token", host=host))


def tokens_equal(given: str, expected: str) -> bool:
    """Constant-time comparison (any text, not just ASCII)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def session_value(token: str) -> str:
    """The cookie's value: an HMAC of the token, so the cookie never carries the token."""
    return hmac.new(token.encode("utf-8"), b"seller-kanban session", hashlib.sha256).hexdigest()


def without_token(path: str, query: dict[str, str]) -> str:
    """A relative redirect target: the same page without ``token`` (works under a proxy
    prefix because it is relative to the requested URL)."""
    from urllib.parse import urlencode

    leaf = path.rsplit("/", 1)[-1] or "./"
    rest = {key: value for key, value in query.items() if key != "token"}
    return leaf + ("?" + urlencode(rest) if rest else "")


def same_origin(origin: str | None, hosts: list[str]) -> bool:
    """True when the websocket's ``Origin`` names one of ``hosts`` (host[:port])."""
    if not origin:
        return False
    netloc = urlsplit(origin).netloc.lower()
    return bool(netloc) and netloc in {h.lower() for h in hosts if h}


# --------------------------------------------------------------------------- logging
class _AccessLogger(AbstractAccessLogger):
    """One line per request: address, method, path, status — never the query string."""

    def log(self, request: Any, response: Any, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s', request.remote, request.method, request.path, response.status
        )


# --------------------------------------------------------------------------- board process
def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the board gets SIGTERM if the server dies without cleaning up (kill -9)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class BoardProcess(AppService):
    """One tab's board: started with ``exec`` (no shell), without the token in its
    environment, and always reaped."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        environment = self._build_environment(width=width, height=height)
        environment.pop(TOKEN_ENV, None)
        extra: dict[str, Any] = {}
        if sys.platform.startswith("linux"):
            extra["preexec_fn"] = _die_with_parent
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            **extra,
        )
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def close(self) -> None:
        """Ask the board to quit; terminate, then kill it if it does not; reap it."""
        process = self._process
        if process is None:
            return

        async def quit_and_wait() -> None:
            await self.stop()  # sends "quit", returns when the board closed its output
            await process.wait()  # reaped by asyncio's watcher (never by a signal's poll)

        if process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(quit_and_wait(), QUIT_GRACE_SECONDS)
        for send in (process.terminate, process.kill):
            if process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                send()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), KILL_GRACE_SECONDS)
        with contextlib.suppress(Exception):
            await process.wait()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None


# --------------------------------------------------------------------------- server
class BoardServer:
    """The aiohttp application and its life cycle."""

    def __init__(
        self,
        *,
        database: str,
        lang: str,
        host: str = "127.0.0.1",
        port: int = 8000,
        token: str | None = None,
        title: str = "seller-kanban",
        echo: Callable[[str], None] | None = None,
    ) -> None:
        check_options(host, port, token)
        self.database = database
        self.lang = lang
        self.host = host
        self.port = port
        self.token = token
        self.title = title
        self.echo = echo or (lambda text: print(text, flush=True))
        self._cookie = session_value(token) if token is not None else None
        #: cookies ignore ports: two boards on one host must not overwrite each other's
        self.cookie_name = f"{COOKIE}_{port}"
        self._sessions: dict[web.WebSocketResponse, BoardProcess] = {}
        self._downloads = DownloadManager()
        self._templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    # ------------------------------------------------------------------ the board command
    def board_argv(self) -> list[str]:
        if "://" in self.database and not self.database.startswith("sqlite"):
            # issue 12: a server URL may carry a password; the boards read it from
            # SELLER_KANBAN_DB (set by serve), so it stays out of the process list
            return [sys.executable, "-m", "kanban_tui", "--lang", self.lang]
        return [sys.executable, "-m", "kanban_tui", "--db", self.database, "--lang", self.lang]

    # ------------------------------------------------------------------ app
    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.static("/static", _TEXTUAL_STATIC, name="static"),
                web.static("/assets", _STATIC, name="assets"),
            ]
        )
        app.on_response_prepare.append(self._headers)
        return app

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)

    def _refuse(self, status: int, key: str) -> web.Response:
        return web.Response(
            status=status,
            text=t(key) + "\n",
            content_type="text/plain",
            charset="utf-8",
        )

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.token is None:
            # loopback only: a foreign Host means DNS rebinding or a proxy without a token
            if not is_loopback(request.host):
                return self._refuse(403, "web.refused_host")
        else:
            given = request.query.get("token")
            if given is not None:
                if not tokens_equal(given, self.token):
                    return self._refuse(403, "web.refused_token")
                if request.path != "/ws":
                    target = without_token(request.path, dict(request.query))
                    redirect = web.Response(status=303, headers={"Location": target})
                    self._set_cookie(request, redirect)
                    return redirect
            else:
                cookie = request.cookies.get(self.cookie_name)
                if cookie is None:
                    return self._refuse(401, "web.needs_login")
                assert self._cookie is not None
                if not tokens_equal(cookie, self._cookie):
                    return self._refuse(403, "web.refused_token")
        if request.path == "/ws":
            hosts = [request.host, request.headers.get("X-Forwarded-Host", "")]
            if not same_origin(request.headers.get("Origin"), hosts):
                return self._refuse(403, "web.refused_origin")
        answer: web.StreamResponse = await handler(request)
        return answer

    def _set_cookie(self, request: web.Request, response: web.StreamResponse) -> None:
        assert self._cookie is not None
        secure = request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"
        response.set_cookie(
            self.cookie_name,
            self._cookie,
            httponly=True,
            samesite="Strict",
            secure=secure,
            path="/",
        )

    async def handle_index(self, request: web.Request) -> web.Response:
        try:
            font_size = min(max(int(request.query.get("fontsize", "16")), 8), 48)
        except ValueError:
            font_size = 16
        page = self._templates.get_template("index.html").render(
            lang="zh-CN" if self.lang == "zh" else "en",
            title=self.title,
            font_size=font_size,
            loading=t("web.page.loading"),
            closed=t("web.page.closed"),
            reconnect=t("web.page.reconnect"),
            noscript=t("web.page.noscript"),
        )
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _to_int(request.query.get("width"), 80)
        height = _to_int(request.query.get("height"), 24)
        await websocket.prepare(request)
        process = BoardProcess(
            self.board_argv(),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self._downloads,
        )
        self._sessions[websocket] = process
        log.info(t("web.log.opened", count=len(self._sessions)))
        try:
            await process.start(width, height)
            await self._pump(websocket, process)
        except (asyncio.CancelledError, ConnectionResetError):
            pass
        finally:
            await process.close()
            with contextlib.suppress(Exception):
                await websocket.close()
            self._sessions.pop(websocket, None)
            log.info(t("web.log.closed", count=len(self._sessions)))
        return websocket

    async def _pump(self, websocket: web.WebSocketResponse, process: BoardProcess) -> None:
        """Browser → board: keys, resizes, focus; malformed messages are ignored."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind = envelope[0]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and len(envelope) > 1 and isinstance(envelope[1], str):
                await process.send_bytes(envelope[1].encode("utf-8"))
            elif kind == "resize" and len(envelope) > 1 and isinstance(envelope[1], dict):
                size = envelope[1]
                await process.set_terminal_size(
                    _to_int(size.get("width"), 80), _to_int(size.get("height"), 24)
                )
            elif kind == "ping" and len(envelope) > 1:
                await websocket.send_json(["pong", envelope[1]])
            elif kind == "blur":
                await process.blur()
            elif kind == "focus":
                await process.focus()

    def session_pids(self) -> list[int]:
        return [pid for process in self._sessions.values() if (pid := process.pid) is not None]

    async def close_sessions(self) -> None:
        """Close every tab's websocket and end its board process."""
        sessions = list(self._sessions.items())
        for websocket, _process in sessions:
            with contextlib.suppress(Exception):
                await websocket.close()
        await asyncio.gather(
            *(process.close() for _ws, process in sessions), return_exceptions=True
        )

    # ------------------------------------------------------------------ run
    def url(self) -> str:
        name = self.host
        if ":" in name and not name.startswith("["):
            name = f"[{name}]"
        if name in ("0.0.0.0", "[::]"):
            name = "127.0.0.1" if name == "0.0.0.0" else "[::1]"
        return f"http://{name}:{self.port}/"

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Serve until ``stop`` is set, SIGINT (Ctrl+C) or SIGTERM; then end every board."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        runner = web.AppRunner(
            self.make_app(),
            handle_signals=False,
            access_log_class=_AccessLogger,
            access_log=logging.getLogger("seller_kanban.serve.access"),
            shutdown_timeout=2.0,
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            try:
                await site.start()
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise KanbanError(f"{self.host}:{self.port}", reason) from None
            self.echo(t("web.serving", url=self.url(), db=_shown(self.database)))
            if self.token is not None:
                self.echo(t("web.serving_token", url=self.url()))
            self.echo(t("web.stop_hint"))
            await stop.wait()
            self.echo(t("web.stopping", count=len(self._sessions)))
            await self.close_sessions()
        finally:
            await runner.cleanup()
            for signum in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(signum)


def _to_int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= 10_000 else default


def configure_logging() -> None:
    """Session and access lines on stderr (paths only, never a query string)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for name in ("seller_kanban.serve", "textual-serve"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _shown(database: str) -> str:
    """The database as printed: a server URL without its password."""
    from kanban_tui.errors import KanbanError
    from kanban_tui.services.db_admin import label

    try:
        return label(database)
    except KanbanError:
        return database


def serve(
    *, database: str, lang: str, host: str, port: int, token: str | None
) -> int:  # pragma: no cover - exercised through the CLI in a subprocess
    server = BoardServer(database=database, lang=lang, host=host, port=port, token=token)
    configure_logging()
    os.environ.pop(TOKEN_ENV, None)
    if server.board_argv().count("--db") == 0:  # a PostgreSQL URL: the boards read it here
        os.environ["SELLER_KANBAN_DB"] = database
    asyncio.run(server.run())
    return 0
