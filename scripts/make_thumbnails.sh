#!/usr/bin/env bash
# Rebuild the reference thumbnails of the sample bundles in docs/thumbnails/ (needs
# poppler-utils for pdftoppm and pdftotext). Run after a change to how the bundle looks.
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
page_of() {  # the first page of $1 whose text holds $2
  local n
  for n in $(seq 1 "$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')"); do
    if pdftotext -f "$n" -l "$n" "$1" - | grep -q "$2"; then echo "$n"; return; fi
  done
  echo "no page of $1 holds '$2'" >&2; exit 1
}
shot() {  # shot PDF PAGE NAME: one page at a readable size
  pdftoppm -r 45 -png -f "$2" -l "$2" "$1" "$out/shot"
  mv "$out"/shot-*.png "docs/thumbnails/$3.png"
}
shot "$out/EX-2025-001.pdf" "$(page_of "$out/EX-2025-001.pdf" "Every calendar week from")" EX-2025-001-register
# the court file of the prosecution sample: referral form, a draft statement (K. Dummy has
# not signed one), the exhibit list, and a supplement made by adding a letter to a copy
shot "$out/EX-2025-002.pdf" 2 EX-2025-002-referral-form
bundler build sample_cases/EX-2025-002 --witness "K. Dummy" -o "$out/draft.pdf" >/dev/null
shot "$out/draft.pdf" "$(page_of "$out/draft.pdf" "WITNESS STATEMENT")" EX-2025-002-statement
shot "$out/draft.pdf" "$(page_of "$out/draft.pdf" "first page carries its reference")" EX-2025-002-exhibits
cp -r sample_cases/EX-2025-002 "$out/case"
cat > "$out/case/documents/2025-03-20-letter-p1-update.md" <<'LETTER'
---
type: letter
title: Attendance update after the referral notice
date: 2025-03-20
to: p1
served: {method: post_first_class}
---
Dear Ms Sample,

Casey's attendance has not improved since the notification of referral.
LETTER
SOURCE_DATE_EPOCH=1743552000 bundler build "$out/case" --supplement-to "$out/EX-2025-002.pdf" -o "$out/supplement.pdf" >/dev/null
shot "$out/supplement.pdf" "$(page_of "$out/supplement.pdf" "Supplement 1 to the bundle")" EX-2025-002-supplement
rm -rf "$out"
ls -la docs/thumbnails
