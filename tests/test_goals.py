"""The annual goal splits into months, quarters and weeks that add back up to the cent."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kanban_tui.domain import goals

AMOUNTS = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
WEIGHTS = st.lists(
    st.decimals(min_value=0, max_value=50, places=3, allow_nan=False), min_size=12, max_size=12
).filter(lambda ws: sum(ws) > 0)


@settings(max_examples=300, deadline=None)
@given(amount=AMOUNTS, weights=st.one_of(st.just([]), WEIGHTS))
def test_months_and_quarters_sum_back_to_the_annual_goal(amount, weights):
    monthly = goals.months(amount, weights)
    assert len(monthly) == 12
    assert sum(monthly) == amount
    assert all(m == m.quantize(Decimal("0.01")) and m >= 0 for m in monthly)
    assert sum(goals.quarters(monthly)) == amount
    # proportional: no month is more than a cent away from its exact share
    ws = weights or [Decimal(1)] * 12
    for share, weight in zip(monthly, ws, strict=True):
        assert abs(share - amount * weight / sum(ws)) < Decimal("0.01")


@settings(max_examples=200, deadline=None)
@given(amount=AMOUNTS, year=st.integers(2024, 2030), month=st.integers(1, 12))
def test_weeks_of_a_month_sum_to_the_month(amount, year, month):
    weeks = goals.weeks_of_month(amount, year, month)
    assert sum(v for _, v in weeks) == amount
    assert 4 <= len(weeks) <= 6


def test_the_seeds_example_and_a_heavy_fourth_quarter():
    assert goals.months(Decimal(120000)) == [Decimal("10000.00")] * 12
    heavy = goals.months(
        Decimal(120000), [Decimal(1)] * 9 + [Decimal("1.5"), Decimal(2), Decimal("2.5")]
    )
    assert heavy[0] == Decimal("8000.00") and heavy[11] == Decimal("20000.00")
    assert sum(heavy) == Decimal(120000)
    assert goals.months(Decimal(100))[0] in (Decimal("8.33"), Decimal("8.34"))
    assert goals.weeks_of_month(Decimal(3000), 2026, 11)[0] == ("2026-W44", Decimal("100.00"))
