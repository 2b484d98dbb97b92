#!/usr/bin/env bash
# Rebuild the reference thumbnails of the sample bundles in docs/thumbnails/ (needs
# poppler-utils for pdftoppm). Run after a change to how the bundle looks.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
mkdir -p docs/thumbnails
for case in EX-2025-001 EX-2025-002 EX-2025-003; do
  bundler build "sample_cases/$case" -o "$out/$case.pdf" >/dev/null
  pdftoppm -r 28 -png -f 1 -l 3 "$out/$case.pdf" "$out/$case-p"
  for i in 1 2 3; do
    mv "$out/$case-p-$i.png" "docs/thumbnails/$case-p$i.png" 2>/dev/null || mv "$out/$case-p-0$i.png" "docs/thumbnails/$case-p$i.png"
  done
done
# one inside page of the register grid and one document, at a readable size
pdftoppm -r 45 -png -f 10 -l 10 "$out/EX-2025-001.pdf" "$out/grid"
mv "$out"/grid-*.png docs/thumbnails/EX-2025-001-register.png
rm -rf "$out"
ls -la docs/thumbnails
