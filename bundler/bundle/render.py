"""HTML -> PDF with WeasyPrint, through a content-hash cache, on every core.

Takes render jobs (one HTML document each, or a batch of short documents rendered as
one); gives their PDF bytes and page counts. Safety: WeasyPrint gets a URL fetcher that
serves ``data:`` URLs, files inside the case folder's ``documents/`` and the package's
own assets, and refuses everything else (network, ``file:///etc/passwd``, attachments
pointing outside) by stopping the render; the build then fails naming the document.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..case.deadline import time_limit
from ..case.names import is_clutter
from ..errors import BundleError
from ..present.jinja import assets_dir
from . import images


def css_url() -> str:
    """The bundle stylesheet, as the URL the fetcher serves."""
    return (assets_dir() / "bundle.css").as_uri()


#: pages per document before the build warns (a bundle should stay readable)
WARN_PAGES = 350


def _fetcher_class() -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):  # type: ignore[misc]
        pass

    class CaseFetcher(URLFetcher):  # type: ignore[misc]
        """Serves only data: URLs and files under the allowed roots; refuses the rest."""

        def __init__(self, roots: list[Path], max_bytes: int):
            super().__init__(fail_on_errors=True, allowed_protocols={"file", "data"})
            self.roots = [r.resolve() for r in roots]
            self.max_bytes = max_bytes
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                if len(url) > self.max_bytes * 2:
                    self.refused.append(url[:60] + "...")
                    raise Refused(f"embedded data too large: {url[:60]}...")
                fitted = images.fit_data_url(url)  # at most 300 dpi
                if fitted is not None:
                    return URLFetcherResponse(url, fitted[0], {"Content-Type": fitted[1]})
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                inside = any(path == root or root in path.parents for root in self.roots)
                # clutter (.DS_Store, Thumbs.db) is never read, so it is not among the
                # bundle's recorded inputs: it may not be shown either
                if inside and path.is_file() and not is_clutter(path.name):
                    if path.stat().st_size > self.max_bytes:
                        self.refused.append(url)
                        raise Refused(f"file too large: {url}")
                    body, kind = images.fit(path.read_bytes(), _content_type(path))  # at most 300 dpi
                    return URLFetcherResponse(url, body, {"Content-Type": kind})
                if inside and not path.exists():
                    self.refused.append(url)
                    shown = next((path.relative_to(r).as_posix() for r in self.roots if path.is_relative_to(r)), path)
                    raise Refused(f"cannot show {shown}: there is no such file beside the document")
            self.refused.append(url)
            raise Refused(f"refused to fetch {url}: only files inside the case folder may be used")

    return CaseFetcher


def _content_type(path: Path) -> str:
    return {
        ".css": "text/css",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".svg": "image/svg+xml",
        ".ttf": "font/ttf",
    }.get(path.suffix.lower(), "application/octet-stream")


@dataclass
class RenderedPart:
    """A piece of the bundle rendered to PDF; a batch also gives where each job starts."""

    pdf: bytes
    pages: int
    starts: tuple[int, ...] = ()


@dataclass(frozen=True)
class RenderJob:
    """One HTML document to render; ``deps`` are hashes of case files it may fetch."""

    html: str
    label: str
    case_root: Path | None
    max_bytes: int = 50 * 1024 * 1024
    deps: tuple[str, ...] = ()
    #: lay out only, to count pages (no PDF written)
    layout_only: bool = False

    def cache_key(self) -> str:
        from importlib.metadata import version

        from .. import __version__

        digest = hashlib.sha256()
        for part in (
            __version__,
            version("weasyprint"),
            version("pydyf"),
            _stylesheet_digest(),
            images.POLICY,
            str(self.case_root),
            str(self.layout_only),
            *self.deps,
            self.html,
        ):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()


@functools.cache
def _stylesheet_digest() -> str:
    """The bundle stylesheet's hash: a page laid out with other CSS is another page."""
    return hashlib.sha256((assets_dir() / "bundle.css").read_bytes()).hexdigest()


def default_cache_dir() -> Path:
    """Rendered parts are cached here, never in the case folder (BUNDLER_CACHE_DIR overrides)."""
    env = os.environ.get("BUNDLER_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bundler" / "parts"


def _render_job(job: RenderJob, seconds: float | None = None) -> RenderedPart:
    with time_limit(seconds, job.label, "rendering it"):
        return html_to_pdf(
            job.html, label=job.label, case_root=job.case_root, max_bytes=job.max_bytes, layout_only=job.layout_only
        )


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)


@dataclass(frozen=True)
class BatchJob:
    """Several documents rendered as one WeasyPrint document, each from a new page.

    Every render pays a fixed cost (CSS, fonts, subsetting, writing), so short
    documents are cheaper together. Batches are made from the case's content alone,
    so the bundle's bytes never depend on what happens to be in the cache.
    """

    jobs: tuple[RenderJob, ...]

    def cache_key(self) -> str:
        digest = hashlib.sha256(b"batch")
        for job in self.jobs:
            digest.update(job.cache_key().encode())
        return digest.hexdigest()


def _render_batch(batch: BatchJob, seconds: float | None = None) -> RenderedPart:
    first = batch.jobs[0]
    try:
        # the limit is for one document: a batch that takes longer is rendered again one by one,
        # each under the limit, so that the document that takes too long is the one named
        with time_limit(seconds, "batch", "rendering it"):
            return _render_together(batch, first)
    except (BundleError, StopIteration):
        # render one by one: the failing document is then named, or the batch was unusual
        return _join([_render_job(job, seconds) for job in batch.jobs])


