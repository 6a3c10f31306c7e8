"""Run the figures, print the table, write the JSON file."""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import dataset, figures, figures_services
from benchmarks.figures import GROUPS, Context, Figure, Row
from benchmarks.runner import child_env

FIGURES = (
    "cold",
    "latency",
    "memory",
    "list",
    "writes",
    "widgets",
    "scheduler",
    "kpi",
    "review",
    "soak",
)

# Runs per variant; each block also stops early (after 3 rounds at least) once its time
# budget in seconds is spent, so a heavily loaded machine still finishes in ~4 minutes.
FULL = {
    "cold_runs": 8,
    "cold_budget": 35.0,
    "list_runs": 8,
    "list_budget": 25.0,
    "latency": {
        "floor": 200,
        "floor_budget": 8.0,
        "focus": 100,
        "focus_budget": 12.0,
        "move": 200,
        "move_budget": 45.0,
        "warmup": 6,
    },
    # figures 6-11; every block also stops early once its budget in seconds is spent
    "scheduler": {
        "catchup_runs": 11,
        "catchup_budget": 8.0,
        "templates_runs": 5,
        "templates_budget": 15.0,
    },
    "kpi": {
        "import_runs": 7,
        "import_budget": 10.0,
        "opens": 12,
        "opens_budget": 12.0,
        "switches": 10,
    },
    "review": {"runs": 11, "budget": 8.0, "year": 2025},
    "soak": {
        "minutes": 480,
        "budget": 60.0,
        "move_every": 3,
        "resize_every": 45,
        "import_every": 60,
        "screen_every": 2,
        "warm_up": True,
    },
}
QUICK = {
    "cold_runs": 3,
    "cold_budget": 15.0,
    "list_runs": 3,
    "list_budget": 10.0,
    "latency": {
        "floor": 30,
        "floor_budget": 3.0,
        "focus": 20,
        "focus_budget": 4.0,
        "move": 30,
        "move_budget": 10.0,
        "warmup": 2,
    },
    "scheduler": {
        "catchup_runs": 3,
        "catchup_budget": 3.0,
        "templates_runs": 2,
        "templates_budget": 6.0,
    },
    "kpi": {"import_runs": 3, "import_budget": 4.0, "opens": 5, "opens_budget": 5.0, "switches": 5},
    "review": {"runs": 3, "budget": 3.0, "year": 2025},
    "soak": {
        "minutes": 120,
        "budget": 20.0,
        "move_every": 3,
        "resize_every": 45,
        "import_every": 60,
        "screen_every": 2,
        "warm_up": True,
    },
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="seller-kanban performance figures, each printed beside its floor. "
        "Never asserts timings.",
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--cards", type=int, default=10_000, help="cards in the big board")
    parser.add_argument("--size", default="160x48", help="terminal size WxH (default 160x48)")
    parser.add_argument(
        "--only",
        action="append",
        choices=FIGURES,
        help="run only these figures (repeatable); memory and widgets come with cold",
    )
    parser.add_argument("--runs", type=int, help="cold-start and list runs per variant")
    parser.add_argument("--moves", type=int, help="move presses (figure 2)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


def _load() -> tuple[str, float, float]:
    try:
        one, five, _ = os.getloadavg()
        return f"{one:.2f}", one, five
    except OSError:
        return "n/a", math.nan, math.nan


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("textual", "sqlmodel", "sqlalchemy", "pydantic", "rich"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "?"
    return found


def _met(row: Row) -> str:
    return "" if row.met is None else ("yes" if row.met else "NO")


def print_table(figs: list[Figure]) -> None:
    header = ("figure", "measured", "floor", "Δ vs floor", "goal", "met")
    cells = [
        ("  " + row.label, row.measured, row.floor, row.delta, row.goal, _met(row))
        for fig in figs
        for row in fig.rows
    ]
    widths = [max(len(r[i]) for r in (header, *cells)) for i in range(len(header))]
    widths[0] = min(widths[0], 60)

    def line(row: tuple[str, ...]) -> str:
        first = row[0] if len(row[0]) <= widths[0] else row[0][: widths[0] - 1] + "…"
        parts = [first.ljust(widths[0])]
        parts += [
            c.rjust(w) if i < 4 else c.ljust(w)
            for i, (c, w) in enumerate(zip(row[1:], widths[1:], strict=True), start=1)
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(header))
    print(rule)
    print(line(header))
    print(rule)
    group = None
    for index, fig in enumerate(figs):
        if fig.group != group:
            group = fig.group
            if index:
                print()
            print(f"== {group} ".ljust(len(rule), "="))
        else:
            print()
        print(fig.title)
        if fig.error:
            print("  ERROR: " + fig.error.strip().replace("\n", "\n         "))
        for row in fig.rows:
            print(line(("  " + row.label, row.measured, row.floor, row.delta, row.goal, _met(row))))
    print(rule)
    print("Goals are informational; nothing here fails on a timing.")
    print()
    group = None
    for fig in figs:
        if fig.notes:
            if fig.group != group:
                group = fig.group
                print(f"== {group} notes ".ljust(len(rule), "="))
            print(fig.title)
            for note in fig.notes:
                print(f"  {note}")
            print()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    params = json.loads(json.dumps(QUICK if args.quick else FULL))
    if args.runs:
        params["cold_runs"] = params["list_runs"] = args.runs
    if args.moves:
        params["latency"]["move"] = args.moves
    width, height = (int(v) for v in args.size.lower().split("x"))
    only = set(args.only or FIGURES)
    if "memory" in only or "widgets" in only:
        only.add("cold")

    started = time.perf_counter()
    load_text, load_start, _ = _load()
    home = Path(tempfile.mkdtemp(prefix="seller-kanban-bench-"))
    env = child_env(home)
    for key in ("SELLER_KANBAN_DATA_DIR", "SELLER_KANBAN_CONFIG_DIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
        os.environ[key] = env[key]  # the parent opens databases too: keep it off real files

    print(
        f"seller-kanban benchmarks ({'quick' if args.quick else 'full'}) — "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cpus, load {load_text}, terminal {width}x{height}"
    )
    figs: list[Figure] = []
    status = 0
    try:
        t = time.perf_counter()
        big = dataset.build(home / "big.db", args.cards)
        small = dataset.build(home / "small.db", 16)
        shutil.copyfile(big.path, home / "latency.db")
        print(
            f"databases: {big.total:,} cards {big.per_column}, shown {big.shown}; "
            f"{small.total} cards {small.per_column}; built in {time.perf_counter() - t:.2f} s "
            f"in {home}"
        )
        ctx = Context(
            home=home,
            env=env,
            big=big,
            small=small,
            size=(width, height),
            quick=args.quick,
            cold_runs=params["cold_runs"],
            list_runs=params["list_runs"],
            cold_budget=params["cold_budget"],
            list_budget=params["list_budget"],
            latency=params["latency"],
            services={key: params[key] for key in ("scheduler", "kpi", "review", "soak")},
        )

        def attempt(
            key: str, title: str, work: Callable[[], list[Figure]], group: str = "board"
        ) -> None:
            nonlocal status
            t0 = time.perf_counter()
            print(f"running {title} ...", flush=True)
            try:
                made = work()
            except Exception as exc:  # report it and go on with the other figures
                status = 1
                made = [Figure(key, title, error=f"{type(exc).__name__}: {exc}", group=group)]
                traceback.print_exc(file=sys.stderr)
            for fig in made:
                fig.data.setdefault("seconds", time.perf_counter() - t0)
            figs.extend(made)

        if "cold" in only:

            def cold() -> list[Figure]:
                runs = figures.board_runs(ctx)
                made = [figures.cold_start(ctx, runs)]
                if "memory" in only:
                    made.append(figures.memory(ctx, runs))
                if "widgets" in only:
                    made.append(figures.widgets(ctx, runs))
                return made

            attempt("cold_start", "1/3/5. cold start, memory, widgets", cold)
        if "latency" in only:
            attempt(
                "move_latency",
                "2. Move card: key press → repaint",
                lambda: [figures.move_latency(ctx, home / "latency.db")],
            )
        if "list" in only:
            attempt("list_json", "4. seller-kanban list --json", lambda: [figures.list_json(ctx)])
        if "writes" in only:
            attempt(
                "cli_writes",
                "4b. seller-kanban add / move / done",
                lambda: [figures.cli_writes(ctx)],
            )
        services = figures_services
        blocks: tuple[tuple[str, str, str, Callable[[Context], Figure], str], ...] = (
            (
                "scheduler",
                "scheduler_catchup",
                "6. Scheduler catch-up after 90 days closed",
                services.scheduler_catchup,
                "scheduler",
            ),
            (
                "scheduler",
                "scheduler_500",
                "7. One tick with 500 templates",
                services.scheduler_500,
                "scheduler",
            ),
            (
                "kpi",
                "kpi_import",
                "8. KPI import: 10,000-row Sponsored Products report",
                services.kpi_import,
                "KPI",
            ),
            (
                "kpi",
                "kpi_pane",
                "9. KPI pane: three years × five marketplaces",
                services.kpi_pane,
                "KPI",
            ),
            ("review", "review", "10. Review of a year", services.review, "review"),
            ("soak", "soak", "11. Soak: an eight-hour workday", services.soak, "soak"),
        )
        for name, key, title, work, group in blocks:
            if name in only:
                attempt(key, title, functools.partial(_one, work, ctx), group)
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)

    order = {
        "cold_start": 1,
        "move_latency": 2,
        "memory": 3,
        "list_json": 4,
        "cli_writes": 4.5,
        "widgets": 5,
        "scheduler_catchup": 6,
        "scheduler_500": 7,
        "kpi_import": 8,
        "kpi_pane": 9,
        "review": 10,
        "soak": 11,
    }
    figs.sort(
        key=lambda f: (GROUPS.index(f.group) if f.group in GROUPS else 9, order.get(f.key, 99))
    )
    load_end_text, load_end, _ = _load()
    elapsed = time.perf_counter() - started
    print()
    print_table(figs)
    print(
        f"total {elapsed:.1f} s; load average (1 min) {load_text} at start, {load_end_text} at end"
    )

    if args.json:
        document: dict[str, Any] = {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": "quick" if args.quick else "full",
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "load_1min": {"start": load_start, "end": load_end},
                "versions": _versions(),
            },
            "parameters": {
                **params,
                "cards": args.cards,
                "terminal": [width, height],
                "figures": sorted(only),
            },
            "total_seconds": elapsed,
            "figures": {
                fig.key: {
                    "title": fig.title,
                    "group": fig.group,
                    "error": fig.error,
                    "table": [row.__dict__ for row in fig.rows],
                    "notes": fig.notes,
                    **fig.data,
                }
                for fig in figs
            },
        }
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(_clean(document), indent=1, ensure_ascii=False, allow_nan=False)
        path.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return status


def _one(work: Callable[[Context], Figure], ctx: Context) -> list[Figure]:
    return [work(ctx)]


def _clean(value: Any) -> Any:
    """JSON-safe copy: NaN/inf → null, tuples → lists, anything odd → str."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
