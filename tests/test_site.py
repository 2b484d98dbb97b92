"""The toolkit site (mkdocs.yml, site/, site/hooks/toolkit_site/).

Fast tests check the data the site is built from (the rule -> step mapping, the figures
written pages quote). Slow tests build the site with ``mkdocs build --strict`` once per
session and read the HTML: every rule, code and template is on it, every internal link
and anchor resolves, and a headless Chromium can click and search its way through it.

The browser test needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium``
package. When they are missing it fails under CI (``CI=true``) and is skipped locally.
Set ``BUNDLER_SITE_SCREENSHOTS=DIR`` to keep its screenshots (home, checklist, a letter
preview) in DIR; they always go to the test's tmp_path.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site" / "hooks"))
from bundler.case.codes import CODES_2006, CODES_2024, MAPPING_2006_TO_2024
from bundler.checklist import RULES
from bundler.letters import ROAD_MAP, list_templates
from toolkit_site import common as site
from toolkit_site.build import Build

ROOT = Path(__file__).resolve().parent.parent
SITE_SRC = ROOT / "site"


# ----------------------------------------------------------------------- fast


def test_every_rule_maps_to_a_road_map_step():
    assert site.check_mapping() == []
    assert set(site.RULE_STEPS) == set(RULES)
    assert set(site.RULE_STEPS.values()) <= set(ROAD_MAP)


def test_every_step_has_a_written_page_and_every_template_a_step():
    for number in ROAD_MAP:
        assert (SITE_SRC / site.step_page(number)).is_file(), f"site/{site.step_page(number)} is missing"
    for t in list_templates():
        assert t.step in ROAD_MAP, t.name


def test_written_pages_quote_only_figures_the_tool_defines():
    facts = Build(ROOT, parallel=False).facts
    for page in SITE_SRC.rglob("*.md"):
        for name in re.findall(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}", page.read_text(encoding="utf-8")):
            assert name in facts, (
                f"{page.relative_to(ROOT)} quotes {{{{ {name} }}}}, which bundler.site does not define"
            )


def test_fill_facts_warns_on_an_unknown_name(caplog):
    with caplog.at_level("WARNING", logger="mkdocs.plugins.bundler_site"):
        out = site.fill_facts(
            "at least {{ threshold_sessions }} and {{ no_such_figure }}", {"threshold_sessions": "10"}, "x.md"
        )
    assert out == "at least 10 and {{ no_such_figure }}"
    assert "no_such_figure" in caplog.text


def test_no_written_page_hides_a_generated_one():
    build = Build(ROOT, parallel=False)
    generated = {
        "checklist.md",
        "reference/codes.md",
        "reference/thresholds.md",
        "reference/profiles.md",
        "reference/cli.md",
        "reference/case-format.md",
        "reference/extensions.md",
        "reference/schemas.md",
        "letters/index.md",
        "samples/index.md",
    }
    generated |= {site.template_page(t.name) for t in build.templates}
    written = {p.relative_to(SITE_SRC).as_posix() for p in SITE_SRC.rglob("*") if p.is_file()}
    assert not generated & written


def test_thumbnails_are_optional_and_come_in_page_order(tmp_path):
    assert Build(tmp_path).thumbnails("EX-2025-001") == []
    folder = tmp_path / "docs" / "thumbnails"
    folder.mkdir(parents=True)
    for name in ("EX-1-p10.png", "EX-1-p2.png", "EX-1-register.png", "EX-1-p1.png", "EX-10-p1.png", "notes.txt"):
        (folder / name).write_bytes(b"")
    assert [p.name for p in Build(tmp_path).thumbnails("EX-1")] == [
        "EX-1-p1.png",
        "EX-1-p2.png",
        "EX-1-p10.png",
        "EX-1-register.png",
    ]


def test_sample_stories_and_check_report_helpers():
    report = "# Section 444 checklist: X\n\n## Attendance\n\n| Rule | Status |\n| --- | --- |\n| S444-20 | pass |\n"
    out = site._check_report(report, ROOT, "../checklist.md")
    assert "| [S444-20](../checklist.md#s444-20) | pass |" in out
    assert "### Attendance" in out and "\n# " not in "\n" + out
    assert site._demote_headings("<h1>A</h1><h2>B</h2>") == "<h3>A</h3><h4>B</h4>"


def test_pages_search_with_the_worker_that_splits_queries_like_the_index():
    from toolkit_site import search

    page = '<script id="__config" type="application/json">{"base": "..", "search": "../assets/javascripts/workers/search.a7633da7.min.js", "tags": null}</script>'
    out, worker = search.point_at_wrapper(page)
    assert worker == "search.a7633da7.min.js"
    assert '"search": "../assets/javascripts/workers/search.a7633da7.whole-terms.js"' in out
    assert search.point_at_wrapper("<html>no search</html>") == ("<html>no search</html>", None)
    source = search.wrapper_source(worker)
    assert source.startswith("//") and 'importScripts("search.a7633da7.min.js");' in source
    assert "lunr.QueryLexer.termSeparator = value" in source


def test_the_search_separator_keeps_ids_names_and_codes_whole():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pattern = re.compile(re.search(r"separator: '(.*)'", text).group(1))  # the index's, and the query's
    words = [w for w in pattern.split("(see S444-33, notice-to-improve; codes J1 and C2, / and \\) “S444-11”") if w]
    assert words == ["see", "S444-33", "notice-to-improve", "codes", "J1", "and", "C2", "/", "and", "\\", "S444-11"]


# ----------------------------------------------------------------------- the build


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The site, built once with `mkdocs build --strict` into a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "site_build"
    before = sorted(p.relative_to(SITE_SRC).as_posix() for p in SITE_SRC.rglob("*") if "__pycache__" not in p.parts)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    assert "WARNING" not in proc.stderr, proc.stderr
    after = sorted(p.relative_to(SITE_SRC).as_posix() for p in SITE_SRC.rglob("*") if "__pycache__" not in p.parts)
    assert before == after, "the build wrote into site/"
    return out


def page_text(built: Path, path: str) -> str:
    target = built / path
    if target.is_dir():
        target = target / "index.html"
    assert target.is_file(), f"{path} was not built"
    return target.read_text(encoding="utf-8")


@pytest.mark.slow
def test_strict_build_passes(built):
    assert (built / "index.html").is_file()
    assert (built / "search" / "search_index.json").is_file()


@pytest.mark.slow
def test_every_rule_is_on_the_checklist_with_its_anchor_and_step(built):
    checklist = page_text(built, "checklist")
    for rule in RULES.values():
        anchor = site.rule_anchor(rule.id)
        assert f'id="{anchor}"' in checklist, f"no anchor #{anchor}"
        assert rule.id in checklist
        assert html.escape(rule.title, quote=False) in checklist, rule.title
        step = site.RULE_STEPS[rule.id]
        assert f'href="../road-map/step-{step}/"' in checklist
    for number in ROAD_MAP:
        step = page_text(built, f"road-map/step-{number}")
        for rule_id, s in site.RULE_STEPS.items():
            if s == number:
                assert f'href="../../checklist/#{site.rule_anchor(rule_id)}"' in step, (number, rule_id)
        for t in list_templates():
            if t.step == number:
                assert f'href="../../letters/{t.name}/"' in step, (number, t.name)


@pytest.mark.slow
def test_every_code_of_both_sets_and_the_mapping_are_on_the_codes_page(built):
    codes = page_text(built, "reference/codes")
    for table in (CODES_2024, CODES_2006):
        for code in table:
            assert f"<code>{html.escape(code)}</code>" in codes, code
    for change in MAPPING_2006_TO_2024.values():
        for new in change.new:
            assert f"<code>{html.escape(new)}</code>" in codes


@pytest.mark.slow
def test_every_template_has_a_page_a_preview_and_downloads_of_the_letter(built):
    import io

    import docx

    from bundler import api

    case = api.validate(ROOT / "sample_cases" / site.SAMPLE_CASE).case
    index = page_text(built, "letters")
    assert ".md.j2" not in index
    for t in list_templates():
        assert t.name in index
        page = page_text(built, f"letters/{t.name}")
        assert t.name in page
        assert 'class="letter-preview"' in page, f"{t.name}: no preview"
        # the letter itself to download, as Word and as Markdown; the template source only
        # to read, folded away
        assert f'href="../downloads/{t.name}.docx"' in page and f'download="{t.name}.docx"' in page
        assert f'href="../downloads/{t.name}.md.txt"' in page and f'download="{t.name}.md"' in page
        assert not re.search(r'href="[^"]*\.md\.j2"', page), t.name
        assert "Show the template" in page
        letter = api.render_letter(
            case, t.name, site.SAMPLE_PARENT if t.addressed == "parent" else None, case.case.referral.date
        )
        text = (built / "letters" / "downloads" / f"{t.name}.md.txt").read_text(encoding="utf-8")
        assert text == letter.text, t.name
        word = docx.Document(io.BytesIO((built / "letters" / "downloads" / f"{t.name}.docx").read_bytes()))
        words = "\n".join(
            [p.text for p in word.paragraphs]
            + [c.text for table in word.tables for row in table.rows for c in row.cells]
        )
        assert case.case.pupil.name in words, t.name
        if t.served:
            assert f"Dear {case.case.parent(site.SAMPLE_PARENT).name}," in words, t.name
        header = [p.text for p in word.sections[0].header.paragraphs]
        assert case.case.school.name in header, t.name


@pytest.mark.slow
def test_no_page_speaks_to_developers(built):
    """The site is for school and LA staff: no repository paths, build internals or
    template machinery outside the folded-away template source."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.inside, self.folded, self.parts = False, 0, []

        def handle_starttag(self, tag, attrs):
            self.inside |= tag == "article"
            self.folded += tag == "details"

        def handle_endtag(self, tag):
            if tag == "article":
                self.inside = False
            self.folded -= tag == "details"

        def handle_data(self, data):
            if self.inside and not self.folded:
                self.parts.append(data)

    words = re.compile(
        r"repositor|generated from|when (this|the) site (is|was) built|this checkout|sample_cases/|docs/|"
        r"site/|\.md\.j2|\bpartials?\b(?! school closure)|jinja|\bhook|toolkit_site|bundler\.api|mkdocs|"
        r"\.py\b|pytest|safe_load|a test keeps|not part of the test",
        re.IGNORECASE,
    )
    found = []
    for page in sorted(built.rglob("*.html")):
        if "assets" in page.parts:
            continue
        parser = Text()
        parser.feed(page.read_text(encoding="utf-8"))
        text = " ".join(" ".join(parser.parts).split())
        found += [
            f"{page.relative_to(built)}: ...{text[max(0, m.start() - 60) : m.end() + 40]}..."
            for m in words.finditer(text)
        ]
    assert not found, "\n".join(found)


