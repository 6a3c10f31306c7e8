"""KPI definitions and arithmetic: ratios of sums, targets, pacing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kanban_tui.domain.kpi import (
    ADDITIVE_METRICS,
    BASE_METRICS,
    SNAPSHOT_METRICS,
    Formula,
    KpiConfigError,
    KpiDefinition,
    Observation,
    Status,
    Target,
    aggregate,
    compute,
    format_value,
    merge_sums,
    rolling_mean,
    rolling_sums,
    sales_pacing,
    status,
)
from kanban_tui.services.kpi_definitions import load_definitions

KPIS_TOML = Path(__file__).resolve().parents[1] / "data" / "kpis.toml"
D = Decimal


@pytest.fixture(scope="module")
def defs() -> dict[str, KpiDefinition]:
    return load_definitions(KPIS_TOML)


def obs(day: int, metric: str, value: str | Decimal, currency: str | None = None) -> Observation:
    return Observation(
        day=date(2026, 5, day),
        marketplace="US",
        metric=metric,
        value=D(value),
        source="test",
        currency=currency,
    )


# --- definitions -------------------------------------------------------------------------


def test_shipped_definitions_hold_the_seed_targets(defs: dict[str, KpiDefinition]) -> None:
    assert set(defs) == {
        "sales",
        "acos",
        "roas",
        "tacos",
        "conversion",
        "cpc",
        "ctr",
        "odr",
        "response_hours",
        "keyword_coverage",
        "gross_margin",
        "contribution_margin",
        "organic_share",
        "bsr",
        "inventory_turnover",
        "days_of_cover",
    }
    assert defs["acos"].target == Target(max=D("0.25"))
    assert defs["roas"].target == Target(min=D("3.0"))
    assert defs["roas"].unit == "multiple"
    assert defs["cpc"].target == Target(min=D("0.80"), max=D("1.50"))
    assert defs["cpc"].better == "range"
    assert defs["odr"].target == Target(max=D("0.01"), max_exclusive=True)
    assert defs["response_hours"].target == Target(max=D(24), max_exclusive=True)
    assert defs["keyword_coverage"].target == Target(min=D("0.70"), min_exclusive=True)
    assert defs["gross_margin"].target == Target(min=D("0.30"))
    assert defs["organic_share"].target == Target(min=D("0.40"))
    assert defs["conversion"].target == Target(min=D("0.12"))
    for key in ("tacos", "ctr", "bsr", "sales", "contribution_margin", "inventory_turnover"):
        assert defs[key].target is None
    assert defs["sales"].target_runtime == "monthly_goal"
    assert all(definition.band == D("0.1") for definition in defs.values())
    assert all(definition.name_zh and definition.name_en for definition in defs.values())


def test_shipped_formulas(defs: dict[str, KpiDefinition]) -> None:
    formulas = {key: d.formula.text for key, d in defs.items() if d.formula is not None}
    assert formulas == {
        "acos": "ad_spend / ad_sales",
        "roas": "ad_sales / ad_spend",
        "tacos": "ad_spend / sales",
        "conversion": "units / sessions",
        "cpc": "ad_spend / clicks",
        "ctr": "clicks / impressions",
        "gross_margin": "(sales - cogs) / sales",
        "contribution_margin": "(sales - cogs - fees - ad_spend) / sales",
        "organic_share": "(sessions - clicks) / sessions",
    }
    margin = defs["contribution_margin"].formula
    assert margin is not None
    assert [(term.sign, term.metric) for term in margin.numerator] == [
        (1, "sales"),
        (-1, "cogs"),
        (-1, "fees"),
        (-1, "ad_spend"),
    ]
    assert defs["organic_share"].measured == "organic_share_measured"
    assert defs["organic_share"].inputs == ("sessions", "clicks", "organic_share_measured")


def test_load_from_text_uses_default_band_and_exact_decimals() -> None:
    text = """
