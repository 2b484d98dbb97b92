"""Stage 5: the referral bundle: plan the sections, render each part, assemble one PDF,
stamp and number every page, embed the manifest; and verify a built bundle.

Takes a case folder; gives one paginated, bookmarked, self-verifying PDF.
"""

from .build import build_bundle
from .manifest import Verification, verify_bundle
from .plan import BuildResult

__all__ = ["build_bundle", "verify_bundle", "BuildResult", "Verification"]
