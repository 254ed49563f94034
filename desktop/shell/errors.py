"""Turns errors into dialogs: domain errors as a plain message, anything else logged and reported.

The global exception hook keeps an exception raised inside a Qt slot from aborting the process.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.common.errors import USER_ERRORS

log = logging.getLogger("perfbudget")


def show_error(parent: QWidget | None, exc: BaseException, title: str = "无法完成操作") -> None:
    if isinstance(exc, USER_ERRORS):
        QMessageBox.warning(parent, title, str(exc))
        return
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    box = QMessageBox(QMessageBox.Icon.Critical, "程序错误",
                      f"发生了意外错误：{type(exc).__name__}: {exc}\n\n操作未完成，数据未作改动。"
                      "详细信息已写入日志，请把日志文件交给技术支持。", parent=parent)
    box.setDetailedText("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    box.exec()


def install_excepthook(log_file: Path) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        exc.__traceback__ = tb
        if QApplication.instance() is None:
            log.error("unhandled error", exc_info=(kind, exc, tb))
            sys.__excepthook__(kind, exc, tb)
            return
        show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook
