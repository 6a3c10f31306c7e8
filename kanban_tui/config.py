"""The user's settings: one typed model (:class:`Settings`), read from ``config.toml`` and
from the environment.

Precedence, highest first: command-line options, ``SELLER_KANBAN_*`` environment
variables (every setting has one: ``SELLER_KANBAN_`` + the key in capitals, and
``SELLER_KANBAN_LANG`` for ``language``), ``config.toml`` in the user config dir, the
defaults below. A table-valued setting (``fx_rates``, ``keymap``) is JSON in its variable,
e.g. ``SELLER_KANBAN_FX_RATES='{"JPY": 0.0067}'``. A bad value names the key and where it
came from (the file's path or the variable) in one line; the program then stops rather
than run on half a config.

``Settings(...)`` made in code is those values over the defaults (tests, benchmarks);
only :func:`load` reads the environment and the file.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kanban_tui import locations
from kanban_tui.errors import ConfigError

ENV_PREFIX = "SELLER_KANBAN_"
#: A config file is a few lines; more than this is not one.
_MAX_CONFIG_BYTES = 1024 * 1024


#: A currency's value in ``fx_base``: a positive, finite number of sane size.
FxRate = Annotated[float, Field(gt=0, le=1e9)]


class Settings(BaseModel):
    """Everything the user can set. Each field is documented in the README."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    language: Literal["en", "zh"] | None = Field(
        default=None, description="UI language; unset means the locale decides (LANG=zh_CN → zh)."
    )
    theme: str = Field(
        default="textual-dark", max_length=64, description="Textual theme name, remembered."
    )
    work_hours_per_day: float = Field(
        default=8.0, gt=0, le=24, description="Hours of work in a day, for the time budget."
    )
    incident_buffer: float = Field(
        default=0.125, ge=0, le=0.5, description="Share of the day kept free for incidents."
    )
    default_marketplace: str = Field(
        default="US", min_length=2, max_length=3, description="Marketplace for new templates."
    )
    backups_kept: int = Field(default=14, ge=0, le=365, description="Daily backups kept.")
    fx_base: str = Field(
        default="USD",
        pattern=r"^[A-Za-z]{3}$",
        description="Currency of converted totals.",
    )
    fx_rates: dict[Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")], FxRate] = Field(
        default_factory=dict,
        description="Value of one unit of a currency in fx_base, e.g. {JPY = 0.0067}; "
        "only with a rate for every currency is a converted total shown.",
    )
    pace_grace_days: int = Field(
        default=3,
        ge=0,
        le=15,
        description="First days of a month in which sales behind pace warn but raise no alert.",
    )
    replenishment_lead_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Replenishment lead time in days; FBA days of cover below it is a risk alert.",
    )
    refresh_seconds: float = Field(
        default=1.0, ge=0.05, le=60, description="How often the board looks for outside changes."
    )
    schedule_check_seconds: float = Field(
        default=30.0,
        ge=0.05,
        le=3600,
        description="How often the board checks for a new day or a clock jump (sleep).",
    )
    user: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="Your name on cards you add or finish and for the mine filter; "
        "SELLER_KANBAN_USER overrides it, unset means the OS login name.",
    )
    keymap: dict[str, str] = Field(
        default_factory=dict,
        description='Board keys by action id, e.g. {kpi = "f2", undo = "u,ctrl+z"}; '
        "`seller-kanban keys` lists the ids.",
    )

    @field_validator("default_marketplace")
    @classmethod
    def _known_marketplace(cls, value: str) -> str:
        from kanban_tui.domain.recurrence import RuleError, marketplace
        from kanban_tui.i18n import t

        try:
            return marketplace(value).code
        except RuleError as exc:  # the domain names the problem; said here, hint included
            hint = t(f"rule_hint.{exc.hint}", **exc.values)
            raise ValueError(
                t(
                    "rule_error.with_hint",
                    message=t(f"rule_error.{exc.problem}", **exc.values),
                    hint=hint,
                )
            ) from None


#: Variables whose name is not ``SELLER_KANBAN_`` + the key in capitals (the first is the
#: one named in messages and the README).
_OTHER_NAMES = {"language": (ENV_PREFIX + "LANG", ENV_PREFIX + "LANGUAGE")}


