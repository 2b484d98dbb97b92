"""Deterministic generator of synthetic, obviously FICTIONAL case folders for benchmarks.

Everything written here is invented: names are "Example"/"Sample"/"Specimen", phone
numbers are in the Ofcom 07700 900xxx drama range, emails are at ``.example`` domains,
postcodes are in the non-existent ZZ area and UPNs use LA number 999.

    python benchmarks/generate.py [OUT_DIR]      # writes one 5-year/200-document case
                                                 # and asserts that it validates

Library use (the benchmarks do this):

    from generate import make_case, make_cases
    make_case(folder, school_years=5, documents=200, seed=0)
    make_cases(root, 50, school_years=1, documents=20)

A case's register runs over ``school_years`` whole English school years ending with
2024-25 (Monday to Friday in term time; half-terms, Christmas, Easter, bank holidays
and INSET days skipped), about 190 days (380 sessions) a year. Marks before
2024-08-19 use the 2006 code set, marks after it the 2024 set. The referral is dated
a few days after the last session. The same arguments always give the same files.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

LAST_SCHOOL_YEAR = 2024  # the register's last school year is 2024-25
CODES_2024_FROM = dt.date(2024, 8, 19)

FIRST_NAMES = ["Riley", "Sam", "Alex", "Charlie", "Jordan", "Casey", "Robin", "Ellis", "Frankie", "Rowan"]
LAST_NAMES = ["Example", "Sample", "Specimen", "Placeholder", "Exemplar", "Testcase", "Dummy"]
STAFF = ["D. Sample", "G. Sample", "S. Exemplar", "P. Placeholder", "J. Exemplar", "C. Specimen"]
TOWNS = ["Exampletown", "Sampleford", "Specimen Green", "Placeholder-on-Sea"]
STREETS = ["Example Crescent", "Sample Street", "Specimen Road", "Placeholder Lane", "Exemplar Close"]

# ----------------------------------------------------------------------- school calendar


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def school_days(start_year: int) -> list[dt.date]:
    """The days a typical English school is open in the school year starting in
    September of ``start_year``: three terms, a week's half-term in each, two weeks
    at Christmas and Easter, bank holidays and five INSET days off. About 190 days."""
    y, n = start_year, start_year + 1
    mon, fri = 0, 4
    # autumn: from the first Wednesday in September (Mon and Tue are INSET days)
    autumn = (_weekday_on_or_after(dt.date(y, 9, 1), 2), _weekday_on_or_before(dt.date(y, 12, 20), fri))
    autumn_half = _weekday_on_or_before(dt.date(y, 10, 27), mon)
    # spring: first Monday on or after 5 January (that Monday an INSET day)
    spring_start = _weekday_on_or_after(dt.date(n, 1, 5), mon)
    easter = _easter(n)
    spring = (spring_start + dt.timedelta(days=1), _weekday_on_or_before(easter - dt.timedelta(days=3), fri))
    spring_half = _weekday_on_or_after(dt.date(n, 2, 13), mon)
    summer = (_weekday_on_or_after(easter + dt.timedelta(days=8), mon), _weekday_on_or_before(dt.date(n, 7, 21), fri))
    summer_half = _weekday_on_or_before(dt.date(n, 5, 31), mon)  # spring bank holiday week
    early_may = _weekday_on_or_after(dt.date(n, 5, 1), mon)
    # spring term ends before Easter, the summer term starts after Easter Monday; if
    # Easter is late the spring term is long, if early it is short (as in real life)
    if summer[0] <= easter + dt.timedelta(days=1):
        summer = (easter + dt.timedelta(days=2), summer[1])
    closed = {early_may, summer[1]}  # the last day of the year is a staff INSET day
    out: list[dt.date] = []
    for first, last, half in (
        (autumn[0], autumn[1], autumn_half),
        (spring[0], spring[1], spring_half),
        (summer[0], summer[1], summer_half),
    ):
        day = first
        while day <= last:
            in_half = half <= day < half + dt.timedelta(days=7)
            if day.weekday() < 5 and not in_half and day not in closed:
                out.append(day)
            day += dt.timedelta(days=1)
    return out


# ----------------------------------------------------------------------- register


def _register(rng: random.Random, years: list[int]) -> list[tuple[str, ...]]:
    """Register rows (date, session, code, minutes_late, amended_from, amended_on,
    amended_by, amended_reason): attendance around 95% in the first year, falling to
    about 80% in the last, with unauthorised absence clustered on Mondays and Fridays."""
    rows: list[tuple[str, ...]] = []
    n_years = len(years)
    for index, year in enumerate(years):
        days = school_days(year)
        decline = (index + 1) / n_years  # 0..1, worst in the last year
        p_absent_day = 0.03 + 0.14 * decline
        holiday_week = rng.random() < 0.5  # a term-time holiday once in a while
        holiday_start = rng.randrange(len(days) - 10) if holiday_week else -1
        for d_index, day in enumerate(days):
            new = day >= CODES_2024_FROM
            am, pm = "/", "\\"
            minutes = ["", ""]
            amended: tuple[str, ...] = ("", "", "", "")
            if holiday_start <= d_index < holiday_start + 5:
                am = pm = "G"  # holiday not agreed by the school
            else:
                r = rng.random()
                absent = p_absent_day * (1.8 if day.weekday() in (0, 4) else 0.8)
                if r < absent:
                    am = pm = rng.choices(["I", "N", "O", "M"], weights=[4, 3, 4, 1])[0]
                    if am == "M" and rng.random() < 0.6:
                        am = "/"  # appointment in the afternoon only
                    elif am == "N" and d_index < len(days) - 4 or index < n_years - 1 and am == "N":
                        # "no reason yet" is resolved within days: recoded as O
                        am = pm = "O"
                        on = min(day + dt.timedelta(days=rng.randint(1, 4)), days[-1])
                        amended = ("N", on.isoformat(), "D. Sample", "no reason given by the parent")
                    elif am == "I" and rng.random() < 0.1:
                        # illness recoded as unauthorised when no evidence came
                        am = pm = "O"
                        on = min(day + dt.timedelta(days=rng.randint(7, 30)), days[-1])
                        amended = ("I", on.isoformat(), "D. Sample", "no medical evidence received")
                elif r < absent + 0.05:
                    am = "L"
                    minutes[0] = str(rng.randint(3, 25))
                elif r < absent + 0.05 + 0.02 * (1 + decline):
                    am = "U"
                    minutes[0] = str(rng.randint(31, 90))
                elif r < absent + 0.12:
                    pm = rng.choice(["O", "M", "V", "G"])
                elif r < absent + 0.125:
                    # a code that exists only in one set: J (2006 interview), J1 (2024)
                    am = pm = "J1" if new else "J"
                elif r < absent + 0.13:
                    am = pm = "C" if new else rng.choice(["H", "C"])  # H: 2006 set only
            day_s = day.isoformat()
            rows.append((day_s, "AM", am, minutes[0], *amended))
            rows.append((day_s, "PM", pm, minutes[1], *amended))
    return rows


def _csv_cell(text: str) -> str:
    return f'"{text}"' if any(c in text for c in ',"\n') else text


# ----------------------------------------------------------------------- documents


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _body(rng: random.Random, pupil: str, paragraphs: int) -> str:
    sentences = [
        f"{pupil}'s attendance has been reviewed by the attendance team this week.",
        "Every parent has a legal duty to make sure their child attends school regularly.",
        "We would much rather solve this together, and your views matter to us.",
        "Absence without a reason the school can accept is recorded as unauthorised.",
        "The offer of early help through the Family Support Service remains open.",
        "Please ring the school office on 07700 900100 if anything here is not clear.",
        "The learning mentor reports that the pupil is settled and working well when in school.",
        "Mondays and Fridays continue to be the hardest days of the week.",
        "A copy of this record has been placed on the pupil's attendance file.",
        "This document is entirely FICTIONAL and was generated for a benchmark.",
    ]
    out = []
    for _ in range(paragraphs):
        out.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(3, 6))))
    return "\n\n".join(out) + "\n"


def _served(rng: random.Random, to: str, day: dt.date, parents: dict[str, dict]) -> list[str]:
    email = parents[to].get("email")
    r = rng.random()
    if email and r < 0.35:
        sent = f"{day.isoformat()}T{rng.randint(8, 16):02d}:{rng.randint(0, 59):02d}"
        return ["served:", "  method: email", f"  address: {email}", f"  sent_at: {sent}", "  read_receipt: requested"]
    if r < 0.55:
        handed = f"{day.isoformat()}T15:{rng.randint(0, 59):02d}"
        return [
            "served:",
            "  method: hand",
            f"  handed_at: {handed}",
            f"  handed_by: {rng.choice(STAFF)}",
            f"  recipient: {to}",
        ]
    if r < 0.65:
        return ["served:", "  method: recorded_delivery"]
    return ["served:", f"  method: {rng.choice(['post_first_class', 'post_first_class', 'post_second_class'])}"]


def _document(
    rng: random.Random, kind: str, day: dt.date, parents: dict[str, dict], pupil: str
) -> tuple[str, list[str], int]:
    """(file stem, front-matter lines, body paragraphs) for one document."""
    ids = list(parents)
    to = rng.choice(ids)
    d = day.isoformat()
    later = (day + dt.timedelta(days=rng.randint(21, 42))).isoformat()
    if kind == "letter":
        return (
            f"letter-{to}",
            [
                "type: letter",
                f"title: {pupil}'s attendance - letter to parent",
                f"date: {d}",
                f"to: {to}",
                *_served(rng, to, day, parents),
            ],
            4,
        )
    if kind == "email":
        to = next((p for p in ids if parents[p].get("email")), ids[0])
        sent = f"{d}T{rng.randint(8, 16):02d}:{rng.randint(0, 59):02d}"
        return (
            f"email-{to}",
            [
                "type: email",
                f"title: {pupil}'s attendance - email update",
                f"date: {d}",
                f"to: {to}",
                "served:",
                "  method: email",
                f"  address: {parents[to]['email']}",
                f"  sent_at: {sent}",
                "  read_receipt: received",
                f"  read_at: {d}T21:{rng.randint(10, 59)}",
            ],
            3,
        )
    if kind == "notice":
        nk = rng.choice(["notice_to_improve", "penalty_notice_warning", "final_warning", "notification_of_referral"])
        lines = [
            "type: notice",
            f"title: {nk.replace('_', ' ').capitalize()} - {pupil}",
            f"date: {d}",
            f"kind: {nk}",
            f"to: {to}",
        ]
        if nk == "notice_to_improve":
            lines.append(f"monitoring_weeks: {rng.choice([3, 4, 6])}")
        return f"notice-{to}-{nk.replace('_', '-')}", lines + _served(rng, to, day, parents), 3
    if kind == "meeting":
        mk = rng.choice(["initial_concern", "declining_attendance", "attendance_contract", "review", "other"])
        attended = [p for p in ids if rng.random() < 0.6]
        outcome = "attended" if attended else rng.choice(["not_attended", "rearranged", "declined"])
        staff = rng.sample(STAFF, 2)
        return (
            f"meeting-{mk.replace('_', '-')}",
            [
                "type: meeting",
                f"title: {mk.replace('_', ' ').capitalize()} meeting",
                f"date: {d}",
                f"kind: {mk}",
                f"invited: [{', '.join(ids)}]",
                f"attended: [{', '.join(attended)}]",
                f"staff: [{', '.join(staff)}]",
                f"outcome: {outcome}",
                "actions:",
                "  - Weekly check-in with the learning mentor",
                "  - Parent to ring the school by 08:45 on any day of absence",
                f"review_date: {later}",
            ],
            5,
        )
    if kind == "support":
        sk = rng.choice(["early_help", "mentoring", "school_nurse", "family_support", "transport", "external_referral"])
        st = rng.choice(["offered", "accepted", "declined", "not_engaged", "completed"])
        return (
            f"support-{sk.replace('_', '-')}",
            [
                "type: support",
                f"title: {sk.replace('_', ' ').capitalize()} offered",
                f"date: {d}",
                f"kind: {sk}",
                f"offered_to: [{', '.join(ids)}]",
                f"status: {st}",
            ],
            2,
        )
    if kind == "contract":
        st = rng.choice(["offered", "agreed", "declined", "breached"])
        return (
            "contract",
            [
                "type: contract",
                "title: Attendance contract",
                f"date: {d}",
                f"status: {st}",
                f"parents: [{', '.join(ids)}]",
                f"start: {d}",
                f"review_date: {later}",
            ],
            3,
        )
    if kind == "plan":
        return (
            "plan",
            [
                "type: plan",
                "title: Attendance action plan",
                f"date: {d}",
                f"parents: [{', '.join(ids)}]",
                f"review_date: {later}",
            ],
            3,
        )
    if kind == "medical":
        return (
            "medical",
            [
                "type: medical",
                "title: Request for medical evidence",
                f"date: {d}",
                f"requested_from: {_yaml_str('Parent (appointment record or prescription)')}",
                f"received: {rng.choice(['true', 'false'])}",
            ],
            2,
        )
    if kind == "pupil_voice":
        return (
            "pupil-voice",
            [
                "type: pupil_voice",
                f"title: {pupil}'s views on attendance",
                f"date: {d}",
                f"notes: {_yaml_str('Recorded by S. Exemplar, Learning Mentor')}",
            ],
            4,
        )
    if kind == "penalty_notice":
        return (
            f"penalty-notice-{to}",
            [
                "type: penalty_notice",
                "title: Penalty notice (earlier)",
                f"date: {d}",
                f"to: {to}",
                f"issued_on: {d}",
                f"paid: {rng.choice(['true', 'false'])}",
                f"period_start: {(day - dt.timedelta(days=70)).isoformat()}",
                f"period_end: {(day - dt.timedelta(days=3)).isoformat()}",
            ],
            2,
        )
    if kind == "witness_statement":
        return (
            "witness-statement",
            [
                "type: witness_statement",
                "title: Witness statement (s9 CJA 1967)",
                f"date: {d}",
                f"witness: {rng.choice(STAFF)}",
            ],
            6,
        )
    if kind == "leave":
        decision = rng.choice(["authorised", "refused", "not_requested"])
        return (
            "leave",
            [
                "type: leave",
                "title: Leave of absence request",
                f"date: {d}",
                f"parents: [{to}]",
                f"start: {later}",
                f"end: {(day + dt.timedelta(days=50)).isoformat()}",
                f"decision: {decision}",
            ],
            2,
        )
    return (
        "other",
        [
            "type: other",
            "title: Hand-delivery log (transcript)",
            f"date: {d}",
            f"notes: {_yaml_str('Reception hand-delivery book, FICTIONAL transcript')}",
        ],
        1,
    )


DOCUMENT_MIX = [
    ("letter", 30),
    ("email", 15),
    ("notice", 8),
    ("meeting", 12),
    ("support", 8),
    ("contract", 3),
    ("plan", 3),
    ("medical", 4),
    ("pupil_voice", 3),
    ("penalty_notice", 1),
    ("witness_statement", 1),
    ("leave", 2),
    ("other", 4),
]


# ----------------------------------------------------------------------- case


def make_case(folder, *, school_years: int = 5, documents: int = 200, seed: int = 0) -> Path:
    """Write one fictional case folder (case.yaml, attendance.csv, events.yaml,
    ``documents`` Markdown files) into ``folder`` and return its path."""
    rng = random.Random(seed)
    root = Path(folder)
    (root / "documents").mkdir(parents=True, exist_ok=True)
    years = list(range(LAST_SCHOOL_YEAR - school_years + 1, LAST_SCHOOL_YEAR + 1))

    register = _register(rng, years)
    last_session = dt.date.fromisoformat(register[-1][0])
    referral = last_session + dt.timedelta(days=rng.randint(2, 4))
    first_session = dt.date.fromisoformat(register[0][0])

    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    year_group = rng.randint(max(school_years + 1, 7), 10)  # Year 7-10 in 2024-25
    born = dt.date(2024 - 5 - year_group, rng.randint(9, 12), rng.randint(1, 28))
    home = f"{rng.randint(1, 99)} {rng.choice(STREETS)}, {TOWNS[0]}, ZZ1 {rng.randint(1, 9)}EX"
    away = (
        f"Flat {rng.randint(1, 9)}, {rng.randint(1, 99)} {rng.choice(STREETS)}, {TOWNS[1]}, ZZ2 {rng.randint(1, 9)}SP"
    )
    phone = 900100 + (seed * 2) % 800
    parents = {
        "p1": {
            "name": f"{rng.choice(['Morgan', 'Jo', 'Kim'])} {last}",
            "relationship": "mother",
            "lives": True,
            "address": home,
            "email": f"p1.{last.lower()}.{seed}@mail.example",
            "phone": f"07700 {phone + 1}",
        },
        "p2": {
            "name": f"{rng.choice(['Jamie', 'Lee', 'Drew'])} {rng.choice(LAST_NAMES)}",
            "relationship": "father",
            "lives": False,
            "address": away,
            "phone": f"07700 {phone + 2}",
        },
    }
    case_id = f"BM-{referral.year}-{seed:05d}"
    route = rng.choice(["penalty_notice", "prosecution_444_1", "prosecution_444_1a"])

    case_lines = [
        "# FICTIONAL benchmark case generated by benchmarks/generate.py. Every person,",
        "# school, address, phone number, email and UPN below is invented.",
        f"case_id: {case_id}",
        "referral:",
        f"  route: {route}",
        f"  date: {referral.isoformat()}",
        "  local_authority: Exampleshire County Council",
        "  profile: national-2024",
        "  prepared_by: {name: D. Sample, role: Attendance Officer, email: d.sample@exampletown-academy.example}",
        "school:",
        "  name: Exampletown Academy",
        f'  urn: "999{rng.randint(100, 999)}"',
        '  address: "Academy Way, Exampletown, ZZ1 1AA"',
        "  attendance_lead: {name: P. Placeholder, role: Assistant Headteacher (Attendance Lead)}",
        "  head_teacher: {name: C. Specimen, role: Headteacher}",
        "pupil:",
        f"  first_name: {first}",
        f"  last_name: {last}",
        f"  date_of_birth: {born.isoformat()}",
        f"  year_group: {year_group}",
        f"  upn: Z999{rng.randint(0, 10**9 - 1):09d}",
        f'  address: "{home}"',
        f"  send: {rng.choice(['none', 'none', 'none', 'sen_support'])}",
        "  medical_needs: false",
        "  has_social_worker: false",
        "  looked_after: false",
        "parents:",
    ]
    for pid, p in parents.items():
        case_lines += [
            f"  - id: {pid}",
            f"    name: {p['name']}",
            f"    relationship: {p['relationship']}",
            "    parental_responsibility: true",
            f"    lives_with_pupil: {'true' if p['lives'] else 'false'}",
            f'    address: "{p["address"]}"',
        ]
        if p.get("email"):
            case_lines.append(f"    email: {p['email']}")
        case_lines.append(f'    phone: "{p["phone"]}"')
    case_lines += [
        "safeguarding:",
        "  considered: true",
        "  notify_parents_would_risk_harm: false",
        "  notes: >-",
        f"    DSL (J. Exemplar) consulted {(referral - dt.timedelta(days=30)).isoformat()}. No child protection",
        "    or child in need involvement; no known risk in telling either parent about the referral.",
    ]
    (root / "case.yaml").write_text("\n".join(case_lines) + "\n", encoding="utf-8")

    header = "date,session,code,minutes_late,amended_from,amended_on,amended_by,amended_reason"
    lines = [header] + [",".join(_csv_cell(c) for c in row) for row in register]
    (root / "attendance.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # events: ~50, in the last school year (calls, visits, check-ins), in date order
    last_year_days = [d for d in school_days(years[-1]) if d < referral]
    n_events = 50 if school_years >= 3 else 12
    event_days = sorted(rng.sample(last_year_days, min(n_events, len(last_year_days))))
    ev_lines = ["# FICTIONAL chronology entries (no document behind them)."]
    for day in event_days:
        kind = rng.choices(
            ["first_day_call", "call", "home_visit", "check_in", "dsl_consulted", "welfare_check", "other"],
            weights=[10, 8, 3, 4, 1, 1, 1],
        )[0]
        ev_lines += [
            f"- date: {day.isoformat()}",
            f'  time: "{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"',
            f"  kind: {kind}",
        ]
        if kind not in ("dsl_consulted", "check_in", "other"):
            ev_lines.append(f"  with: [{rng.choice(list(parents))}]")
        ev_lines += [
            f"  by: {rng.choice(STAFF)}",
            f"  summary: {_yaml_str(f'{kind.replace(chr(95), chr(32)).capitalize()} about {first}: no reason given; recorded as unauthorised until one is.')}",
        ]
    eso_day = referral - dt.timedelta(days=rng.randint(5, 12))
    ev_lines += [
        f"- date: {eso_day.isoformat()}",
        "  kind: eso_considered",
        "  by: P. Placeholder",
        "  summary: An education supervision order was considered with the LA and judged less suitable than the referral.",
    ]
    (root / "events.yaml").write_text("\n".join(ev_lines) + "\n", encoding="utf-8")

    # documents: spread over the whole register, a few a month, in date order; the
    # last ones are the formal steps before the referral, to each parent separately
    span = (referral - first_session).days
    kinds = [k for k, _ in DOCUMENT_MIX]
    weights = [w for _, w in DOCUMENT_MIX]
    planned: list[tuple[dt.date, str]] = []
    finale = [
        ("letter", "p1"),
        ("letter", "p2"),
        ("meeting", None),
        ("support", None),
        ("contract", None),
        ("notice", "p1"),
        ("notice", "p2"),
    ][: max(0, documents - 1)]
    for i in range(documents - len(finale)):
        day = first_session + dt.timedelta(
            days=int(span * 0.85 * i / max(1, documents - len(finale))) + rng.randint(0, 3)
        )
        planned.append((day, rng.choices(kinds, weights)[0]))
    for j, (kind, _) in enumerate(finale):
        planned.append((referral - dt.timedelta(days=40 - 5 * j), kind))
    used: set[str] = set()
    for number, (day, kind) in enumerate(planned, 1):
        day = min(day, referral)
        stem, front, paragraphs = _document(rng, kind, day, parents, first)
        name = f"{day.isoformat()}-{stem}.md"
        if name in used:
            name = f"{day.isoformat()}-{stem}-{number}.md"
        used.add(name)
        text = "---\n" + "\n".join(front) + "\n---\n" + _body(rng, first, paragraphs)
        (root / "documents" / name).write_text(text, encoding="utf-8")
    return root


def make_cases(root, n: int, *, school_years: int = 1, documents: int = 20, seed: int = 0) -> list[Path]:
    """Write ``n`` small cases into ``root`` (``case-00000`` ...), each from its own seed."""
    base = Path(root)
    return [
        make_case(base / f"case-{i:05d}", school_years=school_years, documents=documents, seed=seed + i)
        for i in range(n)
    ]


if __name__ == "__main__":
    import tempfile

    from bundler.case.validate import validate_folder

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="bundler-bench-")) / "case"
    folder = make_case(out)
    result = validate_folder(folder)
    for p in result.problems[:20]:
        print(p)
    assert result.valid, f"generated case does not validate: {len(result.problems)} problem(s)"
    sessions = sum(1 for _ in open(folder / "attendance.csv")) - 1
    docs = len(list((folder / "documents").iterdir()))
    print(f"{folder}: valid; {sessions} sessions, {len(result.case.events)} events, {docs} documents")
    # many small cases vary by seed and validate too
    small = make_cases(Path(tempfile.mkdtemp(prefix="bundler-bench-small-")), 20)
    bad = [c for c in small if not validate_folder(c).valid]
    assert not bad, f"small cases that do not validate: {bad}"
    print(f"{len(small)} small cases in {small[0].parent}: all valid")
