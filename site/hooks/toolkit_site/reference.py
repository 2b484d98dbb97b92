"""The reference pages: attendance codes, thresholds and tables, LA profiles, the
command reference, the case format and the JSON Schemas."""

from __future__ import annotations

import html
import inspect
import json
import re
from typing import Any

from bundler import api

from .common import CHECKLIST_PAGE, SCHEMA_DIR, cell, esc, log, longdate, rel, rule_anchor, show


class ReferencePages:
    """The reference pages of a build (a mixin of ``Build``)."""

    facts: dict[str, str]
    profiles: list[Any]

    def codes_page(self) -> str:
        tables = api.code_tables()
        CODES_2006, CODES_2024, DEFENCE_CODES = tables["2006"], tables["2024"], tables["defence"]
        LATE_CODES, MAPPING_2006_TO_2024, REGULATIONS_2024_START = tables["late"], tables["mapping"], tables["starts"]

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
                rows.append(
                    f"| <code>{html.escape(c.code)}</code> | {cell(esc(c.meaning))} | {category_words.get(c.category.value, c.category.value)} | {'; '.join(notes)} |"
                )
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
            "Unauthorised absence: "
            + ", ".join(f"`{c}`" for c in sorted(c.code for c in CODES_2024.values() if c.is_unauthorised))
            + ".",
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
        ref = api.reference()
        PENALTY = ref["penalty"]
        page = "reference/thresholds.md"
        f = self.facts
        possible_days = ref["possible_days"]
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
        for pct, days, weeks in api.days_lost_table(possible_days):
            missed_share = 100 - float(pct)
            band = (
                "severe"
                if missed_share >= ref["severe_missed_pct"]
                else ("persistent" if missed_share >= ref["persistent_missed_pct"] else "")
            )
            lines.append(f"| {show(pct)}% | {api.figures.decimal(days)} | {api.figures.decimal(weeks)} | {band} |")
        lines += [
            "",
            "## Minutes late every day",
            "",
            f"Arriving late every day of a {ref['late_school_days']}-day year, counted in days of {show(ref['learning_hours_per_day'])} hours of learning.",
            "",
            "| Minutes late a day | Days of learning lost a year |",
            "| --- | --- |",
        ]
        for minutes, days in api.minutes_late_table():
            lines.append(f"| {show(minutes)} | {api.figures.decimal(days)} |")
        lines.append("")
        return "\n".join(lines)

    def profiles_page(self) -> str:
        settings = api.reference()["settings"]
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
                f"**{esc(p.title)}**, in force from {longdate(p.effective)}"
                + (f", based on `{p.extends}`." if p.extends else "."),
                "",
                esc(p.source),
                "",
            ]
            if p.overrides and p.extends:
                lines += ["Changes: " + ", ".join(f"`{k}` = {show(v)}" for k, v in p.overrides.items()) + ".", ""]
        lines += [
            "## Every setting side by side",
            "",
            "| Setting | Rule | What it sets | " + " | ".join(f"`{n}`" for n in names) + " |",
            "| --- | --- | --- |" + " --- |" * len(names),
        ]
        for name, desc in settings.items():
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

        from bundler.cli import main as group
        from bundler.cli.options import EXIT_INVALID, EXIT_OK, EXIT_USAGE

        codes = {"EXIT_OK": EXIT_OK, "EXIT_INVALID": EXIT_INVALID, "EXIT_USAGE": EXIT_USAGE}
        root_ctx = click.Context(group, info_name="bundler")
        lines = [
            "# Command reference",
            "",
            "Every `bundler` command, with its help and options.",
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
        for name, code in codes.items():
            lines.append(f"| {code} | {exit_meaning[name]} |")
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
            ("docs/court-file.md", "reference/court-file.md", "# The court file"),
        ):
            path = self.root / src
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                # links between the two documents keep working under their site names
                text = text.replace("docs/case-format.md", "case-format.md").replace(
                    "docs/extensions.md", "extensions.md"
                )
                out[dest] = text.rstrip("\n") + "\n"
            else:
                log.warning("bundler site: %s is missing; %s says so", src, dest)
                out[dest] = f"{fallback}\n\nThis page is not available in this copy of the toolkit.\n"
        return out

    def schema_files(self) -> dict[str, str | bytes]:
        page = "reference/schemas.md"
        schemas = api.json_schemas()
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
            lines.append(
                f'| `{name}` | {cell(what)} | {required} | [{name}]({rel(page, f"{SCHEMA_DIR}/{name}")}){{ download="{name}" }} |'
            )
        lines.append("")
        out[page] = "\n".join(lines)
        return out


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
        return (
            "date ("
            + ", ".join(f"`{f.replace('%Y', 'YYYY').replace('%m', 'MM').replace('%d', 'DD')}`" for f in t.formats)
            + ")"
        )
    if isinstance(t, click.Path):
        if t.file_okay and not t.dir_okay:
            return "file"
        if t.dir_okay and not t.file_okay:
            return "folder"
        return "path"
    return {"integer": "whole number", "float": "number", "text": "text", "boolean": "yes or no"}.get(t.name, t.name)
