"""The attendance toolkit site: pages generated from bundler's own data.

``mkdocs.yml`` names ``site/hooks/bundler_site.py`` as a hook; that file re-exports the
``on_*`` functions below. The written pages (the road map, the guidance) live in
``site/``; everything that describes what the tool does is generated here, in memory,
at build time (``on_files``), so the site can never say something the tool does not do
and nothing generated is ever written into ``site/``:

* ``checklist.md``: every rule of ``bundler.rules.RULES`` with its text, routes,
  severity, the step that produces its evidence, and each profile's settings;
* ``letters/``: one page per letter template, with a preview rendered for a sample
  case and the template source to download;
* ``reference/``: attendance codes, thresholds and tables from the attendance engine,
  LA profiles, the CLI (from the click commands), the case format (``docs/``), the
  JSON Schemas (``bundler.models.json_schemas``) as downloads;
* ``samples/``: each sample case's check report, with thumbnails of its bundle's
  first pages where ``docs/thumbnails/<CASE>-p<N>.png`` are committed.

The road map links both ways: a template declares its step in its front matter, and
the step that produces the evidence for each checklist rule is ``RULE_STEPS`` below.
Step pages (``site/road-map/step-N.md``) get their lists of templates and rules
appended at build time. Written pages may quote the tool's figures with
``{{ name }}`` (see ``facts``); an unknown name fails the build.

Everything is computed once per build (``Build``): each sample case is checked once and
each letter preview rendered once, however many pages use them, and only when mkdocs
first reads a page that needs them. No PDF is built here (the bundle thumbnails are
committed images). In ``mkdocs build`` the sample checks and letter previews run in a
forked child process from ``on_config`` on, while mkdocs reads and renders the other
pages; ``mkdocs serve`` (which runs threads) and systems without ``fork`` do them
inline. ``BUNDLER_SITE_WORKER=0`` forces inline work, ``=1`` the child.
"""

from __future__ import annotations

import datetime as dt
import html
import inspect
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.bundler_site")

# ----------------------------------------------------------------------- the mapping

#: the road-map step (1-9) whose work produces the evidence each checklist rule reads.
#: Templates declare their own step (front matter ``step.number``); this is the other half.
RULE_STEPS: dict[str, int] = {
    # Case and pupil
    "S444-01": 9, "S444-02": 9, "S444-03": 2, "S444-04": 2, "S444-05": 9,
    # Parents and carers
    "S444-10": 1, "S444-11": 1, "S444-12": 1, "S444-13": 1,
    # Attendance
    "S444-20": 9, "S444-21": 9, "S444-22": 3, "S444-23": 4, "S444-24": 7,
    "S444-25": 3, "S444-26": 2, "S444-27": 2,
    # Communication and service
    "S444-30": 1, "S444-31": 1, "S444-32": 1, "S444-33": 1, "S444-34": 1, "S444-35": 9,
    # Support first
    "S444-40": 6, "S444-41": 6, "S444-42": 7, "S444-43": 5, "S444-44": 6, "S444-45": 1,
    "S444-46": 6,
    # Attendance contract and plan
    "S444-50": 8, "S444-51": 8,
    # Notices and warnings
    "S444-60": 9, "S444-61": 9, "S444-62": 9, "S444-63": 9, "S444-64": 4,
    # Safeguarding
    "S444-70": 6, "S444-71": 9,
    # Legal route
    "S444-80": 9, "S444-81": 9, "S444-82": 9, "S444-83": 9, "S444-84": 9, "S444-85": 9,
    # The bundle
    "S444-90": 9, "S444-91": 3, "S444-92": 9,
}

#: the sample case and parent the letter previews are rendered for
SAMPLE_CASE = "EX-2025-001"
SAMPLE_PARENT = "p1"

CHECKLIST_PAGE = "checklist.md"
LETTERS_DIR = "letters"
SOURCE_DIR = "letters/source"
SAMPLES_DIR = "samples"
SCHEMA_DIR = "reference/schemas"
THUMBNAILS = "docs/thumbnails"  # committed PNGs, relative to the repository root

ROUTE_LABELS = {
    "all": "all routes",
    "pn": "penalty notice and notice to improve",
    "pros": "prosecution, s444(1) and s444(1A)",
    "eso": "education supervision order",
    "prosecution_444_1a": "prosecution under s444(1A) only",
}


def step_page(number: int) -> str:
    """The written page of road-map step ``number`` (docs_dir-relative)."""
    return f"road-map/step-{number}.md"


def rule_anchor(rule_id: str) -> str:
    return rule_id.lower()


def template_page(name: str) -> str:
    return f"{LETTERS_DIR}/{name}.md"


def sample_page(case_id: str) -> str:
    return f"{SAMPLES_DIR}/{case_id}.md"


def rel(from_page: str, to_path: str) -> str:
    """A relative link from one docs_dir file to another (mkdocs resolves .md links)."""
    return os.path.relpath(to_path, os.path.dirname(from_page) or ".").replace(os.sep, "/")