@pytest.mark.slow
def test_the_home_page_links_every_section_and_the_sample_cases(built):
    home = page_text(built, "")
    for target in ("road-map/", "checklist/", "letters/", "samples/", "reference/codes/"):
        assert f'href="{target}"' in home, target
    samples = page_text(built, "samples")
    for case_id in Build(ROOT, parallel=False).case_ids:
        assert f'href="{case_id}/"' in samples, case_id


@pytest.mark.slow
def test_reference_pages_come_from_the_package(built):
    import json

    from bundler.case.schema import json_schemas
    from bundler.cli import main

    cli = page_text(built, "reference/cli")
    for name, cmd in main.commands.items():
        assert f'id="{name}"' in cli
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in cli, (name, opt)
    for name, schema in json_schemas().items():
        assert json.loads((built / "reference" / "schemas" / name).read_text(encoding="utf-8")) == schema
    thresholds = page_text(built, "reference/thresholds")
    assert "19.0" in thresholds  # 90% of a 190-day year: 19 days, from days_lost_table
    for case_id in Build(ROOT, parallel=False).case_ids:
        sample = page_text(built, f"samples/{case_id}")
        assert "Check report" in sample
        for png in Build(ROOT, parallel=False).thumbnails(case_id):
            assert (built / "samples" / "thumbnails" / png.name).read_bytes() == png.read_bytes()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if value is None:
                continue
            if key in ("href", "src") and not (tag == "link" and ("rel", "preconnect") in attrs):
                self.links.append(value)
            elif key == "id" or (key == "name" and tag == "a"):
                self.ids.add(value)


