"""Issue 16's benchmark: bundler against a bare pikepdf concatenation of the same PDFs.

    python benchmarks/bench_cold.py [--runs 3] [--sizes 200,1000]

For each size N it generates a case with N two-page PDF documents (each with a
sidecar) on top of a one-school-year register and the seven formal steps, then measures,
in interleaved runs, CPU seconds (user + system, the process and its workers) of:

* the floor: a fresh Python process that opens the same N PDFs with pikepdf, appends
  their pages to one PDF and saves it (compressed): what any bundler must at least do;
* bundler cold: ``bundler build --draft`` with an empty part cache;
* bundler warm: the same build again, cache full;
* bundler after an edit: one document's title changed in its sidecar, cache warm;

and prints each against the floor (medians), the output size against the floor's output
with bundler's page stamps added, and peak RSS. Targets (issue 16): cold <= 12x the
floor at 200 and 1,000 PDFs; warm <= 3x; after an edit <= 0.3x the cold build; output
<= 1.5x floor-plus-stamps; peak RSS at 1,000 <= 2x that at 200. Not a test: nothing
here is timed by pytest.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import make_case  # noqa: E402

FLOOR = textwrap.dedent(
    """
    import sys, pikepdf
    out = pikepdf.new()
    opened = [pikepdf.open(p) for p in sys.argv[2:]]
    for pdf in opened:
        out.pages.extend(pdf.pages)
    out.save(sys.argv[1], compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    """
)

STAMPED = textwrap.dedent(
    """
    import sys, pikepdf
    from bundler.bundle.stamp import Stamper
    pdf = pikepdf.open(sys.argv[1])
    stamper = Stamper(pdf)
    for n, page in enumerate(pdf.pages, 1):
        stamper.stamp(page, left="D1", right=f"Page {n} of {len(pdf.pages)}", draft=False)
    pdf.save(sys.argv[2], compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    """
)


def letter_pdf(path: Path, number: int) -> None:
    """A two-page letter-like PDF, text in Helvetica, different for every file."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for page_no in (1, 2):
        lines = [f"Exampletown Academy - scanned letter {number}, page {page_no}"] + [
            f"Line {i} of a fictional letter about attendance, reference EX/{number:04d}/{i}." for i in range(40)
        ]
        ops = ["BT", "/F1 10 Tf", "14 TL", "60 790 Td"] + [f"({text}) '" for text in lines] + ["ET"]
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream("\n".join(ops).encode("latin-1"))
    pdf.save(path)


def make_pdf_case(folder: Path, pdfs: int) -> tuple[Path, list[Path]]:
    make_case(folder, school_years=1, documents=7, seed=1)
    docs = folder / "documents"
    files = []
    for i in range(pdfs):
        path = docs / f"zz-scan-{i:04d}.pdf"
        letter_pdf(path, i)
        (docs / f"zz-scan-{i:04d}.pdf.yaml").write_text(
            f"type: other\ntitle: Scanned letter {i}\ndate: 2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
        )
        files.append(path)
    return folder, files


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """CPU seconds (user + system) and peak RSS (KiB) of a child process and its workers."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # a wrapper reports the child's own peak RSS: RUSAGE_CHILDREN's maxrss is the largest so far
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *args], env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{proc.stdout}\n{proc.stderr}")
    rss = int(proc.stdout.strip().splitlines()[-1])
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), rss


_MEASURE = textwrap.dedent(
    """
    import resource, runpy, sys
    sys.argv = sys.argv[1:]
    try:
        if sys.argv[0] == "-c":
            code = sys.argv[1]; sys.argv = ["-c", *sys.argv[2:]]; exec(compile(code, "<floor>", "exec"), {"__name__": "__main__"})
        else:
            runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(max(own, kids))
    """
)


def bundler(case: Path, out: Path, cache: Path) -> tuple[float, int]:
    env = dict(os.environ, BUNDLER_CACHE_DIR=str(cache), NO_COLOR="1")
    return run(["bundler", "build", str(case), "-o", str(out), "--draft", "--force"], env)


def measure(size: int, runs: int, work: Path) -> dict[str, float]:
    case, files = make_pdf_case(work / f"case-{size}", size)
    floor_out, stamped_out, out = work / f"floor-{size}.pdf", work / f"stamped-{size}.pdf", work / f"b-{size}.pdf"
    sidecar = files[len(files) // 2].with_name(files[len(files) // 2].name + ".yaml")
    original = sidecar.read_text()
    samples: dict[str, list[float]] = {"floor": [], "cold": [], "warm": [], "edit": [], "rss": []}
    for i in range(runs):
        cache = work / f"cache-{size}-{i}"
        samples["floor"].append(run(["-c", FLOOR, str(floor_out), *map(str, files)])[0])
        cpu, rss = bundler(case, out, cache)
        samples["cold"].append(cpu)
        samples["rss"].append(rss)
        samples["warm"].append(bundler(case, out, cache)[0])
        sidecar.write_text(original.replace("title: Scanned letter", f"title: Edited scanned letter {i}"))
        samples["edit"].append(bundler(case, out, cache)[0])
        sidecar.write_text(original)
        shutil.rmtree(cache, ignore_errors=True)
    run(["-c", STAMPED, str(floor_out), str(stamped_out)])
    med = {k: statistics.median(v) for k, v in samples.items()}
    med["size"] = out.stat().st_size
    med["stamped_size"] = stamped_out.stat().st_size
    return med


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="200,1000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min), cores: {os.cpu_count()}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        for size in sizes:
            results[size] = r = measure(size, args.runs, Path(tmp))
            print(
                f"\n{size} PDFs ({args.runs} runs, medians, CPU s):\n"
                f"  floor (pikepdf concatenation) {r['floor']:.2f} s\n"
                f"  cold   {r['cold']:.2f} s  = {r['cold'] / r['floor']:.1f}x the floor   (target <= 12x)\n"
                f"  warm   {r['warm']:.2f} s  = {r['warm'] / r['floor']:.1f}x the floor   (target <= 3x)\n"
                f"  edit   {r['edit']:.2f} s  = {r['edit'] / r['cold']:.2f}x the cold build (target <= 0.3x)\n"
                f"  output {r['size'] / 2**20:.2f} MiB = {r['size'] / r['stamped_size']:.2f}x floor-plus-stamps "
                f"({r['stamped_size'] / 2**20:.2f} MiB) (target <= 1.5x)\n"
                f"  peak RSS {r['rss'] / 1024:.0f} MiB"
            )
    if len(sizes) > 1:
        small, big = results[sizes[0]], results[sizes[-1]]
        print(f"\npeak RSS at {sizes[-1]} / at {sizes[0]}: {big['rss'] / small['rss']:.2f}x (target <= 2x)")
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
