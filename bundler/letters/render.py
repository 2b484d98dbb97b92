"""Render a toolkit template into a document of the case: its front matter and body.

Takes a validated case, a template name, a parent and a date; gives a ``RenderedLetter``.
Every letter is written to one parent: a parent who is excluded, a parent with no
postal address (for post) or no email address of their own (for email) is refused with
the reason. The front matter is built as a document model and validated before it is
written out, so a written letter always validates.

A value the school has not supplied stays a ``[blank]`` in the text; the rendered letter
lists every blank it leaves (``RenderedLetter.blanks``), each with the line it is on and
what fills it (``--set NAME=VALUE``, or the record to add to the case), because checklist
rule S444-93 fails a case while a document holds one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .. import figures
from ..case.models import DOCUMENT_ADAPTER, Parent, ServeMethod
from ..case.validate import CaseFolder
from ..checklist.s3_service import shared_mailbox_reason
from ..checklist.s9_bundle import TEMPLATE_BLANK
from ..present.jinja import environment
from ..present.markdown import Placeholder
from ..register.calendar import add_weeks, is_school_day
from .catalogue import BASE_FIELDS, LetterError, LetterTemplate, get_template
from .context import CASE_BLANKS, POSTAL, SERVE_LABELS, case_profile, closed_days, letter_context, resolve_parent

__all__ = [
    "Blank",
    "RenderedLetter",
    "render_letter",
    "shared_mailbox_warning",
    "DATED_INPUTS",
    "dated_inputs",
    "letter_blanks",
]

#: dates a letter works out that the school may set instead (``--set meeting_date=...``),
#: by the need that brings them
DATED_INPUTS: Mapping[str, tuple[str, ...]] = {
    "meeting_date": ("meeting_date",),
    "reply_by": ("reply_by",),
    "review_date": ("review_date",),
    "leave": ("leave_start", "leave_end"),
}

#: joins a blank's label to the input it stands for while the body renders (a character
#: of Unicode's private use area, which no template or case text holds)
_MARK = "\ue000"


def shared_mailbox_warning(address: str, parents: Sequence[Parent], to: Parent | None = None) -> str | None:
    """A warning when ``address`` looks shared by a household, else None.

    Shared means: the part before '@' contains family, household, home or parents, or
    two parents have the address (the same test as checklist rule S444-32).
    """
    reason = shared_mailbox_reason(address, list(parents))
    if reason is None:
        return None
    who = f"{to.name} ({to.id})" if to else "the parent"
    return (
        f"{address} looks shared by the household ({reason}); another member of the household could read or delete "
        f"the email. Ask {who} for an address of their own, or serve by first-class post."
    )


def _check_service(template: LetterTemplate, parent: Parent | None, serve: str | None, folder: CaseFolder) -> list[str]:
    """Refuse what cannot be served; return warnings for what is weak."""
    if serve is None:
        return []
    if serve not in SERVE_LABELS:
        raise LetterError(f"'{serve}' is not a way to serve a letter; use one of {', '.join(ServeMethod)}")
    if not template.served or parent is None:
        raise LetterError(
            f"the {template.name} template produces a {template.type} that is not served on a parent: leave out the service method"
        )
    warnings = []
    if serve in POSTAL and not parent.address:
        why = f" ({parent.address_unknown_reason})" if parent.address_unknown_reason else ""
        raise LetterError(
            f"{parent.name} ({parent.id}) has no postal address in case.yaml{why}: add parents[].address, or serve by hand or email"
        )
    if serve == "email":
        if not parent.email:
            raise LetterError(
                f"{parent.name} ({parent.id}) has no email address of their own in case.yaml: add parents[].email, or serve by post or by hand"
            )
        shared = shared_mailbox_warning(parent.email, folder.case.parents, parent)
        if shared:
            warnings.append(shared)
        formal = ("notice_to_improve", "penalty_notice_warning", "final_warning")
        if template.notice_kind in formal and not case_profile(folder).settings.formal_notice_by_email:
            warnings.append(
                f"the {folder.case.referral.profile} profile does not accept formal notices served by email (rule S444-35): "
                f"serve the {template.title.lower()} by first-class post or by hand as well"
            )
    if serve == "post_second_class":
        warnings.append(
            "second-class post does not evidence good service (rule S444-34): prefer first-class post or recorded delivery"
        )
    return warnings


@dataclass(frozen=True)
class Blank:
    """A ``[blank]`` a rendered letter still holds: its text, its line in the written file,
    the input that fills it (``--set NAME=VALUE``) or None, and what fills it."""

    text: str
    line: int
    input: str | None
    hint: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text} ({self.hint})"


@dataclass
class RenderedLetter:
    """A rendered document: its suggested file name, front matter, and full Markdown text,
    and the blanks it still holds."""

    template: LetterTemplate
    parent_id: str | None
    parent_ids: tuple[str, ...]
    date: dt.date
    title: str
    filename: str
    front_matter: dict[str, Any]
    body: str
    text: str
    warnings: list[str] = field(default_factory=list)
    school_name: str = ""
    school_address: str = ""
    school_contact: str = ""
    blanks: list[Blank] = field(default_factory=list)


#: plain words that YAML (1.1 or 1.2) would not read as text
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _scalar(value: Any) -> str:
    """A YAML value the case loader reads back unchanged (text quoted unless a plain word)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = str(value)
    if re.fullmatch(r"[a-z][a-z0-9_-]*", text) and text not in _YAML_WORDS:
        return text  # a type, a kind, a parent id: no quotes needed
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _front_matter_text(meta: dict[str, Any], serve: str | None, parent_id: str | None) -> str:
    """The front matter of a validated document model (``meta``, as dumped), with comments
    where the school fills in service details later."""
    lines = ["---"]
    for key, value in meta.items():
        if key != "served":
            lines.append(f"{key}: {_scalar(value)}")
    if "served" in meta:
        served = meta["served"]
        lines.append("served:")
        lines.append(f"  method: {served['method']}")
        if served["method"] == "email":
            lines.append(f"  address: {_scalar(served['address'])}")
            lines.append("  # sent_at: YYYY-MM-DDTHH:MM        <- when it was sent")
            lines.append("  # read_receipt: requested          <- requested | received | none; request one every time")
            lines.append("  # read_at: YYYY-MM-DDTHH:MM        <- when the receipt came back")
        elif served["method"] == "hand":
            lines.append("  # handed_at: YYYY-MM-DDTHH:MM      <- fill in when it is handed over")
            lines.append("  # handed_by: name of the member of staff")
            lines.append(f"  # recipient: {parent_id}                    <- only ever the parent it is addressed to")
        else:
            lines.append('# notes: "posted by ... on ...; post book entry ..."')
    elif serve is None and meta.get("type") in ("letter", "email", "notice"):
        lines.append("# served:                           <- say how it was served (rule S444-30)")
        lines.append("#   method: post_first_class        <- post_first_class | recorded_delivery | hand | email")
    lines.append("---")
    return "\n".join(lines) + "\n"


