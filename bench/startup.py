"""CPU seconds of a process from its start to the filled main window (logged in, home page loaded, demo county) and
to the login window, each against a bare PySide6 window process in the same run; then the CPU milliseconds of
opening each area for the first time. The child processes report `time.process_time()` (every thread of the
process, interpreter start included) at the moment measured; the median of `REPEAT` processes is kept."""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from bench.common import emit, python_output, run_python

REPEAT = 3

BARE_WINDOW = """
import json, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv)
w = QMainWindow(); w.setCentralWidget(QLabel("预算绩效管理工作台")); w.resize(1280, 800); w.show()
app.processEvents()
print(json.dumps({"cpu": time.process_time()}))
"""

# The GUI's own start path (desktop/__main__.py, desktop/shell/app.py) up to the shown window, without a password on
# the command line.
APP_WINDOW = """
import json, sys, time
from desktop.__main__ import tune_garbage_collector
tune_garbage_collector()
from core.org import auth, lookups
from db.database import open_database
from desktop.shell.app import _settle, make_application, wait_for
from desktop.shell.context import AppContext
from desktop.shell.hub import EventHub
from desktop.shell.login import LoginDialog
from desktop.shell.tasks import TaskRunner

app = make_application()
db = open_database(sys.argv[1], exclusive=True)
hub = EventHub()
runner = TaskRunner(db, hub, on_unhandled=lambda exc: print(repr(exc), file=sys.stderr))
out = {}
if sys.argv[2] == "login":
    dialog = LoginDialog(runner, sys.argv[1])
    dialog.show()
    _settle(app, runner)
    out["cpu"] = time.process_time()
else:
    from desktop.shell.main_window import MainWindow
    actor = wait_for(runner, auth.login, "admin", sys.stdin.readline().strip(), writes=True)
    window = MainWindow(AppContext(runner, hub, actor, wait_for(runner, lookups.current_year)), sys.argv[1])
    window.show()
    _settle(app, runner)
    out["cpu"] = time.process_time()
    out["areas"] = {}
    for area in window.areas[1:]:
        start = time.process_time()
        window.open_area(area.key)
        _settle(app, runner)
        out["areas"][area.key] = time.process_time() - start
runner.shutdown()
db.close()
print(json.dumps(out))
"""


def _median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        run_python(["-m", "desktop", "demo", "--db", str(db), "--scale", "1"])
        run_python(["-c", "import sys; from desktop.cli.main import main; "
                    "sys.stdin = __import__('io').StringIO('Passw0rd!\\n'); "
                    f"sys.exit(main(['users', 'create-admin', '--db', r'{db}', '--username', 'admin', '--password-stdin']))"])
        bare, app, login = [], [], []
        for _ in range(REPEAT):  # interleaved, so that a busy spell of the machine hits all three alike
            bare.append(json.loads(python_output(["-c", BARE_WINDOW])))
            app.append(json.loads(python_output(["-c", APP_WINDOW, str(db), "main"], stdin="Passw0rd!\n")))
            login.append(json.loads(python_output(["-c", APP_WINDOW, str(db), "login"])))
    floor = _median(bare, "cpu")
    emit("startup_cpu_to_main_window", _median(app, "cpu"), "s", floor, "bare PySide6 window, CPU, same run",
         aim_ratio=3, stretch_ratio=2)
    emit("startup_cpu_to_login_window", _median(login, "cpu"), "s", floor, "bare PySide6 window, CPU, same run",
         aim_ratio=2)
    keys = list(app[0]["areas"])  # type: ignore[call-overload]
    for key in keys:
        ms = statistics.median(float(r["areas"][key]) for r in app) * 1000  # type: ignore[index]
        emit(f"first_open_cpu_{key}", ms, "ms", aim=300)
