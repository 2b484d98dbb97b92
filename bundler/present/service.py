"""Who a document went to and how it was served, in words a reader of the bundle takes
in at a glance: "to Morgan Example (mother), first-class post".

Takes a document's front matter and the case; gives the phrase the index, the bookmarks
and the chronology print beside the document's title, so that two letters that differ
only by addressee are told apart. Documents that are not addressed to a parent give "".
"""

from __future__ import annotations

from ..case.models import Addressed, Case, EmailServed, HandServed, PostServed

__all__ = ["service_words"]

_POST = {
    "post_first_class": "first-class post",
    "post_second_class": "second-class post",
    "recorded_delivery": "recorded delivery",
}


def _who(case: Case, pid: str | None) -> str:
    parent = case.parent(pid) if pid else None
    if parent is None:
        return pid or "nobody recorded"
    return f"{parent.name} ({parent.relationship})"


def service_words(meta: object, case: Case) -> str:
    """The addressee and the service of a letter, email or notice; "" for other documents."""
    if not isinstance(meta, Addressed):
        return ""
    words = f"to {_who(case, meta.to)}"
    served = meta.served
    if served is None:
        return f"{words}, service not recorded"
    if isinstance(served, PostServed):
        return f"{words}, {_POST[served.method]}"
    if isinstance(served, HandServed):
        if served.recipient == meta.to:
            return f"{words}, by hand"
        return f"{words}, by hand to {_who(case, served.recipient)}"
    if isinstance(served, EmailServed):
        parent = case.parent(meta.to)
        if parent is not None and (parent.email or "").lower() == served.address.lower():
            return f"{words}, email"
        return f"{words}, email to {served.address} (not an address recorded for them)"
    return words
