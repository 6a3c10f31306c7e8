"""``seller-kanban serve``: the board in a browser tab (textual-serve), safe by default.

Imported only by the ``serve`` command, so the rest of the CLI never loads aiohttp.
"""
