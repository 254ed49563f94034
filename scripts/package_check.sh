#!/usr/bin/env bash
# Installed-package test: build the bundle and the .deb (unless --no-build), unpack the .deb into a
# temporary root with `dpkg -x`, run the installed program headless (selftest on a new database, the
# login window as a screenshot) and print timings and sizes. Exits non-zero on any failure.
# With --dpkg (root only) it also installs the .deb for real with `dpkg -i`, runs /usr/bin/perfbudget
# with its default database in a temporary user data directory, removes it with `dpkg -r` (then purges it) and checks
# that the user data is still there.
#   bash scripts/package_check.sh [--no-build] [--keep] [--dpkg]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] && PY="${PYTHON:-.venv/bin/python}"

BUILD=1
KEEP=0
DPKG=0
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    --dpkg) DPKG=1 ;;
    *) echo "usage: $0 [--no-build] [--keep] [--dpkg]" >&2; exit 2 ;;
  esac
done

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mb() { du -sm "$1" | cut -f1; }
fail() { echo "FAIL: $*" >&2; exit 1; }

T0=$(now)
BUILD_S="skipped (--no-build)"
if [ "$BUILD" = 1 ]; then
  "$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install -q pyinstaller
  B0=$(now)
  "$PY" packaging/build.py
  BUILD_S="$(secs "$B0" "$(now)") s"
fi

VERSION=$("$PY" packaging/build.py --print-version)
DEB="$REPO/dist/perfbudget_${VERSION}_amd64.deb"
[ -f "$DEB" ] || fail "$DEB not found (build first or drop --no-build)"

TMP=$(mktemp -d /tmp/perfbudget-pkgcheck.XXXXXX)
[ "$KEEP" = 1 ] || trap 'rm -rf "$TMP"' EXIT
ROOT="$TMP/root"

dpkg-deb --info "$DEB" >/dev/null || fail "dpkg-deb cannot read $DEB"
dpkg-deb --field "$DEB" Package Version Architecture Depends Recommends
dpkg -x "$DEB" "$ROOT"
for f in opt/perfbudget/perfbudget usr/bin/perfbudget usr/share/applications/perfbudget.desktop \
         usr/share/icons/hicolor/256x256/apps/perfbudget.png; do
  [ -e "$ROOT/$f" ] || fail "$f missing from the package"
done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$ROOT/usr/share/applications/perfbudget.desktop" || fail "invalid .desktop file"
fi
# /usr/bin/perfbudget execs /opt/perfbudget/perfbudget; point it at the unpacked root.
sed "s#/opt/perfbudget#$ROOT/opt/perfbudget#" "$ROOT/usr/bin/perfbudget" > "$TMP/perfbudget"
chmod +x "$TMP/perfbudget"
INSTALLED="$TMP/perfbudget"

export QT_QPA_PLATFORM=offscreen
# A fresh user data directory, so that nothing of this machine's own data is read or written.
export XDG_DATA_HOME="$TMP/xdg-data" XDG_CONFIG_HOME="$TMP/xdg-config" XDG_CACHE_HOME="$TMP/xdg-cache"
unset PERFBUDGET_DB || true

"$INSTALLED" --version || fail "--version"
"$INSTALLED" selftest --db "$TMP/db.sqlite" || fail "installed selftest"
[ -s "$TMP/db.sqlite" ] || fail "selftest did not create the database"

# Cold start to the login screenshot, bundled vs from source, each on a new database with --no-demo
# so that the figure is start-up, not demo generation. (The first-admin window is the login screen
# of a new database.)
S0=$(now)
"$INSTALLED" gui --db "$TMP/bundled.sqlite" --no-demo --screenshot "$TMP/login.png" || fail "installed gui screenshot"
BUNDLED_S=$(secs "$S0" "$(now)")
[ -s "$TMP/login.png" ] || fail "no screenshot"
head -c 8 "$TMP/login.png" | od -An -c | grep -q 'P   N   G' || fail "screenshot is not a PNG"

S0=$(now)
"$PY" -m desktop gui --db "$TMP/source.sqlite" --no-demo --screenshot "$TMP/login-source.png" || fail "source gui screenshot"
SOURCE_S=$(secs "$S0" "$(now)")

# The app on the database selftest created (already migrated): the same path a user takes.
"$INSTALLED" gui --db "$TMP/db.sqlite" --no-demo --screenshot "$TMP/login-db.png" || fail "gui on the selftest database"

if [ "$DPKG" = 1 ]; then
  [ "$(id -u)" = 0 ] || fail "--dpkg needs root"
  if dpkg-query -W -f='${Status}' perfbudget 2>/dev/null | grep -q 'installed\|config-files'; then
    fail "perfbudget is already installed on this machine; not touching it"
  fi
  dpkg -i "$DEB" || { dpkg -r perfbudget >/dev/null 2>&1 || true; fail "dpkg -i (missing dependencies?)"; }
  /usr/bin/perfbudget selftest || { dpkg -r perfbudget; fail "selftest of the dpkg-installed program"; }
  USERDB="$XDG_DATA_HOME/perfbudget/workbench.sqlite"
  [ -s "$USERDB" ] || { dpkg -r perfbudget; fail "no database in the user data directory"; }
  dpkg -r perfbudget || fail "dpkg -r"
  [ ! -e /opt/perfbudget ] && [ ! -e /usr/bin/perfbudget ] || fail "dpkg -r left program files behind"
  [ -s "$USERDB" ] || fail "dpkg -r removed the user's database"
  dpkg -P perfbudget >/dev/null || fail "dpkg -P"
  [ -s "$USERDB" ] || fail "dpkg -P removed the user's database"
  echo "dpkg -i / -r / -P: installed, ran, removed, purged; user data kept ($USERDB)"
fi

echo "package check passed"
echo "  build:                 ${BUILD_S}"
echo "  bundle:                $(mb "$REPO/dist/perfbudget") MB (dist/perfbudget)"
echo "  .deb:                  $(awk -v s="$(stat -c %s "$DEB")" 'BEGIN { printf "%.1f", s / 1048576 }') MB ($DEB)"
echo "  cold start, bundled:   ${BUNDLED_S} s (to the login screenshot)"
echo "  cold start, source:    ${SOURCE_S} s (python -m desktop, same screenshot)"
echo "  whole check:           $(secs "$T0" "$(now)") s"
[ "$KEEP" = 1 ] && echo "  kept:                  $TMP (login.png is the installed app's login window)"
exit 0
