"""The words beside each letter in the index: addressee, then how it was served."""

from __future__ import annotations

import pytest
from builder import BASE_CASE

from bundler.case.models import Case, Letter, Other
from bundler.present.service import service_words

CASE = Case.model_validate(BASE_CASE)


@pytest.mark.parametrize(
    ("served", "words"),
    [
        ({"method": "post_first_class"}, "to Morgan Example (mother), first-class post"),
        ({"method": "recorded_delivery"}, "to Morgan Example (mother), recorded delivery"),
        ({"method": "hand", "recipient": "p1"}, "to Morgan Example (mother), by hand"),
        ({"method": "hand", "recipient": "p2"}, "to Morgan Example (mother), by hand to Jamie Specimen (father)"),
        ({"method": "hand"}, "to Morgan Example (mother), by hand to nobody recorded"),
        ({"method": "email", "address": "Morgan.Example@mail.example"}, "to Morgan Example (mother), email"),
        (
            {"method": "email", "address": "someone@else.example"},
            "to Morgan Example (mother), email to someone@else.example (not an address recorded for them)",
        ),
        (None, "to Morgan Example (mother), service not recorded"),
    ],
)
def test_service_words(served, words) -> None:
    meta = {"type": "letter", "title": "T", "date": "2024-09-20", "to": "p1"}
    if served is not None:
        meta["served"] = served
    assert service_words(Letter.model_validate(meta), CASE) == words


def test_documents_not_addressed_to_a_parent_have_none() -> None:
    note = Other.model_validate({"type": "other", "title": "T", "date": "2024-09-20"})
    assert service_words(note, CASE) == ""
