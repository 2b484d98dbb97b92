"""The toolkit's templates and what each declares about itself.

Each template is one file, ``templates/letters/<name>.md.j2``: YAML front matter that
declares what the template is (its road-map step, the document type it produces, the
figures it needs, the blanks it leaves), then a Jinja2 Markdown body. Takes the
template files; gives ``LetterTemplate`` records, checked for consistency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..case.load import split_front_matter
from ..case.models import LeaveDecision, MeetingKind, NoticeKind
from ..case.templates import TEMPLATE_SUFFIX, letters_dir, template_names
from ..errors import BundlerError

__all__ = [
    "ROAD_MAP",
    "NEEDS",
    "BASE_FIELDS",
    "LetterError",
    "LetterTemplate",
    "TemplateInput",
    "list_templates",
    "get_template",
    "template_names",
]


#: the nine steps of the attendance road map, in order
ROAD_MAP: Mapping[int, str] = {
    1: "Contact with parents",
    2: "School attendance policy",
    3: "Absence call-backs",
    4: "Leave of absence",
    5: "Pupil check-ins",
    6: "Early help and initial concern conversation",
    7: "Declining attendance meeting",
    8: "Moving to a formal approach",
    9: "Deciding if legal intervention is appropriate",
}


#: context fields every template may use, whatever it declares
BASE_FIELDS = (
    "case_id",
    "date",
    "route",
    "school",
    "la",
    "pupil",
    "signatory",
    "serve",
    "parent",
    "parents",
    "template",
)


#: context fields a template may declare in ``needs``, and what each holds
NEEDS: Mapping[str, str] = {
    "attendance": "attendance over the school year to the letter's date: %, sessions missed, learning lost",
    "window": "the latest threshold window: unauthorised sessions, first and last day, met or not",
    "improvement_period": "a notice's improvement period: weeks, first and last day",
    "meeting_date": "the date of a meeting the letter sets, a number of school days ahead",
    "reply_by": "the date a reply or evidence is wanted by, a number of school days ahead",
    "review_date": "the date a plan or contract is reviewed, a number of weeks ahead",
    "illness": "illness (I) sessions this school year and their share of possible sessions",
    "lateness": "late marks and minutes late this school year",
    "leave": "the leave of absence in question: a leave record of the case, or the last run of G marks",
    "last_meeting": "the latest meeting of the template's meeting kind: date, who came, actions, review date",
    "contract": "the latest attendance contract: dates, status, attendance since it started",
    "since_last_letter": "absence since the last letter, email or notice to this parent",
    "support": "the support offered to this parent so far (support records and meeting actions)",
    "penalty": "penalty notice amounts and payment periods (national, from 19 August 2024)",
}


#: document types a template may produce (the front matter ``type`` it writes)
PRODUCES = ("letter", "notice", "plan", "contract", "other")


class LetterError(BundlerError):
    """A letter cannot be written as asked (unknown template, excluded parent, no address...)."""


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1, le=9)
    name: str


class _Produces(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["letter", "notice", "plan", "contract", "other"]
    notice_kind: NoticeKind | None = None


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(pattern=r"^[a-z][^\[\]\n]*$", max_length=80)
    description: str | None = None
    default: str | None = None
    type: Literal["text", "date"] = "text"


class _TemplateFile(BaseModel):
    """The front matter of a template file, as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    step: _Step
    purpose: str
    produces: _Produces
    addressed: Literal["parent", "parents", "pupil"] = "parent"
    needs: list[str] = Field(default_factory=list)
    monitoring_weeks: int | None = Field(default=None, ge=1, le=52)
    meeting_kind: MeetingKind | None = None
    leave_decision: LeaveDecision | None = None
    leave_from_register: bool = False
    meeting_school_days: int = Field(default=5, ge=0, le=60)
    reply_school_days: int = Field(default=5, ge=0, le=60)
    review_weeks: int = Field(default=6, ge=1, le=52)
    inputs: list[_Input] = Field(default_factory=list)


@dataclass(frozen=True)
class TemplateInput:
    """A value the school supplies (a meeting time, a place, a record of what was said):
    ``bundler letter --set NAME=VALUE``; until then the letter shows ``[label]``, a blank
    that checklist rule S444-93 finds. ``type`` is ``text`` or ``date`` (YYYY-MM-DD)."""

    name: str
    label: str
    default: str | None = None
    type: str = "text"
    description: str = ""

    @property
    def about(self) -> str:
        """What the school writes here: the description, else the label."""
        return self.description or self.label

    @property
    def blank(self) -> str:
        """The blank the letter shows until the value is supplied: ``[label]``."""
        return f"[{self.label}]"