default_band = 0.05
[[kpi]]
key = "acos"
name_en = "ACoS"
name_zh = "ACoS"
unit = "ratio"
better = "lower"
formula = "ad_spend / ad_sales"
target = { max = 0.1 }
[[kpi]]
key = "ctr"
name_en = "CTR"
name_zh = "点击率"
unit = "ratio"
better = "higher"
formula = "clicks / impressions"
band = 0.2
"""
    loaded = load_definitions(text)
    assert loaded["acos"].band == D("0.05")
    assert loaded["ctr"].band == D("0.2")
    target = loaded["acos"].target
    assert target is not None and target.max == D("0.1")  # not 0.1000000000000000055…


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'metric = "sales"\nformula = "sales / units"',
            "exactly one of 'metric', 'formula' or 'computed'",
        ),
        ("", "exactly one of 'metric', 'formula' or 'computed'"),
        ('formula = "ad_spend / revenue"', "unknown base metric 'revenue'"),
        ('formula = "ad_spend"', "must be one ratio"),
        ('formula = "ad_spend / ad_sales / clicks"', "must be one ratio"),
        ('formula = "(sales - ) / sales"', "empty or incomplete"),
        ('formula = "sales * 2 / units"', "cannot read"),
        ('metric = "odr"\ntarget = { min = 0.5, max = 0.1 }', "above max"),
        ('metric = "odr"\nband = 1.5', "band must be a fraction"),
        ('metric = "odr"\ncolour = "red"', "colour"),
    ],
)
def test_invalid_definitions_name_the_kpi_and_the_problem(body: str, message: str) -> None:
    text = '[[kpi]]\nkey = "broken"\nname_en = "B"\nname_zh = "B"\nunit = "ratio"\n'
    text += f'better = "lower"\n{body}\n'
    with pytest.raises(KpiConfigError) as caught:
        load_definitions(text)
    assert "'broken'" in str(caught.value)
    assert message in str(caught.value)


def test_range_kpi_needs_both_limits() -> None:
    text = """[[kpi]]
