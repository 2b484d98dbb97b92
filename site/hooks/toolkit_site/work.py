"""The slow part of a site build: every sample case checked, every letter preview
rendered (as HTML, and as the Word document and Markdown text the letter pages offer to
download). Plain data back, so it can run in a forked child while mkdocs reads the
other pages.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bundler import api

from .common import SAMPLE_CASE, SAMPLE_PARENT, log


def _sample_work(root: str, case_ids: Iterable[str], sample_case: str, parent: str) -> dict[str, Any]:
    """Check every sample case and render every letter preview: plain data back.

    Runs in a worker process (so it overlaps the rest of the build) or inline.
    """
    out: dict[str, Any] = {"checks": {}, "letters": {}, "letter_errors": {}}
    for case_id in case_ids:
        check = api.check(Path(root) / "sample_cases" / case_id)
        out["checks"][case_id] = {
            "markdown": api.report("check", [check], "md"),
            "checked": check.checked,
            "ready": check.ready,
            "problems": len(check.problems),
        }
    folder = Path(root) / "sample_cases" / sample_case
    validation = api.validate(folder)
    if not validation.valid:
        out["letter_errors"]["*"] = f"the sample case {sample_case} does not validate"
        return out
    case = validation.case
    on = case.case.referral.date
    for t in api.list_templates():
        pid = parent if t.addressed == "parent" else None
        try:
            letter = api.render_letter(case, t.name, pid, on)
        except api.BundlerError as exc:
            out["letter_errors"][t.name] = str(exc)
            continue
        front = letter.text[: len(letter.text) - len(letter.body)]
        body_html = api.markdown_html(letter.body)
        out["letters"][t.name] = {
            "front_matter": front,
            "html": body_html,
            "filename": letter.filename,
            "date": on.isoformat(),
            "parent": pid,
            "parents": list(letter.parent_ids),
            "markdown": letter.text,
            "docx": base64.b64encode(api.letter_docx(letter)).decode("ascii"),
        }
    return out


class SampleWork:
    """The sample work of one build, in a forked child where that is safe, else inline."""

    def __init__(self, root: Path, case_ids: tuple[str, ...], parallel: bool) -> None:
        self.root = root
        self.case_ids = case_ids
        self.parallel = parallel
        self._pid: int | None = None
        self._out: str | None = None
        self._work: dict[str, Any] | None = None

    def start(self) -> None:
        """Start the slow work (sample checks, letter previews) in a forked child.

        The child inherits the modules already imported, so it costs only the work
        itself, and writes its result as JSON to a temporary file. Forking is safe only
        in a single-threaded process: under ``mkdocs serve`` (threads), on systems
        without ``fork``, or if the child fails, the work runs inline instead.
        """
        if self._pid is not None or self._work is not None:
            return
        args = (str(self.root), self.case_ids, SAMPLE_CASE, SAMPLE_PARENT)
        if self.parallel and hasattr(os, "fork"):
            import tempfile
            import threading

            if threading.active_count() == 1:
                # load what the work needs now, once, so that the child inherits it
                api.list_templates()
                api.rules_catalogue()

                fd, self._out = tempfile.mkstemp(prefix="bundler-site-", suffix=".json")
                os.close(fd)
                pid = os.fork()
                if pid == 0:  # the child: do the work, write it, leave without cleanup
                    code = 1
                    try:
                        Path(self._out).write_text(json.dumps(_sample_work(*args)), encoding="utf-8")
                        code = 0
                    finally:
                        os._exit(code)
                self._pid = pid
                return
        self._work = _sample_work(*args)

    @property
    def work(self) -> dict[str, Any]:
        if self._work is None:
            if self._pid is None:
                self.start()
            if self._work is None:
                _, status = os.waitpid(self._pid, 0)
                result = None
                if os.waitstatus_to_exitcode(status) == 0:
                    try:
                        result = json.loads(Path(self._out).read_text(encoding="utf-8"))
                    except (OSError, ValueError):
                        result = None
                if result is None:
                    log.debug("bundler site: the forked worker failed; rendering inline")
                    result = _sample_work(str(self.root), self.case_ids, SAMPLE_CASE, SAMPLE_PARENT)
                self._work = result
                self._cleanup()
        return self._work

    def _cleanup(self) -> None:
        self._pid = None
        if self._out:
            Path(self._out).unlink(missing_ok=True)
            self._out = None

    def close(self) -> None:
        """Stop a worker whose result nobody wanted (a failed build)."""
        if self._pid is not None:
            import signal

            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._cleanup()
