"""bundler: Section 444 attendance referral bundles for schools and local authorities."""

__version__ = "0.1.0"
