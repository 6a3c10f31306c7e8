"""Every path the application uses, in one place.

Nothing else in the package builds a filesystem path of its own: the CLI, storage and the
UI ask this module. Environment variables let tests and power users redirect each root.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

APP_NAME = "seller-kanban"

#: Overrides the directory that holds the database and the backups.
ENV_DATA_DIR = "SELLER_KANBAN_DATA_DIR"
#: Overrides the directory that holds ``config.toml`` and the user's playbooks.
ENV_CONFIG_DIR = "SELLER_KANBAN_CONFIG_DIR"


def _platform_dirs():  # imported lazily: platformdirs is cheap but not free
    import platformdirs

    return platformdirs.PlatformDirs(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """Directory of the default database and of automatic backups."""
    override = os.environ.get(ENV_DATA_DIR)
    return Path(override) if override else Path(_platform_dirs().user_data_dir)


def config_dir() -> Path:
    """Directory of ``config.toml``."""
    override = os.environ.get(ENV_CONFIG_DIR)
    return Path(override) if override else Path(_platform_dirs().user_config_dir)


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_database() -> Path:
    return data_dir() / "kanban.db"


def backup_dir() -> Path:
    return data_dir() / "backups"


def backup_dir_for(database: Path) -> Path:
    """Where the copies of ``database`` go: ``backups/`` beside it (for the default
    database that is :func:`backup_dir`)."""
    return database.expanduser().absolute().parent / "backups"


@cache
def shipped_data_dir() -> Path:
    """The ``data/`` folder shipped with the product.

    A wheel carries it inside the package as ``kanban_tui/_data``; a checkout or an
    editable install finds it at the top of the repository.
    """
    package = Path(__file__).resolve().parent
    installed = package / "_data"
    if installed.is_dir():
        return installed
    return package.parent / "data"


def shipped_file(name: str) -> Path:
    return shipped_data_dir() / name
