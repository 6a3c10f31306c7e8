"""Start a real ``seller-kanban serve`` process for the browser and HTTP tests."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.process_helpers import subprocess_env

#: Where the end-to-end test keeps its screenshots (gitignored).
ARTEFACTS = Path(__file__).resolve().parent.parent / "artefacts"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found += [int(part) for part in text.split()]
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Serve:
    """``python -m kanban_tui serve`` with its own data folders, read line by line."""

    def __init__(self, root: Path, db: Path, *args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.db = db
        environment = subprocess_env()
        environment.update(
            SELLER_KANBAN_DATA_DIR=str(root / "data"),
            SELLER_KANBAN_CONFIG_DIR=str(root / "config"),
            PYTHONUNBUFFERED="1",
            LANG="C.UTF-8",
        )
        for name in ("SELLER_KANBAN_DB", "SELLER_KANBAN_LANG", "SELLER_KANBAN_TOKEN"):
            environment.pop(name, None)
        environment.update(env or {})
        command = [sys.executable, "-m", "kanban_tui", "--db", str(db), "serve"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=root,
        )
        self.output: list[str] = []
        self._selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        os.set_blocking(self.process.stdout.fileno(), False)
        self._selector.register(self.process.stdout, selectors.EVENT_READ)
        self._partial = b""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _read(self, timeout: float) -> None:
        assert self.process.stdout is not None
        for _key, _events in self._selector.select(timeout):
            chunk = self.process.stdout.read() or b""
            self._partial += chunk
            *lines, self._partial = self._partial.split(b"\n")
            self.output += [line.decode("utf-8", "replace") for line in lines]

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        """Until a line of output contains ``text`` (fails if the server exits first)."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.output):
            if self.process.poll() is not None:
                self._read(0)
                if any(text in line for line in self.output):
                    return
                raise AssertionError(f"serve exited: {self.text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} in: {self.text()}")
            self._read(0.2)

    def text(self) -> str:
        return "\n".join([*self.output, self._partial.decode("utf-8", "replace")])

    def interrupt(self, timeout: float = 30.0) -> int:
        """Ctrl+C: SIGINT to the server only; returns its exit code."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        self._read(0)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._selector.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
