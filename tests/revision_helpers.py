"""Pretend the code is one schema revision ahead: a copy of the shipped Alembic scripts
with one more revision, and ``SCHEMA_VERSION`` one higher (for the tests of upgrades)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kanban_tui.domain.models import SCHEMA_VERSION


def _shipped() -> str:
    from kanban_tui.storage import revisions

    return revisions.HEAD


#: The head the package ships, and the revision the pretended code has beyond it.
SHIPPED = _shipped()
NEXT = f"{int(SHIPPED) + 1:04d}"

REVISION = """
from alembic import op

revision = {revision!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute({sql!r})


def downgrade() -> None:
    pass
"""


@contextmanager
def one_revision_ahead(folder: Path, monkeypatch: pytest.MonkeyPatch, sql: str) -> Iterator[None]:
    """The revision after the shipped head (:data:`NEXT`) runs ``sql``; ``SCHEMA_VERSION``
    is one higher meanwhile."""
    import kanban_tui.domain.models as models
    import kanban_tui.storage.database as database
    from kanban_tui.storage import migrations, revisions

    scripts = folder / "scripts"
    shutil.copytree(revisions.SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    text = REVISION.format(sql=sql, revision=NEXT, down=SHIPPED)
    (scripts / "versions" / f"{NEXT}_next.py").write_text(text, encoding="utf-8")
    monkeypatch.setattr(revisions, "SCRIPTS", scripts)
    monkeypatch.setattr(revisions, "HEAD", NEXT)
    for module in (models, database, migrations):
        monkeypatch.setattr(module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    revisions._scripts.cache_clear()
    try:
        yield
    finally:
        revisions._scripts.cache_clear()
