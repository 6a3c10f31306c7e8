"""The KPI import and pane do the work once: counts, never timings (issue 15).

* the reader parses each distinct date once, and its fast forms of the console's numbers
  (``$1,234.56``, ``12,000``) give what the general parsers give (property tests);
* storing a report checks the superseded periods with the stored spans alone, with the same
  answer as :func:`finest` over every stored observation (a manual value included);
* a month change in the pane reads at most the one month it has not read yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

import kanban_tui.importers.cells as cells
import kanban_tui.importers.reports as reports
from kanban_tui.domain.kpi import Observation, Superseded, finest, superseded
from kanban_tui.importers.parsing import parse_count, parse_money
from kanban_tui.importers.reports import fast_number, read_report
from kanban_tui.services.kpi import month_bounds
from tests.kpi_files import import_report
from tests.ui_helpers import make_app

REPORTS = Path(__file__).parent / "fixtures" / "reports"
SP_FILE = REPORTS / "sp_advertised_product_daily.csv"


# --- the reader's fast number forms ---------------------------------------------------------


def _grouped(number: int) -> str:
    return f"{number:,}"


amounts = st.builds(
    lambda whole, cents, dollar, grouped: (
        ("$" if dollar else "")
        + (_grouped(whole) if grouped else str(whole))
        + (f".{cents}" if cents is not None else "")
    ),
    st.integers(0, 10**12),
    st.none() | st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    st.booleans(),
    st.booleans(),
)
noise = st.text(alphabet="0123456789,.$-+ ()", max_size=14)


@settings(max_examples=400, deadline=None)
@given(amounts | noise, st.sampled_from(["USD", "CAD", "MXN"]))
def test_the_fast_amount_is_what_parse_money_reads(cell: str, dollar: str) -> None:
    fast = fast_number(cell, False, dollar)
    if fast is not None:
        assert fast == parse_money(cell, decimal=".", dollar=dollar)
        assert str(fast[0]) == str(parse_money(cell, decimal=".", dollar=dollar)[0])


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10**12).map(_grouped) | noise)
def test_the_fast_count_is_what_parse_count_reads(cell: str) -> None:
    fast = fast_number(cell, True, "USD")
    if fast is not None:
        assert fast == (Decimal(parse_count(cell, decimal=".")), None)


def _sp_rows(seed: int, rows: int, days: int) -> bytes:
    """A Sponsored Products report with the fixture's headers and ``rows`` random rows in
    the console's forms (US dates, ``$1,234.56``, ``12,000``, blanks)."""
    import random

    rng = random.Random(seed)
    header = SP_FILE.read_bytes().decode("utf-8-sig").splitlines()[0]
    names = next(csv.reader([header]))
    out = io.StringIO()
    out.write(header + "\n")
    writer = csv.writer(out, lineterminator="\n")
    first = date(2026, 4, 20)

    def money() -> str:
        value = rng.choice([0, rng.randint(0, 99), rng.randint(0, 3_000_000)]) / 100
        return rng.choice([f"${value:,.2f}", f"{value:.2f}", f"${value:.2f}", "", "-"])

    def count() -> str:
        value = rng.choice([0, rng.randint(0, 50), rng.randint(1000, 2_000_000)])
        return rng.choice([f"{value:,}", str(value), ""])

    for _ in range(rows):
        day = first + timedelta(days=rng.randrange(days))
        row = []
        for name in names:
            key = name.strip().casefold()
            if key == "date":
                row.append(f"{day:%b} {day.day}, {day.year}")
            elif key == "currency":
                row.append("USD")
            elif key == "country":
                row.append("United States")
            elif key == "advertised asin":
                row.append(f"B0TEST{rng.randrange(20):04d}")
            elif "asin" in key or "sku" in key or "name" in key or "targeting" in key:
                row.append(f"x{rng.randrange(5)}")
            elif any(word in key for word in ("impressions", "clicks", "orders", "units")):
                row.append(count())
            elif "rate" in key or "acos" in key or "ctr" in key or "roas" in key:
                row.append(f"{rng.random() * 100:.2f}%")
            else:
                row.append(money())
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(0, 10**6), st.integers(1, 300), st.integers(1, 40))
def test_the_fast_reader_equals_the_general_parsers(
    monkeypatch: pytest.MonkeyPatch, seed: int, rows: int, days: int
) -> None:
    raw = _sp_rows(seed, rows, days)

    def read() -> object:
        try:
            return read_report(raw, marketplace="US", date_order="MDY", latest=date(2026, 12, 1))
        except reports.ReportError as error:
            return str(error)

    fast = read()
    with monkeypatch.context() as patch:
        patch.setattr(cells, "fast_number", lambda *_args: None)  # where the reader calls it
        general = read()
    assert fast == general


def test_each_distinct_date_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _sp_rows(7, 600, 30)
    calls: list[str] = []
    parse_date = reports.parse_date

    def counted(text: str, *args: object, **kwargs: object) -> date:
        calls.append(text)
        return parse_date(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reports, "parse_date", counted)
    result = read_report(raw, marketplace="US", date_order="MDY")
    assert result.rows_read == 600
    assert len(calls) == len(set(calls)) == len(result.days)


