"""What the commands print: text padded and wrapped by terminal cells (a Chinese character
takes two), user text made literal (never terminal escapes), JSON, and exports written
to a file or to stdout."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

#: A CJK character: two cells, and a line may break before or after it.
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")


def wrap_cells(text: str, width: int) -> list[str]:
    """Wrap ``text`` to ``width`` terminal cells: a CJK character is two cells and a line may
    break between any two of them; other words break at spaces (argparse counts characters,
    so Chinese help ran past the terminal's edge)."""
    width = max(width, 10)
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if token.isspace():
            if line:
                line += " "
            continue
        if line and cells(line) + cells(token) > width:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def cells(text: str) -> int:
    """Terminal cells of ``text`` (a Chinese character takes two, a combining mark none)."""
    from rich.cells import cell_len

    return cell_len(text)


def pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal cells."""
    return text + " " * max(0, width - cells(text))


def rpad(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells."""
    return " " * max(0, width - cells(text)) + text


def widest(texts: Iterable[str], least: int = 0) -> int:
    return max([least, *map(cells, texts)])


def say(text: str) -> None:
    """Print one piece of user-facing text the way the board shows it: control characters
    (terminal escapes) made visible, never interpreted."""
    from kanban_tui.domain.text import literal

    print(literal(text))


def print_json(value: Any, indent: int | None = None) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=indent))


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...

    def as_json(self) -> dict[str, Any]: ...


def print_row(row: _Row, as_json: bool) -> None:
    """A card or template a command changed: its JSON, or just its id (for scripts)."""
    if as_json:
        print_json(row.as_json())
    else:
        print(row.id)


def emit(data: bytes, output: str | None, live: Path | None = None) -> None:
    """Write an export to ``output`` atomically and print its path, or to stdout.

    ``output`` is refused when it is the open database ``live``, any database, a FIFO or a
    device (see :func:`kanban_tui.services.files.check_output`)."""
    if output:
        from kanban_tui.exporters import write_atomic
        from kanban_tui.services.files import check_output

        target = check_output(output, live)
        say(str(write_atomic(target, data)))
        return
    if sys.stdout.isatty():  # user text must not drive the terminal
        from kanban_tui.domain.text import literal

        data = literal(data.decode("utf-8")).encode("utf-8")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
