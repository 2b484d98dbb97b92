"""The letters section: an index by road-map step, and one page per template with a
preview rendered for a sample case and the template source to download."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from bundler import api

from .common import (
    LETTERS_DIR,
    RULE_STEPS,
    SAMPLE_CASE,
    SOURCE_DIR,
    Deferred,
    _demote_headings,
    _longest_run,
    cell,
    esc,
    produces,
    rel,
    sample_page,
    step_page,
    template_page,
)


class LetterPages:
    """The letter pages of a build (a mixin of ``Build``)."""

    templates: list[Any]
    work: dict[str, Any]

    def _template_source(self, file_name: str) -> str:
        return api.template_source(file_name)

    @cached_property
    def partials(self) -> list[str]:
        return api.template_partials()

    def letter_files(self) -> dict[str, str | bytes | Deferred]:
        ref = api.reference()
        NEEDS, ROAD_MAP = ref["needs"], ref["road_map"]
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
                    f"| [{esc(t.title)}]({rel(index, template_page(t.name))}) | {produces(t)} | {self._addressed(t)} | {cell(esc(t.purpose))} |"
                )
            lines.append("")
        out[index] = "\n".join(lines)

        for t in self.templates:
            out[template_page(t.name)] = Deferred(self._template_page, t, sources[t.name], NEEDS, ROAD_MAP)
        return out

    @staticmethod
    def _addressed(t) -> str:
        return {"parent": "one parent", "parents": "the parents, jointly", "pupil": "the pupil"}.get(
            t.addressed, t.addressed
        )

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
            f"| Produces | {produces(t)} |",
            f"| Written to | {self._addressed(t)} |",
        ]
        if t.served:
            lines.append(
                "| Service | recorded in the front matter: see [serving letters and emails]("
                + rel(page, "guidance/serving-documents.md")
                + ") |"
            )
        if t.monitoring_weeks:
            lines.append(f"| Improvement period | {t.monitoring_weeks} weeks by default (`--weeks` to change) |")
        if t.meeting_kind:
            lines.append(f"| Meeting | `{t.meeting_kind}` |")
        if t.leave_decision:
            lines.append(f"| Leave decision | `{t.leave_decision}` |")
        if rules:
            lines.append(
                f"| Checklist | the {len(rules)} rules this step evidences are listed on [the step page]({rel(page, step_page(t.step))}#checklist-rules-this-step-evidences) |"
            )
        lines.append("")
        if t.needs:
            lines += ["**Figures it fills in from the case**", ""]
            lines += [f"- `{n}`: {esc(needs.get(n, ''))}" for n in t.needs]
            lines.append("")
        if t.inputs:
            lines += ["**Left for the school to fill in** (shown as `[placeholders]` until filled)", ""]
            lines += [
                f"- `{i.name}`: {esc(i.label)}" + (f" (default: {esc(i.default)})" if i.default else "")
                for i in t.inputs
            ]
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
            who_text = (
                f"parent `{letter['parent']}`"
                if letter["parent"]
                else ("parents " + ", ".join(f"`{p}`" for p in letter["parents"]) if letter["parents"] else "the pupil")
            )
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
            lines += [
                "It uses the shared partials "
                + ", ".join(f"[`{p}`]({rel(page, f'{SOURCE_DIR}/{p}')})" for p in partials)
                + ".",
                "",
            ]
        fence = "~" * max(4, _longest_run(source, "~") + 1)
        lines += [
            '??? note "Show the template source"',
            "",
            f"    {fence} jinja",
            *("    " + line if line else "" for line in source.rstrip("\n").split("\n")),
            f"    {fence}",
            "",
        ]
        return "\n".join(lines)
