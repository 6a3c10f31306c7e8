"""Process spawning, the children's environment, and small statistics helpers."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


# ---------------------------------------------------------------------------- statistics
def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..1), NaN for no values."""
    ordered = sorted(v for v in values if not math.isnan(v))
    if not ordered:
        return math.nan
    k = (len(ordered) - 1) * q
    low = math.floor(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 0.5)


def summary(values: Sequence[float]) -> dict[str, float]:
    """n, median, p95, min, max of ``values``."""
    clean = [v for v in values if not math.isnan(v)]
    return {
        "n": len(clean),
        "median": median(clean),
        "p95": percentile(clean, 0.95),
        "min": min(clean) if clean else math.nan,
        "max": max(clean) if clean else math.nan,
    }


# --------------------------------------------------------------------------- environment
def pycache_dir() -> Path:
    """A persistent bytecode cache for the children, outside the work tree.

    The machine's environment may set PYTHONDONTWRITEBYTECODE, which would make every
    child compile seller-kanban from source (an installed app has .pyc files). Pointing
    PYTHONPYCACHEPREFIX at a directory of our own keeps bytecode out of the repository
    while letting children start as an installed app would, after one warm-up run.
    """
    path = Path(tempfile.gettempdir()) / "seller-kanban-bench-pycache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SELLER_KANBAN_DATA_DIR"] = str(home / "data")
    env["SELLER_KANBAN_CONFIG_DIR"] = str(home / "config")
    env.pop("SELLER_KANBAN_DB", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache_dir())
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def child_source(name: str) -> str:
    """The source of a child script in this folder, to run with ``python -c``."""
    return (HERE / name).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ spawning
class ChildFailed(RuntimeError):
    pass


@dataclass
class MarkerRun:
    """One child run timed from spawn (parent's clock) until a marker line."""

    to_marker: float
    lines: list[str] = field(default_factory=list)
    returncode: int | None = None

    def value(self, key: str) -> list[str]:
        for line in self.lines:
            if line.startswith(key + " ") or line == key:
                return line.split()[1:]
        return []


def run_until_marker(
    argv: Sequence[str], env: dict[str, str], marker: str, timeout: float = 120.0
) -> MarkerRun:
    """Spawn ``argv``; time spawn → the first stdout line starting with ``marker``.

    The clock starts immediately before ``Popen`` (so fork/exec and interpreter start
    count) and stops when the parent has read the marker line. The child then finishes
    on its own (not timed); its remaining lines are kept.
    """
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdout=subprocess.PIPE, stderr=errors, env=env, cwd=REPO
        )
        assert process.stdout is not None
        # A child that hangs without printing must not hang the suite: kill it (by its own
        # handle) when the time is up; the read loop then sees end-of-file.
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.daemon = True
        watchdog.start()
        lines: list[str] = []
        to_marker = math.nan
        try:
            for raw in process.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if math.isnan(to_marker) and line.startswith(marker):
                    to_marker = time.perf_counter() - start
                lines.append(line)
            process.wait()
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            watchdog.cancel()
        timed_out = time.perf_counter() - start >= timeout
        if process.returncode != 0 or math.isnan(to_marker):
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-15:]
            why = (
                f"timed out after {timeout:.0f} s" if timed_out else f"exited {process.returncode}"
            )
            missing = "" if not math.isnan(to_marker) else f" without {marker!r}"
            raise ChildFailed(
                f"{' '.join(argv[:2])}... {why}{missing}:\n" + "\n".join(tail + lines[-5:])
            )
        return MarkerRun(to_marker=to_marker, lines=lines, returncode=process.returncode)


def run_timed(
    argv: Sequence[str], env: dict[str, str], timeout: float = 120.0, capture: bool = False
) -> tuple[float, bytes]:
    """Wall time from spawn to exit of ``argv`` (stdout discarded unless ``capture``)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        result = subprocess.run(
            list(argv),
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=errors,
            env=env,
            cwd=REPO,
            timeout=timeout,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-15:]
            raise ChildFailed(f"{' '.join(argv)} exited {result.returncode}:\n" + "\n".join(tail))
        return elapsed, result.stdout or b""


def rotate(items: list[str], round_index: int) -> list[str]:
    """``items`` rotated by ``round_index`` so no variant always runs first."""
    k = round_index % len(items)
    return items[k:] + items[:k]