key = "cpc"
name_en = "CPC"
name_zh = "CPC"
unit = "money"
better = "range"
formula = "ad_spend / clicks"
target = { min = 0.8 }
"""
    with pytest.raises(KpiConfigError, match="both min and max"):
        load_definitions(text)


def test_duplicate_keys_and_bad_toml_are_refused() -> None:
    one = '[[kpi]]\nkey = "odr"\nname_en = "O"\nname_zh = "O"\nunit = "ratio"\n'
    one += 'better = "lower"\nmetric = "odr"\n'
    with pytest.raises(KpiConfigError, match="defined twice"):
        load_definitions(one + one)
    with pytest.raises(KpiConfigError, match="not valid TOML"):
        load_definitions("[[kpi]\nkey=")
    with pytest.raises(KpiConfigError, match="unknown top-level"):
        load_definitions("targets = 1\n")


def test_formula_parse_and_evaluate() -> None:
    formula = Formula.parse("(sessions - clicks) / sessions")
    assert formula.metrics == ("sessions", "clicks")
    assert formula.evaluate({"sessions": D(400), "clicks": D(100)}) == D("0.75")
    assert formula.evaluate({"sessions": D(0), "clicks": D(0)}) is None
    assert formula.evaluate({"sessions": D(400)}) is None


# --- aggregation ---------------------------------------------------------------------------


def test_month_acos_is_ratio_of_sums_not_mean_of_daily_ratios(
    defs: dict[str, KpiDefinition],
) -> None:
    observations = [
        obs(1, "ad_spend", "10", "USD"),
        obs(1, "ad_sales", "100", "USD"),  # 10 %
        obs(2, "ad_spend", "30", "USD"),
        obs(2, "ad_sales", "50", "USD"),  # 60 %
    ]
    result = compute(defs, aggregate(observations))
    assert result["acos"] == D(40) / D(150)  # 26.67 %, while the mean of days is 35 %
    assert result["roas"] == D("3.75")


money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)
count = st.integers(min_value=0, max_value=50_000).map(Decimal)
DAY_METRICS = st.fixed_dictionaries(
    {
        "sales": money,
        "ad_spend": money,
        "ad_sales": money,
        "cogs": money,
        "fees": money,
        "units": count,
        "sessions": count,
        "clicks": count,
        "impressions": count,
    }
)


@settings(max_examples=150, deadline=None)
@given(days=st.lists(DAY_METRICS, min_size=1, max_size=31), data=st.data())
def test_any_split_of_days_gives_the_same_kpis(
    defs: dict[str, KpiDefinition], days: list[dict[str, Decimal]], data: st.DataObject
) -> None:
    start = date(2026, 5, 1)
    observations = [
        Observation(
            day=start + timedelta(days=index),
            marketplace="US",
            metric=metric,
            value=value,
            source="test",
            currency="USD" if metric in {"sales", "ad_spend", "ad_sales", "cogs", "fees"} else None,
        )
        for index, day in enumerate(days)
        for metric, value in day.items()
    ]
    labels = data.draw(st.lists(st.integers(0, 5), min_size=len(days), max_size=len(days)))
    groups: dict[int, list[Observation]] = {}
    for item in observations:
        groups.setdefault(labels[(item.day - start).days], []).append(item)
    group_sums = [aggregate(group) for group in groups.values()]

    added: dict[str, Decimal] = {}
    for sums in group_sums:
        for metric, value in sums.items():
            added[metric] = added.get(metric, D(0)) + value
    whole = aggregate(observations)
    assert added == whole == merge_sums(group_sums)

    result = compute(defs, added)
    assert result == compute(defs, whole)
    spend = sum((day["ad_spend"] for day in days), D(0))
    ad_sales = sum((day["ad_sales"] for day in days), D(0))
    sales = sum((day["sales"] for day in days), D(0))
    assert result["acos"] == (spend / ad_sales if ad_sales else None)
    assert result["roas"] == (ad_sales / spend if spend else None)
    assert result["tacos"] == (spend / sales if sales else None)
    costs = sum((day["cogs"] + day["fees"] + day["ad_spend"] for day in days), D(0))
    assert result["contribution_margin"] == ((sales - costs) / sales if sales else None)
    cogs = sum((day["cogs"] for day in days), D(0))
    assert result["gross_margin"] == ((sales - cogs) / sales if sales else None)


def test_aggregate_takes_latest_day_for_snapshot_metrics() -> None:
    observations = [
        obs(1, "odr", "0.004"),
        obs(3, "odr", "0.012"),
        obs(2, "odr", "0.002"),
        obs(3, "bsr", "1200"),
        Observation(
            day=date(2026, 5, 3),
            marketplace="US",
            scope="B0X",
            metric="bsr",
            value=D(800),
            source="test",
        ),
        obs(1, "clicks", "5"),
        obs(2, "clicks", "7"),
    ]
    sums = aggregate(observations)
    assert sums == {"odr": D("0.012"), "bsr": D(1000), "clicks": D(12)}
    assert aggregate(observations, ["clicks"]) == {"clicks": D(12)}
    assert set(BASE_METRICS) == SNAPSHOT_METRICS | ADDITIVE_METRICS


def test_aggregate_refuses_to_add_currencies_and_unknown_metrics() -> None:
    with pytest.raises(ValueError, match="USD and in EUR"):
        aggregate([obs(1, "sales", "10", "USD"), obs(2, "sales", "10", "EUR")])
    with pytest.raises(ValueError, match="unknown base metric 'revenue'"):
        aggregate([], ["revenue"])


def test_observation_validates_metric_and_currency() -> None:
    with pytest.raises(ValidationError, match="unknown base metric"):
        obs(1, "revenue", "1")
    with pytest.raises(ValidationError, match="ISO code"):
        obs(1, "sales", "1", "$")
    assert obs(1, "sales", "1").scope == "store"


# --- compute -----------------------------------------------------------------------------


def test_compute_reports_missing_inputs_and_zero_denominators(
    defs: dict[str, KpiDefinition],
) -> None:
    result = compute(defs, {"sales": D(1000), "ad_spend": D(100), "ad_sales": D(0)})
    assert result["acos"] is None  # zero denominator
    assert "acos" not in result.missing
    assert result["tacos"] == D("0.1")
    assert result["gross_margin"] is None
    assert result.missing["gross_margin"] == ("cogs",)
    assert result.missing["contribution_margin"] == ("cogs", "fees")
    assert result["odr"] is None and result.missing["odr"] == ("odr",)
    assert result["sales"] == D(1000)


def test_gross_margin_and_conversion(defs: dict[str, KpiDefinition]) -> None:
    sums = {
        "sales": D("10000"),
        "cogs": D("3500"),
        "fees": D("2500"),
        "ad_spend": D("1000"),
        "units": D(290),
        "sessions": D(2843),
    }
    result = compute(defs, sums)
    assert result["gross_margin"] == D("0.65")  # (sales − COGS) / sales
    assert result["contribution_margin"] == D("0.3")  # after fees and ads
    assert result["conversion"] == D(290) / D(2843)


def test_organic_share_measured_beats_the_estimate(defs: dict[str, KpiDefinition]) -> None:
    estimated = compute(defs, {"sessions": D(1000), "clicks": D(450)})
    assert estimated["organic_share"] == D("0.55")
    assert "organic_share" not in estimated.measured
    measured = compute(
        defs, {"sessions": D(1000), "clicks": D(450), "organic_share_measured": D("0.62")}
    )
    assert measured["organic_share"] == D("0.62")
    assert measured.measured == {"organic_share"}


# --- status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("acos", "0.20", Status.OK),
        ("acos", "0.23", Status.WARNING),
        ("acos", "0.25", Status.WARNING),  # ≤ 25 % is inclusive
        ("acos", "0.2501", Status.BREACH),
        ("roas", "4", Status.OK),
        ("roas", "3.2", Status.WARNING),
        ("roas", "2.99", Status.BREACH),
        ("odr", "0.005", Status.OK),
        ("odr", "0.0095", Status.WARNING),
        ("odr", "0.01", Status.BREACH),  # strict: ODR must be below 1 %
        ("cpc", "0.79", Status.BREACH),
        ("cpc", "0.85", Status.WARNING),
        ("cpc", "1.10", Status.OK),
        ("cpc", "1.40", Status.WARNING),
        ("cpc", "1.51", Status.BREACH),
        ("response_hours", "24", Status.BREACH),  # strict: a reply within 24 h
        ("response_hours", "23.9", Status.WARNING),
        ("response_hours", "25", Status.BREACH),
        ("response_hours", "6", Status.OK),
        ("keyword_coverage", "0.69", Status.BREACH),
        ("keyword_coverage", "0.70", Status.BREACH),  # strict: coverage above 70 %
        ("keyword_coverage", "0.71", Status.WARNING),
        ("keyword_coverage", "0.9", Status.OK),
        ("tacos", "0.5", Status.NONE),
        ("bsr", "120", Status.NONE),
    ],
)
def test_status_against_seed_targets(
    defs: dict[str, KpiDefinition], key: str, value: str, expected: Status
) -> None:
    assert status(defs[key], D(value)) is expected


def test_status_overrides_and_symbols(defs: dict[str, KpiDefinition]) -> None:
    goal = Target(min=D(10000))
    assert status(defs["sales"], D(12000), target_override=goal) is Status.OK
    assert status(defs["sales"], D(10500), target_override=goal) is Status.WARNING
    assert status(defs["sales"], D(9000), target_override=goal) is Status.BREACH
    assert status(defs["sales"], D(9000)) is Status.NONE
    assert status(defs["acos"], None) is Status.NONE
    assert status(defs["acos"], D("0.23"), band=D(0)) is Status.OK
    assert status(defs["acos"], D("0.18"), band=D("0.3")) is Status.WARNING
    assert [s.symbol for s in Status] == ["✓", "!", "✗", "·"]
    assert Status.BREACH == "breach"


def test_format_value(defs: dict[str, KpiDefinition]) -> None:
    assert format_value(defs["acos"], D("0.2345")) == "23.4%"
    assert format_value(defs["sales"], D("1234.5"), "USD") == "1,234.50 USD"
    assert format_value(defs["sales"], D("86640"), "JPY") == "86,640 JPY"
    assert format_value(defs["roas"], D("3.2")) == "3.20×"
    assert format_value(defs["bsr"], D("1204")) == "#1,204"
    assert format_value(defs["response_hours"], D("5")) == "5.0 h"
    assert format_value(defs["acos"], None) == "—"


# --- trends and pacing ---------------------------------------------------------------------


def test_rolling_mean_skips_gaps() -> None:
    values = [D(1), D(2), None, D(4), D(5)]
    assert rolling_mean(values, window=2) == [D(1), D("1.5"), D(2), D(4), D("4.5")]
    assert rolling_mean(values, window=3, min_periods=3) == [None, None, None, None, None]
    assert rolling_mean([None, None], window=7) == [None, None]
    assert rolling_mean([]) == []
    with pytest.raises(ValueError):
        rolling_mean(values, window=0)


@given(
    values=st.lists(
        st.none() | st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
        max_size=60,
    ),
    window=st.integers(1, 10),
)
def test_rolling_mean_matches_the_definition(values: list[Decimal | None], window: int) -> None:
    expected: list[Decimal | None] = []
    for end in range(len(values)):
        present = [v for v in values[max(0, end - window + 1) : end + 1] if v is not None]
        expected.append(sum(present, D(0)) / len(present) if present else None)
    assert rolling_mean(values, window) == expected


def test_rolling_sums_give_window_ratios(defs: dict[str, KpiDefinition]) -> None:
    daily = [
        {"ad_spend": D(10), "ad_sales": D(100)},
        {"ad_spend": D(30), "ad_sales": D(50)},
        {"ad_spend": D(20), "ad_sales": D(100), "odr": D("0.002")},
    ]
    windows = rolling_sums(daily, window=2)
    assert windows[1] == {"ad_spend": D(40), "ad_sales": D(150)}
    assert windows[2] == {"ad_spend": D(50), "ad_sales": D(150), "odr": D("0.002")}
    assert [compute(defs, w)["acos"] for w in windows] == [D("0.1"), D(40) / 150, D(50) / 150]


def test_sales_pacing() -> None:
    pacing = sales_pacing(D(4000), D(10000), day_of_month=10, days_in_month=30)
    assert pacing.projection == D(12000)
    assert pacing.needed_per_day == D(300)
    assert pacing.remaining == D(6000)
    assert pacing.days_left == 20

    done = sales_pacing(D(9000), D(10000), day_of_month=31, days_in_month=31)
    assert done.needed_per_day is None
    assert done.projection == D(9000)
    ahead = sales_pacing(D(11000), D(10000), day_of_month=20, days_in_month=30)
    assert ahead.needed_per_day == D(0)
    start = sales_pacing(D(0), D(10000), day_of_month=0, days_in_month=30)
    assert start.projection is None
    assert start.needed_per_day == D(10000) / 30

    for bad in ((D(0), D(1), 31, 30), (D(0), D(1), -1, 30), (D(0), D(-1), 1, 30)):
        with pytest.raises(ValueError):
            sales_pacing(*bad)