def render_letter(
    case: CaseFolder,
    name: str,
    parent_id: str | None,
    on: dt.date,
    serve: str | None = None,
    *,
    parent_ids: Sequence[str] | None = None,
    monitoring_weeks: int | None = None,
    inputs: Mapping[str, Any] | None = None,
    holidays: Iterable[dt.date] = (),
) -> RenderedLetter:
    """Render template ``name`` for one parent of a validated case, dated ``on``.

    ``serve`` is the service method (post_first_class, post_second_class,
    recorded_delivery, hand, email), or None to leave service for the school to record.
    For a joint document (a contract or plan) pass ``parent_ids`` (default: every parent
    who is not excluded); for a pupil document pass ``parent_id=None``. ``inputs`` are
    the values the template asks the school for (``meeting_time``...; also
    ``meeting_date``, ``reply_by``, ``review_date``, ``leave_start``, ``leave_end``
    where the template uses them), as text, or dates as ``datetime.date`` or YYYY-MM-DD;
    a missing one is shown as a ``[blank]`` and listed in ``blanks``. Dates the letter
    sets are school days: weekends, ``school.holidays``, the weekdays the register shows
    closed and ``holidays`` are skipped.

    Raises LetterError for an unknown template or parent, an excluded parent (with the
    recorded reason), post to a parent with no address, email to a parent with no email
    address of their own. Weak but possible choices come back as ``warnings``.
    """
    template = get_template(name)
    parent, joint = addressees(template, case, parent_id, parent_ids)
    warnings = _check_service(template, parent, serve, case)
    closed = closed_days(case, holidays)
    weeks = improvement_weeks(template, case, on, monitoring_weeks, closed, warnings)
    warnings += date_warnings(template, case, on)
    supplied, leave_dates = template_inputs(template, inputs)
    warnings += closed_day_warnings(supplied, closed)
    context = letter_context(
        case,
        parent.id if parent else None,
        on,
        parent_ids=joint,
        serve=serve,
        monitoring_weeks=weeks,
        meeting_kind=template.meeting_kind,
        leave_decision=template.leave_decision,
        leave_from_register=template.leave_from_register,
        meeting_school_days=template.meeting_school_days,
        reply_school_days=template.reply_school_days,
        review_weeks=template.review_weeks,
        holidays=closed,
        **leave_dates,
        **supplied,
    )
    body, filled_by = _marked_blanks(render_body(template, context))
    title = f"{template.title} - {case.case.pupil.name}"
    meta = front_matter(template, title, on, parent, joint, serve, weeks, context)
    head = _front_matter_text(meta, serve, parent.id if parent else None)
    suffix = f"-{parent.id}" if parent is not None else ""
    school = case.case.school
    contact = [f"Telephone {school.phone}" if school.phone else "", f"Email {school.email}" if school.email else ""]
    return RenderedLetter(
        template=template,
        parent_id=parent.id if parent else None,
        parent_ids=tuple(joint),
        date=on,
        title=title,
        filename=f"{on.isoformat()}-{template.name}{suffix}.md",
        front_matter=meta,
        body=body,
        text=head + body,
        warnings=warnings,
        school_name=school.name,
        school_address=school.address,
        school_contact=" · ".join(c for c in contact if c),
        blanks=letter_blanks(template, body, filled_by, head.count("\n")),
    )


