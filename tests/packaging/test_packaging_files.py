"""Packaging files stay consistent with the repository: the spec and the Inno Setup script name only
existing paths, the version comes only from core.version, the menu entry is valid, the icon is 256×256.

The slow installed-package test is scripts/package_check.sh; these checks only read files.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import struct
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from core.version import __version__

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "perfbudget.spec"
ISS = PACKAGING / "windows" / "perfbudget.iss"
DESKTOP_FILE = PACKAGING / "linux" / "perfbudget.desktop"
ICON_PNG = REPO / "resources" / "icons" / "perfbudget.png"
# Text files that must not carry a version number of their own.
VERSIONLESS = [
    SPEC,
    ISS,
    PACKAGING / "build.py",
    PACKAGING / "linux" / "control.in",
    PACKAGING / "linux" / "perfbudget.desktop",
]

LITERAL_VERSION = re.compile(
    r"(?im)^\s*(?:#define\s+AppVersion\b|(?:App)?Version\s*[=:]\s*\"?\d)|__version__\s*="
)


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("perfbudget_build", PACKAGING / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spec_literal(name: str) -> object:
    """The value of a top-level literal assignment in the PyInstaller spec."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {SPEC.name}")


def iss_entries(key: str) -> list[str]:
    """Values of `Key: "value"` parameters in the .iss sections (e.g. Source, SetupIconFile)."""
    text = ISS.read_text(encoding="utf-8-sig")
    found = re.findall(rf'\b{key}:\s*"([^"]+)"', text)
    found += re.findall(rf"^{key}=(.+)$", text, flags=re.MULTILINE)
    return found


def test_spec_data_trees_exist() -> None:
    trees = spec_literal("DATA_TREES")
    assert isinstance(trees, list) and trees
    sources = {source for source, _dest in trees}
    assert {"resources", "db/migrations"} <= sources
    for source, dest in trees:
        assert (REPO / source).is_dir(), source
        assert dest == source, "the code finds its files beside its package (Path(__file__))"


def test_spec_hidden_imports_cover_the_migration_scripts() -> None:
    hidden = set(spec_literal("hiddenimports"))  # type: ignore[arg-type]
    for script in (REPO / "db" / "migrations").rglob("*.py"):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "alembic":
                assert {f"alembic.{alias.name}" for alias in node.names} <= hidden, script.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("db."):
                assert node.module in hidden, script.name


def test_spec_hidden_imports_cover_the_pages_the_main_window_imports_when_opened() -> None:
    import importlib

    from desktop.shell.main_window import AREAS

    hidden = set(spec_literal("hiddenimports"))  # type: ignore[arg-type]
    assert {area.page.split(":")[0] for area in AREAS} <= hidden
    # and the tabs an area names as "module:Class", imported when the tab is first shown
    tabs = [entry[2] for area in AREAS for entry in getattr(importlib.import_module(area.page.split(":")[0]), "TABS", ())
            if isinstance(entry[2], str)]
    assert tabs and {factory.split(":")[0] for factory in tabs} <= hidden


def test_spec_keeps_the_qt_modules_the_app_uses() -> None:
    excluded = set(spec_literal("QT_EXCLUDES"))  # type: ignore[arg-type]
    assert not {"QtCore", "QtGui", "QtWidgets", "QtCharts", "QtPrintSupport", "QtSvg"} & excluded
    assert {"QtWebEngineCore", "QtQml", "QtQuick", "QtMultimedia", "QtSql"} <= excluded


def test_iss_sources_exist_or_are_the_bundle() -> None:
    base = ISS.parent
    bundle = load_build().BUNDLE
    sources = iss_entries("Source")
    assert sources
    for source in sources:
        path = (base / source.replace("\\", "/")).resolve()
        if path.name == "*":
            assert path.parent == bundle, f"{source} is not the PyInstaller bundle {bundle}"
        else:
            assert path.exists(), source
    for icon in iss_entries("SetupIconFile"):
        assert (base / icon.strip()).is_file(), icon


def test_iss_requirements() -> None:
    text = ISS.read_text(encoding="utf-8-sig")
    for line in (
        "ArchitecturesAllowed=x64compatible",
        "ArchitecturesInstallIn64BitMode=x64compatible",
        "MinVersion=10.0",
        "PrivilegesRequired=admin",
        r"DefaultDirName={autopf}\perfbudget",
        'MessagesFile: "compiler:Languages\\ChineseSimplified.isl"',
    ):
        assert line in text
    assert "预算绩效管理工作台" in text
    assert "Windows 7/8" in text and "32 位" in text


def test_version_only_from_core_version() -> None:
    for path in VERSIONLESS:
        text = path.read_text(encoding="utf-8-sig")
        assert __version__ not in text, f"{path.name} hard-codes the version"
        if path != DESKTOP_FILE:  # its Version= is the desktop entry spec's, not ours
            assert not LITERAL_VERSION.search(text), f"{path.name} has a literal version"
    iss = ISS.read_text(encoding="utf-8-sig")
    assert "#ifndef AppVersion" in iss and "AppVersion={#AppVersion}" in iss
    assert "@VERSION@" in (PACKAGING / "linux" / "control.in").read_text(encoding="utf-8")
    build = load_build()
    assert build.app_version()[0] == __version__
    assert "/DAppVersion={version}" in (PACKAGING / "build.py").read_text(encoding="utf-8")


def test_desktop_entry() -> None:
    entries = dict(
        line.split("=", 1)
        for line in DESKTOP_FILE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert entries["Name"] == "预算绩效管理工作台"
    assert entries["Icon"] == "perfbudget"
    assert entries["Exec"].split()[0] == "perfbudget"
    assert set(entries["Categories"].rstrip(";").split(";")) >= {"Office", "Finance"}


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_icon_png_is_256_square() -> None:
    header = ICON_PNG.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (256, 256)
    assert ICON_PNG.with_suffix(".svg").is_file()
    assert (PACKAGING / "windows" / "perfbudget.ico").is_file()


def test_postrm_leaves_user_data() -> None:
    postrm = (PACKAGING / "linux" / "postrm").read_text(encoding="utf-8")
    code = "\n".join(line for line in postrm.splitlines() if not line.lstrip().startswith("#"))
    assert "rm " not in code and ".local/share" not in code and "$HOME" not in code


def test_package_check_script_parses() -> None:
    result = subprocess.run(
        ["bash", "-n", str(REPO / "scripts" / "package_check.sh")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_application_window_icon(qapp: object) -> None:
    from desktop.shell.app import set_window_icon

    set_window_icon(qapp)  # type: ignore[arg-type]
    assert not qapp.windowIcon().isNull()  # type: ignore[attr-defined]
