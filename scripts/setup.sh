#!/usr/bin/env bash
# Set up bundler on a fresh Debian/Ubuntu machine, then run the main job on a sample case.
#
#   bash scripts/setup.sh            # system libraries (if missing), Python package, sample run
#   SKIP_SAMPLE=1 bash scripts/setup.sh   # install only (CI)
#
# WeasyPrint needs Pango and HarfBuzz from the system (HarfBuzz's subsetter makes
# font embedding several times faster), and the tests need a browser for the toolkit
# site and poppler to look at PDF pages. Office documents (.docx, .doc, .odt, .rtf) are
# converted by LibreOffice Writer, with the fonts metric-compatible with Word's (Arial,
# Times New Roman, Calibri, Cambria), so their lines break where Word breaks them.
# Debian packages:
#   libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core
#   libreoffice-writer-nogui fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea
#   chromium chromium-driver poppler-utils   (tests only)
# As root (or with sudo) they are installed with apt-get; otherwise the script stops and
# names them.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core
              libreoffice-writer-nogui fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea
              chromium chromium-driver poppler-utils)

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; }; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "Installing system libraries for WeasyPrint: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bundler needs these system libraries (for WeasyPrint): ${missing[*]}" >&2
    echo "Install them with your package manager, e.g.: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test,site]'

if [ -z "${SKIP_SAMPLE:-}" ]; then
  echo
  echo "== bundler validate sample_cases/EX-2025-001"
  bundler validate sample_cases/EX-2025-001
  echo
  echo "== bundler check sample_cases/EX-2025-001"
  bundler check sample_cases/EX-2025-001 --summary
  echo
  echo "== bundler stats sample_cases/EX-2025-001"
  bundler stats sample_cases/EX-2025-001
fi