def _marked_blanks(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    """The body with each input's blank back to ``[label]``, and where each was: (line,
    blank, input name)."""
    found: list[tuple[int, str, str]] = []
    lines = body.split("\n")
    pattern = re.compile(r"\[([^\[\]\n" + _MARK + r"]*)" + _MARK + r"([a-z][a-z0-9_]*)\]")
    for number, line in enumerate(lines, 1):
        for m in pattern.finditer(line):
            found.append((number, f"[{m.group(1)}]", m.group(2)))
        lines[number - 1] = pattern.sub(lambda m: f"[{m.group(1)}]", line)
    return "\n".join(lines), found


def letter_blanks(
    template: LetterTemplate, body: str, filled_by: Sequence[tuple[int, str, str]], offset: int = 0
) -> list[Blank]:
    """Every blank the body still holds (as rule S444-93 finds them), in order, with what
    fills it: the template's input, or the record the case lacks. ``offset``: the lines
    before the body in the written file."""
    inputs = {(line, text): name for line, text, name in filled_by}
    known: dict[str, str] = {}
    for need in template.needs:
        known.update(CASE_BLANKS.get(need, {}))
    out = []
    for number, line in enumerate(body.split("\n"), 1):
        for m in TEMPLATE_BLANK.finditer(line):
            text = m.group(0)
            name = inputs.get((number, text))
            if name is not None:
                hint = f"--set {name}=..."
            elif text[1:-1] in known:
                hint = known[text[1:-1]]
            else:
                hint = "fill it in by hand"
            out.append(Blank(text, number + offset, name, hint))
    return out


def addressees(
    template: LetterTemplate, case: CaseFolder, parent_id: str | None, parent_ids: Sequence[str] | None
) -> tuple[Parent | None, list[str]]:
    """The parent a letter is written to (or None), and the parents of a joint document."""
    if template.addressed == "parent":
        if parent_id is None:
            raise LetterError(f"the {template.name} template is written to one parent: name the parent")
        parent = resolve_parent(case, parent_id)
        return parent, [parent.id]
    if template.addressed == "parents":
        if parent_ids is None:
            parent_ids = [parent_id] if parent_id else [p.id for p in case.case.parents if not p.excluded]
        joint = [resolve_parent(case, pid).id for pid in parent_ids]
        if not joint:
            raise LetterError(
                f"the {template.name} template is for the parents, and every parent in case.yaml is excluded"
            )
        return None, joint
    return None, []


def improvement_weeks(
    template: LetterTemplate,
    case: CaseFolder,
    on: dt.date,
    asked: int | None,
    holidays: Iterable[dt.date],
    warnings: list[str],
) -> int | None:
    """The improvement period of a notice (None for a template without one); warns when it
    would run past the referral date."""
    if "improvement_period" not in template.needs:
        if asked is not None:
            raise LetterError(f"the {template.name} template has no monitoring period")
        return None
    weeks = _monitoring_weeks(template, case, asked)
    end = add_weeks(on, weeks, holidays)
    referral = case.case.referral.date
    if template.notice_kind in ("notice_to_improve", "penalty_notice_warning") and on <= referral < end:
        warnings.append(
            f"the improvement period runs to {end.isoformat()}, after the referral date in case.yaml "
            f"({referral.isoformat()}): rule S444-60 treats a referral before the period ends as premature"
        )
    return weeks


def date_warnings(template: LetterTemplate, case: CaseFolder, on: dt.date) -> list[str]:
    """Warnings (and a refusal) that depend on the letter's date and the case's safeguarding."""
    c = case.case
    warnings = []
    if on > c.referral.date:
        warnings.append(
            f"dated {on.isoformat()}, after the referral date in case.yaml ({c.referral.date.isoformat()}): "
            "rule S444-90 flags documents dated after the referral"
        )
    if template.notice_kind == "notification_of_referral" and c.safeguarding.notify_parents_would_risk_harm:
        raise LetterError(
            "case.yaml records that telling the parents of the referral would put the child at risk of harm "
            "(safeguarding.notify_parents_would_risk_harm): no notification of referral is written"
        )
    return warnings


def dated_inputs(template: LetterTemplate) -> list[str]:
    """The dates the template works out that the school may set instead."""
    return [name for need in template.needs for name in DATED_INPUTS.get(need, ())]


def template_inputs(
    template: LetterTemplate, inputs: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values the school supplied (blanks for the rest), and leave dates apart.

    A date (a dated input, or an input of type date) may come as YYYY-MM-DD text."""
    supplied = dict(inputs or {})
    dated = dated_inputs(template) + [i.name for i in template.inputs if i.type == "date"]
    allowed = [i.name for i in template.inputs] + dated_inputs(template)
    unknown = sorted(set(supplied) - set(allowed))
    if unknown:
        import difflib

        close = [difflib.get_close_matches(u, allowed, n=1) for u in unknown]
        hint = "".join(f" (did you mean {c[0]}?)" for c in close if c and len(unknown) == 1)
        raise LetterError(
            f"the {template.name} template has no blank called {', '.join(unknown)}{hint}; "
            f"it takes {', '.join(allowed) or 'nothing'} (see bundler templates {template.name})"
        )
    for key in dated:
        value = supplied.get(key)
        if value is None or isinstance(value, dt.date):
            continue
        try:
            supplied[key] = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise LetterError(f"{key}: '{value}' is not a date (write YYYY-MM-DD, e.g. 2025-03-10)") from None
    leave_dates: dict[str, Any] = {key: supplied.pop(key) for key in ("leave_start", "leave_end") if key in supplied}
    for item in template.inputs:
        if item.name not in supplied:
            supplied[item.name] = (
                item.default if item.default is not None else Placeholder(item.label + _MARK + item.name)
            )
    return supplied, leave_dates


def closed_day_warnings(supplied: Mapping[str, Any], closed: frozenset[dt.date]) -> list[str]:
    """A warning for each date the school set that falls when the school is closed."""
    return [
        f"{key} is {figures.day_date(value)}, when the school is closed (a weekend, a holiday in case.yaml, "
        "or a day the register shows no session): choose a school day"
        for key, value in supplied.items()
        if isinstance(value, dt.date)
        and key in ("meeting_date", "reply_by", "review_date")
        and not is_school_day(value, closed)
    ]


def render_body(template: LetterTemplate, context: dict[str, Any]) -> str:
    """The Markdown body: the template sees the base fields and what it declares, so
    ``needs`` stays honest."""
    visible = {
        key: context[key]
        for key in (*BASE_FIELDS, *template.needs, *(i.name for i in template.inputs))
        if key in context
    }
    visible["template"] = {"name": template.name, "title": template.title, "notice_kind": template.notice_kind}
    body = environment().get_template(f"letters/{template.file_name}").render(visible)
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


def front_matter(
    template: LetterTemplate,
    title: str,
    on: dt.date,
    parent: Parent | None,
    joint: list[str],
    serve: str | None,
    weeks: int | None,
    context: dict[str, Any],
) -> dict[str, Any]:
    """The document's front matter, built as the case model and validated, then dumped in
    the order a person reads it (type, title, date first)."""
    fields: dict[str, Any] = {"type": template.type, "title": title, "date": on}
    if template.type == "letter" and serve == "email":
        fields["type"] = "email"  # a letter sent as an email is an email document
    if template.type == "notice":
        fields["kind"] = template.notice_kind
    if parent is not None and template.served:
        fields["to"] = parent.id
    fields["template"] = template.name
    if weeks is not None:
        fields["monitoring_weeks"] = weeks
    if template.type == "contract":
        fields.update(status="offered", parents=joint, start=on, review_date=context["review_date"])
    elif template.type == "plan":
        fields.update(parents=joint, review_date=context["review_date"])
    if serve is not None and parent is not None:
        fields["served"] = {"method": serve, "address": parent.email} if serve == "email" else {"method": serve}
    try:
        model = DOCUMENT_ADAPTER.validate_python(fields)
    except ValidationError as exc:  # a template whose front matter the case format refuses
        raise LetterError(f"template {template.name}: the document it writes would not validate: {exc}") from None
    dumped = model.model_dump(mode="python", exclude_unset=True, by_alias=True)
    return {key: dumped[key] for key in fields}


def _monitoring_weeks(template: LetterTemplate, case: CaseFolder, asked: int | None) -> int:
    """The improvement period: as asked, else the template's default, kept within the
    profile's range for the notices rule S444-60 checks."""
    checked = template.notice_kind in ("notice_to_improve", "penalty_notice_warning")
    settings = case_profile(case).settings
    low, high = settings.improvement_weeks_min, settings.improvement_weeks_max
    if asked is not None:
        if not 1 <= asked <= 52:
            raise LetterError(f"an improvement period of {asked} weeks is not possible (1 to 52)")
        if checked and not low <= asked <= high:
            allowed = f"{low}" if low == high else f"{low} to {high}"
            raise LetterError(
                f"the {case.case.referral.profile} profile allows an improvement period of {allowed} weeks, not {asked} (rule S444-60)"
            )
        return asked
    weeks = template.monitoring_weeks or low
    return min(max(weeks, low), high) if checked else weeks
