"""Storage: the SQLite engine, sessions, schema checks and repositories."""

from kanban_tui.storage.database import Database, open_database

__all__ = ["Database", "open_database"]
