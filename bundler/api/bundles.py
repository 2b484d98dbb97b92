"""The bundle: building it (whole, one pack per parent, a supplement), the draft
witness statement, and verifying a bundle."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..bundle import BuildResult, Verification
    from ..bundle.statement import WrittenStatement


def build(folder: str | os.PathLike[str], output: str | os.PathLike[str], **options: Any) -> BuildResult:
    """Build the referral bundle of a case folder into ``output`` (atomically, never
    inside the case folder). Refuses a case that is not ready unless ``draft=True``;
    ``parent`` builds one parent's pack, ``supplement_to`` supplements a served bundle.

    >>> api.build("sample_cases/EX-2025-001", "out/EX-2025-001.pdf").pages  # doctest: +SKIP
    34
    """
    from ..bundle import build_bundle

    return build_bundle(folder, output, **options)


def build_packs(folder: str | os.PathLike[str], out_dir: str | os.PathLike[str], **options: Any) -> list[BuildResult]:
    """One pack per parent proceeded against, as ``out_dir/CASE-PARENT.pdf`` (``build``'s options).

    >>> [r.output.name for r in api.build_packs("sample_cases/EX-2025-002", "out")]  # doctest: +SKIP
    ['EX-2025-002-p1.pdf']
    """
    from ..bundle.packs import build_packs as run

    return list(run(folder, out_dir, **options))


def statement(folder: str | os.PathLike[str], output: str | os.PathLike[str], **options: Any) -> WrittenStatement:
    """The draft s9 witness statement as Word (``witness``, ``profile``, ``limits``, ``overwrite``).

    >>> api.statement("sample_cases/EX-2025-002", "out/statement.docx").exhibits[:2]  # doctest: +SKIP
    ['NE/1', 'NE/2']
    """
    from ..bundle.statement import write_statement

    return write_statement(folder, output, **options)


def verify(bundle_pdf: str | os.PathLike[str], case_folder: str | os.PathLike[str] | None = None) -> Verification:
    """Is a built bundle intact, and (with the case folder) does it still match it?

    >>> api.verify("out/EX-2025-001.pdf").ok  # doctest: +SKIP
    True
    """
    from ..bundle import verify_bundle

    return verify_bundle(bundle_pdf, case_folder)
