"""One build of the toolkit site: its inputs, computed once, and every generated file.

``Build`` joins the page builders (checklist, letters, reference, samples), each in a
module of its own, over the shared inputs: the sample cases, the templates, the rules
catalogue, the profiles and the figures written pages quote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bundler import api

from .checklist import ChecklistPages
from .common import (
    CHECKLIST_PAGE,
    LETTERS_DIR,
    SAMPLE_CASE,
    SAMPLES_DIR,
    Deferred,
    longdate,
    sample_page,
    show,
    template_page,
)
from .letters import LetterPages
from .reference import ReferencePages
from .samples import SamplePages
from .work import SampleWork


@dataclass
class Build(ChecklistPages, LetterPages, ReferencePages, SamplePages):
    """Everything one site build needs, computed at most once per build."""

    root: Path
    parallel: bool = False
    _sample_work: SampleWork | None = field(default=None, repr=False)

    @cached_property
    def case_ids(self) -> tuple[str, ...]:
        folder = self.root / "sample_cases"
        if not folder.is_dir():
            return ()
        return tuple(sorted(p.name for p in folder.iterdir() if (p / "case.yaml").is_file()))

    @property
    def sample_work(self) -> SampleWork:
        if self._sample_work is None:
            self._sample_work = SampleWork(self.root, self.case_ids, self.parallel)
        return self._sample_work

    def start(self) -> None:
        """Start the slow work (sample checks, letter previews), in a child if parallel."""
        self.sample_work.start()

    @property
    def work(self) -> dict[str, Any]:
        return self.sample_work.work

    def close(self) -> None:
        """Stop a worker whose result nobody wanted (a failed build)."""
        if self._sample_work is not None:
            self._sample_work.close()

    @cached_property
    def templates(self):
        return api.list_templates()

    @cached_property
    def catalogue(self) -> dict[str, Any]:
        return api.rules_catalogue([p.name for p in self.profiles])

    @cached_property
    def profiles(self):
        national = api.reference()["national_profile"]
        # the national profile first, then the LAs in name order
        names = sorted(api.known_profiles(), key=lambda n: (n != national, n))
        return [api.load_profile(n) for n in names]

    @cached_property
    def facts(self) -> dict[str, str]:
        """Figures written pages may quote as ``{{ name }}``: all from the tool."""
        ref = api.reference()
        codes = api.code_tables()
        NATIONAL = ref["national_profile"]
        out: dict[str, str] = {}
        for profile in self.profiles:
            for name, value in profile.settings.model_dump().items():
                text = longdate(value) if isinstance(value, dt.date) else show(value)
                out[f"{profile.name}.{name}"] = text
                if profile.name == NATIONAL:
                    out[name] = text
        for key, value in ref["penalty"].items():
            out[f"penalty_{key}"] = show(value)
        out["persistent_pct"] = show(ref["persistent_missed_pct"])
        out["severe_pct"] = show(ref["severe_missed_pct"])
        out["persistent_attendance_pct"] = show(100 - ref["persistent_missed_pct"])
        out["severe_attendance_pct"] = show(100 - ref["severe_missed_pct"])
        out["hours_per_session"] = show(ref["hours_per_session"])
        out["codes_2024_start"] = longdate(codes["starts"])
        out["rule_count"] = str(ref["rule_count"])
        out["template_count"] = str(len(self.templates))
        out["code_count_2024"] = str(len(codes["2024"]))
        out["code_count_2006"] = str(len(codes["2006"]))
        out["profile_names"] = ", ".join(f"`{p.name}`" for p in self.profiles)
        out["sample_case"] = SAMPLE_CASE
        for number, name in ref["road_map"].items():
            out[f"step_{number}"] = name
        out["shared_mailbox_words"] = ", ".join(f"`{w}`" for w in ref["shared_mailbox_words"])
        return out

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
        letters: list[Any] = []
        for number, name in api.reference()["road_map"].items():
            pages = [template_page(t.name) for t in self.templates if t.step == number]
            if pages:
                letters.append({f"{number}. {name}": pages})
        return {
            f"{LETTERS_DIR}/index.md": letters,
            f"{SAMPLES_DIR}/index.md": [sample_page(c) for c in self.case_ids],
        }
