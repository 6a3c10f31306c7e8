import sys

from kanban_tui.cli import main

sys.exit(main())
