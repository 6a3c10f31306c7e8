"""The wheel carries everything the program reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_data_catalogs_and_stylesheet(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("seller_kanban-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in sorted(p.name for p in (ROOT / "data").iterdir() if p.is_file()):
        assert f"kanban_tui/_data/{shipped}" in names
    assert "kanban_tui/i18n/en.toml" in names
    assert "kanban_tui/i18n/zh.toml" in names
    assert "kanban_tui/ui/app.tcss" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "seller-kanban = kanban_tui.cli:run" in text