def cell(text: Any) -> str:
    """Text for a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def esc(text: Any) -> str:
    """Plain text that Markdown must not read as markup (emphasis, HTML); ``cell`` adds
    what a table cell needs."""
    return html.escape(str(text), quote=False).replace("*", "\\*").replace("_", "\\_")


def longdate(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ----------------------------------------------------------------------- slow work


def _sample_work(root: str, case_ids: Iterable[str], sample_case: str, parent: str) -> dict[str, Any]:
    """Check every sample case and render every letter preview: plain data back.

    Runs in a worker process (so it overlaps the rest of the build) or inline.
    """
    from .api import check_folder
    from .letters import LetterError, list_templates, render_letter
    from .report import check_markdown
    from .validate import validate_folder

    out: dict[str, Any] = {"checks": {}, "letters": {}, "letter_errors": {}}
    for case_id in case_ids:
        check = check_folder(Path(root) / "sample_cases" / case_id)
        out["checks"][case_id] = {
            "markdown": check_markdown(check),
            "checked": check.checked,
            "ready": check.ready,
            "problems": len(check.problems),
        }
    folder = Path(root) / "sample_cases" / sample_case
    validation = validate_folder(folder)
    if not validation.valid:
        out["letter_errors"]["*"] = f"the sample case {sample_case} does not validate"
        return out
    case = validation.case
    on = case.case.referral.date
    import markdown

    converter = markdown.Markdown(extensions=["tables", "sane_lists"])
    for t in list_templates():
        pid = parent if t.addressed == "parent" else None
        try:
            letter = render_letter(case, t.name, pid, on)
        except LetterError as exc:
            out["letter_errors"][t.name] = str(exc)
            continue
        front = letter.text[: len(letter.text) - len(letter.body)]
        converter.reset()
        body_html = converter.convert(letter.body)
        out["letters"][t.name] = {
            "front_matter": front,
            "html": body_html,
            "filename": letter.filename,
            "date": on.isoformat(),
            "parent": pid,
            "parents": list(letter.parent_ids),
        }
    return out


# ----------------------------------------------------------------------- the build


class Deferred:
    """A page whose Markdown is made when mkdocs reads it (``deferred()``)."""

    def __init__(self, func: Callable[..., str], *args: Any) -> None:
        self.func, self.args = func, args

    def __call__(self) -> str:
        return self.func(*self.args)


@dataclass
class Build:
    """Everything one site build needs, computed at most once per build."""

    root: Path
    parallel: bool = False
    _pid: int | None = field(default=None, repr=False)
    _out: str | None = field(default=None, repr=False)
    _work: dict[str, Any] | None = field(default=None, repr=False)

    # -- inputs

    @cached_property
    def case_ids(self) -> tuple[str, ...]:
        folder = self.root / "sample_cases"
        if not folder.is_dir():
            return ()
        return tuple(sorted(p.name for p in folder.iterdir() if (p / "case.yaml").is_file()))

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
                # import what the work needs now, once, so that the child inherits it
                import markdown  # noqa: F401

                from . import api, letters, report, validate  # noqa: F401

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

    @cached_property
    def templates(self):
        from .letters import list_templates

        return list_templates()

    @cached_property
    def catalogue(self) -> dict[str, Any]:
        from .api import rules_catalogue

        return rules_catalogue([p.name for p in self.profiles])

    @cached_property
    def profiles(self):
        from .profiles import known_profiles, load_profile

        names = known_profiles()
        # the national profile first, then the LAs in name order
        from .profiles import NATIONAL

        names = sorted(names, key=lambda n: (n != NATIONAL, n))
        return [load_profile(n) for n in names]

    @cached_property
    def facts(self) -> dict[str, str]:
        """Figures written pages may quote as ``{{ name }}``: all from the tool."""
        from . import attendance
        from .codes import CODES_2006, CODES_2024, REGULATIONS_2024_START
        from .letters import PENALTY, ROAD_MAP
        from .profiles import NATIONAL
        from .rules import RULES

        out: dict[str, str] = {}
        for profile in self.profiles:
            for name, value in profile.settings.model_dump().items():
                text = longdate(value) if isinstance(value, dt.date) else show(value)
                out[f"{profile.name}.{name}"] = text
                if profile.name == NATIONAL:
                    out[name] = text
        for key, value in PENALTY.items():
            out[f"penalty_{key}"] = show(value)
        band = inspect.signature(attendance.absence_band).parameters
        out["persistent_pct"] = show(band["persistent_missed_pct"].default)
        out["severe_pct"] = show(band["severe_missed_pct"].default)
        out["persistent_attendance_pct"] = show(100 - band["persistent_missed_pct"].default)
        out["severe_attendance_pct"] = show(100 - band["severe_missed_pct"].default)
        out["hours_per_session"] = show(inspect.signature(attendance.summarise).parameters["hours_per_session"].default)
        out["codes_2024_start"] = longdate(REGULATIONS_2024_START)
        out["rule_count"] = str(len(RULES))
        out["template_count"] = str(len(self.templates))
        out["code_count_2024"] = str(len(CODES_2024))
        out["code_count_2006"] = str(len(CODES_2006))
        out["profile_names"] = ", ".join(f"`{p.name}`" for p in self.profiles)
        out["sample_case"] = SAMPLE_CASE
        for number, name in ROAD_MAP.items():
            out[f"step_{number}"] = name
        from .rules import SHARED_MAILBOX_WORDS

        out["shared_mailbox_words"] = ", ".join(f"`{w}`" for w in SHARED_MAILBOX_WORDS)
        return out

    # -- output

    def files(self) -> dict[str, str | bytes | Deferred]:
        """Every generated file, by docs_dir-relative path: pages are str, other files
        bytes. Pages that need the slow work (letter previews, sample checks) are
        ``Deferred``: called when mkdocs reads the page, so the work can finish meanwhile.
        They come last, and mkdocs reads pages in this order."""
        out: dict[str, str | bytes | Deferred] = {}
        out[CHECKLIST_PAGE] = self.checklist_page()
        out["reference/codes.md"] = self.codes_page()
        out["reference/thresholds.md"] = self.thresholds_page()
        out["reference/profiles.md"] = self.profiles_page()
        out["reference/cli.md"] = self.cli_page()
        out.update(self.format_pages())
        out.update(self.schema_files())
        out.update(self.letter_files())
        out.update(self.sample_files())
        return out

    def nav_entries(self) -> dict[str, list[Any]]:
        """What the hook appends to the nav sections headed by these index pages."""
        from .letters import ROAD_MAP

        letters: list[Any] = []
        for number, name in ROAD_MAP.items():
            pages = [template_page(t.name) for t in self.templates if t.step == number]
            if pages:
                letters.append({f"{number}. {name}": pages})
        return {
            f"{LETTERS_DIR}/index.md": letters,
            f"{SAMPLES_DIR}/index.md": [sample_page(c) for c in self.case_ids],
        }

    # ------------------------------------------------------------------ checklist

    def checklist_page(self) -> str:
        from .letters import ROAD_MAP
        from .rules import RULES

        page = CHECKLIST_PAGE
        cat = self.catalogue
        names = [p["name"] for p in cat["profiles"]]
        overrides = {p.name: p.overrides if p.extends else {} for p in self.profiles}
        lines = [
            "# Section 444 referral checklist",
            "",
            f"Every case is checked against these {len(RULES)} rules before it is referred. This page is",
            "generated from the rules `bundler check` runs and the settings of each local",
            "authority profile, so it always matches the tool. Rule IDs never change: cite them.",
            "",
            "Each rule gives one finding per case (one per parent where it says **per parent**):",
            "",
            "| Status | Meaning |",
            "| --- | --- |",
            "| `fail` | blocks the referral until it is put right |",
            "| `warn` | a person should look at it before referring |",
            "| `info` | a figure for the reader, never a problem |",
            "| `pass` | the evidence is there |",
            "| `not_applicable` | the rule does not apply to this route or case |",
            "",
            "Routes: " + "; ".join(f"`{k}` = {v}" for k, v in ROUTE_LABELS.items()) + ".",
            "",
            "## Profiles",
            "",
            "Settings that differ between local authorities live in a profile. A value in **bold**",
            f"is one the profile changes from the national default. See [all profile settings]({rel(page, 'reference/profiles.md')}).",
            "",
            "| Profile | Title | In force from | Based on |",
            "| --- | --- | --- | --- |",
        ]
        for p in cat["profiles"]:
            lines.append(f"| `{p['name']}` | {cell(p['title'])} | {p['effective']} | {cell(p['extends'] or 'national guidance')} |")
        lines += ["", "## All rules at a glance", "", "| Rule | Title | Routes | Severity | Evidence from step |", "| --- | --- | --- | --- | --- |"]
        for r in cat["rules"]:
            step = RULE_STEPS.get(r["id"])
            step_link = f"[{step}. {ROAD_MAP[step]}]({rel(page, step_page(step))})" if step else "not mapped"
            lines.append(f"| [{r['id']}](#{rule_anchor(r['id'])}) | {cell(r['title'])} | `{r['routes']}` | `{r['severity']}` | {step_link} |")
        lines.append("")
        section = None
        for r in cat["rules"]:
            if r["section"] != section:
                section = r["section"]
                lines += [f"## {section}", ""]
            step = RULE_STEPS.get(r["id"])
            lines += [
                f"### {r['id']} {esc(r['title'])} {{ #{rule_anchor(r['id'])} }}",
                "",
                esc(r["text"]),
                "",
                f"- **Routes:** `{r['routes']}` ({'; '.join(ROUTE_LABELS.get(g.strip(), g) for g in r['routes'].split(','))})",
                f"- **Severity when not met:** `{r['severity']}`" + (" · checked **per parent**" if r["per_parent"] else ""),
            ]
            if step:
                lines.append(f"- **Evidence comes from:** [step {step}, {ROAD_MAP[step]}]({rel(page, step_page(step))})")
            lines.append("")
            if r["settings"]:
                settings = list(r["settings"])
                lines += ["| Profile | " + " | ".join(f"`{name}`" for name in settings) + " |", "| --- |" + " --- |" * len(settings)]
                for n in names:
                    row = []
                    for setting in settings:
                        text = show(r["settings"][setting][n])
                        row.append(f"**{text}**" if setting in overrides.get(n, {}) else text)
                    lines.append(f"| `{n}` | " + " | ".join(row) + " |")
                lines.append("")
        return "\n".join(lines)

    # ------------------------------------------------------------------ letters

    def _template_source(self, file_name: str) -> str:
        from .letters import TEMPLATE_FOLDER, TEMPLATE_PACKAGE

        return resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER, file_name).read_text(encoding="utf-8")

    @cached_property
    def partials(self) -> list[str]:
        from .letters import TEMPLATE_FOLDER, TEMPLATE_PACKAGE, TEMPLATE_SUFFIX

        folder = resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER)
        return sorted(e.name for e in folder.iterdir() if e.name.startswith("_") and e.name.endswith(TEMPLATE_SUFFIX))

    def letter_files(self) -> dict[str, str | bytes | Deferred]:
        from .letters import NEEDS, ROAD_MAP

        out: dict[str, str | bytes] = {}
        sources = {t.name: self._template_source(t.file_name) for t in self.templates}
        for name in self.partials:
            out[f"{SOURCE_DIR}/{name}"] = self._template_source(name).encode("utf-8")
        for name, text in sources.items():
            out[f"{SOURCE_DIR}/{name}.md.j2"] = text.encode("utf-8")

        index = f"{LETTERS_DIR}/index.md"
        lines = [
            "# Letters and forms",
            "",
            f"The toolkit has {len(self.templates)} templates, each tied to a step of the road map. `bundler letter`",
            "fills one in from a case folder: the attendance figures, the threshold window and the",
            "dates are worked out from the register, never typed in by hand, and each letter is",
            "written to one parent. Every page below shows a preview rendered for the fictional",
            f"sample case [{SAMPLE_CASE}]({rel(index, sample_page(SAMPLE_CASE))}) and offers the template source to download.",
            "",
            "Template sources are Markdown with YAML front matter and [Jinja2](https://jinja.palletsprojects.com/)",
            "placeholders. Shared pieces (partials) used by many templates: "
            + ", ".join(f"[`{p}`]({rel(index, f'{SOURCE_DIR}/{p}')})" for p in self.partials)
            + ".",
            "",
        ]
        for number, step_name in ROAD_MAP.items():
            items = [t for t in self.templates if t.step == number]
            lines += [f"## Step {number}: {step_name}", ""]
            if not items:
                lines += [f"No template for this step; see [the step page]({rel(index, step_page(number))}).", ""]
                continue
            lines += ["| Template | Produces | Written to | What it is for |", "| --- | --- | --- | --- |"]
            for t in items:
                lines.append(
                    f"| [{esc(t.title)}]({rel(index, template_page(t.name))}) | {self._produces(t)} | {self._addressed(t)} | {cell(esc(t.purpose))} |"
                )
            lines.append("")
        out[index] = "\n".join(lines)

        for t in self.templates:
            out[template_page(t.name)] = Deferred(self._template_page, t, sources[t.name], NEEDS, ROAD_MAP)
        return out

    @staticmethod
    def _produces(t) -> str:
        return t.type + (f" ({t.notice_kind.replace('_', ' ')})" if t.notice_kind else "")

    @staticmethod
    def _addressed(t) -> str:
        return {"parent": "one parent", "parents": "the parents, jointly", "pupil": "the pupil"}.get(t.addressed, t.addressed)

    def _template_page(self, t, source: str, needs: Mapping[str, str], road_map: Mapping[int, str]) -> str:
        page = template_page(t.name)
        rules = sorted(r for r, s in RULE_STEPS.items() if s == t.step)
        partials = [p for p in self.partials if re.search(r"[\"']" + re.escape(p) + r"[\"']", source)]
        lines = [
            f"# {esc(t.title)}",
            "",
            f"`{t.name}` · {esc(t.purpose)}",
            "",
            "| | |",
            "| --- | --- |",
            f"| Road-map step | [{t.step}. {road_map[t.step]}]({rel(page, step_page(t.step))}) |",
            f"| Produces | {self._produces(t)} |",
            f"| Written to | {self._addressed(t)} |",
        ]
        if t.served:
            lines.append("| Service | recorded in the front matter: see [serving letters and emails](" + rel(page, "guidance/serving-documents.md") + ") |")
        if t.monitoring_weeks:
            lines.append(f"| Improvement period | {t.monitoring_weeks} weeks by default (`--weeks` to change) |")
        if t.meeting_kind:
            lines.append(f"| Meeting | `{t.meeting_kind}` |")
        if t.leave_decision:
            lines.append(f"| Leave decision | `{t.leave_decision}` |")
        if rules:
            lines.append(f"| Checklist | the {len(rules)} rules this step evidences are listed on [the step page]({rel(page, step_page(t.step))}#checklist-rules-this-step-evidences) |")
        lines.append("")
        if t.needs:
            lines += ["**Figures it fills in from the case**", ""]
            lines += [f"- `{n}`: {esc(needs.get(n, ''))}" for n in t.needs]
            lines.append("")
        if t.inputs:
            lines += ["**Left for the school to fill in** (shown as `[placeholders]` until filled)", ""]
            lines += [f"- `{i.name}`: {esc(i.label)}" + (f" (default: {esc(i.default)})" if i.default else "") for i in t.inputs]
            lines.append("")
        who = "--parent p1 " if t.addressed == "parent" else ""
        serve = "--serve post_first_class " if t.served else ""
        lines += [
            "## Write it for a case",
            "",
            "```bash",
            f"bundler letter {t.name} CASE_FOLDER {who}--date YYYY-MM-DD {serve}".rstrip(),
            "```",
            "",
            f"See the [command reference]({rel(page, 'reference/cli.md')}#letter) for every option.",
            "",
            "## Preview",
            "",
        ]
        letter = self.work["letters"].get(t.name)
        error = self.work["letter_errors"].get(t.name) or self.work["letter_errors"].get("*")
        if letter is None:
            lines += ['!!! warning "No preview"', "", f"    {esc(error or 'the preview could not be rendered')}", ""]
        else:
            who_text = f"parent `{letter['parent']}`" if letter["parent"] else ("parents " + ", ".join(f"`{p}`" for p in letter["parents"]) if letter["parents"] else "the pupil")
            lines += [
                f"Rendered by bundler for the fictional sample case [{SAMPLE_CASE}]({rel(page, sample_page(SAMPLE_CASE))}),",
                f"{who_text}, dated {letter['date']}. It is saved as `documents/{letter['filename']}` with this front matter:",
                "",
                "```yaml",
                letter["front_matter"].rstrip("\n"),
                "```",
                "",
                '<div class="letter-preview" markdown="0">',
                _demote_headings(letter["html"]),
                "</div>",
                "",
            ]
        lines += [
            "## Template source",
            "",
            f'[Download {t.name}.md.j2]({rel(page, f"{SOURCE_DIR}/{t.name}.md.j2")}){{ .md-button download="{t.name}.md.j2" }}',
            "",
        ]
        if partials:
            lines += ["It uses the shared partials " + ", ".join(f'[`{p}`]({rel(page, f"{SOURCE_DIR}/{p}")})' for p in partials) + ".", ""]
        fence = "~" * max(4, _longest_run(source, "~") + 1)
        lines += ['??? note "Show the template source"', "", f"    {fence} jinja", *("    " + line if line else "" for line in source.rstrip("\n").split("\n")), f"    {fence}", ""]
        return "\n".join(lines)

    # ------------------------------------------------------------------ reference

    def codes_page(self) -> str:
        from .codes import CODES_2006, CODES_2024, DEFENCE_CODES, LATE_CODES, MAPPING_2006_TO_2024, REGULATIONS_2024_START

        category_words = {
            "present": "present",
            "approved_activity": "approved educational activity (counts as attendance)",
            "authorised": "authorised absence",
            "unauthorised": "unauthorised absence",
            "not_possible": "not a possible session (left out of the figures)",
        }

        def table(codes, regime: str) -> list[str]:
            rows = ["| Code | Meaning | Counted as | Notes |", "| --- | --- | --- | --- |"]
            for c in codes.values():
                notes = []
                if c.late:
                    notes.append("late mark")
                if c.code in DEFENCE_CODES[regime]:
                    notes.append(f"points to a defence or exception ([S444-27]({CHECKLIST_PAGE_REL}#s444-27))")
                rows.append(f"| <code>{html.escape(c.code)}</code> | {cell(esc(c.meaning))} | {category_words.get(c.category.value, c.category.value)} | {'; '.join(notes)} |")
            return rows

        CHECKLIST_PAGE_REL = rel("reference/codes.md", CHECKLIST_PAGE)
        start = longdate(REGULATIONS_2024_START)
        lines = [
            "# Attendance codes",
            "",
            "bundler reads each register mark with the meaning its code had on the date of the",
            f"session: the 2024 set from {start}, the 2006 set before. A code that does not exist",
            "on its date (for example `H` after the change) is a validation error. These tables are",
            "the ones the attendance engine uses.",
            "",
            f"Late marks: {', '.join(f'`{c}`' for c in sorted(LATE_CODES))}. "
            "Unauthorised absence: " + ", ".join(f"`{c}`" for c in sorted(c.code for c in CODES_2024.values() if c.is_unauthorised)) + ".",
            "",
            f"## The 2024 codes (from {start})",
            "",
            *table(CODES_2024, "2024"),
            "",
            f"## The 2006 codes (before {start})",
            "",
            *table(CODES_2006, "2006"),
            "",
            "## From the 2006 codes to the 2024 codes",
            "",
            "| 2006 code | 2024 code(s) | What changed |",
            "| --- | --- | --- |",
        ]
        for change in MAPPING_2006_TO_2024.values():
            new = ", ".join(f"<code>{html.escape(c)}</code>" for c in change.new)
            what = "unchanged" if change.unchanged else esc(change.note or "same code")
            lines.append(f"| <code>{html.escape(change.old)}</code> | {new} | {cell(what)} |")
        only_2024 = sorted(set(CODES_2024) - {c for ch in MAPPING_2006_TO_2024.values() for c in ch.new})
        if only_2024:
            lines += ["", "New in 2024 with no 2006 forerunner: " + ", ".join(f"`{c}`" for c in only_2024) + "."]
        lines.append("")
        return "\n".join(lines)

    def thresholds_page(self) -> str:
        from . import attendance
        from .letters import PENALTY

        page = "reference/thresholds.md"
        f = self.facts
        dl = inspect.signature(attendance.days_lost_table).parameters
        ml = inspect.signature(attendance.minutes_late_table).parameters
        possible_days = dl["possible_days"].default
        lines = [
            "# Thresholds and tables",
            "",
            "Figures computed by bundler's attendance engine and the national profile. Local",
            f"authorities may change some of them: see [the profiles]({rel(page, 'reference/profiles.md')}).",
            "",
            "## National threshold for a penalty notice",
            "",
            f"At least **{f['threshold_sessions']} unauthorised sessions within {f['threshold_window_weeks']} school weeks** "
            f"(a rolling window; weeks with no session, such as holidays, are skipped), counting sessions from {f['threshold_counts_from']}. "
            f"Rule [S444-20]({rel(page, CHECKLIST_PAGE)}#s444-20). Meeting it means a penalty notice must be considered, not that one must be issued.",
            "",
            "## Penalty notice amounts",
            "",
            "| | |",
            "| --- | --- |",
            f"| Paid within {PENALTY['reduced_days']} days | £{PENALTY['reduced']} |",
            f"| Paid within {PENALTY['full_days']} days | £{PENALTY['full']} |",
            f"| A second notice to the same parent for the same pupil within {PENALTY['limit_years']} years | £{PENALTY['full']} |",
            f"| Notices allowed in {PENALTY['limit_years']} years | {PENALTY['limit']}; after that, consider prosecution ([S444-61]({rel(page, CHECKLIST_PAGE)}#s444-61)) |",
            "",
            "## Absence bands",
            "",
            "| Band | Sessions missed (of those possible) | Attendance |",
            "| --- | --- | --- |",
            f"| persistent absence | {f['persistent_pct']}% or more | {f['persistent_attendance_pct']}% or less |",
            f"| severe absence | {f['severe_pct']}% or more | {f['severe_attendance_pct']}% or less |",
            "",
            f"A session is a morning or an afternoon; learning lost is counted at {f['hours_per_session']} hours a session.",
            "",
            "## Days lost over a school year",
            "",
            f"For a year of {possible_days} school days ({possible_days * 2} sessions), five-day weeks.",
            "",
            "| Attendance | Days missed | School weeks missed | Band |",
            "| --- | --- | --- | --- |",
        ]
        for pct, days, weeks in attendance.days_lost_table():
            sessions = possible_days * 2
            missed = round(sessions * (100 - float(pct)) / 100)
            band = attendance.absence_band(missed, sessions)
            lines.append(f"| {show(pct)}% | {days:.1f} | {weeks:.1f} | {band if band != 'none' else ''} |")
        lines += [
            "",
            "## Minutes late every day",
            "",
            f"Arriving late every day of a {ml['school_days'].default}-day year, counted in days of {show(ml['learning_hours_per_day'].default)} hours of learning.",
            "",
            "| Minutes late a day | Days of learning lost a year |",
            "| --- | --- |",
        ]
        for minutes, days in attendance.minutes_late_table():
            lines.append(f"| {show(minutes)} | {days:.1f} |")
        lines.append("")
        return "\n".join(lines)

    def profiles_page(self) -> str:
        from .profiles import Settings

        page = "reference/profiles.md"
        names = [p.name for p in self.profiles]
        lines = [
            "# Local authority profiles",
            "",
            "A profile holds the figures a local authority's code of conduct sets. `national-2024` names",
            "every setting; each LA profile changes only what its code of conduct changes. A value",
            "in **bold** differs from the national default. Choose one with `referral.profile` in",
            "`case.yaml` or `bundler check CASE --profile NAME`; a YAML file of your own works too.",
            "",
        ]
        for p in self.profiles:
            lines += [
                f"## `{p.name}`",
                "",
                f"**{esc(p.title)}**, in force from {longdate(p.effective)}" + (f", based on `{p.extends}`." if p.extends else "."),
                "",
                esc(p.source),
                "",
            ]
            if p.overrides and p.extends:
                lines += ["Changes: " + ", ".join(f"`{k}` = {show(v)}" for k, v in p.overrides.items()) + ".", ""]
        lines += ["## Every setting side by side", "", "| Setting | Rule | What it sets | " + " | ".join(f"`{n}`" for n in names) + " |", "| --- | --- | --- |" + " --- |" * len(names)]
        for name, info in Settings.model_fields.items():
            desc = info.description or ""
            m = re.match(r"(S444-\d+):\s*(.*)", desc)
            rule, text = (m.group(1), m.group(2)) if m else ("", desc)
            rule_link = f"[{rule}]({rel(page, CHECKLIST_PAGE)}#{rule_anchor(rule)})" if rule else ""
            values = []
            for p in self.profiles:
                v = show(getattr(p.settings, name))
                values.append(f"**{v}**" if p.extends and name in p.overrides else v)
            lines.append(f"| `{name}` | {rule_link} | {cell(esc(text))} | " + " | ".join(values) + " |")
        lines += [
            "",
            "## Your own profile",
            "",
            "```yaml",
            "name: my-la",
            "title: My Local Authority",
            "extends: national-2024",
            "source: Our code of conduct, September 2025",
            "effective: 2025-09-01",
            "settings:",
            "  min_sessions: 100",
            "  holiday_warning_required: true",
            "```",
            "",
            "Then run `bundler check CASE --profile my-la.yaml`.",
            "",
        ]
        return "\n".join(lines)

    def cli_page(self) -> str:
        import click

        from . import cli

        group = cli.main
        root_ctx = click.Context(group, info_name="bundler")
        lines = [
            "# Command reference",
            "",
            "Generated from the `bundler` command itself: each command's help and options.",
            "",
            "```text",
            group.get_usage(root_ctx).replace("Usage: ", "", 1),
            "```",
            "",
            _help_text(group.help or ""),
            "",
            "| Exit code | Meaning |",
            "| --- | --- |",
        ]
        exit_meaning = {
            "EXIT_OK": "success: valid, ready",
            "EXIT_INVALID": "the case is invalid or not ready",
            "EXIT_USAGE": "the command could not be carried out (usage error, no such folder, unknown profile)",
        }
        for name in ("EXIT_OK", "EXIT_INVALID", "EXIT_USAGE"):
            if hasattr(cli, name):
                lines.append(f"| {getattr(cli, name)} | {exit_meaning[name]} |")
        lines += ["", "| Command | What it does |", "| --- | --- |"]
        commands = list(group.commands.items())
        for name, cmd in commands:
            lines.append(f"| [`bundler {name}`](#{name}) | {cell(esc(cmd.get_short_help_str(limit=120)))} |")
        lines.append("")
        for name, cmd in commands:
            ctx = click.Context(cmd, info_name=name, parent=root_ctx)
            lines += [
                f"## bundler {name} {{ #{name} }}",
                "",
                "```text",
                cmd.get_usage(ctx).replace("Usage: ", "", 1),
                "```",
                "",
                _help_text(cmd.help or ""),
                "",
            ]
            params = [p for p in cmd.get_params(ctx) if p.name != "help"]
            if params:
                lines += ["| Argument or option | Takes | Default | Description |", "| --- | --- | --- | --- |"]
                for p in params:
                    lines.append(_param_row(p))
                lines.append("")
        return "\n".join(lines)

    def format_pages(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for src, dest, fallback in (
            ("docs/case-format.md", "reference/case-format.md", "# The case folder"),
            ("docs/extensions.md", "reference/extensions.md", "# What bundler accepts beyond the case format"),
        ):
            path = self.root / src
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                # links between the two documents keep working under their site names
                text = text.replace("docs/case-format.md", "case-format.md").replace("docs/extensions.md", "extensions.md")
                out[dest] = text.rstrip("\n") + f"\n\n*This page is `{src}` from the repository.*\n"
            else:
                log.warning("bundler site: %s is missing; %s says so", src, dest)
                out[dest] = f"{fallback}\n\n`{src}` is missing from this checkout.\n"
        return out

    def schema_files(self) -> dict[str, str | bytes]:
        from .models import json_schemas

        page = "reference/schemas.md"
        schemas = json_schemas()
        out: dict[str, str | bytes] = {}
        lines = [
            "# JSON Schemas",
            "",
            "Every input file of a case folder has a JSON Schema, exported from the models",
            "bundler validates with (`bundler schema --out DIR` writes the same files). Editors that",
            "understand JSON Schema (VS Code with a YAML extension, for example) can use them to check",
            "a case file as you type. The case format itself is described on",
            f"[the case folder]({rel(page, 'reference/case-format.md')}) and [bundler's additions]({rel(page, 'reference/extensions.md')}).",
            "",
            "| Schema | Describes | Required fields | Download |",
            "| --- | --- | --- | --- |",
        ]
        for name, schema in sorted(schemas.items()):
            out[f"{SCHEMA_DIR}/{name}"] = (json.dumps(schema, indent=2, sort_keys=True) + "\n").encode("utf-8")
            title = schema.get("title", "")
            desc = schema.get("description", "")
            what = esc(title) + (f": {esc(desc)}" if desc and desc != title else "")
            required = ", ".join(f"`{r}`" for r in schema.get("required", []))
            lines.append(f"| `{name}` | {cell(what)} | {required} | [{name}]({rel(page, f'{SCHEMA_DIR}/{name}')}){{ download=\"{name}\" }} |")
        lines.append("")
        out[page] = "\n".join(lines)
        return out

    # ------------------------------------------------------------------ samples

    def thumbnails(self, case_id: str) -> list[Path]:
        """Committed images of the case's bundle: ``<CASE>-p<N>.png`` (its first pages, in
        page order), then any other ``<CASE>-<label>.png`` (an inside page, e.g. ``register``)."""
        folder = self.root / THUMBNAILS
        if not folder.is_dir():
            return []
        pages, others = [], []
        for path in folder.glob(f"{case_id}-*.png"):
            m = re.fullmatch(re.escape(case_id) + r"-p(\d+)\.png", path.name)
            if m:
                pages.append((int(m.group(1)), path))
            elif re.fullmatch(re.escape(case_id) + r"-[a-z0-9-]+\.png", path.name):
                others.append(path)
        return [p for _, p in sorted(pages)] + sorted(others)

    def sample_files(self) -> dict[str, str | bytes | Deferred]:
        out: dict[str, str | bytes | Deferred] = {}
        for case_id in self.case_ids:
            for path in self.thumbnails(case_id):
                out[f"{SAMPLES_DIR}/thumbnails/{path.name}"] = path.read_bytes()
        out[f"{SAMPLES_DIR}/index.md"] = Deferred(self._samples_index)
        stories = _sample_stories(self.root / "sample_cases" / "README.md")
        for case_id in self.case_ids:
            out[sample_page(case_id)] = Deferred(self._sample_page, case_id, stories.get(case_id))
        return out

    def _samples_index(self) -> str:
        index = f"{SAMPLES_DIR}/index.md"
        checks = self.work["checks"]
        lines = [
            "# Sample cases",
            "",
            "Fictional case folders from the repository's `sample_cases/`: every name, address and",
            "number in them is made up. Each page shows the report `bundler check` gives for the",
            "case, rendered when this site was built.",
            "",
            "| Case | Result |",
            "| --- | --- |",
        ]
        for case_id in self.case_ids:
            c = checks.get(case_id, {})
            if c.get("ready"):
                result = "ready to refer"
            elif c.get("checked"):
                result = "not ready"
            else:
                result = f"cannot be checked ({c.get('problems', 0)} validation problems)"
            lines.append(f"| [{case_id}]({rel(index, sample_page(case_id))}) | {result} |")
        lines.append("")
        return "\n".join(lines)

    def _sample_page(self, case_id: str, story: str | None) -> str:
        page = sample_page(case_id)
        body = [f"# Sample case {case_id}", ""]
        if story:
            body += [story, ""]
        report = self.work["checks"].get(case_id, {}).get("markdown")
        if report is None:
            body += ['!!! warning "No check report"', "", "    The case could not be checked when the site was built.", ""]
        else:
            body += [
                "## Check report",
                "",
                f"`bundler check sample_cases/{case_id} --format md` gives:",
                "",
                _check_report(report, self.root, rel(page, CHECKLIST_PAGE)),
                "",
            ]
        thumbs = self.thumbnails(case_id)
        first = [p for p in thumbs if re.fullmatch(re.escape(case_id) + r"-p\d+\.png", p.name)]
        inside = [p for p in thumbs if p not in first]
        if thumbs:
            body += ["## Pages of the bundle", "", f"Pages of the bundle `bundler build sample_cases/{case_id}` makes (select one to enlarge).", ""]
        for label, group, css in (("The first pages", first, "bundle-thumbnails"), ("Inside the bundle", inside, "bundle-thumbnails wide")):
            if not group:
                continue
            body += [f"**{label}**", "", f'<div class="{css}" markdown>', ""]
            images = []
            for path in group:
                dest = f"{SAMPLES_DIR}/thumbnails/{path.name}"
                name = path.stem[len(case_id) + 1 :]
                alt = f"page {name[1:]}" if re.fullmatch(r"p\d+", name) else name.replace("-", " ") + " page"
                images.append(f"[![{case_id} bundle, {alt}]({rel(page, dest)}){{ loading=lazy }}]({rel(page, dest)})")
            body += [" ".join(images), "", "</div>", ""]
        return "\n".join(body)


# ----------------------------------------------------------------------- helpers


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(re.escape(char) + "+", text)
    return max((len(r) for r in runs), default=0)


def _demote_headings(body_html: str, by: int = 2) -> str:
    """Letter headings sit under the page's own: h1 -> h3 and so on (h6 at most)."""

    def sub(m: re.Match[str]) -> str:
        level = min(6, int(m.group(2)) + by)
        return f"<{m.group(1)}h{level}"

    return re.sub(r"<(/?)h([1-6])", sub, body_html)


