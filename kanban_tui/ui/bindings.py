"""Key bindings whose descriptions follow the UI language.

Textual reads a class's ``BINDINGS`` once, when the class is created, in whatever language
is active then; the footer shows their descriptions. Screens therefore translate their own
bindings again when they are made.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.dom import DOMNode


def retranslate(node: DOMNode, bindings: list[BindingType]) -> None:
    """Give ``node``'s own bindings the descriptions of ``bindings`` (same keys, same
    actions), keeping the bindings it inherits (tab, ctrl+p …).

    ``BINDINGS`` are read when the class is created, in the language active then; the
    footer shows their descriptions, so a screen translates them again when it is made.
    """
    fresh = {(b.key, b.action): b for b in Binding.make_bindings(bindings)}
    table = node._bindings.key_to_bindings
    for key, found in table.items():
        table[key] = [fresh.get((b.key, b.action), b) for b in found]
