"""One number parser, one KPI wording, one manual-entry call, and a KPI service that reads
no report files: what the KPI screens, the review and the CLI now share."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kanban_tui.domain.models import Source
from kanban_tui.domain.numbers import NumberError, parse_number
from kanban_tui.i18n import set_language
from kanban_tui.services import kpi_words
from kanban_tui.services.goals import parse_goal
from kanban_tui.services.kpi_entry import Entry, parse_value, record
from kanban_tui.services.review import ReviewService
from tests.ui_helpers import make_app

FULL_WIDTH = str.maketrans("0123456789.,%$", "０１２３４５６７８９．，％＄")


def grouped_text(value: Decimal) -> str:
    return f"{value:,}"


# ------------------------------------------------------------------------ numbers


amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False)


@given(amounts)
def test_a_number_written_with_thousands_commas_reads_back(value):
    assert parse_number(grouped_text(value)) == parse_number(str(value))
    assert parse_number(grouped_text(value)).value == value


@given(amounts, st.sampled_from(["$", "€", "£", "¥", "￥", "＄"]))
def test_a_currency_sign_before_the_amount_is_allowed(value, sign):
    written = f"-{sign}{abs(value):,}" if value < 0 else f"{sign}{value:,}"
    assert parse_number(written).value == value


@given(st.decimals(min_value=0, max_value=100, places=3, allow_nan=False))
def test_a_percentage_is_read_as_a_fraction_only_when_asked(value):
    number = parse_number(f"{value}%")
    assert number.percent and number.value == value
    assert number.fraction == value / 100


@given(amounts)
def test_full_width_digits_read_like_ascii(value):
    assert parse_number(f"{value:,}".translate(FULL_WIDTH)).value == value


@given(st.text(alphabet="abcxyz!?#@NnIiFf", min_size=1, max_size=8))
def test_words_are_not_numbers(text):
    with pytest.raises(NumberError) as refused:
        parse_number(text)
    assert refused.value.reason == "not_a_number"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "%", "$", "1.2.3", "--5", "$-", ""])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(NumberError):
        parse_number(text)


def test_a_limit_refuses_sizes_at_or_above_it():
    assert parse_number("999", limit=1000).value == 999
    with pytest.raises(NumberError) as refused:
        parse_number("-1,000", limit=1000)
    assert refused.value.reason == "too_large"


def test_the_forms_accept_a_currency_sign_and_full_width_digits():
    assert parse_value("cogs", "$1,250.50") == Decimal("1250.50")
    assert parse_value("odr", "０．８％") == Decimal("0.008")
    values, errors = parse_goal("＄120,000", "usd", [])
    assert errors == {} and values is not None and values.amount == Decimal(120000)
    _, errors = parse_goal("10%", "USD", [])
    assert "amount" in errors  # a goal is an amount, not a share


def test_a_target_typed_as_a_percentage_is_a_fraction(tmp_path, clock):
    _, board = make_app(tmp_path / "t.db", clock)
    target = board.kpi.set_target("acos=22.5%")
    assert target.max == Decimal("0.225")
    definition = board.kpi.definitions["acos"]
    assert kpi_words.target_text(definition, board.kpi.targets()["acos"]) == "≤ 22.5%"
    board.close()


# ------------------------------------------------------------------------ wording


@pytest.mark.parametrize(
    ("lang", "name", "measured"),
    [("en", "Order defect rate", "Order defect rate"), ("zh", "订单缺陷率 (ODR)", None)],
)
def test_a_kpi_is_named_in_the_readers_language(tmp_path, clock, lang, name, measured):
    _, board = make_app(tmp_path / "t.db", clock)
    definitions = board.kpi.definitions
    assert kpi_words.kpi_name(definitions["odr"], lang) == name
    organic = definitions["organic_share"]
    assert kpi_words.kpi_name(organic, lang, measured=True) != kpi_words.kpi_name(organic, lang)
    set_language(lang)
    try:
        assert kpi_words.kpi_names(definitions, ["odr", "no_such"]) == [name, "no_such"]
    finally:
        set_language("en")
    board.close()


def test_every_surface_writes_the_odr_target_as_kpis_toml_states_it(tmp_path, clock):
    """data/kpis.toml says ODR < 1 % (strict): the pane's tile, the review and the CLI's
    ``kpi targets`` all write ``< 1.0%``, never ``≤``."""
    from kanban_tui.ui.screens.kpi.text import pane_target

    _, board = make_app(tmp_path / "t.db", clock)
    board.kpi.add(date(2026, 11, 20), "odr", Decimal("0.004"), "US")
    definition = board.kpi.definitions["odr"]
    tile = board.kpi.month("2026-11", "US").tiles["odr"]
    assert pane_target(definition, tile.target) == "< 1.0%"
    review = ReviewService(board).review("2026-11")
    line = next(line for line in review.kpis[0].lines if line.key == "odr")
    assert line.target_text == "< 1.0%"
    assert kpi_words.target_json(tile.target) == {"min": None, "max": 0.01, "comparison": "<"}
    board.close()
    result = subprocess.run(
        [sys.executable, "-m", "kanban_tui", "kpi", "targets", "--db", str(tmp_path / "t.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    odr = next(line for line in result.stdout.splitlines() if line.startswith("odr "))
    assert odr.endswith("< 1.0%")


# -------------------------------------------------------------------- manual entry


def test_one_call_stores_a_typed_value_and_opens_its_alert_card(tmp_path, clock):
    _, board = make_app(tmp_path / "t.db", clock)
    entry = Entry("odr", date(2026, 11, 20), parse_value("odr", "2.5%"), "store")
    done = record(board.kpi, entry, "US", board.check_alerts)
    assert done.summary.added == 1
    assert done.alerts_created == 1
    assert done.entry.shown == "2.5%"
    alerts = [c for c in board.cards.list_cards(include_all=True) if c.source == Source.ALERT]
    assert len(alerts) == 1
    again = record(board.kpi, entry, "US", board.check_alerts)
    assert again.summary.unchanged == 1 and again.alerts_created == 0
    board.close()


# ------------------------------------------------------------------------- layers


def test_the_kpi_services_load_no_report_reader():
    code = (
        "import sys, kanban_tui.services.kpi, kanban_tui.services.kpi_view, "
        "kanban_tui.services.kpi_entry, kanban_tui.services.goals, kanban_tui.services.review; "
        "print(sorted(m for m in sys.modules if m.startswith('kanban_tui.importers')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
