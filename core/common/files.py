"""Writing an output file so that a failed write never leaves half a file where the user expects the result."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(target: Path | str, write: Callable[[str], object]) -> Path:
    """Call `write(temporary path)` beside `target`, then move the result into place in one step."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(suffix=target.suffix, prefix=".part-", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
