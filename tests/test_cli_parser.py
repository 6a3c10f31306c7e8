"""The CLI's parser: argparse's own words in the user's language (said by our parser
subclass, never by patching argparse), an unknown command named in one line, and a
dispatch table that covers every command."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

from kanban_tui import i18n
from kanban_tui.cli import build_parser
from kanban_tui.cli.dispatch import DISPATCH
from tests.process_helpers import Result, in_process_cli

COMMANDS = (
    "add, list, move, done, reopen, delete, edit, history, tick, templates, kpi, backup, restore, "
    "doctor, keys, goal, report, export, db, whoami, serve"
)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    run = in_process_cli(capsys)
    return lambda *argv: run(tmp_path / "kanban.db", *argv)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", f"seller-kanban: error: unknown command 'bogus' (commands: {COMMANDS})"),
        ("zh", f"seller-kanban: 错误: 未知命令 'bogus'(可用命令:{COMMANDS})"),
    ],
)
def test_an_unknown_command_is_one_line_naming_it_and_the_commands(
    cli, tmp_path: Path, lang: str, line: str
) -> None:
    code, out, err = cli("--lang", lang, "bogus")
    assert code == 2 and out == ""
    assert err.splitlines() == [line]
    assert not (tmp_path / "kanban.db").exists()  # nothing was opened


@pytest.mark.parametrize(
    ("argv", "prog", "choices"),
    [
        (
            ("templates", "nope"),
            "seller-kanban templates",
            "list, add, edit, pause, resume, delete",
        ),
        (("kpi", "nope"), "seller-kanban kpi", "import, add, show, targets"),
        (("export", "nope"), "seller-kanban export", "ics, cards"),
    ],
)
def test_an_unknown_subcommand_names_the_group_and_its_commands(cli, argv, prog, choices) -> None:
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"{prog}: error: unknown command 'nope' (commands: {choices})"]
    code, out, err = cli("--lang", "zh", *argv)
    assert err.splitlines() == [f"{prog}: 错误: 未知命令 'nope'(可用命令:{choices})"]


@pytest.mark.parametrize(
    ("argv", "en", "zh"),
    [
        (["move"], "the following arguments are required: id, --to", "缺少必需参数:id, --to"),
        (
            ["list", "--column", "x"],
            "argument --column: invalid choice: 'x' "
            "(choose from 'daily', 'weekly', 'monthly', 'done')",
            "参数 --column:无效的选项:'x'(可选:'daily', 'weekly', 'monthly', 'done')",
        ),
        (
            ["move", "x", "--to", "daily"],
            "argument id: invalid number value: 'x'",
            "参数 id:无效的 number 值:'x'",
        ),
        (["tick", "--now"], "argument --now: expected one argument", "参数 --now:需要一个值"),
        (["list", "--bogus"], "unrecognized arguments: --bogus", "无法识别的参数:--bogus"),
    ],
)
def test_argparse_errors_speak_the_users_language(cli, argv, en, zh) -> None:
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    usage, message = err.splitlines()[0], err.splitlines()[-1]
    assert usage.startswith("usage: seller-kanban") and message.endswith(f"error: {en}")
    code, out, err = cli("--lang", "zh", *argv)
    assert code == 2 and out == ""
    usage, message = err.splitlines()[0], err.splitlines()[-1]
    assert usage.startswith("用法:seller-kanban") and message.endswith(f"错误: {zh}")


def test_help_headings_are_translated(cli) -> None:
    code, out, _ = cli("--lang", "zh", "add", "--help")
    assert code == 0
    assert out.startswith("用法:seller-kanban add")
    assert "位置参数:" in out and "选项:" in out and "显示帮助并退出" in out
    assert "usage:" not in out and "options:" not in out and "show this help" not in out
    code, out, _ = cli("--lang", "en", "add", "--help")
    assert out.startswith("usage: seller-kanban add")
    assert "positional arguments:" in out and "options:" in out


def test_argparse_itself_is_left_alone() -> None:
    """Translating is the parser's own business: argparse's module-level ``_`` is not
    replaced, so another parser in the same process still speaks argparse's English."""
    original = argparse._  # type: ignore[attr-defined]
    i18n.set_language("zh")
    try:
        assert "用法:" in build_parser().format_usage()
        assert argparse._ is original  # type: ignore[attr-defined]
        plain = argparse.ArgumentParser(prog="other")
        assert plain.format_usage().startswith("usage: other")
        assert "options:" in plain.format_help()
    finally:
        i18n.set_language("en")


def test_every_command_has_a_handler() -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(DISPATCH) == {None, *sub.choices}


def _top_commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_the_dispatch_table_names_the_group_that_registers_each_command() -> None:
    """``DISPATCH`` says which group to import for a command; it must be the group whose
    ``register`` adds that command and whose ``HANDLERS`` run it."""
    from kanban_tui.cli import dispatch

    found: dict[str | None, str] = {None: DISPATCH[None]}
    for name in dispatch._GROUPS:
        common = dispatch.common_options()
        parser, commands = dispatch.top_parser(common, "0")
        group = dispatch._group(name)
        group.register(commands)
        for command in _top_commands(parser):
            assert command not in found, f"{command} registered twice"
            found[command] = name
            assert command in group.HANDLERS
    assert found == DISPATCH
    assert None in dispatch._group(DISPATCH[None]).HANDLERS


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "Reply", "--estimate", "15", "--json"],
        ["--db", "x.db", "list", "--json", "--all"],
        ["--lang", "zh", "move", "3", "--to", "weekly"],
        ["--la", "en", "done", "3"],
        ["--db=x.db", "kpi", "show", "--month", "2026-11"],
        ["templates", "add", "Check", "--rule", "daily"],
        ["tick", "--json"],
        ["serve", "--port", "8001"],
    ],
)
def test_a_command_is_parsed_with_its_group_alone_as_with_every_group(argv: list[str]) -> None:
    """A script's ``add`` builds only the cards group's parser (what it costs to build
    forty is most of a cron call's parsing); the result is the same."""
    from kanban_tui.cli.dispatch import command_of

    group = DISPATCH[command_of(argv)]
    alone = build_parser(argv)
    assert set(_top_commands(alone)) == {c for c, g in DISPATCH.items() if g == group and c}
    assert alone.parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h", "add"], ["bogus"], ["--version"]])
def test_without_a_known_command_every_group_is_in_the_parser(argv: list[str]) -> None:
    assert set(_top_commands(build_parser(argv))) == {c for c in DISPATCH if c is not None}
