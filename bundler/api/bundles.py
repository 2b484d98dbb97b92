"""The bundle: building it and verifying it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..bundle import BuildResult, Verification


def build(folder: str | os.PathLike[str], output: str | os.PathLike[str], **options: Any) -> BuildResult:
    """Build the referral bundle of a case folder into ``output`` (atomically, never
    inside the case folder). Refuses a case that is not ready unless ``draft=True``.

    >>> api.build("sample_cases/EX-2025-001", "out/EX-2025-001.pdf").pages  # doctest: +SKIP
    34
    """
    from ..bundle import build_bundle

    return build_bundle(folder, output, **options)


def verify(bundle_pdf: str | os.PathLike[str], case_folder: str | os.PathLike[str] | None = None) -> Verification:
    """Is a built bundle intact, and (with the case folder) does it still match it?

    >>> api.verify("out/EX-2025-001.pdf").ok  # doctest: +SKIP
    True
    """
    from ..bundle import verify_bundle

    return verify_bundle(bundle_pdf, case_folder)
