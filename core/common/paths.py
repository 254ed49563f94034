"""Where the application keeps its data by default (the user data directory)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DB_ENV = "PERFBUDGET_DB"


def default_database() -> Path:
    """`PERFBUDGET_DB` if set, else workbench.sqlite in the user data directory."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return Path(user_data_dir("perfbudget", appauthor=False)) / "workbench.sqlite"
