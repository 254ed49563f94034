"""Time from process start to the main window shown (logged in, home page filled), against a bare PySide6 window."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import emit, median_seconds, run_python

BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv)
w = QMainWindow(); w.setCentralWidget(QLabel("预算绩效管理工作台")); w.resize(1280, 800); w.show()
app.processEvents()
w.grab().save(sys.argv[1])
"""


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        run_python(["-m", "desktop", "demo", "--db", str(db), "--scale", "1"])
        run_python(["-c", "import sys; from desktop.cli.main import main; "
                    "sys.stdin = __import__('io').StringIO('Passw0rd!\\n'); "
                    f"sys.exit(main(['users', 'create-admin', '--db', r'{db}', '--username', 'admin', '--password-stdin']))"])
        shot = str(Path(tmp) / "main.png")
        app = median_seconds(lambda: run_python(["-m", "desktop", "gui", "--db", str(db), "--user", "admin",
                                                 "--screenshot", shot], env={"PERFBUDGET_PASSWORD": "Passw0rd!"}))
        login = median_seconds(lambda: run_python(["-m", "desktop", "gui", "--db", str(db), "--screenshot", shot]))
        bare = median_seconds(lambda: run_python(["-c", BARE_WINDOW, shot]))
    emit("startup_to_main_window", app, "s", bare, "bare PySide6 window, same run")
    emit("startup_to_login_window", login, "s", bare, "bare PySide6 window, same run")
