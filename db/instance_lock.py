"""One running instance per database file: an OS lock on `<db>.lock`, released when the process ends."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from db.errors import DatabaseInUseError


class InstanceLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fh: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise DatabaseInUseError(
                f"数据库 {self.path.with_suffix('')} 正被另一个运行中的工作台使用。"
                "请先关闭那个窗口（或等待其操作完成）后再打开。"
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fh = fd

    def release(self) -> None:
        if self._fh is not None:
            os.close(self._fh)
            self._fh = None
