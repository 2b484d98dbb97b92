"""``bundler new``: a commented case-folder skeleton that validates.

Takes a folder (new or empty), a route and a case id; writes case.yaml, a two-session
register, events.yaml and one example letter, every value an obvious example.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
from pathlib import Path

from ..case.models import Route
from ..output import atomic_write_text
from .catalogue import LetterError

__all__ = ["new_case"]


_ROUTE_NOTES = {
    "penalty_notice": "a penalty notice: the national threshold (10 unauthorised sessions in 10 school weeks) and, usually, a notice to improve first",
    "notice_to_improve": "a notice to improve, issued by the local authority before a penalty notice",
    "prosecution_444_1": "prosecution under s444(1) Education Act 1996 (irregular attendance; strict liability)",
    "prosecution_444_1a": "prosecution under s444(1A) (the parent knew and failed without reasonable justification)",
    "education_supervision_order": "an education supervision order under s447 Education Act 1996",
}


_CASE_YAML = """\
# A new case folder, written by `bundler new`. Replace every example value with the
# real one, delete what does not apply, then run `bundler validate` on the folder.
# Dates are YYYY-MM-DD. The folder holds:
#   case.yaml       this file: the referral, the pupil, every parent, the school
#   attendance.csv  the register extract, one row per session, as the MIS exports it:
#                   date,session,code (session AM or PM; code a DfE attendance code);
#                   optional columns minutes_late, amended_from, amended_on, amended_by,
#                   amended_reason, note. A day missing from the file is a day the school
#                   was not open for the pupil. Its rows now are examples: replace them all.
#   events.yaml     calls, home visits, check-ins and consultations with no document
#   documents/      one file per letter, email, meeting note, contract, notice...: Markdown
#                   with front matter, or a PDF / Word / email / image with a NAME.yaml sidecar

case_id: {case_id}                 # letters, digits, '.', '_' and '-'; unique within the LA

referral:
  route: {route}
  # This referral asks for {route_note}.
  # Routes: penalty_notice | notice_to_improve | prosecution_444_1 | prosecution_444_1a
  #         | education_supervision_order
  date: {referral_date}              # the date the referral is made: every rule is checked "as of" this date
  local_authority: Example County Council   # the LA the referral goes to
  profile: national-2024          # the code of conduct the checklist applies: national-2024 or your LA's profile
  prepared_by:                    # who prepares the referral
    name: A. Officer
    role: Attendance Officer
    email: a.officer@school.example   # optional

school:
  name: Example Primary School
  urn: "100000"                   # the school's URN, in quotes
  address: "1 School Lane, Exampletown, ZZ1 1AA"   # commas become line breaks in letters
  attendance_lead: {{name: B. Lead, role: Deputy Headteacher}}   # signs the letters
  head_teacher: {{name: C. Head, role: Headteacher}}             # optional: certifies the register (s566)

pupil:
  first_name: Sam
  last_name: Example
  date_of_birth: 2015-05-02
  year_group: 4                   # 0 (Reception) to 13
  upn: A123456789012              # optional: the unique pupil number
  address: "2 Home Road, Exampletown, ZZ1 2BB"
  send: none                      # none | sen_support | ehcp
  medical_needs: false            # true or false
  has_social_worker: false        # true or false: then consult the social worker before referring
  looked_after: false             # optional, default false

# Everyone who is a parent in law: each holder of parental responsibility, and anyone
# who cares for the pupil. Every parent is written to separately; none is left out
# without a reason recorded under `exclude`.
parents:
  - id: p1                        # the id documents use (to:, invited:, parents:)
    name: Alex Example
    relationship: mother
    parental_responsibility: true
    lives_with_pupil: true
    address: "2 Home Road, Exampletown, ZZ1 2BB"   # needed for letters by post
    email: alex.example@mail.example               # optional: the parent's OWN address, never a shared one
    phone: "07700 900001"                          # optional, in quotes
  - id: p2
    name: Jo Example
    relationship: father
    parental_responsibility: true
    lives_with_pupil: false
    address: "9 Other Street, Elsewhere, ZZ9 9ZZ"
    # address_unknown_reason: "moved away; no forwarding address"   # when there is no address
    # exclude:                                # only when the school may not write to this parent
    #   reason: court order prevents contact  # the reason is quoted wherever the parent is left out

