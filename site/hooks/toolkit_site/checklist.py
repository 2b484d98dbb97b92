"""The checklist page, and the lists of templates and rules appended to each road-map
step page."""

from __future__ import annotations

from typing import Any

from bundler import api

from .common import (
    CHECKLIST_PAGE,
    ROUTE_LABELS,
    RULE_STEPS,
    cell,
    esc,
    produces,
    rel,
    rule_anchor,
    show,
    step_page,
    template_page,
)


class ChecklistPages:
    """The checklist page of a build (a mixin of ``Build``)."""

    catalogue: dict[str, Any]
    profiles: list[Any]
    templates: list[Any]

    def checklist_page(self) -> str:
        ROAD_MAP = api.reference()["road_map"]
        page = CHECKLIST_PAGE
        cat = self.catalogue
        names = [p["name"] for p in cat["profiles"]]
        overrides = {p.name: p.overrides if p.extends else {} for p in self.profiles}
        lines = [
            "# Section 444 referral checklist",
            "",
            f"Every case is checked against these {len(cat['rules'])} rules before it is referred, with the",
            "settings each local authority profile gives them. Rule IDs never change: cite them.",
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
            lines.append(
                f"| `{p['name']}` | {cell(p['title'])} | {p['effective']} | {cell(p['extends'] or 'national guidance')} |"
            )
        lines += [
            "",
            "## All rules at a glance",
            "",
            "| Rule | Title | Routes | Severity | Evidence from step |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in cat["rules"]:
            step = RULE_STEPS.get(r["id"])
            step_link = f"[{step}. {ROAD_MAP[step]}]({rel(page, step_page(step))})" if step else "not mapped"
            lines.append(
                f"| [{r['id']}](#{rule_anchor(r['id'])}) | {cell(r['title'])} | `{r['routes']}` | `{r['severity']}` | {step_link} |"
            )
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
                f"- **Severity when not met:** `{r['severity']}`"
                + (" · checked **per parent**" if r["per_parent"] else ""),
            ]
            if step:
                lines.append(
                    f"- **Evidence comes from:** [step {step}, {ROAD_MAP[step]}]({rel(page, step_page(step))})"
                )
            lines.append("")
            if r["settings"]:
                settings = list(r["settings"])
                lines += [
                    "| Profile | " + " | ".join(f"`{name}`" for name in settings) + " |",
                    "| --- |" + " --- |" * len(settings),
                ]
                for n in names:
                    row = []
                    for setting in settings:
                        text = show(r["settings"][setting][n])
                        row.append(f"**{text}**" if setting in overrides.get(n, {}) else text)
                    lines.append(f"| `{n}` | " + " | ".join(row) + " |")
                lines.append("")
        return "\n".join(lines)


def _step_links(page_path: str, number: int, build: Any) -> str:
    by_id = {r["id"]: r for r in build.catalogue["rules"]}
    templates = [t for t in build.templates if t.step == number]
    rules = [by_id[r] for r in sorted(RULE_STEPS) if RULE_STEPS[r] == number and r in by_id]
    lines = ["", "## Templates for this step", ""]
    if templates:
        lines += ["| Template | Produces | Purpose |", "| --- | --- | --- |"]
        for t in templates:
            lines.append(
                f"| [{esc(t.title)}]({rel(page_path, template_page(t.name))}) | {produces(t)} | {cell(esc(t.purpose))} |"
            )
    else:
        lines.append("The toolkit has no template for this step: the evidence comes from the records below.")
    lines += ["", "## Checklist rules this step evidences", ""]
    if rules:
        lines += [
            f"- [{r['id']} {esc(r['title'])}]({rel(page_path, CHECKLIST_PAGE)}#{rule_anchor(r['id'])}) · `{r['severity']}`, routes `{r['routes']}`"
            for r in rules
        ]
    else:
        lines.append("No checklist rule reads this step's records directly.")
    lines.append("")
    return "\n".join(lines)
