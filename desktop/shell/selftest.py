"""`perfbudget selftest`: checks the Chinese font, the database and write access; the exit status tells."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from core.common.errors import USER_ERRORS
from core.common.printing.fonts import font_report, register_cjk_font
from core.common.runner import call
from core.org import maintenance
from core.version import APP_NAME, __version__
from db.database import open_database
from desktop.cli.options import ACTOR


def _check(name: str, probe: Callable[[], str]) -> bool:
    try:
        detail = probe()
    except (*USER_ERRORS, OSError) as exc:
        print(f"✗ {name}：{exc}")
        return False
    print(f"✓ {name}：{detail}")
    return True


def _font() -> str:
    register_cjk_font()
    return str(font_report()["path"])


def _database(target: Path | str) -> str:
    with open_database(target, exclusive=False, read_only=True) as db:  # a check: beside the GUI too
        verification = call(db, maintenance.verify_audit, ACTOR)
        if not verification.ok:
            raise OSError(verification.message())
        return f"{db.path or db.url} 可打开，结构最新，{verification.message()}"


def _writable(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".selftest-") as fh:
        fh.write(b"ok")
        fh.flush()
    return f"{folder} 可写"


def run_selftest(target: Path | str) -> int:
    print(f"{APP_NAME} {__version__} 自检")
    folder = Path(target).parent if "://" not in str(target) else Path(tempfile.gettempdir())
    results = [
        _check("写入权限", lambda: _writable(folder)),
        _check("中文字体", _font),
        _check("数据库", lambda: _database(target)),
    ]
    ok = all(results)
    print("自检通过。" if ok else "自检未通过，请按上面的提示处理。")
    return 0 if ok else 1
