"""Figures 1-5 of the board (and their floors). Each function returns a :class:`Figure`.

Figures 6-11 (scheduler, KPI, review, soak) are in :mod:`benchmarks.figures_services`.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.dataset import Dataset
from benchmarks.runner import (
    PYTHON,
    MarkerRun,
    child_source,
    median,
    percentile,
    rotate,
    run_timed,
    run_until_marker,
    summary,
)

FLOOR_TEXT = "seller-kanban-floor"
#: Cold-start and list rounds always run at least this often, whatever the time budget.
MIN_ROUNDS = 3


@dataclass
class Row:
    """One line of the printed table."""

    label: str
    measured: str
    floor: str = ""
    delta: str = ""
    goal: str = ""
    met: bool | None = None


@dataclass
class Figure:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    #: The issue the figure belongs to; the table is printed group by group (see GROUPS).
    group: str = "board"


#: The issues, in the order the table prints them.
GROUPS = ("board", "scheduler", "KPI", "review", "soak")


@dataclass
class Context:
    home: Path
    env: dict[str, str]
    big: Dataset
    small: Dataset
    size: tuple[int, int]
    quick: bool
    cold_runs: int
    list_runs: int
    latency: dict[str, Any]
    cold_budget: float = math.inf
    list_budget: float = math.inf
    #: Runs and budgets of figures 6-11 (scheduler, kpi, review, soak), see suite.FULL.
    services: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------ format
def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def sec(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds:.3f} s"


def signed_ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:+.1f} ms"


def signed_sec(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds:+.3f} s"


def mb(kib: float) -> str:
    return "n/a" if math.isnan(kib) else f"{kib / 1024:.1f} MB"


def pair(a: float, b: float, unit=ms) -> str:
    return f"{unit(a)} / {unit(b)}"


# ---------------------------------------------------------------- 1, 3, 5: board children
def board_runs(ctx: Context) -> dict[str, list[MarkerRun]]:
    """Cold starts of the board (10,000 and 16 cards) and of the floor app, interleaved."""
    code = child_source("child_board.py")
    width, height = (str(v) for v in ctx.size)
    base = [PYTHON, "-c", code]
    variants = {
        "floor": [*base, "floor", "-", FLOOR_TEXT, width, height],
        "board_big": [*base, "app", str(ctx.big.path), needle(ctx.big), width, height],
        "board_small": [*base, "app", str(ctx.small.path), needle(ctx.small), width, height],
    }
    names = list(variants)
    for name in names:  # warm-up: bytecode cache, page cache; discarded
        run_until_marker(variants[name], ctx.env, "PAINTED")
    runs: dict[str, list[MarkerRun]] = {name: [] for name in names}
    start = time.perf_counter()
    for round_index in range(ctx.cold_runs):
        if round_index >= MIN_ROUNDS and time.perf_counter() - start > ctx.cold_budget:
            break
        for name in rotate(names, round_index):
            runs[name].append(run_until_marker(variants[name], ctx.env, "PAINTED"))
    return runs


def needle(dataset: Dataset, cells: int = 12) -> str:
    """The start of the top Daily title, at most ``cells`` terminal cells wide.

    Short enough to be drawn uncut in a column of any sane terminal width, long enough to
    appear nowhere else on the screen.
    """
    from rich.cells import cell_len

    text = ""
    for char in dataset.first_daily_title:
        if cell_len(text + char) > cells:
            break
        text += char
    if not text.strip():
        raise RuntimeError(f"no title at the top of Daily in {dataset.path}")
    return text.rstrip()


def _floats(runs: list[MarkerRun], key: str, index: int = 0) -> list[float]:
    values = []
    for run in runs:
        found = run.value(key)
        values.append(float(found[index]) if len(found) > index else math.nan)
    return values


def _fields(run: MarkerRun, key: str) -> dict[str, str]:
    """``KEY v1 NAME2 v2 ...`` → {"value": v1, "NAME2": v2}; ``KEY a=1 b=2`` → {a: 1, b: 2}."""
    found = run.value(key)
    if found and all("=" in word for word in found):
        return dict(word.split("=", 1) for word in found)
    fields = {"value": found[0]} if found else {}
    fields.update(zip(found[1::2], found[2::2], strict=False))
    return fields


def cold_start(ctx: Context, runs: dict[str, list[MarkerRun]]) -> Figure:
    fig = Figure("cold_start", "1. Cold start → first painted board frame")
    wall = {name: [r.to_marker for r in rs] for name, rs in runs.items()}
    child = {name: _floats(rs, "PAINTED") for name, rs in runs.items()}
    setup = {name: _floats(rs, "SETUP") for name, rs in runs.items()}
    stats = {name: summary(values) for name, values in wall.items()}
    floor = stats["floor"]["median"]
    big = stats["board_big"]["median"]
    small = stats["board_small"]["median"]
    delta = big - floor
    fig.rows.append(
        Row(
            f"cold start, {ctx.big.total:,} cards (median of {stats['board_big']['n']})",
            sec(big),
            sec(floor),
            signed_sec(delta),
            "Δ ≤ 0.25 s",
            delta <= 0.25,
        )
    )
    fig.rows.append(
        Row(
            f"cold start, {ctx.small.total} cards (median)",
            sec(small),
            sec(floor),
            signed_sec(small - floor),
            "(info)",
        )
    )
    fig.rows.append(
        Row(
            "  p95 (10k board / floor)",
            sec(stats["board_big"]["p95"]),
            sec(stats["floor"]["p95"]),
            signed_sec(stats["board_big"]["p95"] - stats["floor"]["p95"]),
            "(info)",
        )
    )
    fig.notes.append(
        "in the child (interpreter up → module start excluded): imports+open_board "
        f"{sec(median(setup['board_big']))} vs floor imports {sec(median(setup['floor']))}; "
        f"first frame at {sec(median(child['board_big']))} vs floor "
        f"{sec(median(child['floor']))} (medians)"
    )
    for name in ("board_big", "floor"):
        phases: dict[str, list[float]] = {}
        for run in runs[name]:
            for key, value in _fields(run, "PHASES").items():
                phases.setdefault(key, []).append(float(value))
        label = "10k board" if name == "board_big" else "floor"
        fig.notes.append(
            f"phases in the child, {label} (medians): "
            + ", ".join(f"{k} {ms(median(v))}" for k, v in phases.items())
        )
    fig.data = {
        "unit": "seconds",
        "spawn_to_first_frame": {name: {**stats[name], "samples": wall[name]} for name in wall},
        "child_clock_first_frame": {name: summary(v) for name, v in child.items()},
        "child_clock_setup": {name: summary(v) for name, v in setup.items()},
        "goal": "board(10k) median - floor median <= 0.25 s",
        "met": delta <= 0.25,
    }
    return fig


def memory(ctx: Context, runs: dict[str, list[MarkerRun]]) -> Figure:
    fig = Figure("memory", "3. Memory with the board open and painted")
    rss = {name: _floats(rs, "RSS") for name, rs in runs.items()}
    hwm = {name: _floats(rs, "RSS", 2) for name, rs in runs.items()}
    big, floor, small = median(rss["board_big"]), median(rss["floor"]), median(rss["board_small"])
    goal_kib = 150 * 1024
    fig.rows.append(
        Row(
            f"RSS (VmRSS), {ctx.big.total:,} cards",
            mb(big),
            mb(floor),
            f"{(big - floor) / 1024:+.1f} MB",
            "≤ 150 MB",
            big <= goal_kib,
        )
    )
    fig.rows.append(
        Row(
            "  peak RSS (VmHWM), 10k board",
            mb(median(hwm["board_big"])),
            mb(median(hwm["floor"])),
            f"{(median(hwm['board_big']) - median(hwm['floor'])) / 1024:+.1f} MB",
            "(info)",
        )
    )
    fig.rows.append(
        Row(
            f"  RSS, {ctx.small.total} cards",
            mb(small),
            mb(floor),
            f"{(small - floor) / 1024:+.1f} MB",
            "(info)",
        )
    )
    fig.notes.append(
        "read from /proc/self/status in the cold-start children, after the first frame and "
        "pilot.pause(); medians over the same runs as figure 1"
    )
    fig.data = {
        "unit": "KiB",
        "rss": {name: summary(v) for name, v in rss.items()},
        "hwm": {name: summary(v) for name, v in hwm.items()},
        "goal": "board(10k) RSS <= 150 MB",
        "met": big <= goal_kib,
    }
    return fig


def widgets(ctx: Context, runs: dict[str, list[MarkerRun]]) -> Figure:
    fig = Figure(
        "widgets", f"5. Widgets in the DOM: {ctx.big.total:,} cards vs {ctx.small.total} cards"
    )

    def observed(name: str, key: str) -> list[int]:
        values = set()
        for run in runs[name]:
            fields = _fields(run, "WIDGETS")
            found = fields.get("value" if key == "WIDGETS" else key)
            if found is not None:
                values.add(int(found))
        return sorted(values)

    big, small = observed("board_big", "WIDGETS"), observed("board_small", "WIDGETS")
    reg_big, reg_small = observed("board_big", "REGISTRY"), observed("board_small", "REGISTRY")
    equal = len(big) == 1 and big == small
    fig.rows.append(
        Row(
            f"widgets on the board screen, {ctx.big.total:,} cards",
            "/".join(map(str, big)) or "n/a",
            "/".join(map(str, small)) or "n/a",
            "equal" if equal else "DIFFERENT",
            f"= {ctx.small.total}-card count",
            equal,
        )
    )
    fig.rows.append(
        Row(
            "  app._registry (incl. scrollbars)",
            "/".join(map(str, reg_big)) or "n/a",
            "/".join(map(str, reg_small)) or "n/a",
            f"{reg_big[0] - reg_small[0]:+d}" if reg_big and reg_small else "",
            "(info)",
        )
    )
    shown = _fields(runs["board_big"][0], "SHOWN") if runs["board_big"] else {}
    fig.notes.append(
        "floor column = the same count on a 16-card board; counted with "
        "screen.walk_children(with_self=True) after the first frame. app._registry also holds "
        "the scrollbar widgets a column gets once its cards overflow the viewport "
        f"(cards shown at start, 10k board: {shown or 'n/a'})"
    )
    fig.data = {
        "board_screen_widgets": {"big": big, "small": small},
        "registry": {"big": reg_big, "small": reg_small},
        "goal": "equal",
        "met": equal,
    }
    return fig


# ---------------------------------------------------------------------------- 4: list
def list_json(ctx: Context) -> Figure:
    fig = Figure("list_json", "4. seller-kanban list --json")
    db = str(ctx.big.path)
    variants = {
        "floor": [PYTHON, "-c", "import sqlmodel"],
        "all": [PYTHON, "-m", "kanban_tui", "--db", db, "list", "--json", "--all"],
        "default": [PYTHON, "-m", "kanban_tui", "--db", db, "list", "--json"],
    }
    checks: dict[str, Any] = {}
    for name, argv in variants.items():  # warm-up, and check the output once
        _, out = run_timed(argv, ctx.env, capture=name != "floor")
        if name != "floor":
            cards = json.loads(out)
            checks[name] = len(cards)
    expected = {"all": ctx.big.total, "default": ctx.big.shown_by_default}
    wall: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    start = time.perf_counter()
    for round_index in range(ctx.list_runs):
        if round_index >= MIN_ROUNDS and time.perf_counter() - start > ctx.list_budget:
            break
        for name in rotate(names, round_index):
            elapsed, _ = run_timed(variants[name], ctx.env)
            wall[name].append(elapsed)
    stats = {name: summary(values) for name, values in wall.items()}
    floor = stats["floor"]["median"]
    met = {}
    for name, label in (("all", "list --json --all"), ("default", "list --json (this week)")):
        delta = stats[name]["median"] - floor
        met[name] = delta <= 0.2
        fig.rows.append(
            Row(
                f"{label}: {checks[name]:,} cards (median of {stats[name]['n']})",
                sec(stats[name]["median"]),
                sec(floor),
                signed_sec(delta),
                "Δ ≤ 0.2 s",
                met[name],
            )
        )
    for name in ("all", "default"):
        if checks[name] != expected[name]:
            fig.notes.append(
                f"WARNING: {name} printed {checks[name]} cards, expected {expected[name]}"
            )
    fig.notes.append('floor = python -c "import sqlmodel"; stdout of the timed runs → /dev/null')
    fig.notes.append(_EXIT_NOTE)

    phases_runs = [
        _result(
            run_until_marker(
                [PYTHON, "-c", child_source("child_list_phases.py"), db], ctx.env, "RESULT"
            )
        )
        for _ in range(1 if ctx.quick else 3)
    ]
    phases = {k: median([p[k] for p in phases_runs]) for k in phases_runs[0]}
    fig.notes.append(f"phases in one process (median of {len(phases_runs)}):")
    for key, value in phases.items():
        fig.notes.append(f"    {ms(value):>10}  {key}")
    fig.data = {
        "unit": "seconds",
        "wall": {name: {**stats[name], "samples": wall[name]} for name in wall},
        "cards_printed": checks,
        "phases": phases,
        "goal": "median - floor median <= 0.2 s",
        "met": met,
    }
    return fig


#: What the CLI's figures include that the floor's process does not (benchmarks/README.md).
_EXIT_NOTE = (
    "the CLI runs without the cyclic collector and ends without the interpreter's teardown "
    "(cli.run); the floor process pays both (0.13 s of CPU at load 10 on 2 cores)"
)


# ------------------------------------------------------------------ 4b: CLI writes
def cli_writes(ctx: Context) -> Figure:
    """``add``, ``move`` and ``done`` as scripts call them, on a copy of the big board."""
    fig = Figure("cli_writes", "4b. seller-kanban add / move / done (scripting)")
    db = ctx.home / "writes.db"
    shutil.copyfile(ctx.big.path, db)
    cli = [PYTHON, "-m", "kanban_tui", "--db", str(db)]
    floor_argv = [PYTHON, "-c", "import sqlmodel"]
    names = ["floor", "add", "move", "done"]
    wall: dict[str, list[float]] = {name: [] for name in names}

    def one_round(record: bool, round_index: int) -> None:
        # add prints the new card's id; move and done act on it (each round its own card)
        card: dict[str, str] = {}

        def argv(name: str) -> list[str]:
            if name == "floor":
                return floor_argv
            if name == "add":
                return [*cli, "add", f"Bench card {round_index}", "--estimate", "15"]
            if name == "move":
                return [*cli, "move", card["id"], "--to", "weekly"]
            return [*cli, "done", card["id"]]

        order = rotate(["floor", "cli"], round_index)
        for part in order:
            steps = ["floor"] if part == "floor" else ["add", "move", "done"]
            for name in steps:
                elapsed, out = run_timed(argv(name), ctx.env, capture=name == "add")
                if name == "add":
                    card["id"] = out.decode().strip()
                if record:
                    wall[name].append(elapsed)

    one_round(False, -1)  # warm-up
    start = time.perf_counter()
    for round_index in range(ctx.list_runs):
        if round_index >= MIN_ROUNDS and time.perf_counter() - start > ctx.list_budget:
            break
        one_round(True, round_index)
    stats = {name: summary(values) for name, values in wall.items()}
    floor = stats["floor"]["median"]
    met = {}
    for name in ("add", "move", "done"):
        delta = stats[name]["median"] - floor
        met[name] = delta <= 0.1
        fig.rows.append(
            Row(
                f"{name} on {ctx.big.total:,} cards (median of {stats[name]['n']})",
                sec(stats[name]["median"]),
                sec(floor),
                signed_sec(delta),
                "Δ ≤ 0.1 s",
                met[name],
            )
        )
    fig.notes.append(
        'floor = python -c "import sqlmodel"; each round adds a card, moves it to Weekly '
        "and marks it done (a copy of the big board); rounds alternate floor-first and "
        "CLI-first"
    )
    fig.notes.append(_EXIT_NOTE)
    fig.data = {
        "unit": "seconds",
        "wall": {name: {**stats[name], "samples": wall[name]} for name in wall},
        "goal": "median - floor median <= 0.1 s",
        "met": met,
    }
    return fig


def _result(run: MarkerRun) -> dict[str, Any]:
    for line in run.lines:
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError("child printed no RESULT")


# -------------------------------------------------------------------------- 2: latency
def move_latency(ctx: Context, db: Path) -> Figure:
    fig = Figure("move_latency", "2. Move card: key press → repaint")
    options = {"size": list(ctx.size), **ctx.latency}
    run = run_until_marker(
        [PYTHON, "-c", child_source("child_latency.py"), str(db), json.dumps(options)],
        ctx.env,
        "RESULT",
        timeout=600,
    )
    result = _result(run)
    blocks = {name: result[name] for name in ("floor", "focus", "move")}

    def q(name: str, metric: str, p: float) -> float:
        return percentile(blocks[name][metric], p)

    n_moves = len(blocks["move"]["pilot"])
    first50, first95 = q("move", "first", 0.5), q("move", "first", 0.95)
    f50, f95 = q("floor", "first", 0.5), q("floor", "first", 0.95)
    met = first95 <= 0.016
    fig.rows.append(
        Row(
            f"key → first repaint, p50 / p95 ({n_moves} moves)",
            pair(first50, first95),
            pair(f50, f95),
            pair(first50 - f50, first95 - f95, signed_ms),
            "p95 ≤ 16 ms",
            met,
        )
    )
    for metric, label in (
        ("settled", "key → last frame of the press"),
        ("pilot", "pilot.press + pilot.pause"),
        ("handler", "inside the action_* method"),
        ("first_cpu", "UI-thread CPU, key → first repaint"),
        ("cpu", "process CPU time per press"),
    ):
        a50, a95 = q("move", metric, 0.5), q("move", metric, 0.95)
        b50, b95 = q("floor", metric, 0.5), q("floor", metric, 0.95)
        fig.rows.append(
            Row(
                f"  {label}, p50 / p95",
                pair(a50, a95),
                pair(b50, b95),
                pair(a50 - b50, a95 - b95, signed_ms),
                "(info)",
            )
        )
    n_focus = len(blocks["focus"]["pilot"])
    fig.rows.append(
        Row(
            f"  focus change only (→/←, {n_focus}): key → first repaint",
            pair(q("focus", "first", 0.5), q("focus", "first", 0.95)),
            pair(f50, f95),
            pair(q("focus", "first", 0.5) - f50, q("focus", "first", 0.95) - f95, signed_ms),
            "(info)",
        )
    )
    fig.rows.append(
        Row(
            "  focus change only: key → last frame",
            pair(q("focus", "settled", 0.5), q("focus", "settled", 0.95)),
            pair(q("floor", "settled", 0.5), q("floor", "settled", 0.95)),
            "",
            "(info)",
        )
    )
    frames = {name: median(b["frames"]) for name, b in blocks.items()}
    fig.notes.append(
        f"floor = f12 bound to a no-op action that marks the 1-line top bar dirty "
        f"({len(blocks['floor']['pilot'])} presses); terminal {ctx.size[0]}x{ctx.size[1]}; "
        f"frames per press (median): move {frames['move']:g}, focus {frames['focus']:g}, "
        f"floor {frames['floor']:g}"
    )
    fig.notes.append(
        f"move block ran {blocks['move']['seconds']:.1f} s for {n_moves} moves "
        f"(stops at {ctx.latency['move']} or after its {ctx.latency['move_budget']:.0f} s "
        "budget); pilot times include Textual's 20 ms idle-wait steps and are coarse"
    )
    reloads = blocks["move"]["poll_reloads"]
    fig.notes.append(
        f"1 s database poll → refresh_from_outside() ran {reloads} times during the "
        f"{n_moves} moves (floor/focus blocks: "
        f"{blocks['floor']['poll_reloads']}/{blocks['focus']['poll_reloads']}); the app's own "
        f"commit moves PRAGMA data_version on its poll connection: "
        f"{result.get('own_write_moves_data_version')}"
    )
    move = blocks["move"]
    if move.get("polled") and len(move["polled"]) == len(move["first"]):
        split: dict[bool, dict[str, list[float]]] = {
            flag: {"first": [], "settled": [], "cpu": []} for flag in (False, True)
        }
        for i, polled in enumerate(move["polled"]):
            for metric in ("first", "settled", "cpu"):
                split[bool(polled)][metric].append(move[metric][i])
        for flag, label in ((False, "without"), (True, "with")):
            part = split[flag]
            if not part["first"]:
                continue
            fig.notes.append(
                f"  moves {label} a poll reload inside the press ({len(part['first'])}): "
                f"first repaint p50/p95 "
                f"{pair(percentile(part['first'], 0.5), percentile(part['first'], 0.95))}, "
                f"last frame p50 {ms(percentile(part['settled'], 0.5))}, "
                f"CPU p50 {ms(percentile(part['cpu'], 0.5))}"
            )
    diag = result.get("diag", {})
    if result.get("diag_error"):
        fig.notes.append(f"diagnostics failed: {result['diag_error']}")
    if diag:
        fig.notes.append("pieces of a move, timed directly (p50 / p95):")
        for key, values in diag.items():
            fig.notes.append(
                f"    {pair(percentile(values, 0.5), percentile(values, 0.95)):>22}  {key}"
            )
    if result.get("start_counts") != result.get("end_counts") and n_moves % 2 == 0:
        fig.notes.append(
            f"WARNING: column counts changed: {result.get('start_counts')} → "
            f"{result.get('end_counts')}"
        )
    if not result.get("focused_card_is_moved_card", True):
        fig.notes.append("WARNING: the focus did not follow the moved card")
    fig.data = {
        "unit": "seconds",
        "options": options,
        "blocks": {
            name: {
                metric: {**summary(values), "samples": values}
                for metric, values in block.items()
                if isinstance(values, list) and values and isinstance(values[0], (int, float))
            }
            | {"poll_reloads": block.get("poll_reloads"), "seconds": block.get("seconds")}
            for name, block in blocks.items()
        },
        "diag": {key: summary(values) for key, values in diag.items()},
        "own_write_moves_data_version": result.get("own_write_moves_data_version"),
        "counts": {"start": result.get("start_counts"), "end": result.get("end_counts")},
        "goal": "key → first repaint p95 <= 16 ms",
        "met": met,
    }
    return fig
