"""Chinese (and mixed) text wrapped by cells keeps the usual CJK line-break rules (kinsoku,
issue 14): no line starts with closing punctuation (，。、）」』】》！？：；…) and no line ends
with an opening bracket (（「『【《“(…), wherever a line can break without that."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from kanban_tui.domain.text import CLOSING, OPENING, line_breaks
from kanban_tui.ui.widgets.wrapped import CellWrapped

PIECES = [
    *"年还没有销售目标做事",
    *"，。、）」』】》！？：；”",
    *"（「『【《“(",
    *["ab", "SKU-12", " ", "  ", ")", "."],
]


def pieces(text: str, width: int) -> list[str]:
    starts = [0, *line_breaks(text, width), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(starts)]


def wide(char: str) -> bool:
    return cell_len(char) == 2


def may_break(text: str, at: int) -> bool:
    """Whether a line may start at ``at`` by the rules (at a space or beside a CJK
    character, not before closing punctuation, not after an opening bracket)."""
    before = text[:at].rstrip()
    if not before or text[at].isspace():
        return False
    boundary = text[at - 1].isspace() or wide(text[at - 1]) or wide(text[at])
    return boundary and before[-1] not in OPENING and text[at] not in CLOSING


@given(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.integers(min_value=2, max_value=30),
)
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(text, width):
    lines = pieces(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line.rstrip()) <= width for line in lines)
    start = 0
    for line in lines[:-1]:
        end = start + len(line)
        if not may_break(text, end):
            # only a piece the rules leave no break in (wider than the line) is cut
            inside = [at for at in range(start + 1, end) if may_break(text, at)]
            assert not inside, (lines, end)
        start = end


def test_brackets_stay_with_their_words():
    text = "今天要做的事（很重要）和别的。还有“引号”的话"
    assert pieces(text, 12) == ["今天要做的事", "（很重要）和", "别的。还有", "“引号”的话"]


def test_a_full_stop_at_the_edge_goes_down_with_the_character_before_it():
    # 6 characters fill 12 cells; "。" may not start the next line, so "事" goes with it
    assert pieces("今天要做的事。明天", 12) == ["今天要做的", "事。明天"]


def test_a_bracket_before_a_character_at_the_edge_goes_down_with_it():
    assert pieces("今天要做的（事）", 12) == ["今天要做的", "（事）"]
    assert pieces("abc (中文) def", 8) == ["abc (中", "文) def"]


def test_the_wrapped_widget_text_keeps_the_rules():
    lines = [line.plain for line in CellWrapped(Text("今天要做的事。还有“引号”的话")).lines(12)]
    assert lines == ["今天要做的", "事。还有“引", "号”的话"]