def _help_text(text: str) -> str:
    """A click help text as Markdown paragraphs (``\\b`` blocks kept line by line)."""
    paragraphs = []
    for block in inspect.cleandoc(text).split("\n\n"):
        if block.startswith("\b\n"):
            paragraphs.append("\n".join(esc(line) + "  " for line in block[2:].split("\n")))
        else:
            paragraphs.append(esc(" ".join(block.split())))
    return "\n\n".join(paragraphs)


def _param_row(p) -> str:
    import click

    if isinstance(p, click.Argument):
        name = f"`{p.human_readable_name}`"
        if p.nargs == -1:
            name += " (one or more)" if p.required else " (any number)"
        elif not p.required:
            name += " (optional)"
    else:
        name = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
    kind = _param_type(p)
    default = ""
    if isinstance(p, click.Option) and not p.is_flag and p.default is not None and not callable(p.default):
        if not (p.multiple and not p.default):
            default = f"`{p.default}`"
    if p.required:
        default = "required"
    help_text = esc(getattr(p, "help", None) or "")
    if isinstance(p, click.Option) and p.multiple:
        help_text = (help_text + " " if help_text else "") + "May be given more than once."
    return f"| {name} | {kind} | {default} | {cell(help_text)} |"


def _param_type(p) -> str:
    import click

    if isinstance(p, click.Option) and p.is_flag:
        return "flag"
    t = p.type
    if isinstance(t, click.Choice):
        return " \\| ".join(f"`{c}`" for c in t.choices)
    if isinstance(t, (click.IntRange, click.FloatRange)):
        word = "number" if isinstance(t, click.FloatRange) else "whole number"
        parts = []
        if t.min is not None:
            parts.append(f"at least {t.min}")
        if t.max is not None:
            parts.append(f"at most {t.max}")
        return word + (", " + " and ".join(parts) if parts else "")
    if isinstance(t, click.DateTime):
        return "date (" + ", ".join(f"`{f.replace('%Y', 'YYYY').replace('%m', 'MM').replace('%d', 'DD')}`" for f in t.formats) + ")"
    if isinstance(t, click.Path):
        if t.file_okay and not t.dir_okay:
            return "file"
        if t.dir_okay and not t.file_okay:
            return "folder"
        return "path"
    return {"integer": "whole number", "float": "number", "text": "text", "boolean": "yes or no"}.get(t.name, t.name)


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _sample_stories(readme: Path) -> dict[str, str]:
    """Each sample case's section of sample_cases/README.md (headings demoted, links as text)."""
    if not readme.is_file():
        return {}
    out: dict[str, str] = {}
    current: str | None = None
    buffer: list[str] = []
    for line in readme.read_text(encoding="utf-8").splitlines() + ["## end"]:
        if line.startswith("## ") or line.strip() == "---":
            if current and buffer:
                out[current] = "\n".join(buffer).strip()
            current, buffer = None, []
            m = re.match(r"## (\S+)\s*[-:]\s*(.*)", line)
            if m:
                current = m.group(1)
                buffer = [f"*{esc(m.group(2))}*", ""] if m.group(2) else []
            continue
        if current:
            line = _LINK.sub(r"\1", line)
            if line.startswith("#"):
                line = "##" + line
            buffer.append(line)
    return out


