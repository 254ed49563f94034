"""Guards against the PySide6 6.12.0 bug that stole a reference to True/False on every bool signal."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)


def test_bool_signals_keep_reference_counts(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    received: list[bool] = []
    emitter.flag.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(50):
        emitter.flag.emit(True)
    assert received == [True] * 50
    assert sys.getrefcount(True) - before >= 50  # the list holds 50 references; none were stolen
