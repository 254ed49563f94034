"""Data files shipped with the application: reference data, styles, icons, fonts; `path()` finds them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Return the path of a shipped resource file."""
    return ROOT.joinpath(*parts)
