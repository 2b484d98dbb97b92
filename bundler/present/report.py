"""Stage 4: check reports in the formats people and CI servers read: JSON, Markdown, HTML, JUnit XML,
GitHub annotations, and the LA summary (CSV, JSON, HTML).

Findings are grouped by checklist section, failures first within each section.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from typing import Any
from xml.etree import ElementTree as ET

from ..checklist import RULES, STATUS_ORDER, Finding, Status, ordered_rules
from ..checklist.profiles import known_profiles, load_profile
from ..checklist.run import CaseCheck


def grouped(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings by checklist section (in checklist order), fails first within each."""
    sections: dict[str, list[Finding]] = {}
    for f in findings:
        sections.setdefault(RULES[f.rule].section, []).append(f)
    return [
        (name, sorted(items, key=lambda f: (STATUS_ORDER[f.status], f.rule, f.parent or "")))
        for name, items in sections.items()
    ]


CHECK_FORMAT = 1


def check_dict(check: CaseCheck) -> dict[str, Any]:
    """The stable JSON shape of ``bundler check --format json`` (documented in docs/check-json.md)."""
    if check.result is None:
        return {
            "format": CHECK_FORMAT,
            "folder": str(check.folder),
            "case_id": None,
            "ready": False,
            "error": check.error,
            "problems": [p.as_dict() for p in check.problems],
        }
    r = check.result
    return {
        "format": CHECK_FORMAT,
        "folder": str(check.folder),
        "case_id": r.case_id,
        "route": r.route.value,
        "profile": r.profile.name,
        "as_of": r.as_of.isoformat(),
        "ready": r.ready,
        "counts": r.counts,
        "failing_rules": r.failing_rules,
        "findings": [f.as_dict() for f in r.findings],
    }


def rules_catalogue(profiles: list[str] | None = None) -> dict[str, Any]:
    """Every rule with its routes, severity, text and the settings of each profile."""
    chosen = [load_profile(name) for name in (profiles or known_profiles())]
    return {
        "format": 1,
        "profiles": [
            {
                "name": p.name,
                "title": p.title,
                "effective": p.effective.isoformat(),
                "extends": p.extends,
                "source": p.source,
            }
            for p in chosen
        ],
        "rules": [
            {
                "id": r.id,
                "section": r.section,
                "title": r.title,
                "routes": r.routes,
                "severity": r.severity.value,
                "per_parent": r.per_parent,
                "text": r.text,
                "settings": {
                    name: {p.name: _jsonable(getattr(p.settings, name)) for p in chosen} for name in r.settings
                },
            }
            for r in ordered_rules()
        ],
    }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def check_markdown(check: CaseCheck) -> str:
    data = check_dict(check)
    if check.result is None:
        lines = [f"# {check.folder}: cannot be checked", ""]
        if check.error:
            lines.append(check.error)
        lines += [f"- `{p}`" for p in check.problems]
        return "\n".join(lines) + "\n"
    r = check.result
    verdict = "READY to refer" if r.ready else "NOT READY: " + ", ".join(r.failing_rules) + " failing"
    lines = [
        f"# Section 444 checklist: {r.case_id}",
        "",
        f"- Route: {r.route.value.replace('_', ' ')}",
        f"- Profile: {r.profile.name} ({r.profile.title})",
        f"- As of: {r.as_of.isoformat()}",
        f"- Result: **{verdict}**",
        "- Counts: " + ", ".join(f"{k} {v}" for k, v in data["counts"].items()),
        "",
    ]
    for section, findings in grouped(r.findings):
        lines += [
            f"## {section}",
            "",
            "| Rule | Status | Parent | Finding | Next step |",
            "| --- | --- | --- | --- | --- |",
        ]
        for f in findings:
            lines.append(
                f"| {f.rule} | {f.status.value} | {f.parent or ''} | {_md_cell(f.message)} | {_md_cell(f.next_step)} |"
            )
        lines.append("")
    return "\n".join(lines)


def check_html(check: CaseCheck) -> str:
    from .jinja import render

    return render(
        "reports/check.html.j2",
        check=check,
        data=check_dict(check),
        sections=grouped(check.result.findings) if check.result else [],
        rules=RULES,
    )