def _check_report(markdown_text: str, root: Path, checklist: str) -> str:
    """check_markdown output under the sample page's heading, rule IDs linked to the checklist."""
    text = markdown_text.replace(str(root) + os.sep, "")
    lines = text.splitlines()
    out = []
    for line in lines:
        if line.startswith("# "):
            out.append("**" + esc(line[2:]) + "**")
            continue
        if line.startswith("## "):
            out.append("###" + line[2:])
            continue
        if line.startswith("| S444-"):
            line = re.sub(r"^\| (S444-\d+) \|", lambda m: f"| [{m.group(1)}]({checklist}#{rule_anchor(m.group(1))}) |", line)
        out.append(line)
    return "\n".join(out)


def _step_links(page_path: str, number: int, build: Build) -> str:
    from .rules import RULES

    templates = [t for t in build.templates if t.step == number]
    rules = [RULES[r] for r in sorted(RULE_STEPS) if RULE_STEPS[r] == number and r in RULES]
    lines = ["", "## Templates for this step", ""]
    if templates:
        lines += ["| Template | Produces | Purpose |", "| --- | --- | --- |"]
        for t in templates:
            lines.append(f"| [{esc(t.title)}]({rel(page_path, template_page(t.name))}) | {Build._produces(t)} | {cell(esc(t.purpose))} |")
    else:
        lines.append("The toolkit has no template for this step: the evidence comes from the records below.")
    lines += ["", "## Checklist rules this step evidences", ""]
    if rules:
        lines += [
            f"- [{r.id} {esc(r.title)}]({rel(page_path, CHECKLIST_PAGE)}#{rule_anchor(r.id)}) · `{r.severity.value}`, routes `{r.routes}`"
            for r in rules
        ]
    else:
        lines.append("No checklist rule reads this step's records directly.")
    lines.append("")
    return "\n".join(lines)


