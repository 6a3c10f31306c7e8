"""Messages the app sends to its screens."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Another process committed to the database (the app's one ``data_version`` poll)."""
