"""bundler: Section 444 attendance referral bundles for schools and local authorities.

The public surface is ``bundler.api`` (re-exported here): validate a case folder,
compute its attendance, check it against the Section 444 checklist, build and verify
its bundle, write the toolkit's letters.
"""

__version__ = "0.1.0"

from . import api
from .api import *  # noqa: F403

__all__ = ["__version__", "api", *api.__all__]
