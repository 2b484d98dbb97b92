"""The letters section: an index by road-map step, and one page per template with a
preview rendered for a sample case, that letter to download as a Word document and as
Markdown, and the blanks it leaves for the school to fill."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from bundler import api

from .common import (
    DOWNLOADS_DIR,
    LETTERS_DIR,
    RULE_STEPS,
    SAMPLE_CASE,
    Deferred,
    DeferredBytes,
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

    def letter_files(self) -> dict[str, str | bytes | Deferred]:
        ref = api.reference()
        NEEDS, ROAD_MAP = ref["needs"], ref["road_map"]
        out: dict[str, str | bytes | Deferred] = {}
        sources = {t.name: self._template_source(t.file_name) for t in self.templates}
        for t in self.templates:
            for kind in ("docx", "md"):
                out[download(t.name, kind)] = DeferredBytes(self._download, t.name, kind)

        index = f"{LETTERS_DIR}/index.md"
        lines = [
            "# Letters and forms",
            "",
            f"The toolkit has {len(self.templates)} templates, each tied to a step of the road map. `bundler letter`",
            "fills one in from a case folder: the attendance figures, the threshold window and the",
            "dates are worked out from the register, never typed in by hand, and each letter is",
            "written to one parent. Every page below shows the letter as it comes out for the fictional",
            f"sample case [{SAMPLE_CASE}]({rel(index, sample_page(SAMPLE_CASE))}), to download as a Word document or as",
            "Markdown, and lists what is left for the school to fill in.",
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

    def _download(self, name: str, kind: str) -> bytes:
        letter = self.work["letters"].get(name)
        if letter is None:
            error = self.work["letter_errors"].get(name) or self.work["letter_errors"].get("*") or "no preview"
            return f"This letter could not be rendered for the sample case: {error}\n".encode()
        return base64.b64decode(letter["docx"]) if kind == "docx" else letter["markdown"].encode("utf-8")

    def _template_page(self, t, source: str, needs: Mapping[str, str], road_map: Mapping[int, str]) -> str:
        page = template_page(t.name)
        rules = sorted(r for r, s in RULE_STEPS.items() if s == t.step)
        blanks = api.template_blanks(t.name)
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
            lines += [
                "**Left for the school to fill in** (shown as a `[blank]` until filled: "
                "`--set NAME=VALUE`, or by hand)",
                "",
            ]
            lines += [
                f"- `{i.name}`: {esc(i.about)}" + (f" (default: {esc(i.default)})" if i.default else "")
                for i in t.inputs
            ]
            lines.append("")
        if blanks["dated"]:
            lines += ["**Dates it works out** (school days; `--set NAME=YYYY-MM-DD` to choose another)", ""]
            lines += [f"- `{name}`: {esc(about)}" for name, about in blanks["dated"].items()]
            lines.append("")
        if blanks["case"]:
            lines += ["**Blanks it shows where the case holds no record**", ""]
            lines += [f"- `[{esc(label)}]`: {esc(how)}" for label, how in blanks["case"].items()]
            lines.append("")
        who = "--parent p1 " if t.addressed == "parent" else ""
        serve = "--serve post_first_class " if t.served else ""
        example = "--set meeting_time=3:30pm " if any(i.name == "meeting_time" for i in t.inputs) else ""
        lines += [
            "## Write it for a case",
            "",
            "```bash",
            f"bundler letter {t.name} CASE_FOLDER {who}{serve}{example}".rstrip(),
            "```",
            "",
            "The letter is dated today unless `--date YYYY-MM-DD` says otherwise. See the "
            f"[command reference]({rel(page, 'reference/cli.md')}#letter) for every option.",
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
            word, text = download(t.name, "docx"), download(t.name, "md")
            lines += [
                f"The letter for the fictional sample case [{SAMPLE_CASE}]({rel(page, sample_page(SAMPLE_CASE))}),",
                f"{who_text}, dated {letter['date']}.",
                "",
                f'[Download as Word]({rel(page, word)}){{ .md-button .md-button--primary download="{t.name}.docx" }}'
                f' [Download as Markdown]({rel(page, text)}){{ .md-button download="{t.name}.md" }}',
                "",
                '<div class="letter-preview" markdown="0">',
                _demote_headings(letter["html"]),
                "</div>",
                "",
                f'??? note "What bundler letter saves in the case folder: documents/{letter["filename"]}"',
                "",
                "    The letter, with this front matter above it:",
                "",
                "    ```yaml",
                *("    " + line if line else "" for line in letter["front_matter"].rstrip("\n").split("\n")),
                "    ```",
                "",
            ]
        fence = "~" * max(4, _longest_run(source, "~") + 1)
        lines += [
            '??? note "Show the template"',
            "",
            f"    {fence} jinja",
            *("    " + line if line else "" for line in source.rstrip("\n").split("\n")),
            f"    {fence}",
            "",
        ]
        return "\n".join(lines)


def download(name: str, kind: str) -> str:
    """Where a letter's download is (docs_dir-relative): ``docx``, or ``md`` (served as
    ``.md.txt``, since mkdocs would make a ``.md`` file a page; the link's ``download``
    attribute saves it as ``NAME.md``)."""
    return f"{DOWNLOADS_DIR}/{name}.docx" if kind == "docx" else f"{DOWNLOADS_DIR}/{name}.md.txt"
