"""Message catalogs: every visible string in English and Simplified Chinese.

Catalogs are TOML files beside this module (``en.toml``, ``zh.toml``), nested tables
flattened to dotted keys. :func:`t` looks a key up in the active language, falling back to
English; a test makes sure both catalogs hold the same keys.
"""

from __future__ import annotations

import locale
import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")
_HERE = Path(__file__).resolve().parent
_active = "en"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    with (_HERE / f"{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def set_language(lang: str) -> None:
    global _active
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _active = lang


def language() -> str:
    return _active


def t(key: str, /, **values: object) -> str:
    """The text for ``key`` in the active language, formatted with ``values``."""
    text = catalog(_active).get(key)
    if text is None:
        text = catalog("en").get(key, key)
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalog(_active) or key in catalog("en")


def normalise(value: str | None) -> str | None:
    """Map ``zh_CN.UTF-8``, ``zh-Hans``, ``EN`` … to a supported language, else None."""
    if not value:
        return None
    head = value.strip().lower().replace("-", "_").split(".")[0]
    if head.startswith("zh"):
        return "zh"
    if head.startswith("en") or head in ("c", "posix"):
        return "en"
    return None


def from_locale() -> str | None:
    """The language the environment's locale asks for (``LC_ALL``, ``LC_MESSAGES``, ``LANG``)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        found = normalise(os.environ.get(variable))
        if found:
            return found
    try:
        return normalise(locale.getlocale()[0])
    except ValueError:
        return None
