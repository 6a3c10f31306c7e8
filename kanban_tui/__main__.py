from kanban_tui.cli import run

run()
