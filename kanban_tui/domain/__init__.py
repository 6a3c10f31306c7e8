"""Pure domain logic of the seller kanban board (no I/O, no database, no UI)."""