@dataclass(frozen=True)
class LetterTemplate:
    """One template of the toolkit and what it declares about itself."""

    name: str
    title: str
    step: int
    step_name: str
    purpose: str
    type: str  # letter | notice | plan | contract | other
    notice_kind: str | None
    addressed: str  # parent (one per parent) | parents (one document for all) | pupil (no parent)
    needs: tuple[str, ...]
    monitoring_weeks: int | None
    meeting_kind: str | None
    leave_decision: str | None
    leave_from_register: bool
    meeting_school_days: int
    reply_school_days: int
    review_weeks: int
    inputs: tuple[TemplateInput, ...]

    @property
    def served(self) -> bool:
        """True when the document is sent to a parent and records its service."""
        return self.type in ("letter", "notice")

    @property
    def file_name(self) -> str:
        return self.name + TEMPLATE_SUFFIX


def _parse_template(name: str, text: str) -> LetterTemplate:
    split = split_front_matter(text)
    if split is None:
        raise LetterError(f"template {name}: the file does not start with '---' front matter")
    try:
        data = yaml.safe_load(split[0])
        meta = _TemplateFile.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise LetterError(f"template {name}: invalid front matter: {exc}") from None
    problems = []
    if meta.name != name:
        problems.append(f"name '{meta.name}' does not match the file name")
    if meta.step.name != ROAD_MAP[meta.step.number]:
        problems.append(f"step {meta.step.number} is '{ROAD_MAP[meta.step.number]}', not '{meta.step.name}'")
    if (meta.produces.type == "notice") != (meta.produces.notice_kind is not None):
        problems.append("a notice, and only a notice, declares produces.notice_kind")
    unknown = [n for n in meta.needs if n not in NEEDS]
    if unknown:
        problems.append(f"unknown needs {unknown}; known: {', '.join(NEEDS)}")
    if "improvement_period" in meta.needs and meta.monitoring_weeks is None:
        problems.append("a template that needs improvement_period declares monitoring_weeks")
    if "last_meeting" in meta.needs and meta.meeting_kind is None:
        problems.append("a template that needs last_meeting declares meeting_kind")
    if meta.produces.type in ("letter", "notice") and meta.addressed != "parent":
        problems.append("letters and notices are addressed to one parent")
    names = [i.name for i in meta.inputs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        problems.append(f"inputs declared twice: {', '.join(twice)}")
    clash = sorted(set(names) & (set(NEEDS) | set(BASE_FIELDS)))
    if clash:
        problems.append(f"inputs may not be named like a figure the case gives: {', '.join(clash)}")
    if problems:
        raise LetterError(f"template {name}: " + "; ".join(problems))
    return LetterTemplate(
        name=meta.name,
        title=meta.title,
        step=meta.step.number,
        step_name=meta.step.name,
        purpose=meta.purpose,
        type=meta.produces.type,
        notice_kind=meta.produces.notice_kind.value if meta.produces.notice_kind else None,
        addressed=meta.addressed,
        needs=tuple(meta.needs),
        monitoring_weeks=meta.monitoring_weeks,
        meeting_kind=meta.meeting_kind.value if meta.meeting_kind else None,
        leave_decision=meta.leave_decision.value if meta.leave_decision else None,
        leave_from_register=meta.leave_from_register,
        meeting_school_days=meta.meeting_school_days,
        reply_school_days=meta.reply_school_days,
        review_weeks=meta.review_weeks,
        inputs=tuple(TemplateInput(i.name, i.label, i.default, i.type, i.description or "") for i in meta.inputs),
    )


@cache
def _templates() -> dict[str, LetterTemplate]:
    folder = letters_dir()
    return {
        name: _parse_template(name, folder.joinpath(name + TEMPLATE_SUFFIX).read_text(encoding="utf-8"))
        for name in template_names()
    }


def list_templates() -> list[LetterTemplate]:
    """Every template with its metadata, in road-map order, then by name."""
    return sorted(_templates().values(), key=lambda t: (t.step, t.name))


def get_template(name: str) -> LetterTemplate:
    """A template by name; a LetterError lists the known names."""
    templates = _templates()
    if name not in templates:
        import difflib

        close = difflib.get_close_matches(name, templates, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise LetterError(f"no letter template '{name}'{hint}; templates: {', '.join(templates)}")
    return templates[name]