def variable(field: str) -> str:
    """The environment variable of a setting (``language`` → ``SELLER_KANBAN_LANG``)."""
    return _OTHER_NAMES.get(field, (ENV_PREFIX + field.upper(),))[0]


def _variables(field: str) -> tuple[str, ...]:
    return _OTHER_NAMES.get(field, (ENV_PREFIX + field.upper(),))


def _field_of(name: str) -> str:
    """The setting an environment key stands for (``seller_kanban_lang`` → ``language``)."""
    for field in Settings.model_fields:
        if name == field or name.upper() in _variables(field):
            return field
    return name


def _environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings given as ``SELLER_KANBAN_*`` variables, by key, not yet validated (that
    is :class:`Settings`' work, naming the variable): any case, empty means unset, a table
    (``fx_rates``, ``keymap``) as JSON; other variables are ignored.

    Read here rather than by pydantic-settings: its import (every provider it has: AWS,
    Azure, GCP, secrets …) cost a scripted command with ``SELLER_KANBAN_USER`` set more
    than the command itself."""
    given = {name.upper(): value for name, value in environ.items() if value}
    values: dict[str, Any] = {}
    for field, info in Settings.model_fields.items():
        name = next((name for name in _variables(field) if name in given), None)
        if name is None:
            continue
        value: Any = given[name]
        if get_origin(info.annotation) is dict:
            try:
                value = json.loads(value)
            except ValueError:
                from kanban_tui.i18n import t

                raise ConfigError(name, t("errors.config.not_json", got=repr(value))) from None
        values[field] = value
    if isinstance(values.get("language"), str):
        from kanban_tui.i18n import normalise

        values["language"] = normalise(values["language"]) or values["language"]
    return values


def _describe(error: ValidationError, source: str) -> ConfigError:
    item = error.errors()[0]
    key = ".".join(str(part) for part in item["loc"]) or "(file)"
    from kanban_tui.i18n import t

    problem = t("errors.config.unknown_key") if item["type"] == "extra_forbidden" else item["msg"]
    problem = problem.removeprefix("Value error, ")
    return ConfigError(
        source, t("errors.config.bad_key", key=key, problem=problem, got=repr(item.get("input")))
    )


def read_toml(path: Path) -> dict[str, Any]:
    """The file's table (empty when there is no file); a :class:`ConfigError` naming the
    file when it cannot be read or is not TOML (the config file and the user's playbooks)."""
    if not path.exists():
        return {}
    from kanban_tui.i18n import t

    if not path.is_file():
        raise ConfigError(str(path), t("errors.config.not_regular"))
    try:
        with path.open("rb") as handle:
            return tomllib.loads(handle.read(_MAX_CONFIG_BYTES).decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), t("errors.config.not_toml", reason=exc)) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), t("errors.config.not_utf8")) from None
    except OSError as exc:
        raise ConfigError(str(path), t("errors.file.cannot_read", reason=exc.strerror)) from None


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the config file (if any) and the environment into :class:`Settings`: a
    variable over the file's value, the file's over the default."""
    path = path or locations.config_file()
    environ = os.environ if environ is None else environ
    file_values = read_toml(path)
    try:
        # the file on its own first: a bad file is named even when a variable overrides it
        settings = Settings.model_validate(file_values)
    except ValidationError as exc:
        raise _describe(exc, str(path)) from None
    overrides = _environment(environ)
    if not overrides:
        return settings
    try:
        return Settings.model_validate(file_values | overrides)
    except ValidationError as exc:
        item = exc.errors()[0]
        name = variable(_field_of(str(item["loc"][0])))
        problem = str(item["msg"]).removeprefix("Value error, ")
        from kanban_tui.i18n import t

        got = repr(item.get("input"))
        raise ConfigError(name, t("errors.config.bad_value", problem=problem, got=got)) from None


def save(settings: Settings, path: Path | None = None) -> None:
    """Write the settings that differ from the defaults back to the file."""
    import tomli_w

    path = path or locations.config_file()
    values = settings.model_dump(exclude_defaults=True, exclude_none=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a temporary file of its own (two boards saving at once never share one), flushed,
    # then renamed over the old file: a kill leaves the old settings or the new ones
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(tomli_w.dumps(values))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
