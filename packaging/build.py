"""The one build command: PyInstaller bundle dist/perfbudget/, then the Linux .deb or the Windows installer.

    python packaging/build.py              # Linux: dist/perfbudget/ + dist/perfbudget_<version>_amd64.deb
    python packaging/build.py --no-deb     # only the bundle (Windows: then ISCC, see packaging/README.md)
    python packaging\\build.py --installer  # Windows: bundle + Inno Setup installer (ISCC on PATH or --iscc)

The version comes only from core.version: it is written into the .deb control file and passed to
Inno Setup as `ISCC /DAppVersion=<version>`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
DIST = REPO / "dist"
BUNDLE = DIST / "perfbudget"
WORK = REPO / "build"
SPEC = PACKAGING / "perfbudget.spec"
ISS = PACKAGING / "windows" / "perfbudget.iss"
LINUX = PACKAGING / "linux"
ICON_PNG = REPO / "resources" / "icons" / "perfbudget.png"
DEB_ARCH = "amd64"

# Files the bundle must contain (relative to its _internal folder) for the app to start.
REQUIRED_IN_BUNDLE = (
    "resources/style.qss",
    "resources/reference/settings.json",
    "resources/icons/perfbudget.png",
    "db/migrations/env.py",
    "db/migrations/script.py.mako",
    "PySide6/Qt/translations/qtbase_zh_CN.qm",
)


def app_version() -> tuple[str, str]:
    sys.path.insert(0, str(REPO))
    from core.version import APP_NAME, __version__

    return __version__, APP_NAME


def dir_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def contents_dir() -> Path:
    """PyInstaller ≥ 6 puts everything but the executables into _internal/."""
    internal = BUNDLE / "_internal"
    return internal if internal.is_dir() else BUNDLE


def build_bundle() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(SPEC),
            "--noconfirm",
            "--clean",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK / "pyinstaller"),
        ],
        cwd=REPO,
        check=True,
    )
    root = contents_dir()
    missing = [rel for rel in REQUIRED_IN_BUNDLE if not (root / rel).is_file()]
    if not list((root / "db" / "migrations" / "versions").glob("*.py")):
        missing.append("db/migrations/versions/*.py")
    if missing:
        raise SystemExit(f"bundle is missing: {', '.join(missing)}")
    print(f"bundle: {BUNDLE} ({dir_size(BUNDLE) / 2**20:.1f} MB)")


def _copy_mode(source: Path, target: Path, mode: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def build_deb(version: str, app_name: str) -> Path:
    """Stage /opt/perfbudget, /usr/bin, menu entry and icon, then `dpkg-deb --build`."""
    stage = WORK / "deb" / f"perfbudget_{version}_{DEB_ARCH}"
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(BUNDLE, stage / "opt" / "perfbudget", symlinks=True)
    _copy_mode(LINUX / "perfbudget.sh", stage / "usr" / "bin" / "perfbudget", 0o755)
    _copy_mode(
        LINUX / "perfbudget.desktop", stage / "usr" / "share" / "applications" / "perfbudget.desktop", 0o644
    )
    _copy_mode(
        ICON_PNG, stage / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "perfbudget.png", 0o644
    )
    debian = stage / "DEBIAN"
    debian.mkdir(mode=0o755)
    control = (LINUX / "control.in").read_text(encoding="utf-8")
    control = (
        control.replace("@VERSION@", version)
        .replace("@APP_NAME@", app_name)
        .replace("@INSTALLED_SIZE@", str(dir_size(stage) // 1024 + 1))
    )
    (debian / "control").write_text(control, encoding="utf-8")
    for script in ("postinst", "postrm"):
        _copy_mode(LINUX / script, debian / script, 0o755)
    for folder in [stage, *(p for p in stage.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    deb = DIST / f"perfbudget_{version}_{DEB_ARCH}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(deb)], check=True)
    print(f"deb: {deb} ({deb.stat().st_size / 2**20:.1f} MB)")
    return deb


def find_iscc(explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    on_path = shutil.which("ISCC") or shutil.which("iscc")
    if on_path:
        return Path(on_path)
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").is_file():
            return Path(base) / "Inno Setup 6" / "ISCC.exe"
    return None


def build_installer(version: str, iscc_arg: str | None) -> None:
    command = [f"/DAppVersion={version}", f"/O{DIST}", str(ISS)]
    iscc = find_iscc(iscc_arg)
    if iscc is None:
        raise SystemExit("ISCC.exe (Inno Setup 6) not found; run:\n  ISCC " + " ".join(command))
    subprocess.run([str(iscc), *command], check=True)
    print(f"installer: {DIST / f'perfbudget-{version}-setup.exe'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-deb", action="store_true", help="build only the bundle")
    parser.add_argument("--no-bundle", action="store_true", help="reuse an existing dist/perfbudget/")
    parser.add_argument("--installer", action="store_true", help="Windows: also run Inno Setup")
    parser.add_argument("--iscc", help="path of ISCC.exe when it is not on PATH")
    parser.add_argument("--print-version", action="store_true", help="print the version and exit")
    args = parser.parse_args(argv)
    version, app_name = app_version()
    if args.print_version:
        print(version)
        return 0
    started = time.monotonic()
    if not args.no_bundle:
        build_bundle()
    elif not BUNDLE.is_dir():
        raise SystemExit(f"{BUNDLE} does not exist; build it first")
    if sys.platform.startswith("linux") and not args.no_deb:
        build_deb(version, app_name)
    if sys.platform == "win32" and args.installer:
        build_installer(version, args.iscc)
    print(f"build took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
