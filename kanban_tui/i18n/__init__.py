"""Message catalogs: every visible string in English and Simplified Chinese.

Catalogs are TOML files beside this module (``en.toml``, ``zh.toml``), nested tables
flattened to dotted keys. :func:`t` looks a key up in the active language, falling back to
English; a test makes sure both catalogs hold the same keys.

A message that depends on a number is a table of CLDR plural forms, chosen by the
``count`` value: English has ``one`` and ``other`` (``{ one = "{count} card", other =
"{count} cards" }``), Chinese only ``other``. ``t("board.cards_shown", count=1)`` picks
the form; the rest of the code never builds a plural itself.
"""

from __future__ import annotations

import locale
import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")
#: CLDR plural categories each language uses (cardinal numbers).
PLURAL_FORMS = {"en": ("one", "other"), "zh": ("other",)}
_HERE = Path(__file__).resolve().parent
_active = "en"


#: CLDR's plural categories; a table of only these (with ``other``) is one plural message.
_CATEGORIES = frozenset(("zero", "one", "two", "few", "many", "other"))


def _is_plural(value: dict[str, Any]) -> bool:
    return (
        "other" in value
        and set(value) <= _CATEGORIES
        and not any(isinstance(v, dict) for v in value.values())
    )


def _flatten(
    table: dict[str, Any], prefix: str = "", plurals: set[str] | None = None
) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if plurals is not None and _is_plural(value):
                plurals.add(name)
            flat.update(_flatten(value, name + ".", plurals))
        else:
            flat[name] = str(value)
    return flat


@cache
def _load(lang: str) -> tuple[dict[str, str], frozenset[str]]:
    plurals: set[str] = set()
    with (_HERE / f"{lang}.toml").open("rb") as handle:
        flat = _flatten(tomllib.load(handle), plurals=plurals)
    return flat, frozenset(plurals)


def catalog(lang: str) -> dict[str, str]:
    """Every text of ``lang`` by dotted key (a plural message as ``key.one``, ``key.other``)."""
    return _load(lang)[0]


def plural_ids(lang: str) -> frozenset[str]:
    """Ids of the messages of ``lang`` that are tables of plural forms."""
    return _load(lang)[1]


def set_language(lang: str) -> None:
    global _active
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _active = lang


def language() -> str:
    return _active


def plural_form(lang: str, count: object) -> str:
    """The CLDR plural category of ``count`` in ``lang`` (``one`` / ``other``)."""
    if lang == "en" and isinstance(count, int | float) and count == 1:
        return "one"
    return "other"


def _lookup(lang: str, key: str, values: dict[str, object]) -> str | None:
    messages = catalog(lang)
    text = messages.get(key)
    if text is None and key in plural_ids(lang):
        form = plural_form(lang, values.get("count"))
        text = messages.get(f"{key}.{form}", messages[f"{key}.other"])
    return text


def t(key: str, /, **values: object) -> str:
    """The text for ``key`` in the active language, formatted with ``values``.

    A plural message (a table of forms) is chosen by ``values["count"]``.
    """
    text = _lookup(_active, key, values)
    if text is None:
        text = _lookup("en", key, values) or key
    return text.format(**values) if values else text


def text_in(lang: str, key: str, /, **values: object) -> str:
    """Like :func:`t`, in ``lang`` whatever the active language (thread-safe: no switch)."""
    text = _lookup(lang, key, values)
    if text is None:
        text = _lookup("en", key, values) or key
    return text.format(**values) if values else text


def message_ids(lang: str) -> set[str]:
    """The catalog's message ids, a plural table counted once (``x``, not ``x.one``)."""
    plurals = plural_ids(lang)
    ids = set(plurals)
    for key in catalog(lang):
        head = key.rpartition(".")[0]
        if head not in plurals:
            ids.add(key)
    return ids


def has(key: str) -> bool:
    return any(key in catalog(lang) or key in plural_ids(lang) for lang in (_active, "en"))


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
