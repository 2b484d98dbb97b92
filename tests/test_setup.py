"""The README's set-up command on a fresh checkout, as a new user meets it.

``bash scripts/setup.sh`` runs with Debian's own python3 first on PATH, whose stdlib holds
the ``EXTERNALLY-MANAGED`` marker (PEP 668: pip refuses to install outside a virtual
environment). It must make ``.venv``, install bundler there, build the sample bundle and
say how to use it; a second run must be quick; and the README's test command must then
find ``.venv``. Run again inside an existing virtual environment, it must install there.

System packages are never installed here (``BUNDLER_NO_APT=1``: a missing one is only
named); pip may use the machine's wheel cache. Both tests are slow (about a minute each).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")


def _externally_managed_python() -> str:
    """A python3 of 3.11 or later whose stdlib carries EXTERNALLY-MANAGED; else fail
    (CI) or skip."""
    probe = (
        "import os, sys, sysconfig; "
        "sys.exit(0 if sys.version_info >= (3, 11) and "
        "os.path.exists(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')) else 1)"
    )
    for candidate in SYSTEM_PYTHONS:
        if os.access(candidate, os.X_OK) and subprocess.run([candidate, "-c", probe]).returncode == 0:
            return candidate
    message = f"no externally managed python3 of 3.11 or later among {', '.join(SYSTEM_PYTHONS)}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " (CI=true: not skipped)")
    pytest.skip(message)


def _fresh_checkout(dest: Path) -> Path:
    """The repository's files as a fresh clone has them (tracked, and new files not
    ignored), without .venv, out/ or caches."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def _env(python_dir: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHON", "PYTHONPATH", "PYTHONHOME")}
    env.update(
        PATH=f"{python_dir}:/usr/bin:/bin:/usr/sbin:/sbin",
        BUNDLER_NO_APT="1",
        BUNDLER_CACHE_DIR=str(tmp_path / "part-cache"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        **extra,
    )
    return env


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 400) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_setup_on_a_fresh_checkout_with_the_systems_own_python(tmp_path):
    python = _externally_managed_python()
    clone = _fresh_checkout(tmp_path / "bundler")
    env = _env(str(Path(python).parent), tmp_path)

    # what the README said before: pip with the system python refuses
    refused = _run([python, "-m", "pip", "install", "--dry-run", "-e", "."], clone, env, timeout=120)
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr

    started = time.monotonic()
    first = _run(["bash", "scripts/setup.sh"], clone, env)
    took = time.monotonic() - started
    assert first.returncode == 0, f"setup failed after {took:.0f} s:\n{first.stdout}\n{first.stderr}"
    assert "externally-managed-environment" not in first.stderr
    venv = clone / ".venv"
    assert (venv / "bin" / "bundler").is_file()
    assert f"home = {Path(python).parent}" in (venv / "pyvenv.cfg").read_text()
    # the main job ran: the sample case was checked, and its bundle built and named
    bundle = clone / "out" / "EX-2025-001.pdf"
    assert bundle.is_file(), first.stdout
    assert len(PdfReader(str(bundle)).pages) > 20
    assert "ready" in first.stdout and str(bundle) in first.stdout
    assert "source .venv/bin/activate" in first.stdout.splitlines()[-1]

    # a second run skips what is done
    started = time.monotonic()
    second = _run(["bash", "scripts/setup.sh"], clone, _env(str(Path(python).parent), tmp_path, SKIP_SAMPLE="1"))
    assert second.returncode == 0, second.stderr
    assert "bundler is up to date in .venv" in second.stdout
    assert time.monotonic() - started < 15

    # the README's test command, right after, in the same kind of shell, uses .venv
    tests = _run(["bash", "scripts/test.sh", "-q", "-p", "no:cacheprovider", "tests/test_layout.py"], clone, env)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout


@pytest.mark.slow
def test_setup_installs_into_the_active_virtual_environment(tmp_path):
    python = _externally_managed_python()
    clone = _fresh_checkout(tmp_path / "bundler")
    venv = tmp_path / "mine"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    env = _env(str(venv / "bin"), tmp_path, VIRTUAL_ENV=str(venv), SKIP_SAMPLE="1")
    result = _run(["bash", "scripts/setup.sh"], clone, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (clone / ".venv").exists()
    assert (venv / "bin" / "bundler").is_file()
    assert "your active virtual environment" in result.stdout
    version = _run([str(venv / "bin" / "bundler"), "--version"], clone, env, timeout=60)
    assert version.returncode == 0 and "bundler" in version.stdout