@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves(built):
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            parser = _Links()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    broken = []
    checked = 0
    for page in sorted(built.rglob("*.html")):
        url = "/" + page.relative_to(built).as_posix()
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # external: not checked
            target_url = urljoin(url, unquote(parts.path)) if parts.path else url
            target = built / target_url.lstrip("/")
            if target_url.endswith("/") or target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{url}: {link} -> no file {target.relative_to(built)}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{url}: {link} -> no id '{fragment}' in {target.relative_to(built)}")
    assert checked > 1000
    assert not broken, "\n".join(broken[:50])


# ----------------------------------------------------------------------- browser


def _browser() -> tuple[str, str]:
    """Chromium and chromedriver paths, with selenium importable; else fail (CI) or skip."""
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package (pip install selenium)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing.append("Chromium (apt-get install chromium)")
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
    )
    if driver is None:
        missing.append("chromedriver (apt-get install chromium-driver)")
    if missing:
        message = "the browser test needs " + ", ".join(missing)
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " (CI=true: not skipped)")
        pytest.skip(message)
    return chromium, driver


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def served(built):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def _chrome(chromium: str, driver_path: str, tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1366,900",
        "--hide-scrollbars",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver, tmp_path: Path, name: str) -> None:
    driver.save_screenshot(str(tmp_path / f"{name}.png"))
    keep = os.environ.get("BUNDLER_SITE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(keep) / f"{name}.png"))


def _click(wait, by: str, selector: str) -> None:
    """Click the element once it is there and stays there: Material redraws search
    results as they arrive, so an element found a moment ago may have been replaced."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        ElementNotInteractableException,
        NoSuchElementException,
        StaleElementReferenceException,
    )

    def attempt(driver) -> bool:
        try:
            element = driver.find_element(by, selector)
            if not element.is_displayed():
                return False
            element.click()
            return True
        except (
            StaleElementReferenceException,
            NoSuchElementException,
            ElementClickInterceptedException,
            ElementNotInteractableException,
        ):
            return False

    wait.until(attempt, f"could not click {selector}")


@pytest.mark.slow
def test_a_browser_can_click_and_search_through_the_site(built, served, tmp_path):
    chromium, driver_path = _browser()  # fails under CI, skips locally, when missing
    with _chrome(chromium, driver_path, tmp_path) as browser:
        _click_and_search(browser, served, tmp_path, built)


def _search(browser, wait, query: str) -> None:
    """Type ``query`` into Material's search box (emptied first) and wait for the results."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    _click(wait, By.CSS_SELECTOR, "input.md-search__input")
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input")))
    browser.execute_script("arguments[0].value = '';", box)
    box.send_keys(query)
    wait.until(
        lambda d: (
            query.lower() in d.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text.lower()
            or "matching" in d.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text
        )
    )
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "li.md-search-result__item a"))


