"""The shape of the code: one package per stage, data flowing one way, a thin CLI, one
formatter for figures, and modules a newcomer can read.

These read the source as text (the ``ast`` of every module), so they fail the moment a
change imports backwards or formats a percentage on its own.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bundler"

#: the order data flows in; a module may import its own stage or an earlier one
STAGES = {
    "bundler.errors": 0,
    "bundler.figures": 0,
    "bundler.output": 0,
    "bundler.case": 1,
    "bundler.register": 2,
    "bundler.checklist": 3,
    "bundler.present": 4,
    "bundler.letters": 5,
    "bundler.bundle": 5,
    "bundler.imports": 5,
    "bundler.api": 6,
    "bundler.cli": 7,
    "bundler.__main__": 7,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every bundler module ``path`` imports (at any depth of the file), absolute."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("bundler"):
                # "from . import attendance" may name a module rather than a symbol
                for alias in node.names:
                    candidate = ROOT.joinpath(*f"{target}.{alias.name}".split("."))
                    is_module = candidate.with_suffix(".py").is_file() or candidate.is_dir()
                    out.append((node.lineno, f"{target}.{alias.name}" if is_module else target))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("bundler")]
    return out


def _stage(module: str) -> int | None:
    best = None
    for prefix, rank in STAGES.items():
        if module == prefix or module.startswith(prefix + "."):
            best = rank
    return best


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_belongs_to_a_stage():
    loose = [_module_name(p) for p in _sources() if _stage(_module_name(p)) is None and _module_name(p) != "bundler"]
    assert loose == []


def test_no_module_imports_from_a_later_stage():
    backwards = []
    for path in _sources():
        here = _module_name(path)
        rank = _stage(here)
        if rank is None:  # bundler/__init__.py re-exports the api
            continue
        for line, target in _imports(path):
            there = _stage(target)
            if there is not None and there > rank:
                backwards.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {target}")
    assert backwards == []


def test_letters_and_bundle_do_not_lean_on_each_other():
    crossing = [
        f"{p.relative_to(ROOT)}: {t}"
        for p in _sources()
        for _, t in _imports(p)
        if (_module_name(p).startswith("bundler.letters") and t.startswith("bundler.bundle"))
        or (_module_name(p).startswith("bundler.bundle") and t.startswith("bundler.letters"))
    ]
    assert crossing == []


def test_the_cli_imports_nothing_of_bundler_but_api_and_errors():
    allowed = {"bundler", "bundler.api", "bundler.errors"}
    stray = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for line, target in _imports(path):
            if target not in allowed and not target.startswith("bundler.cli"):
                stray.append(f"{path.relative_to(ROOT)}:{line}: {target}")
        third_party = [
            n.names[0].name if isinstance(n, ast.Import) else n.module
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Import | ast.ImportFrom) and not getattr(n, "level", 0)
        ]
        stdlib = set(sys.stdlib_module_names)
        for module in third_party:
            top = (module or "").split(".")[0]
            if top not in stdlib and top not in ("click", "bundler", "__future__"):
                stray.append(f"{path.relative_to(ROOT)}: imports {module}")
    assert stray == []


def test_the_site_builders_use_the_public_api_only():
    stray = []
    for path in sorted((ROOT / "site" / "hooks").rglob("*.py")):
        for line, target in _imports(path):
            if target not in ("bundler", "bundler.api", "bundler.cli", "bundler.cli.options"):
                stray.append(f"{path.relative_to(ROOT)}:{line}: {target}")
    assert stray == []


def test_help_does_not_import_weasyprint_or_pydantic_models():
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from bundler.cli import main\n"
        "result = CliRunner().invoke(main, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'pypdf', 'rich', 'mammoth', 'PIL'))\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_api_declares_its_surface_and_documents_it():
    from bundler import api

    assert api.__all__, "bundler.api has no __all__"
    missing = [name for name in api.__all__ if not hasattr(api, name)]
    assert missing == []
    undocumented = [
        name
        for name in api.__all__
        if callable(getattr(api, name))
        and not isinstance(getattr(api, name), type)
        and ">>>" not in (getattr(api, name).__doc__ or "")
        and name not in ("letter_pdf", "letter_docx", "letter_html")
        and not name.startswith("print_")
        and name not in ("progress", "status")
    ]
    assert undocumented == [], "api functions without an example in their docstring"
    assert (PACKAGE / "py.typed").is_file()


def test_every_package_says_what_it_takes_and_gives():
    silent = [
        str(p.relative_to(ROOT)) for p in _sources() if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert silent == []


#: formatting a percentage, a date or a duration by hand, instead of through bundler.figures
STRAY_FORMAT = re.compile(r"""\{[^{}]*:\.\d+f\}%|\{[^{}]*:%[dAaBbYm][^{}]*\}|%B %Y|%b %Y|\|\s*round\(""")


def test_one_formatter_for_figures_and_dates():
    stray = []
    for path in [*_sources(), *(ROOT / "site" / "hooks").rglob("*.py"), *(ROOT / "templates").rglob("*.j2")]:
        if path.name == "figures.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STRAY_FORMAT.search(line) or re.search(r"strftime\(\"%[dAaBb]", line):
                stray.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert stray == []


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_too_long_to_read(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 650


def test_every_package_ships_in_the_wheel():
    """A subpackage missing from pyproject's list works in a checkout and breaks on install."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py") if "__pycache__" not in p.parts
    }
    assert found - listed == set()