_FACT = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


def fill_facts(markdown_text: str, facts: Mapping[str, str], where: str) -> str:
    """Replace ``{{ name }}`` with the tool's figure; an unknown name is a build warning."""

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in facts:
            log.warning("bundler site: %s quotes {{ %s }}, which the tool does not define (known: %s)", where, key, ", ".join(sorted(facts)))
            return m.group(0)
        return facts[key]

    return _FACT.sub(sub, markdown_text)


def check_mapping(templates: Iterable[Any] = ()) -> list[str]:
    """Problems with the rule -> step mapping (every rule mapped, no stale IDs, steps 1-9)."""
    from .letters import ROAD_MAP
    from .rules import RULES

    problems = []
    missing = [r for r in RULES if r not in RULE_STEPS]
    if missing:
        problems.append(f"rules with no road-map step in bundler.site.RULE_STEPS: {', '.join(missing)}")
    stale = [r for r in RULE_STEPS if r not in RULES]
    if stale:
        problems.append(f"bundler.site.RULE_STEPS names rules that do not exist: {', '.join(stale)}")
    bad = [f"{r}: {s}" for r, s in RULE_STEPS.items() if s not in ROAD_MAP]
    if bad:
        problems.append(f"bundler.site.RULE_STEPS has steps outside the road map: {', '.join(bad)}")
    return problems