def _result_pages(browser, wait, query: str, served: str) -> set[str]:
    """The pages (site paths, without anchors) the search lists for ``query``."""
    from selenium.webdriver.common.by import By

    _search(browser, wait, query)
    meta = browser.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text
    assert "matching" in meta and not meta.startswith("No"), meta
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "li.md-search-result__item a")]
    return {urlsplit(link).path.lstrip("/") for link in links if link.startswith(served)}


def _click_and_search(browser, served: str, tmp_path: Path, built: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    browser.get(served)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article h1")))
    assert "Attendance toolkit" in browser.title
    _screenshot(browser, tmp_path, "home")

    # the Checklist tab, by clicking
    _click(wait, By.XPATH, "//a[contains(@class, 'md-tabs__link') and normalize-space()='Checklist']")
    wait.until(EC.url_contains("/checklist/"))
    rule = wait.until(EC.presence_of_element_located((By.ID, "s444-20")))
    assert "S444-20" in rule.text
    # the screenshot shows a rule whose settings differ between profiles
    browser.execute_script(
        "document.getElementById('s444-60').scrollIntoView({block: 'start'}); window.scrollBy(0, -70);"
    )
    _screenshot(browser, tmp_path, "checklist")

    # a rule ID, typed into the search box, lands on the rule
    _search(browser, wait, "S444-33")
    # the first result is the checklist, and its first section the rule
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "li.md-search-result__item a")]
    assert urlsplit(links[0]).path == "/checklist/", links[:3]
    assert next(link for link in links if "#" in link).endswith("#s444-33"), links[:3]
    _click(wait, By.CSS_SELECTOR, "li.md-search-result__item a[href$='#s444-33']")
    wait.until(EC.url_contains("/checklist/"))
    assert browser.current_url.endswith("#s444-33")
    assert "S444-33" in wait.until(EC.presence_of_element_located((By.ID, "s444-33"))).text
    # another rule ID matches only pages that hold that ID, not every page with an 11 on it
    pages = _result_pages(browser, wait, "S444-11", served)
    assert "checklist/" in pages
    for path in pages:
        assert "S444-11" in page_text(built, path), f"'S444-11' matched {path}, which does not hold it"
    browser.get(served + "checklist/")
    wait.until(EC.presence_of_element_located((By.ID, "s444-20")))

    # Material's search box: a template name, then its result
    _click(wait, By.CSS_SELECTOR, "input.md-search__input")
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input")))
    box.send_keys("notice-to-improve")
    _click(wait, By.CSS_SELECTOR, "li.md-search-result__item a[href*='letters/notice-to-improve/']")
    wait.until(EC.url_contains("/letters/notice-to-improve/"))
    heading = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article h1")))
    assert heading.text.startswith("Notice to improve")
    preview = browser.find_element(By.CSS_SELECTOR, ".letter-preview")
    assert "Notice to improve" in preview.text
    # the screenshot without the search terms highlighted, the letter's opening in view
    browser.get(served + "letters/notice-to-improve/")
    letter_heading = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".letter-preview h3")))
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -330);", letter_heading)
    _screenshot(browser, tmp_path, "letter-preview")


@pytest.mark.slow
def test_the_forked_worker_gives_what_the_inline_render_gives():
    """The sample checks and letter previews are the same from the forked child."""
    inline = Build(ROOT, parallel=False).work
    worker = Build(ROOT, parallel=True)
    worker.start()
    assert worker.work == inline
    assert worker.sample_work._pid is None and worker.sample_work._out is None
