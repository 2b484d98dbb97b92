"""Run a folder of real-world PDFs through bundler, as documents of a sample case.

    python scripts/corpus_run.py CORPUS_DIR [--case sample_cases/EX-2025-001] [--batch 20]
        [--report corpus.json] [--pngs DIR --sample 40] [--limit N]

Each PDF under CORPUS_DIR is put, with a sidecar (``type: other``), into a copy of the
sample case made in a temporary folder (the corpus is never copied anywhere else, and
nothing is written into the repository). Then:

1. ``bundler validate`` with the file alone in the case: refused (with the reason) or
   valid;
2. the valid ones ``bundler build --draft``, ``--batch`` files at a time (a batch that is
   refused is built again file by file, so every refusal names its file);
3. for each built file, the bundle must hold as many pages for it as the source has,
   and every word ``pdftotext`` finds in the source must be found on its bundle pages
   (what a hidden layer or a removed annotation held is reported by the build instead).

It prints the counts: built, refused by validate (reasons grouped), refused by build
(grouped), crashed (a traceback, a signal, or a time-out), and files whose words or
pages differ. ``--pngs`` renders the first bundle page of ``--sample`` built files at
50 dpi for a person to look at.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Corpus file {n:04d}"


def _group(message: str) -> str:
    """A refusal without what is particular to the file: its name, numbers, quotes."""
    text = message.strip().splitlines()[0] if message.strip() else "(no message)"
    text = re.sub(r"^(error: )?\S*documents/corpus-\d+\.pdf(:| \()", "", text).strip()
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"\([^()]*\)$", "", text).strip()
    return re.sub(r"\d+(\.\d+)?", "N", text)[:150]


def _bundler(args: list[str], timeout: float, cache: Path) -> tuple[int | None, str, str]:
    """Run the command line in a fresh process: a crash cannot take the runner with it."""
    env = {**os.environ, "BUNDLER_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    code = "import sys; from bundler.cli import main; sys.argv[0] = 'bundler'; main()"
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env
        )
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout:.0f} s"
    return done.returncode, done.stdout, done.stderr


def _words(pdf: Path, first: int | None = None, last: int | None = None) -> collections.Counter[str] | None:
    args = ["pdftotext", "-q"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=120, errors="replace").stdout
    except subprocess.TimeoutExpired:
        return None
    return collections.Counter(w for w in re.findall(r"\w{3,}", out))


def _pages(pdf: Path) -> int | None:
    import pikepdf

    try:
        with pikepdf.open(pdf) as doc:
            return len(doc.pages)
    except Exception:  # the source may be anything; its page count is only for comparison
        return None


def _place(case: Path, files: list[tuple[int, Path]]) -> None:
    documents = case / "documents"
    for old in documents.glob("corpus-*"):
        old.unlink()
    for n, source in files:
        shutil.copyfile(source, documents / f"corpus-{n:04d}.pdf")
        (documents / f"corpus-{n:04d}.pdf.yaml").write_text(
            f"type: other\ntitle: {TITLE.format(n=n)}\ndate: 2025-01-06\n", encoding="utf-8"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--case", type=Path, default=ROOT / "sample_cases" / "EX-2025-001")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--limit", type=int, default=0, help="only the first N files")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--report", type=Path)
    parser.add_argument("--pngs", type=Path)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()

    files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    if args.limit:
        files = files[: args.limit]
    numbered = list(enumerate(files, 1))
    result: dict[str, dict[str, object]] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bundler-corpus-") as tmp:
        case = Path(tmp) / args.case.name
        shutil.copytree(args.case, case)
        # 1. validate each file alone
        valid: list[tuple[int, Path]] = []
        from click.testing import CliRunner

        from bundler.cli import main as cli

        for n, source in numbered:
            _place(case, [(n, source)])
            run = CliRunner().invoke(cli, ["validate", str(case)])
            name = str(source.relative_to(args.corpus))
            if run.exception is not None and not isinstance(run.exception, SystemExit):
                result[name] = {"outcome": "crashed", "stage": "validate", "detail": repr(run.exception)}
            elif run.exit_code == 0:
                valid.append((n, source))
            else:
                lines = [line for line in run.output.splitlines() if "corpus-" in line]
                result[name] = {"outcome": "refused", "stage": "validate", "reason": "\n".join(lines) or run.output}
            if n % 100 == 0:
                print(f"... validated {n} of {len(files)}", file=sys.stderr)
        # 2. build the valid ones in batches, file by file where a batch fails
        out = Path(tmp) / "bundle.pdf"
        queue = [valid[i : i + args.batch] for i in range(0, len(valid), args.batch)]
        done_batches = 0
        while queue:
            batch = queue.pop(0)
            _place(case, batch)
            code, stdout, stderr = _bundler(
                ["build", str(case), "--draft", "--force", "-o", str(out)], args.timeout, Path(tmp) / "cache"
            )
            crashed = code is None or code < 0 or "Traceback (most recent call last)" in stderr
            if code == 0 and not crashed:
                _compare(out, batch, args.corpus, result, stderr)
            elif len(batch) > 1:
                queue = [[item] for item in batch] + queue
                continue
            else:
                n, source = batch[0]
                name = str(source.relative_to(args.corpus))
                if crashed:
                    result[name] = {"outcome": "crashed", "stage": "build", "detail": (stderr or stdout)[-3000:]}
                else:
                    result[name] = {"outcome": "refused", "stage": "build", "reason": (stderr or stdout).strip()}
            done_batches += 1
            print(f"... built batch {done_batches}, {len(queue)} to go", file=sys.stderr)
            if args.pngs and code == 0:
                _pngs(out, batch, args, result)
    _summary(result, len(files), time.monotonic() - started)
    if args.report:
        args.report.write_text(json.dumps(result, indent=1, sort_keys=True))
    return 1 if any(r["outcome"] == "crashed" for r in result.values()) else 0


def _compare(
    bundle: Path, batch: list[tuple[int, Path]], corpus: Path, result: dict[str, dict[str, object]], stderr: str
) -> None:
    """Pages and words of each built file against its source."""
    import pikepdf

    with pikepdf.open(bundle) as pdf:
        manifest = json.loads(pdf.attachments["bundler-manifest.json"].get_file().read_bytes())
    for n, source in batch:
        name = str(source.relative_to(corpus))
        doc = next(d for d in manifest["documents"] if d["key"] == f"documents/corpus-{n:04d}.pdf")
        pages = doc["last_page"] - doc["first_page"] + 1
        entry: dict[str, object] = {"outcome": "built", "pages": pages, "first_page": doc["first_page"]}
        own = _pages(source)
        if own is not None and own != pages:
            entry["pages_differ"] = f"source {own}, bundle {pages}"
        before = _words(source)
        after = _words(bundle, doc["first_page"], doc["last_page"])
        if before is not None and after is not None:
            missing = sorted(w for w, count in before.items() if after[w] < count)
            if missing:
                entry["words_missing"] = len(missing)
                entry["words_missing_sample"] = missing[:12]
        removed = [line for line in stderr.splitlines() if f"corpus-{n:04d}.pdf:" in line]
        if removed:
            entry["report"] = removed
        result[name] = entry


def _pngs(bundle: Path, batch: list[tuple[int, Path]], args: argparse.Namespace, result: dict) -> None:
    args.pngs.mkdir(parents=True, exist_ok=True)
    for n, source in batch:
        if len(list(args.pngs.glob("*.png"))) >= args.sample:
            return
        entry = result.get(str(source.relative_to(args.corpus)), {})
        page = entry.get("first_page")
        if page:
            prefix = args.pngs / f"corpus-{n:04d}"
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "50",
                    "-png",
                    "-singlefile",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    str(bundle),
                    str(prefix),
                ],
                check=False,
                timeout=120,
            )


def _summary(result: dict[str, dict[str, object]], total: int, seconds: float) -> None:
    outcomes = collections.Counter(str(r["outcome"]) for r in result.values())
    print(
        f"{total} PDFs in {seconds:.0f} s: {outcomes['built']} built, {outcomes['refused']} refused, "
        f"{outcomes['crashed']} crashed"
    )
    for stage in ("validate", "build"):
        reasons = collections.Counter(
            _group(str(r["reason"])) for r in result.values() if r["outcome"] == "refused" and r["stage"] == stage
        )
        if reasons:
            print(f"refused by {stage} ({sum(reasons.values())}):")
            for reason, count in reasons.most_common():
                print(f"  {count:4d}  {reason}")
    for name, r in sorted(result.items()):
        if r["outcome"] == "crashed":
            print(f"CRASHED {name} ({r['stage']}): {str(r['detail']).strip().splitlines()[-1][:200]}")
    differ = {n: r for n, r in result.items() if r.get("pages_differ") or r.get("words_missing")}
    print(f"built with pages or words differing from the source: {len(differ)}")
    for name, r in sorted(differ.items())[:40]:
        print(f"  {name}: {r.get('pages_differ', '')} {r.get('words_missing', '')} {r.get('words_missing_sample', '')}")


if __name__ == "__main__":
    sys.exit(main())
