"""Opening everything a board needs over one database: the services and first-run setup.

The card service is made at once; the template and KPI services (and the recurrence,
scheduler and KPI modules behind them) only when first used, so a scripted ``list`` or
``add`` imports and builds nothing it does not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kanban_tui.domain.models import Meta
from kanban_tui.services.board import BoardService, Clock, system_clock
from kanban_tui.storage.database import Database, open_database

if TYPE_CHECKING:
    from kanban_tui.services.kpi import KpiService
    from kanban_tui.services.templates import TemplateService
    from kanban_tui.services.tick import TickResult

PLAN_LOADED = "plan_loaded"
#: The language of the first board: the cards of a user template with titles in both
#: languages take it, so a cron ``tick`` run without a locale writes the seller's language.
CARD_LANGUAGE = "card_language"


class Board:
    """The services of one open database (templates and KPIs made on first use)."""

    def __init__(
        self,
        db: Database,
        cards: BoardService,
        templates: TemplateService | None = None,
        settings: Any = None,
        first_tick: TickResult | None = None,
        kpi: KpiService | None = None,
        *,
        card_language: str | None = None,
    ) -> None:
        self.db = db
        self.cards = cards
        self.settings = settings
        #: What the start-up tick did (cards for today, missed periods while closed).
        self.first_tick = first_tick
        self._templates = templates
        self._kpi = kpi
        self._card_language = card_language

    @property
    def templates(self) -> TemplateService:
        if self._templates is None:
            from kanban_tui.services.templates import TemplateService

            if self._card_language is None:
                self._templates = TemplateService(self.db, self.cards.clock)
            else:
                self._templates = TemplateService(self.db, self.cards.clock, self._card_language)
        return self._templates

    @templates.setter
    def templates(self, service: TemplateService) -> None:
        self._templates = service

    @property
    def kpi(self) -> KpiService:
        if self._kpi is None:
            from kanban_tui.services.kpi import KpiService

            self._kpi = KpiService(self.db, self.cards.clock, settings=self.settings)
        return self._kpi

    @kpi.setter
    def kpi(self, service: KpiService) -> None:
        self._kpi = service

    def close(self) -> None:
        self.db.close()

    def check_alerts(self, month: str | None = None) -> Any:
        """Turn KPIs in breach into urgent cards (after imports, entries and ticks)."""
        from kanban_tui.services.alerts import check

        return check(self.kpi, self.cards, month)


def open_board(
    location: str, settings: Any, clock: Clock = system_clock, *, interactive: bool = True
) -> Board:
    """Open the database and load the default plan on first use.

    ``interactive`` is the board itself: it ticks at once and records its language for
    generated cards. Scripted commands tick only on a brand-new database (so its first
    ``list`` already shows the plan) and use the board's language.
    """
    from kanban_tui.i18n import language

    db = open_database(location)
    facts = _facts(db)  # one read of what the file says about itself
    lang = facts.get(CARD_LANGUAGE) or language()
    from kanban_tui.services.people import whoami

    actor = whoami(settings).name
    cards = BoardService(db, clock, actor=actor)
    board = Board(db=db, cards=cards, settings=settings, card_language=lang)
    added = 0 if PLAN_LOADED in facts else load_default_plan(board)
    if added:  # a new database: its first language is remembered, never changed after
        _card_language(db, lang, remember=True)
    if interactive or added:
        board.first_tick = board.templates.tick()
    return board


def _facts(db: Database) -> dict[str, str]:
    """The ``meta`` rows :func:`open_board` reads (the cards' language, the plan marker),
    by a Core select: opening a board for a script's ``list`` sets up no ORM mapping."""
    from sqlalchemy import select

    table: Any = Meta.__table__  # type: ignore[attr-defined]
    wanted = select(table.c.key, table.c.value).where(table.c.key.in_((CARD_LANGUAGE, PLAN_LOADED)))
    with db.read() as session:
        return {str(key): str(value) for key, value in session.execute(wanted).all()}


def _card_language(db: Database, lang: str, *, remember: bool) -> str:
    """The language for the cards of the user's own templates that carry a title in both
    languages; written once, when the plan is loaded into a new database (opening the
    board in another language changes nothing in the database: the plan, alert and
    playbook cards are rendered in each reader's language)."""
    with db.read() as session:
        stored = session.get(Meta, CARD_LANGUAGE)
        current = stored.value if stored is not None else None
    if current is not None or not remember:
        return str(current or lang)

    def work(session: Any) -> str:
        if session.get(Meta, CARD_LANGUAGE) is None:
            session.add(Meta(key=CARD_LANGUAGE, value=lang))
        return lang

    return db.transact(work)


def load_default_plan(board: Board) -> int:
    """Turn the default plan into recurring templates, once per database.

    The marker in ``meta`` means a user who deleted plan templates does not get them back;
    templates are keyed, so loading the plan twice never duplicates one either.
    """
    from kanban_tui.services.plan import default_plan

    with board.db.read() as session:
        if session.get(Meta, PLAN_LOADED) is not None:
            return 0
    english = default_plan("en")
    chinese = {task.key: task.title for task in default_plan("zh")}
    market = getattr(board.settings, "default_marketplace", "US")
    tasks = [task.model_copy(update={"marketplace": market}) for task in english]
    added = board.templates.load_plan(tasks, chinese)

    def mark(session: Any) -> None:
        if session.get(Meta, PLAN_LOADED) is None:
            session.add(Meta(key=PLAN_LOADED, value="1"))

    board.db.transact(mark)
    return added
