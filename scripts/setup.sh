#!/usr/bin/env bash
# Set up bundler on a Debian or Ubuntu machine, then build the sample case's bundle.
#
#   bash scripts/setup.sh                 # system packages (if missing), Python package, sample bundle
#   SKIP_SAMPLE=1 bash scripts/setup.sh   # install only (CI)
#
# Where it installs: the active virtual environment if there is one, else .venv in the
# project (created here; Debian and Ubuntu's own python3 refuses `pip install` outside a
# virtual environment, PEP 668). A second run is quick: apt is skipped when every
# package is there, pip when pyproject.toml has not changed since the last install.
#
# System packages (installed with apt-get as root or with sudo; otherwise named):
#   needed     libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 (WeasyPrint),
#              fonts-dejavu-core
#   for more   libreoffice-writer-nogui (office documents), tesseract-ocr tesseract-ocr-eng (OCR),
#              jbig2dec (to read JBIG2 scans for OCR),
#              qpdf poppler-utils (PDF attachments), fonts-liberation2 fonts-crosextra-carlito
#              fonts-crosextra-caladea (the fonts Word letters use, metrically), chromium
#              chromium-driver (the site's browser test)
# Environment: PYTHON (the interpreter to make .venv with, default python3), SKIP_SAMPLE=1,
# BUNDLER_NO_APT=1 (never call apt-get; only name what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf '%s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- system packages

# "a|b": the first name this system's apt knows (Debian and Ubuntu name some differently)
NEEDED=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core)
WANTED=(libreoffice-writer-nogui tesseract-ocr tesseract-ocr-eng jbig2dec qpdf poppler-utils
        "fonts-liberation2|fonts-liberation" fonts-crosextra-carlito fonts-crosextra-caladea
        "chromium|chromium-browser" "chromium-driver|chromium-chromedriver")

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

can_apt() {
  [ -z "${BUNDLER_NO_APT:-}" ] && command -v apt-get >/dev/null 2>&1 \
    && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; }
}

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
APT_UPDATED=""
apt_update() { [ -n "$APT_UPDATED" ] || { $SUDO apt-get update -qq; APT_UPDATED=1; }; }
apt_install() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }

# the specs ("a" or "a|b") of which no package is installed
not_installed() {
  local spec name found
  for spec in "$@"; do
    found=""
    IFS='|' read -ra names <<<"$spec"
    for name in "${names[@]}"; do installed "$name" && found=1 && break; done
    [ -n "$found" ] || echo "$spec"
  done
}

# the package apt can install for each spec: the first name with a candidate
resolve() {
  local spec name chosen
  for spec in "$@"; do
    IFS='|' read -ra names <<<"$spec"
    chosen=${names[0]}
    for name in "${names[@]}"; do
      if apt-cache policy "$name" 2>/dev/null | grep -q 'Candidate: [^(]'; then chosen=$name; break; fi
    done
    echo "$chosen"
  done
}

if command -v dpkg-query >/dev/null 2>&1; then
  mapfile -t need < <(not_installed "${NEEDED[@]}")
  mapfile -t want < <(not_installed "${WANTED[@]}")
  if ((${#need[@]} + ${#want[@]})); then
    if can_apt; then
      apt_update
      mapfile -t need < <(resolve "${need[@]}")
      mapfile -t want < <(resolve "${want[@]}")
      say "Installing system packages: ${need[*]} ${want[*]}"
      if ! apt_install "${need[@]}" "${want[@]}"; then
        ((${#need[@]} == 0)) || apt_install "${need[@]}" || fail "apt-get could not install ${need[*]}, which WeasyPrint needs"
        say "warning: apt-get could not install all of ${want[*]}: office documents, OCR, PDF tools or the" \
            "site's browser test may not work"
      fi
    elif ((${#need[@]})); then
      fail "bundler needs these system packages (WeasyPrint draws the PDFs with them): ${need[*]}
Install them (and, for office documents, OCR and the tests: ${want[*]:-nothing more}), then run this again:
  sudo apt-get install ${need[*]} ${want[*]}"
    else
      say "warning: without ${want[*]} some things will not work (office documents, OCR, PDF tools," \
          "the site's browser test). Install them with: sudo apt-get install ${want[*]}"
    fi
  fi
else
  say "warning: not a Debian or Ubuntu system; install Pango and HarfBuzz (for WeasyPrint) yourself"
fi

# ---------------------------------------------------------------- the Python environment

if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
  VENV=$VIRTUAL_ENV
  where="your active virtual environment ($VENV)"
else
  VENV=$ROOT/.venv
  where=".venv"
  if [ ! -x "$VENV/bin/python" ]; then
    base=${PYTHON:-python3}
    command -v "$base" >/dev/null 2>&1 || fail "no $base found: install Python 3.11 or later (sudo apt-get install python3)"
    "$base" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || fail "bundler needs Python 3.11 or later; $base is $("$base" -c 'import sys; print(sys.version.split()[0])')"
    if ! "$base" -m venv "$VENV" >/dev/null 2>&1; then
      rm -rf "$VENV"
      # Debian and Ubuntu ship venv's pip in a package of its own
      version=$("$base" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      if command -v dpkg-query >/dev/null 2>&1 && can_apt; then
        say "Installing python3-venv (to make the virtual environment .venv)"
        apt_update
        apt_install python3-venv "python$version-venv"
        "$base" -m venv "$VENV" || fail "could not create $VENV with $base"
      else
        fail "could not create a virtual environment with $base: install python3-venv (sudo apt-get install python3-venv python$version-venv), then run this again"
      fi
    fi
  fi
fi
PY=$VENV/bin/python

# pip runs when pyproject.toml changed since the last install into this environment, or
# when this checkout is not the one installed there
stamp_file=$VENV/.bundler-setup
stamp="$(sha256sum pyproject.toml | cut -d' ' -f1) $ROOT"
installed_here() {
  "$PY" - "$ROOT" <<'EOF' 2>/dev/null
import pathlib, sys
import bundler
sys.exit(not pathlib.Path(bundler.__file__).resolve().is_relative_to(pathlib.Path(sys.argv[1]).resolve()))
EOF
}
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && [ -x "$VENV/bin/bundler" ] && installed_here; then
  say "bundler is up to date in $where"
else
  say "Installing bundler into $where (pip install -e '.[test,site]')"
  "$PY" -m pip install --quiet --disable-pip-version-check -e '.[test,site]' \
    || fail "pip could not install bundler into $VENV (see pip's message above)"
  printf '%s\n' "$stamp" >"$stamp_file"
fi
BUNDLER=$VENV/bin/bundler

# ---------------------------------------------------------------- the sample case

if [ -z "${SKIP_SAMPLE:-}" ]; then
  sample=sample_cases/EX-2025-001
  say
  say "== bundler validate $sample"
  "$BUNDLER" validate "$sample"
  say
  say "== bundler check $sample --summary"
  "$BUNDLER" check "$sample" --summary
  say
  say "== bundler build $sample"
  "$BUNDLER" build "$sample" -o "out/EX-2025-001.pdf" --force
  say
  say "The sample bundle is $ROOT/out/EX-2025-001.pdf: open it in a PDF reader (the index on page 2 links to every section)."
fi

say
if [ "$VENV" = "${VIRTUAL_ENV:-}" ]; then
  say "Ready: the bundler command is in your active virtual environment. Run the tests with: bash scripts/test.sh"
else
  say "Ready: run 'source .venv/bin/activate' to use the bundler command in this shell (or run .venv/bin/bundler). Run the tests with: bash scripts/test.sh"
fi
