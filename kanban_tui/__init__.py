"""seller-kanban: a terminal kanban board for an Amazon seller's operating plan."""

__version__ = "0.1.0"
