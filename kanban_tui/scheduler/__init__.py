"""The scheduler: turns recurring templates into cards, once per period.

``generate`` is the engine (storage only, no Textual), used by ``seller-kanban tick`` and
the board; ``runner`` drives it from APScheduler on the board's event loop.
"""