def test_a_copied_observation_equals_a_validated_one() -> None:
    model = Observation(
        day=date(2026, 5, 1),
        marketplace="US",
        metric="ad_spend",
        value=Decimal("1.50"),
        source="ads_sp",
        currency="USD",
    )
    fields = {
        "day": date(2026, 5, 2),
        "period_end": date(2026, 5, 9),
        "scope": "B0TEST0001",
        "value": Decimal("3.25"),
        "source": "ads_sb",
    }
    copied = Observation.checked(model, **fields)
    made = Observation(**{**model.model_dump(), **fields})
    assert copied == made and hash(copied) == hash(made) and repr(copied) == repr(made)
    assert copied.model_fields_set == model.model_fields_set
    with pytest.raises(Exception):  # noqa: B017 - frozen like any other
        copied.value = Decimal(0)  # type: ignore[misc]


# --- the superseded check on stored spans --------------------------------------------------

MONTH = date(2019, 12, 1)
spans = st.tuples(st.integers(1, 31), st.integers(0, 30)).map(
    lambda pair: (pair[0], min(31, pair[0] + pair[1]))
)
periods = st.lists(
    st.tuples(
        spans,
        st.sampled_from(["ads_sp", "ads_sb", "business", "manual"]),
        st.sampled_from(["ad_spend", "sales"]),
    ),
    max_size=12,
)


def _obs(span: tuple[int, int], source: str, metric: str, value: int = 1) -> Observation:
    return Observation(
        day=MONTH.replace(day=span[0]),
        period_end=MONTH.replace(day=span[1]),
        marketplace="US",
        metric=metric,
        value=Decimal(value),
        source=source,
        currency="USD",
    )


@settings(max_examples=200, deadline=None)
@given(periods)
def test_superseded_from_spans_is_what_finest_leaves_out(items: list) -> None:
    observations = [_obs(*item) for item in items]
    spans_only = [(o.source, o.scope, o.day, o.last_day) for o in observations]
    assert superseded(spans_only) == finest(observations)[1]


def _old_superseded_by(service, observations: list[Observation], market: str) -> list:
    """The check as it was: every stored observation of each month through finest()."""
    months = sorted({o.day.strftime("%Y-%m") for o in observations if o.scope == "store"})
    sources = {o.source for o in observations}
    notes: list[Superseded] = []
    for month in months:
        start, end = month_bounds(month)
        rows = {
            (o.day, o.last_day, o.scope, o.metric, o.source): o
            for o in service.observations(market, start, end)
            if o.last_day < end
        }
        for o in observations:
            if o.scope == "store" and start <= o.day < end and o.last_day < end:
                rows[(o.day, o.last_day, o.scope, o.metric, o.source)] = o
        notes.extend(item for item in finest(rows.values())[1] if item.source in sources)
    return notes


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(periods, periods)
def test_the_stored_spans_give_the_old_superseded_notes(
    tmp_path_factory: pytest.TempPathFactory, clock, stored: list, new: list
) -> None:
    _app, board = make_app(tmp_path_factory.mktemp("spans") / "board.db", clock)
    try:
        service = board.kpi
        service._upsert([_obs(*item) for item in stored], False)
        incoming = [
            _obs(span, source, metric, value=2)
            for span, source, metric in new
            if source != "manual"
        ]
        assert service._superseded_by(incoming, "US") == _old_superseded_by(service, incoming, "US")
    finally:
        board.close()


def test_storing_a_report_reads_no_observation_objects(
    tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _app, board = make_app(tmp_path / "board.db", clock)
    try:
        raw = SP_FILE.read_bytes()
        import_report(board.kpi, raw, marketplace="US")
        monkeypatch.setattr(
            type(board.kpi), "observations", lambda *_a, **_k: pytest.fail("read every row")
        )
        again = import_report(board.kpi, raw, marketplace="US")
        assert again.added == again.replaced == 0 and again.unchanged > 0
    finally:
        board.close()


# --- the pane reads a month once -----------------------------------------------------------


@contextmanager
def observation_queries(board) -> Iterator[list[str]]:
    """The SELECTs on kpi_observation while the block runs."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "kpi_observation" in statement:
            seen.append(statement)

    event.listen(board.db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(board.db.engine, "before_cursor_execute", count)


async def test_a_month_change_reads_only_the_month_not_read_yet(tmp_path: Path, clock) -> None:
    from kanban_tui.ui.screens.kpi import KpiScreen

    app, board = make_app(tmp_path / "board.db", clock)
    for name in ("business_en_bom.csv", "sp_advertised_product_daily.csv"):
        import_report(board.kpi, (REPORTS / name).read_bytes(), marketplace="US")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KpiScreen) and screen.month == "2026-05"
        for month in ("2026-04", "2026-03", "2026-02"):
            with observation_queries(board) as seen:
                await pilot.press("left_square_bracket")
                await pilot.pause()
            assert screen.month == month
            # the month shown and the one before it (its change column): one is read already
            assert len(seen) <= 1, seen
        with observation_queries(board) as seen:
            for _ in range(3):
                await pilot.press("right_square_bracket")
                await pilot.pause()
            await pilot.press("down")
            await pilot.pause()
        assert screen.month == "2026-05"
        assert seen == []
