"""argparse as the CLI uses it: help wrapped by terminal cells, help texts shown literally,
and argparse's own words (``usage:``, ``options``, its error messages) in the user's
language, from our catalogs: a parser subclass and a formatter that say them themselves."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from kanban_tui.cli.output import wrap_cells
from kanban_tui.i18n import t

ENV_DB = "SELLER_KANBAN_DB"
COLUMN_CHOICES = ("daily", "weekly", "monthly")
ALL_COLUMNS = (*COLUMN_CHOICES, "done")
PRIORITY_CHOICES = ("low", "normal", "high", "urgent")


def _literal_help(text: Any) -> Any:
    """Help text as argparse must get it: our catalog's ``%`` (``12%``, ``%d/%m/%Y``) doubled,
    because argparse %-formats every help string."""
    return text.replace("%", "%%") if isinstance(text, str) else text


class _Subparsers(argparse._SubParsersAction):
    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if "help" in kwargs:
            kwargs["help"] = _literal_help(kwargs["help"])
        return super().add_parser(name, **kwargs)


class CellFormatter(argparse.HelpFormatter):
    """Help text wrapped by terminal cells, not characters; ``usage:`` in our language."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_cells(" ".join(text.split()), width))

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, t("argparse.usage") if prefix is None else prefix)


class RawCellFormatter(argparse.RawDescriptionHelpFormatter, CellFormatter):
    """The top-level help: examples keep their lines; option help wraps by cells."""


class _UnknownCommand(argparse.ArgumentError):
    """A command name that is not one of the parser's commands."""

    def __init__(self, action: argparse.Action, value: str, choices: Sequence[str]) -> None:
        super().__init__(
            action, t("argparse.unknown_command", command=value, choices=", ".join(choices))
        )


#: The first words of argparse's own message for missing required arguments; argparse
#: reports it through :meth:`Parser.error` with no other way to recognise it.
_REQUIRED = "the following arguments are required: "


class Parser(argparse.ArgumentParser):
    """argparse with our messages: ``error`` prints the usage and a translated line, an
    unknown command is one line naming it and the commands there are; help texts are
    shown literally (see :func:`_literal_help`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("formatter_class") in (None, argparse.HelpFormatter):
            kwargs["formatter_class"] = CellFormatter
        parents: Sequence[argparse.ArgumentParser] = kwargs.pop("parents", ())
        kwargs["exit_on_error"] = False  # parse_known_args says ArgumentError itself
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _Subparsers)
        self._positionals.title = t("argparse.positional")
        self._optionals.title = t("argparse.options")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = t("argparse.help")
        # the parents' options are copied once the group titles are ours, so that they
        # land in the same groups (argparse matches groups by title)
        for parent in parents:
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        if "help" in kwargs:
            kwargs["help"] = _literal_help(kwargs["help"])
        return super().add_argument(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        try:
            return super().parse_known_args(args, namespace)
        except _UnknownCommand as exc:
            self.exit(2, f"{self.prog}: {t('cli.error')}: {exc.message}\n")
        except argparse.ArgumentError as exc:
            if exc.argument_name is None:
                self.error(exc.message)
            self.error(
                t("argparse.argument")
                % {"argument_name": exc.argument_name, "message": exc.message}
            )

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            self.error(t("argparse.unrecognized") % " ".join(extra))
        return parsed

    def error(self, message: str) -> NoReturn:
        if message.startswith(_REQUIRED):
            message = t("argparse.required") % message.removeprefix(_REQUIRED)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {t('cli.error')}: {message}\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is None or value in action.choices:
            return
        names = [str(choice) for choice in action.choices]
        if isinstance(action, argparse._SubParsersAction):
            raise _UnknownCommand(action, value, names)
        raise argparse.ArgumentError(
            action,
            t("argparse.invalid_choice")
            % {"value": value, "choices": ", ".join(repr(name) for name in names)},
        )

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        convert = self._registry_get("type", action.type, action.type)
        if not callable(convert):
            return super()._get_value(action, arg_string)
        try:
            return convert(arg_string)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentError(action, str(exc)) from None
        except (TypeError, ValueError):
            name = getattr(action.type, "__name__", repr(action.type))
            message = t("argparse.invalid_value") % {"type": name, "value": arg_string}
            raise argparse.ArgumentError(action, message) from None

    def _match_argument(self, action: argparse.Action, arg_strings_pattern: str) -> int:
        try:
            return super()._match_argument(action, arg_strings_pattern)
        except argparse.ArgumentError:
            if action.nargs is None:
                raise argparse.ArgumentError(action, t("argparse.expected_one")) from None
            raise


def number(text: str) -> int:
    """A whole number an id, a position or a year can be (SQLite's integers are 64-bit;
    anything near that is a typo, refused by argparse with the option's name)."""
    value = int(text)  # argparse turns ValueError into "invalid number value"
    if abs(value) > 10**12:
        raise ValueError(text)
    return value


class Commands:
    """One level of commands (``seller-kanban X`` or ``seller-kanban kpi X``): each gets its
    help from the catalog and the common options (``--db``, ``--lang``)."""

    def __init__(
        self,
        sub: argparse._SubParsersAction[Parser],
        common: Parser,
        key: Callable[[str], str],
    ) -> None:
        self._sub, self._common, self._key = sub, common, key

    def add(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        text = t(self._key(name))
        parser: argparse.ArgumentParser = self._sub.add_parser(
            name, help=text, description=text, parents=[self._common], **kwargs
        )
        return parser

    def group(self, name: str, **kwargs: Any) -> Commands:
        """A command with commands of its own (``templates``, ``kpi``, ``goal``, ``export``)."""
        parser = self.add(name, **kwargs)
        sub = parser.add_subparsers(dest="action", metavar=t("cli.command"), parser_class=Parser)
        sub.required = True
        return Commands(sub, self._common, lambda action: f"cli.{name}.{action}")


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=t("cli.opt.json"))


def common_options() -> Parser:
    common = Parser(add_help=False)
    common.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS, help=t("cli.opt.db", env=ENV_DB)
    )
    common.add_argument(
        "--lang", choices=("en", "zh"), default=argparse.SUPPRESS, help=t("cli.opt.lang")
    )
    return common


def top_parser(common: Parser, version: str) -> tuple[Parser, Commands]:
    parser = Parser(
        prog="seller-kanban",
        description=t("cli.description"),
        epilog=t("cli.epilog"),
        parents=[common],
        formatter_class=RawCellFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"seller-kanban {version}",
        help=t("argparse.version"),
    )
    sub = parser.add_subparsers(dest="command", metavar=t("cli.command"), parser_class=Parser)
    return parser, Commands(sub, common, lambda name: f"cli.{name}.help")
