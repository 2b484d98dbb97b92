"""Benchmark: the toolkit site build, against a bare build of the same pages.

    python benchmarks/bench_site.py               # 5 timed runs of each (about 1 minute)
    python benchmarks/bench_site.py --repeat 3
    python benchmarks/bench_site.py --worker 0    # BUNDLER_SITE_WORKER=0: sample checks and letter
                                                  # previews inline, not in a forked child

(a) the real build: ``python -m mkdocs build --strict`` with mkdocs.yml as committed,
    the hook generating every page in memory (sample checks and letter previews in a
    forked child by default, the tables and reference pages in the main process);
(b) the bare build: the same pages, already written out once by
    ``toolkit_site.hooks.write_generated`` (site/hooks/) (generated pages, written pages with their figures
    filled in), built from a temporary mkdocs.yml that is mkdocs.yml without ``hooks:``
    and with the nav the hook would have made.

Each run is a fresh subprocess (Python start and imports included, as for a user), (a)
and (b) alternately after one warm-up of each. It prints the medians and the ratio
(a)/(b). Target: under 1.5x.

Not a pytest test: pytest collects only ``tests/``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.5


def bare_config(tmp: Path) -> Path:
    """mkdocs.yml without hooks, over the pages write_generated wrote into tmp/docs."""
    sys.path.insert(0, str(ROOT / "site" / "hooks"))
    from toolkit_site.build import Build
    from toolkit_site.hooks import write_generated

    docs = tmp / "docs"
    write_generated(ROOT, docs)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks", None)
    config.pop("watch", None)
    config["docs_dir"] = str(docs)
    fills = Build(ROOT, parallel=False).nav_entries()
    for entry in config.get("nav", []):
        if isinstance(entry, dict):
            for children in entry.values():
                if isinstance(children, list) and children and children[0] in fills:
                    children.extend(fills[children[0]])
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def timed(config: Path, out: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "-d", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--worker", choices=["0", "1"], default=None, help="set BUNDLER_SITE_WORKER (default: the hook's own choice)"
    )
    args = parser.parse_args()

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if args.worker is not None:
        env["BUNDLER_SITE_WORKER"] = args.worker
    with tempfile.TemporaryDirectory(prefix="bench-site-") as name:
        tmp = Path(name)
        bare = bare_config(tmp)
        real = ROOT / "mkdocs.yml"
        pages = sum(1 for p in (tmp / "docs").rglob("*.md"))
        files = sum(1 for p in (tmp / "docs").rglob("*") if p.is_file())
        print(f"{pages} pages, {files} files in docs; {os.cpu_count()} CPUs")
        timed(real, tmp / "out-real", env)  # warm-up: disk cache, .pyc files
        timed(bare, tmp / "out-bare", env)
        full, plain = [], []
        for _ in range(args.repeat):
            full.append(timed(real, tmp / "out-real", env))
            plain.append(timed(bare, tmp / "out-bare", env))
    a, b = statistics.median(full), statistics.median(plain)
    print(f"(a) full build, hook on:  median {a:.2f} s  ({', '.join(f'{t:.2f}' for t in full)})")
    print(f"(b) bare build, no hook:  median {b:.2f} s  ({', '.join(f'{t:.2f}' for t in plain)})")
    ratio = a / b
    paired = statistics.median(x / y for x, y in zip(full, plain))
    print(
        f"ratio (a)/(b): {ratio:.2f}x of the medians, {paired:.2f}x median of the paired runs "
        f"(target < {TARGET}x): {'OK' if ratio < TARGET else 'OVER TARGET'}"
    )


if __name__ == "__main__":
    main()