def _render_together(batch: BatchJob, first: RenderJob) -> RenderedPart:
    htmls = [job.html for job in batch.jobs]
    head = htmls[0][: htmls[0].index("<body")]
    bodies = []
    for i, html in enumerate(htmls):
        match = _BODY.search(html)
        if match is None:  # not one of ours: its content would be lost in the join
            raise StopIteration
        style = "" if i == 0 else ' style="break-before: page"'
        bodies.append(f'<div class="bundler-part"{style}><a id="bundler-part-{i}"></a>{match.group(1)}</div>')
    html = head + "<body>" + "".join(bodies) + "</body></html>"
    document = _layout(html, label="batch", case_root=first.case_root, max_bytes=first.max_bytes)
    starts = [
        next(n for n, page in enumerate(document.pages) if f"bundler-part-{i}" in page.anchors)
        for i in range(len(htmls))
    ]
    return RenderedPart(document.write_pdf(), len(document.pages), tuple(starts))


def _join(parts: list[RenderedPart]) -> RenderedPart:
    """Parts rendered one by one, joined into one batch result."""
    import pikepdf  # heavy: only when a batch falls back

    joined = pikepdf.new()
    starts, page = [], 0
    # the sources stay open until the save: copied streams are read from them then
    sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
    for part, pdf in zip(parts, sources):
        starts.append(page)
        joined.pages.extend(pdf.pages)
        page += part.pages
    buffer = io.BytesIO()
    joined.save(buffer)
    for pdf in sources:
        pdf.close()
    return RenderedPart(buffer.getvalue(), page, tuple(starts))


def _render_unit(unit: BatchJob | RenderJob, seconds: float | None = None) -> RenderedPart:
    return _render_batch(unit, seconds) if isinstance(unit, BatchJob) else _render_job(unit, seconds)


class Renderer:
    """Renders jobs through a content-hash cache, the misses on every core.

    The cache keys on the HTML, the files it may fetch, and the tool versions, so an
    edit to one document re-renders only that document.
    """

    #: below this many parts to render, worker start-up costs more than it saves
    min_parallel = 8

    def __init__(self, cache_dir: Path | None = None, workers: int | None = None, max_seconds: float | None = None):
        self.cache_dir = cache_dir
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.max_seconds = max_seconds  # for one document (a batch of n gets n times as long)
        self._pool: Any = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _cached(self, key: str) -> RenderedPart | None:
        if self.cache_dir is None:
            return None
        path = self.cache_dir / key[:2] / f"{key}.pdf"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        info = json.loads(path.with_suffix(".pages").read_text())
        return RenderedPart(data, info["pages"], tuple(info["starts"]))

    def _store(self, key: str, part: RenderedPart) -> None:
        if self.cache_dir is None:
            return
        from ..output import atomic_write_bytes, atomic_write_text

        folder = self.cache_dir / key[:2]
        atomic_write_text(folder / f"{key}.pages", json.dumps({"pages": part.pages, "starts": list(part.starts)}))
        atomic_write_bytes(folder / f"{key}.pdf", part.pdf)

    def _counts_path(self, key: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / "counts" / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}.json"

    def remembered_counts(self, key: str) -> list[int] | None:
        """The page counts last remembered under ``key`` (a guess to check, never trusted)."""
        path = self._counts_path(key)
        try:
            counts = json.loads(path.read_text()) if path is not None else None
        except (OSError, ValueError):
            return None
        return counts if isinstance(counts, list) and all(isinstance(c, int) and c > 0 for c in counts) else None

    def remember_counts(self, key: str, counts: list[int]) -> None:
        path = self._counts_path(key)
        if path is not None:
            from ..output import atomic_write_text

            atomic_write_text(path, json.dumps(counts))

    def render(self, jobs: Sequence[BatchJob | RenderJob]) -> list[RenderedPart]:
        """Render RenderJobs and BatchJobs, in order."""
        keys = [job.cache_key() for job in jobs]
        results: list[RenderedPart | None] = [self._cached(k) for k in keys]
        missing = [i for i, r in enumerate(results) if r is None]
        if len(missing) >= self.min_parallel and self.workers > 1:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # fonts are loaded once here, so the forked workers start warm
                html_to_pdf("<p>bundler</p>", label="warm-up", case_root=None)
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
            work = functools.partial(_render_unit, seconds=self.max_seconds)
            rendered = list(self._pool.map(work, [jobs[i] for i in missing]))
        else:
            rendered = [_render_unit(jobs[i], self.max_seconds) for i in missing]
        for i, part in zip(missing, rendered):
            self._store(keys[i], part)
            results[i] = part
        return results  # type: ignore[return-value]


def _layout(html: str, *, label: str, case_root: Path | None, max_bytes: int) -> Any:
    """Lay out one HTML document with WeasyPrint through the safe fetcher.

    ``label`` names the document in errors. Anything the fetcher refuses fails the build.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    roots = [assets_dir()] + ([case_root / "documents"] if case_root else [])
    fetcher = _fetcher_class()(roots, max_bytes)
    base = (case_root / "documents").resolve().as_uri() + "/" if case_root else assets_dir().as_uri() + "/"
    try:
        document = HTML(string=html, base_url=base, url_fetcher=fetcher).render()
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ or exc
        raise BundleError(f"{label}: {cause}") from None
    if fetcher.refused:
        raise BundleError(f"{label}: refused to fetch {', '.join(fetcher.refused)}")
    return document


def html_to_pdf(
    html: str, *, label: str, case_root: Path | None, max_bytes: int = 50 * 1024 * 1024, layout_only: bool = False
) -> RenderedPart:
    """Render one HTML document to PDF (or only count its pages)."""
    document = _layout(html, label=label, case_root=case_root, max_bytes=max_bytes)
    return RenderedPart(b"" if layout_only else document.write_pdf(), len(document.pages))