# ----------------------------------------------------------------------- mkdocs hook

_state: dict[str, Any] = {"build": None, "command": None}


def _repo_root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config):
    if _state["command"] == "serve":
        _forget_caches()  # `mkdocs serve` keeps this module loaded between rebuilds
    if _state["build"] is not None:
        _state["build"].close()
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
    for number in range(1, 10):
        if files.get_file_from_path(step_page(number)) is None:
            log.warning("bundler site: the written page site/%s for road-map step %d is missing", step_page(number), number)
    for path, content in build.files().items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            log.warning("bundler site: site/%s would hide the generated page; remove it", path)
            files.remove(existing)
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


def on_post_build(config) -> None:
    build: Build | None = _state["build"]
    if build is not None:
        build.close()


def on_build_error(error) -> None:
    build: Build | None = _state["build"]
    if build is not None:
        build.close()


def _forget_caches() -> None:
    """Drop the package's own caches so `mkdocs serve` shows edited templates and profiles."""
    from . import letters, profiles

    for func in (letters.template_names, letters._templates, letters.environment, profiles._builtin):
        clear: Callable[[], None] | None = getattr(func, "cache_clear", None)
        if clear is not None:
            clear()


# ----------------------------------------------------------------------- materialise


def write_generated(root: str | os.PathLike[str], dest: str | os.PathLike[str], *, written_pages: bool = True) -> list[str]:
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
