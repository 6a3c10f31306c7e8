"""Alembic migrations of the seller-kanban schema, shipped inside the package.

``env.py`` runs on a connection handed over by :mod:`kanban_tui.storage.revisions`; no
``alembic.ini`` is needed at run time. Revision ``0001`` is the schema of release v2 (the
last one the old ``PRAGMA user_version`` steps in :mod:`kanban_tui.storage.migrations`
reach); every later schema change is a new revision in ``versions/``.
"""
