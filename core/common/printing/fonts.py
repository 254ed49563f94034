"""Find a Chinese TrueType font on this machine and register it with reportlab for every PDF report.

reportlab embeds only TrueType-outline fonts (.ttf/.ttc), so CFF-based OpenType fonts such as Noto CJK
(.otf) are never candidates.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from core.common.errors import DomainError
from resources import path as resource_path

FONT_PREFIX = "CJK-"
ENV_VAR = "PERFBUDGET_FONT"
EMBEDDABLE_SUFFIXES = (".ttf", ".ttc")

LINUX_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/*.ttc",
)
WINDOWS_FONT_FILES: tuple[str, ...] = ("simsun.ttc", "simhei.ttf", "simfang.ttf", "msyh.ttc")

NOT_FOUND_MESSAGE = (
    "未找到可嵌入的中文 TrueType 字体，无法生成 PDF 报告。"
    "请安装 fonts-wqy-microhei 或在 Windows 上确认 C:\\Windows\\Fonts 下有宋体/黑体"
    f"（也可以设置环境变量 {ENV_VAR} 指向一个 .ttf/.ttc 字体文件）。"
)

# Cache of the default search only; an explicit candidate list (tests, selftest) is never cached.
_registered: tuple[str, Path] | None = None


def _expand(pattern: str | Path) -> Iterator[Path]:
    """Yield the files a literal path or a glob pattern (in the file name part) names."""
    candidate = Path(pattern)
    if any(ch in candidate.name for ch in "*?["):
        if candidate.parent.is_dir():
            yield from sorted(candidate.parent.glob(candidate.name))
    else:
        yield candidate


def _windows_fonts() -> list[Path]:
    windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
    return [windir / "Fonts" / name for name in WINDOWS_FONT_FILES]


def default_candidates() -> list[Path]:
    """The search order: bundled fonts, then $PERFBUDGET_FONT, then the usual system locations."""
    found: list[Path] = []
    bundled = resource_path("fonts")
    if bundled.is_dir():
        found.extend(sorted(p for p in bundled.iterdir() if p.suffix.lower() in EMBEDDABLE_SUFFIXES))
    env_font = os.environ.get(ENV_VAR)
    if env_font:
        found.append(Path(env_font))
    system = _windows_fonts() if sys.platform == "win32" else []
    system.extend(p for pattern in LINUX_FONTS for p in _expand(pattern))
    found.extend(system)
    return found


def _usable(candidate: Path) -> bool:
    return candidate.suffix.lower() in EMBEDDABLE_SUFFIXES and candidate.is_file()


def find_cjk_font(candidates: Iterable[str | Path] | None = None) -> Path | None:
    """Return the first existing embeddable font file among `candidates` (default search if None)."""
    pool = default_candidates() if candidates is None else [p for c in candidates for p in _expand(c)]
    return next((p for p in pool if _usable(p)), None)


def _font_name(font_file: Path) -> str:
    """A name per file, so registering another file never replaces the font of earlier reports."""
    return FONT_PREFIX + re.sub(r"[^A-Za-z0-9_-]", "_", font_file.stem)


def _load(font_file: Path) -> TTFont:
    if font_file.suffix.lower() == ".ttc":
        return TTFont(_font_name(font_file), str(font_file), subfontIndex=0)
    return TTFont(_font_name(font_file), str(font_file))


def _register_first(pool: Iterable[Path]) -> tuple[str, Path]:
    for font_file in pool:
        if not _usable(font_file):
            continue
        try:
            font = _load(font_file)
        except TTFError:
            # A CFF-flavoured or damaged file with a .ttf name: try the next one.
            continue
        pdfmetrics.registerFont(font)
        return font.fontName, font_file
    raise DomainError(NOT_FOUND_MESSAGE)


def _register_default() -> tuple[str, Path]:
    global _registered
    if _registered is None:
        _registered = _register_first(default_candidates())
    return _registered


def register_cjk_font(candidates: Iterable[str | Path] | None = None) -> str:
    """Register the Chinese font with reportlab and return its name; idempotent and cached.

    `candidates` replaces the default search (font files or globs, tried in order).
    Raises DomainError with a Chinese message when no embeddable font is found.
    """
    if candidates is not None:
        return _register_first(p for c in candidates for p in _expand(c))[0]
    return _register_default()[0]


def font_report() -> dict[str, str | None]:
    """What the selftest command prints: the font file used, its registered name, or the error."""
    try:
        name, font_file = _register_default()
    except DomainError as exc:
        return {"path": None, "name": None, "error": str(exc)}
    return {"path": str(font_file), "name": name, "error": None}