safeguarding:
  considered: true                # the designated safeguarding lead considered the case
  notify_parents_would_risk_harm: false   # true: do not tell the parents; the case goes to social care
  notes: "DSL consulted {referral_date}; no open child protection plan."   # who, when, what was decided
"""


_EVENTS_YAML = """\
# Chronology entries with no document behind them: calls, home visits, check-ins,
# safeguarding consultations. One entry per contact, any order.
#   kind: call | home_visit | check_in | first_day_call | welfare_check | dsl_consulted
#         | social_worker_consulted | eso_considered | other
#   with: the parent ids spoken to (optional); time: "HH:MM" in quotes (optional)
- date: {day}
  time: "09:05"
  kind: first_day_call
  with: [p1]
  by: A. Officer
  summary: Example entry - Sam absent with no message; called mother, who said Sam was unwell.
"""


_EXAMPLE_LETTER = """\
---
# An example document: Markdown with front matter saying what it is. Replace it with
# the real letters, or make new ones with `bundler letter NAME CASE --parent p1`.
type: letter                      # letter | email | meeting | contract | notice | support | plan
                                  # | medical | pupil_voice | penalty_notice | witness_statement
                                  # | leave | decision | other
title: "Attendance monitoring - Sam Example (EXAMPLE)"
date: {day}
to: p1                            # one parent: every parent is written to separately
template: attendance-monitoring   # optional: the toolkit template it follows
served:
  method: post_first_class        # post_first_class | post_second_class | recorded_delivery | hand | email
---
Dear Alex Example,

This is an example letter. Replace it with the letters actually sent to each parent.

Yours sincerely,

B. Lead
"""


def new_case(
    folder: str | os.PathLike[str],
    route: str,
    case_id: str | None = None,
    *,
    today: dt.date | None = None,
) -> Path:
    """Write a commented skeleton case folder that validates; return its path.

    Refuses a folder that exists and is not empty, and an unknown route.
    """
    root = Path(folder)
    if route not in Route.__members__:
        raise LetterError(f"'{route}' is not a route; routes: {', '.join(Route)}")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise LetterError(f"{root} already exists and is not empty: a new case needs a new (or empty) folder")
    if case_id is None:
        case_id = root.name if re.fullmatch(r"[A-Za-z0-9._-]+", root.name) else "NEW-CASE"
    elif not re.fullmatch(r"[A-Za-z0-9._-]+", case_id):
        raise LetterError(f"'{case_id}' is not a case id: use letters, digits, '.', '_' and '-'")
    today = today or dt.date.today()
    # the two school days before the referral date carry the example register rows
    second = today - dt.timedelta(days=1)
    while second.weekday() >= 5:
        second -= dt.timedelta(days=1)
    first = second - dt.timedelta(days=1)
    while first.weekday() >= 5:
        first -= dt.timedelta(days=1)

    register = textwrap.dedent(
        f"""\
        date,session,code
        {first.isoformat()},AM,/
        {first.isoformat()},PM,\\
        {second.isoformat()},AM,N
        {second.isoformat()},PM,N
        """
    )
    files = {
        "case.yaml": _CASE_YAML.format(
            case_id=case_id, route=route, route_note=_ROUTE_NOTES[route], referral_date=today.isoformat()
        ),
        "attendance.csv": register,
        "events.yaml": _EVENTS_YAML.format(day=second.isoformat()),
        "documents/EXAMPLE-letter-p1.md": _EXAMPLE_LETTER.format(day=second.isoformat()),
    }
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        atomic_write_text(root / rel, text)
    return root
