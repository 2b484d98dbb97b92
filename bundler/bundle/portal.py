"""How big a bundle can be and still reach the court: the size the build warns past.

Takes the size of the written bundle in bytes; gives the warning to print, or None.

The limits published for the ways a bundle travels (read in December 2025):

* HMCTS, "Email guidance" for the civil and family courts
  (https://www.justice.gov.uk/courts/email-guidance): the whole email, attachments
  included, must not exceed 25 MB. An attachment travels base64-encoded, 4 bytes for
  every 3 plus line breaks (about 1.37 times its size), so a 25 MB email carries a PDF
  of at most about 18.2 MB.
* Lincolnshire County Council's online form for requesting a s444 prosecution
  (https://www.lincolnshire.gov.uk/school-attendance/pupil-attendance/8): "the total
  for all files must not exceed 20MB", the witness statement and records included.
* justice.gov.uk mailboxes accept about 36 MB in all, ejudiciary.net about 150 MB
  (the Law Society's 2021 guide to court e-bundles, communities.lawsociety.org.uk,
  and Bundlu's guide to delivering e-bundles).
* HMCTS's reformed digital services (the Common Platform among them) take documents of
  up to 1 GB (Ministry of Justice answer to a parliamentary question on courts'
  digital technology, parallelparliament.co.uk question 104311); the Common Platform
  is how an LA serves an s9 bundle in the magistrates' court (GOV.UK, "Serve documents
  and add case material in Common Platform", March 2024).
* No published attachment limit for CJSM (Criminal Justice Secure eMail) was found.

So the build warns past 18 MB: such a bundle no longer fits one court email, nor an LA
upload form's 20 MB with the referral form beside it. A portal upload still takes it,
which the warning says.
"""

from __future__ import annotations

__all__ = ["WARN_BYTES", "size_text", "size_warning"]

#: above this, the bundle may not fit one email to a court or an LA's upload form
WARN_BYTES = 18_000_000


def size_text(size: int) -> str:
    """'0.24 MB', '18.4 MB' (decimal megabytes, as the courts' limits are written)."""
    mb = size / 1_000_000
    return f"{mb:.2f} MB" if mb < 10 else f"{mb:.1f} MB"


def size_warning(size: int) -> str | None:
    """The warning for a bundle of ``size`` bytes, or None when it is small enough."""
    if size <= WARN_BYTES:
        return None
    return (
        f"the bundle is {size_text(size)}, more than {size_text(WARN_BYTES)}: too large for one email to a court "
        "(25 MB in all, attachments base64-encoded) or an LA upload form (20 MB); upload it through the court's "
        "digital service instead, or leave out what is not needed"
    )
