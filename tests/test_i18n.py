"""Every visible string exists in English and Simplified Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kanban_tui import i18n
from kanban_tui.domain.models import Column, Priority
from kanban_tui.format import CATEGORY_KEYS
from kanban_tui.ui.actions import BOARD_ACTIONS

PACKAGE = Path(i18n.__file__).resolve().parent.parent
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_][\w.]*)["']""")
#: A rule problem raised in the domain: its key, and its hint's when written in the call.
RULE_ERROR_CALL = re.compile(
    r'\b(?:_error|rule_error|RuleError)\(\s*"(?P<problem>\w+)"'
    r'(?:\s*,\s*[\w.\[\]]+\s*,\s*"(?P<hint>\w+)")?'
)


def test_both_catalogs_hold_the_same_keys():
    en, zh = i18n.message_ids("en"), i18n.message_ids("zh")
    assert sorted(en - zh) == [], "missing in zh.toml"
    assert sorted(zh - en) == [], "missing in en.toml"


def _forms(lang: str, key: str) -> dict[str, str]:
    messages = i18n.catalog(lang)
    if key in messages:
        return {"": messages[key]}
    return {f: messages[f"{key}.{f}"] for f in i18n.PLURAL_FORMS[lang] if f"{key}.{f}" in messages}


def test_plural_messages_have_every_form_their_language_needs():
    for lang in i18n.LANGUAGES:
        for key in i18n.plural_ids(lang):
            assert set(_forms(lang, key)) == set(i18n.PLURAL_FORMS[lang]), (lang, key)


def test_placeholders_match_between_languages():
    field = re.compile(r"\{(\w+)\}")
    for key in i18n.message_ids("en"):
        texts = [*_forms("en", key).values(), *_forms("zh", key).values()]
        found = {frozenset(field.findall(text)) for text in texts}
        assert len(found) == 1, key


def test_plural_forms_follow_the_count():
    i18n.set_language("en")
    assert i18n.t("board.cards_shown", count=1) == "1 card"
    assert i18n.t("board.cards_shown", count=0) == "0 cards"
    assert i18n.t("board.cards_shown", count=2) == "2 cards"
    assert i18n.t("load.deferred", count=1) == "1 card deferred to Weekly (u undoes)"
    i18n.set_language("zh")
    try:
        assert "1" in i18n.t("board.cards_shown", count=1)
    finally:
        i18n.set_language("en")


def test_every_key_used_in_the_code_exists():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used.update(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys: the pattern is broken"
    missing = sorted(k for k in used if not k.endswith(".") and k not in i18n.message_ids("en"))
    assert missing == []


def test_every_key_built_from_a_name_exists():
    names = (
        [f"column.{c.value}" for c in Column]
        + [f"priority.{p.value}" for p in Priority]
        + [f"category.{k}" for k in CATEGORY_KEYS]
        + [f"action.{a.id}" for a in BOARD_ACTIONS]
        + [f"weekday.{d}" for d in range(7)]
        + [f"history.{h}" for h in ("add", "edit", "move", "done", "reopen", "delete")]
    )
    for lang in i18n.LANGUAGES:
        missing = [n for n in names if n not in i18n.catalog(lang)]
        assert missing == [], lang


def test_every_rule_problem_the_domain_names_is_in_both_catalogs():
    """The domain says a refused rule as keys (``rule_error.*``, ``rule_hint.*``): every
    one it can raise has its words in both languages."""
    from kanban_tui.domain import marketplaces, recurrence, rrule_check

    problems: set[str] = set()
    hints = set(rrule_check._VALUE_HINTS.values())
    for module in (marketplaces, recurrence, rrule_check):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        for call in RULE_ERROR_CALL.finditer(source):
            problems.add(call["problem"])
            hints.update([call["hint"]] if call["hint"] else [])
        hints.update(v for k, v in vars(module).items() if k.endswith("_HINT"))
    assert len(problems) > 25 and len(hints) > 20, "the scan is broken"
    for lang in i18n.LANGUAGES:
        words = i18n.catalog(lang)
        missing = [f"rule_error.{p}" for p in sorted(problems) if f"rule_error.{p}" not in words]
        missing += [f"rule_hint.{h}" for h in sorted(hints) if f"rule_hint.{h}" not in words]
        assert missing == [], lang


def test_chinese_is_really_chinese():
    zh = i18n.catalog("zh")
    assert zh["column.daily"] == "每日"
    assert zh["column.done"] == "已完成"
    untranslated = [
        k for k, v in zh.items() if v == i18n.catalog("en").get(k) and re.search("[a-z]{4}", v)
    ]
    # a few strings are the same in both (command examples); anything else is a miss
    assert [k for k in untranslated if not k.startswith(("palette.", "argparse."))] == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("zh_CN.UTF-8", "zh"), ("zh-Hans", "zh"), ("en_US.UTF-8", "en"), ("C", "en"), ("fr_FR", None)],
)
def test_locale_names(value, expected):
    assert i18n.normalise(value) == expected


def test_locale_decides_when_nothing_else_does(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.from_locale() == "zh"


def test_language_precedence_in_the_cli(monkeypatch, tmp_path, capsys):
    from kanban_tui.cli import main

    db = str(tmp_path / "p.db")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["--db", db, "list", "--column", "daily"]) == 0
    assert "每日" in capsys.readouterr().out
    monkeypatch.setenv("SELLER_KANBAN_LANG", "en")
    assert main(["--db", db, "list", "--column", "daily"]) == 0
    assert "Daily" in capsys.readouterr().out
    assert main(["--db", db, "--lang", "zh", "list", "--column", "daily"]) == 0
    assert "每日" in capsys.readouterr().out


def _help_pages(parser, path=()):
    import argparse

    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _help_pages(sub, (*path, name))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_help_page_fits_the_terminal_by_cells(lang, monkeypatch):
    from rich.cells import cell_len

    from kanban_tui.cli import build_parser

    monkeypatch.setenv("COLUMNS", "60")
    i18n.set_language(lang)
    try:
        pages = list(_help_pages(build_parser()))
        assert len(pages) > 20
        for path, parser in pages:
            parser.epilog = None  # examples and rule lists keep their lines
            if not path:
                parser.description = None
            text = parser.format_help()
            body = text.split("\n\n", 1)[1]  # the usage line is argparse's own layout
            wide = [line for line in body.splitlines() if cell_len(line) > 60]
            assert wide == [], (lang, path)
            assert lang == "en" or "show program" not in text
    finally:
        i18n.set_language("en")


@given(st.text(alphabet=st.sampled_from("ab 中文,-"), max_size=80), st.integers(5, 60))
def test_shorten_fits_the_cells_and_keeps_the_start(text, cells):
    from rich.cells import cell_len

    from kanban_tui.domain.text import one_line, shorten

    short = shorten(text, cells)
    flat = one_line(text).strip()
    assert cell_len(short) <= cells
    if cell_len(flat) <= cells:
        assert short == flat
    else:
        assert short.endswith("…")
        assert flat.startswith(short[:-1])
