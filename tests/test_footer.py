"""The footer at 80 and 120 columns, in both languages: the keys a seller uses most stay
(issue 14). Goals kept ``[`` / ``]`` and dropped ``e Edit`` at 80 columns, the review
dropped ``n Note`` at 120 and the KPI pane ``a`` below 200, while the command palette's key
took 14 cells; now the palette key goes first, then long labels are shortened, then the
screen's least used keys go; ``?``, ``q`` and esc always stay, and ``?`` lists them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from kanban_tui.i18n import catalog
from kanban_tui.ui.widgets.footer import SHORT_PREFIX, UNRANKED, KanbanFooter, fit
from tests.conftest import FakeClock
from tests.ui_helpers import make_app

#: screen → the keys that open it from the board
OPEN = {"goals": ["g"], "review": ["3"], "kpi": ["2"], "templates": ["t"], "board": []}


async def footer_keys(tmp_path: Path, lang: str, screen: str, width: int) -> dict[str, str]:
    """key → label, as the footer of ``screen`` shows them at ``width`` columns."""
    app, _ = make_app(tmp_path / "board.db", FakeClock(), lang=lang)
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        for key in OPEN[screen]:
            before = app.screen
            await pilot.press(key)
            for _ in range(100):  # a screen opens on the next refresh
                if app.screen is not before and app.screen.is_mounted:
                    break
                await pilot.pause(0.01)
        await pilot.pause()
        footer = app.screen.query_one(KanbanFooter)
        shown = list(footer.shown_keys())
        # every key is whole: the row ends inside the screen
        assert max(key.region.right for key in shown) <= width
        return {key.key_display: key.description for key in shown}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("screen", "width", "wanted"),
    [
        ("goals", 80, {"e", "[", "]", "esc"}),
        ("review", 80, {"k", "p", "e", "x", "n", "esc"}),
        ("review", 120, {"[", "]", "w", "k", "p", "e", "x", "n", "esc"}),
        ("kpi", 80, {"a", "m", "[", "]", "esc"}),
        ("kpi", 120, {"a", "m", "i", "r", "[", "]", "esc"}),
        ("templates", 80, {"a", "e", "p", "d", "esc"}),
    ],
)
async def test_the_keys_a_seller_uses_most_stay(tmp_path, lang, screen, width, wanted):
    shown = await footer_keys(tmp_path, lang, screen, width)
    assert wanted | {"?", "q"} <= set(shown), shown


async def test_labels_are_shortened_before_keys_are_left_out(tmp_path):
    shown = await footer_keys(tmp_path, "en", "kpi", 80)
    assert shown["["] == "Prev" and shown["a"] == "Add value"
    shown = await footer_keys(tmp_path, "zh", "kpi", 80)
    assert shown["["] == "上月" and shown["a"] == "录入"
    # with room enough the full labels stay, and the palette's key with them
    shown = await footer_keys(tmp_path, "en", "kpi", 200)
    assert shown["["] == "Prev month" and shown["a"] == "Enter a value" and "^p" in shown


async def test_a_pair_is_shown_whole_or_not_at_all(tmp_path):
    # at 80 columns the review has no room for both [ and ]: neither is shown alone
    shown = await footer_keys(tmp_path, "en", "review", 80)
    assert "[" not in shown and "]" not in shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_short_label_names_a_message_and_is_shorter(lang):
    texts = catalog(lang)
    shorts = {k[len(SHORT_PREFIX) :]: v for k, v in texts.items() if k.startswith(SHORT_PREFIX)}
    assert shorts
    for message, short in shorts.items():
        assert message in texts, message
        assert cell_len(short) <= cell_len(texts[message]), message


widths = st.lists(st.integers(min_value=3, max_value=20), min_size=1, max_size=12)


@settings(deadline=None)  # the rule is checked, never its speed (a loaded machine stalls)
@given(widths, st.data(), st.integers(min_value=0, max_value=200), st.integers(0, 16))
def test_fit_keeps_the_essential_keys_and_stays_in_the_room(full, data, room, palette):
    n = len(full)
    short = [data.draw(st.integers(min_value=3, max_value=w)) for w in full]
    rank = data.draw(st.lists(st.sampled_from([0, 1, 2, 3, UNRANKED]), min_size=n, max_size=n))
    fitted = fit(full, short, rank, room, palette)
    widths = short if fitted.short else full
    used = sum(w for w, shown in zip(widths, fitted.shown, strict=True) if shown)
    used += palette if fitted.palette else 0
    essential = sum(w for w, r in zip(short, rank, strict=True) if r == 0)
    assert all(shown for shown, r in zip(fitted.shown, rank, strict=True) if r == 0)
    if essential <= room:
        assert used <= room
    if all(fitted.shown):  # nothing left out: shortened only when the full labels do not fit
        assert fitted.short == (sum(full) > room)
    for group in {r for r in rank if 0 < r < UNRANKED}:  # a group: all or none
        members = {shown for shown, r in zip(fitted.shown, rank, strict=True) if r == group}
        assert len(members) == 1
    if fitted.palette:
        assert all(fitted.shown) and not fitted.short
