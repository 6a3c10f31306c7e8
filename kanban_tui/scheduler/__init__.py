"""The scheduler: APScheduler on the board's event loop.

``runner`` plans the next due moment and a watch job, and calls the tick service
(:mod:`kanban_tui.services.tick`), which is the engine (storage only, no Textual) that
``seller-kanban tick`` uses too.
"""
