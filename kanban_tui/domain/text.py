"""Showing user text literally in a terminal.

Titles and notes are rendered as plain :class:`rich.text.Text`, never parsed as markup; on
top of that every control character (ESC of a CSI/OSC sequence, BEL, backspace, C1 codes…)
is replaced by a visible stand-in so nothing the user typed or imported can drive the
terminal.
"""

from __future__ import annotations

import json
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NEWLINES = re.compile(r"[\r\n\t]+")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛, ␇, …: Unicode control pictures
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def literal(text: str) -> str:
    """``text`` with control characters made visible (keeps newlines and tabs); a lone
    surrogate (bytes that were not UTF-8) becomes U+FFFD so printing never fails."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(_picture, text))


def one_line(text: str) -> str:
    """``text`` on one line, for a card row or a table cell."""
    return literal(_NEWLINES.sub(" ", text))


#: A CJK character: two cells, and a line may break before or after it.
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")
#: Kinsoku (the usual CJK line-break rules): no line starts with one of these …
CLOSING = frozenset("，。、）」』】》〉〕］｝！？：；,.;:!?)]}”’・…ー々〆ゝゞ")
#: … and no line ends with one of these.
OPENING = frozenset("（「『【《〈〔［｛“‘([{")


def _units(text: str) -> list[tuple[int, int, bool]]:
    """``text`` as ``(start, end, space)`` pieces a line may break between: a run of
    spaces, or a word / CJK character together with the opening brackets before it and
    the closing punctuation after it, spaces between them included (a line never breaks
    there)."""
    units: list[tuple[int, int, bool]] = []
    at = 0
    word = -1  # the index of the last word's piece in ``units``
    glued = False  # the last word or character ended with an opening bracket
    for token in _TOKENS.findall(text):
        end = at + len(token)
        if token.isspace():
            units.append((at, end, True))
        else:
            if word >= 0 and (glued or token[0] in CLOSING):  # one piece from that word on
                del units[word + 1 :]
                units[word] = (units[word][0], end, False)
            else:
                units.append((at, end, False))
                word = len(units) - 1
            glued = token[-1] in OPENING
        at = end
    return units


def line_breaks(text: str, width: int) -> list[int]:
    """Where a one-line ``text`` wrapped to ``width`` terminal cells starts each new line
    (indexes into ``text``): a CJK character is two cells and a line may break between any
    two of them, except that no line starts with closing punctuation (，。）」！…) and none
    ends with an opening bracket (（「“(…); other words break at spaces; a word (or such a
    group) wider than the line is cut by cells."""
    from rich.cells import cell_len

    width = max(width, 2)
    breaks: list[int] = []
    used = 0
    for start, end, space in _units(text):
        piece = text[start:end]
        if space:
            used += cell_len(piece)
            continue
        if used and used + cell_len(piece) > width:
            breaks.append(start)
            used = 0
        for at, char in enumerate(piece, start):  # wider than a whole line: cut by cells
            size = cell_len(char)
            if used and used + size > width:
                breaks.append(at)
                used = 0
            used += size
    return breaks


#: How much of a card's title a toast shows.
TOAST_TITLE_CELLS = 40


def shorten(text: str, cells: int = TOAST_TITLE_CELLS) -> str:
    """``text`` on one line in at most ``cells`` terminal cells: cut at a word boundary
    (by cell width, so CJK counts double) with "…"; a text without a space near the end
    (Chinese, a long SKU) is cut by cells."""
    from rich.cells import cell_len

    flat = one_line(text).strip()
    if cell_len(flat) <= cells:
        return flat
    room = cells - 1  # the "…"
    kept = ""
    used = 0
    for char in flat:
        width = cell_len(char)
        if used + width > room:
            break
        kept += char
        used += width
    space = kept.rfind(" ")
    if space >= len(kept) // 2 and flat[len(kept)] != " ":
        kept = kept[:space]
    return kept.rstrip(" ,;:-–—·") + "…"


def checklist_items(stored: str) -> list[dict[str, Any]]:
    """A card's stored checklist (JSON) as ``[{"text": str, "done": bool}]`` (and the
    ``"key"`` of an item that has one).

    A value another program wrote that is not such a list (not JSON, a number, items
    without text) does not stop the board: each item that has no shape becomes its text,
    and text that is not JSON becomes a single unticked item.
    """
    if not stored:
        return []
    try:
        value = json.loads(stored)
    except ValueError:
        return [{"text": stored, "done": False}]
    if not isinstance(value, list):
        return [{"text": str(value), "done": False}]
    items: list[dict[str, Any]] = []
    for item in value:
        if isinstance(item, dict):
            found = {"text": str(item.get("text", "")), "done": bool(item.get("done"))}
            if isinstance(item.get("key"), str) and item["key"]:
                found["key"] = item["key"]  # a step shown in each reader's language
            items.append(found)
        else:
            items.append({"text": str(item), "done": False})
    return items
