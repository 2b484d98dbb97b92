"""The MkDocs hook: mkdocs calls these ``on_*`` functions by name (``site/hooks/bundler_site.py``
re-exports them), and ``write_generated`` writes the same pages to a folder.

The written pages (the road map, the guidance) live in ``site/``; every page that
describes what the tool does is generated in memory at build time (``on_files``), so
nothing generated is ever written into ``site/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from bundler import api

from . import search
from .build import Build
from .checklist import _step_links
from .common import Deferred, DeferredBytes, check_mapping, fill_facts, log, step_page

_state: dict[str, Any] = {"build": None, "command": None, "workers": set()}


def _repo_root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config):
    if _state["command"] == "serve":
        _forget_caches()  # `mkdocs serve` keeps this module loaded between rebuilds
    if _state["build"] is not None:
        _state["build"].close()
    _state["workers"] = set()
    build = Build(_repo_root(config), parallel=_use_worker())
    if build.parallel:
        build.start()  # the worker starts now and runs alongside mkdocs
    _state["build"] = build
    for problem in check_mapping():
        log.warning("bundler site: %s", problem)
    fills = build.nav_entries()
    for entry in config.nav or []:
        if isinstance(entry, dict):
            for children in entry.values():
                if isinstance(children, list) and children and children[0] in fills:
                    children.extend(e for e in fills[children[0]] if e not in children)
    return config


def _use_worker() -> bool:
    choice = os.environ.get("BUNDLER_SITE_WORKER", "")
    if choice in ("0", "1"):
        return choice == "1"
    return (os.cpu_count() or 1) > 1 and _state["command"] != "serve"


def on_files(files, config):
    from mkdocs.structure.files import File

    build: Build = _state["build"]
    deferred: dict[str, Deferred] = {}
    _state["deferred"] = deferred
    later: list[tuple[Any, DeferredBytes]] = []
    _state["deferred_files"] = later
    for number in range(1, 10):
        if files.get_file_from_path(step_page(number)) is None:
            log.warning(
                "bundler site: the written page site/%s for road-map step %d is missing", step_page(number), number
            )
    for path, content in build.files().items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            log.warning("bundler site: site/%s would hide the generated page; remove it", path)
            files.remove(existing)
        if isinstance(content, DeferredBytes):
            file = File.generated(config, path, content=b"")  # filled in by on_env
            later.append((file, content))
            files.append(file)
            continue
        if isinstance(content, Deferred):
            deferred[path] = content
            content = ""  # filled in by on_page_markdown when mkdocs reads the page
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    build: Build = _state["build"]
    src = page.file.src_uri
    if page.file.generated_by is not None:
        make = _state.get("deferred", {}).get(src)
        return make() if make is not None else markdown
    markdown = fill_facts(markdown, build.facts, f"site/{src}")
    m = re.fullmatch(r"road-map/step-(\d)\.md", src)
    if m:
        markdown = markdown.rstrip("\n") + "\n" + _step_links(src, int(m.group(1)), build)
    return markdown


def on_env(env, config, files):
    """Every page has been read (so the slow work is done) and no file is copied yet: make
    the downloads."""
    for file, make in _state.get("deferred_files", []):
        file.content_bytes = make()
    return env


def on_post_page(output: str, page, config) -> str:
    """Point the page's search at the worker that splits queries as the index is split
    (``toolkit_site.search``)."""
    output, worker = search.point_at_wrapper(output)
    if worker:
        _state["workers"].add(worker)
    return output


def on_post_template(output_content: str, template_name: str, config) -> str:
    """The same for the pages built from a template alone (404.html)."""
    if template_name.endswith(".html"):
        output_content, worker = search.point_at_wrapper(output_content)
        if worker:
            _state["workers"].add(worker)
    return output_content


def on_post_build(config) -> None:
    build: Build | None = _state["build"]
    if build is not None:
        build.close()
    workers: set[str] = _state["workers"]
    if not workers and any(name.endswith("search") for name in config.plugins):
        log.warning(
            "bundler site: no page names the theme's search worker, so queries are split at hyphens "
            "and rule IDs such as S444-33 cannot be found whole (see toolkit_site/search.py)"
        )
    folder = Path(config.site_dir) / "assets" / "javascripts" / "workers"
    for worker in workers:
        if not (folder / worker).is_file():
            log.warning("bundler site: the theme's search worker %s is not in %s", worker, folder)
            continue
        (folder / search.wrapper_name(worker)).write_text(search.wrapper_source(worker), encoding="utf-8")


def on_build_error(error) -> None:
    build: Build | None = _state["build"]
    if build is not None:
        build.close()


def _forget_caches() -> None:
    """Drop the package's own caches so `mkdocs serve` shows edited templates and profiles."""
    api.clear_caches()


def write_generated(
    root: str | os.PathLike[str], dest: str | os.PathLike[str], *, written_pages: bool = True
) -> list[str]:
    """Write the site's pages as the hook would produce them into ``dest``: every generated
    file and (``written_pages``) the written pages of ``site/`` with figures filled in and
    step links appended. The benchmark builds this folder without the hook; it also lets
    one read the generated Markdown. Never used by the hook."""
    build = Build(Path(root), parallel=False)
    out: dict[str, str | bytes] = {}
    if written_pages:
        docs = Path(root) / "site"
        for path in sorted(docs.rglob("*")):
            relpath = path.relative_to(docs).as_posix()
            if not path.is_file() or relpath.startswith("hooks/"):
                continue
            if path.suffix == ".md":
                text = fill_facts(path.read_text(encoding="utf-8"), build.facts, f"site/{relpath}")
                m = re.fullmatch(r"road-map/step-(\d)\.md", relpath)
                if m:
                    text = text.rstrip("\n") + "\n" + _step_links(relpath, int(m.group(1)), build)
                out[relpath] = text
            else:
                out[relpath] = path.read_bytes()
    for path, content in build.files().items():
        out[path] = content() if isinstance(content, Deferred) else content
    for path, content in out.items():
        target = Path(dest) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return sorted(out)
