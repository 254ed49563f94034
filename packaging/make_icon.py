"""Render resources/icons/perfbudget.svg to the 256×256 PNG the app and the .deb use and to the
multi-size .ico the Windows build uses (run after editing the SVG; the outputs are committed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SVG = REPO / "resources" / "icons" / "perfbudget.svg"
PNG = REPO / "resources" / "icons" / "perfbudget.png"
ICO = REPO / "packaging" / "windows" / "perfbudget.ico"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"invalid SVG: {SVG}", file=sys.stderr)
        return 1

    def render(size: int) -> QImage:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        return image

    ok = render(256).save(str(PNG), "PNG")
    # Qt's ICO writer stores one image per file; 256×256 PNG-in-ICO is what Windows 10/11 shows.
    ok = render(256).save(str(ICO), "ICO") and ok
    del app
    print(f"wrote {PNG} and {ICO}" if ok else "failed to write the icons")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
