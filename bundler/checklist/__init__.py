"""Stage 3: the Section 444 referral checklist.

Takes a validated case (``bundler.case.CaseFolder``) and a profile; gives a
``CheckResult``: one finding per rule, per parent where the rule says so. Importing
the package registers every rule (one module per checklist section).
"""

from . import (  # noqa: F401  (importing a section registers its rules)
    s0_case,
    s1_parents,
    s2_attendance,
    s3_service,
    s4_support,
    s5_contract,
    s6_notices,
    s7_safeguarding,
    s8_legal,
    s9_bundle,
)
from .engine import (
    ROUTE_GROUPS,
    RULES,
    STATUS_ORDER,
    CheckResult,
    Context,
    Evidence,
    Finding,
    Rule,
    Status,
    check_case,
    ordered_rules,
)
from .profiles import NATIONAL, Profile, ProfileError, Settings, known_profiles, load_profile

__all__ = [
    "ROUTE_GROUPS",
    "RULES",
    "STATUS_ORDER",
    "CheckResult",
    "Context",
    "Evidence",
    "Finding",
    "Rule",
    "Status",
    "check_case",
    "ordered_rules",
    "NATIONAL",
    "Profile",
    "ProfileError",
    "Settings",
    "known_profiles",
    "load_profile",
]