def junit_xml(checks: list[CaseCheck]) -> str:
    """One <testsuite> per case, one <testcase> per rule finding: any CI server then shows
    which rule failed for which case. Warnings pass (they are printed in system-out)."""
    suites = ET.Element("testsuites", name="bundler check")
    for check in checks:
        name = check.result.case_id if check.result else str(check.folder)
        suite = ET.SubElement(suites, "testsuite", name=name)
        cases = 0
        failures = errors = skipped = 0
        if check.result is None:
            case = ET.SubElement(suite, "testcase", classname=name, name="S444-01 The case validates")
            error = ET.SubElement(
                case, "failure", message=check.error or f"{len(check.problems)} validation problem(s)"
            )
            error.text = "\n".join(str(p) for p in check.problems) or (check.error or "")
            cases, failures = 1, 1
        else:
            for f in check.result.findings:
                label = f"{f.rule} {f.title}" + (f" [{f.parent}]" if f.parent else "")
                case = ET.SubElement(suite, "testcase", classname=name, name=label)
                cases += 1
                if f.status == Status.fail:
                    failures += 1
                    failure = ET.SubElement(case, "failure", message=f.message)
                    failure.text = f"{f.message}\nNext step: {f.next_step}"
                elif f.status == Status.not_applicable:
                    skipped += 1
                    ET.SubElement(case, "skipped", message=f.message)
                else:
                    out = ET.SubElement(case, "system-out")
                    out.text = f"{f.status.value}: {f.message}" + (f"\nNext step: {f.next_step}" if f.next_step else "")
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", str(skipped))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def github_annotations(check: CaseCheck) -> list[str]:
    """``::error file=...,line=...::`` lines for validation problems, so they show inline."""
    lines = []
    for p in check.problems:
        where = f"file={check.folder / p.file}" + (f",line={p.line}" if p.line else "")
        message = (f"{p.field}: " if p.field else "") + p.message
        lines.append(f"::error {where}::{_escape_annotation(message)}")
    if check.error:
        lines.append(f"::error file={check.folder}::{_escape_annotation(check.error)}")
    if check.result:
        for f in check.result.findings:
            if f.status == Status.fail:
                lines.append(
                    f"::error file={check.folder / 'case.yaml'},title={f.rule}::{_escape_annotation(f.message)}"
                )
    return lines


def _escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


# ----------------------------------------------------------------------- LA summary

SUMMARY_COLUMNS = [
    "folder",
    "case_id",
    "route",
    "profile",
    "ready",
    "fail",
    "warn",
    "pass",
    "info",
    "not_applicable",
    "failing_rules",
    "error",
]


def summary_row(check: CaseCheck) -> dict[str, Any]:
    if check.result is None:
        n = len(check.problems)
        why = (
            check.error
            or f"invalid case: {n} problem{'s' if n != 1 else ''} (see bundler validate); first: {check.problems[0]}"
        )
        return {
            "folder": str(check.folder),
            "case_id": None,
            "route": None,
            "profile": None,
            "ready": False,
            "fail": None,
            "warn": None,
            "pass": None,
            "info": None,
            "not_applicable": None,
            "failing_rules": ["S444-01"] if check.problems else [],
            "error": why,
        }
    r = check.result
    counts = r.counts
    return {
        "folder": str(check.folder),
        "case_id": r.case_id,
        "route": r.route.value,
        "profile": r.profile.name,
        "ready": r.ready,
        **{k: counts[k] for k in ("fail", "warn", "pass", "info", "not_applicable")},
        "failing_rules": r.failing_rules,
        "error": None,
    }


def summary_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {**row, "failing_rules": " ".join(row["failing_rules"]), "ready": "yes" if row["ready"] else "no"}
        )
    return buffer.getvalue()


def summary_html(rows: list[dict[str, Any]]) -> str:
    from .jinja import render

    return render("reports/summary.html.j2", rows=rows)


def rules_markdown(catalogue: dict[str, Any]) -> str:
    """The checklist as Markdown, with each profile's settings side by side."""
    names = [p["name"] for p in catalogue["profiles"]]
    lines = ["# Section 444 referral checklist", ""]
    section = None
    for r in catalogue["rules"]:
        if r["section"] != section:
            section = r["section"]
            lines += [f"## {section}", ""]
        lines += [
            f"### {r['id']}: {r['title']}",
            "",
            f"Routes: `{r['routes']}` · severity: `{r['severity']}`" + (" · per parent" if r["per_parent"] else ""),
            "",
            r["text"],
            "",
        ]
        if r["settings"]:
            lines += ["| setting | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
            for name, values in r["settings"].items():
                lines.append(f"| `{name}` | " + " | ".join(str(values[p]) for p in names) + " |")
            lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------- one table of formats


def _check_json(checks: list[CaseCheck]) -> str:
    data = [check_dict(c) for c in checks]
    return json.dumps(data[0] if len(data) == 1 else {"format": 1, "cases": data}, indent=2)


def _validate_json(result: Any) -> str:
    return json.dumps(
        {
            "format": 1,
            "folder": str(result.folder),
            "valid": result.valid,
            "problems": [p.as_dict() for p in result.problems],
            "notes": [p.as_dict() for p in getattr(result, "notes", [])],
        },
        indent=2,
    )


#: (report kind, format) -> the function that writes it
REPORTS: dict[tuple[str, str], Callable[[Any], str]] = {
    ("validate", "json"): _validate_json,
    ("stats", "json"): lambda data: json.dumps(data, indent=2),
    ("check", "json"): _check_json,
    ("check", "md"): lambda checks: "\n".join(check_markdown(c) for c in checks),
    ("check", "html"): lambda checks: "\n".join(check_html(c) for c in checks),
    ("check", "junit"): junit_xml,
    ("summary", "csv"): summary_csv,
    ("summary", "json"): lambda rows: json.dumps({"format": 1, "cases": rows}, indent=2),
    ("summary", "html"): summary_html,
    ("rules", "json"): lambda catalogue: json.dumps(catalogue, indent=2, default=str),
    ("rules", "md"): rules_markdown,
    ("check", "annotations"): lambda checks: "".join(line + "\n" for c in checks for line in github_annotations(c)),
}


def render_report(kind: str, data: Any, fmt: str) -> str:
    """The report of ``kind`` (check, summary, rules, stats, validate) in ``fmt``."""
    return REPORTS[(kind, fmt)](data)
