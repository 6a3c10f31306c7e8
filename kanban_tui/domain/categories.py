"""The categories of the default plan: stored as these keys, shown translated."""

from __future__ import annotations

#: Categories of the default plan are stored as these keys and shown translated.
CATEGORY_KEYS = (
    "account",
    "service",
    "ads",
    "inventory",
    "competitors",
    "keywords",
    "pricing",
    "risk",
    "review",
    "planning",
)
