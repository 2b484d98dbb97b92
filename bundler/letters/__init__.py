"""Stage 5 (beside the bundle): the toolkit's letters, notices and forms.

Takes a validated case; gives documents written from the toolkit's templates
(``catalogue``), with the figures and dates the case implies (``context``), rendered
(``render``), written into the case's ``documents/`` (``write``), and exported to PDF and
Word (``export``); and the skeleton of a new case folder (``skeleton``).
"""

from .catalogue import NEEDS, ROAD_MAP, LetterError, LetterTemplate, TemplateInput, get_template, list_templates
from .context import CASE_BLANKS, PENALTY, closed_days, letter_context
from .export import letter_docx, letter_html, letter_pdf
from .render import Blank, RenderedLetter, dated_inputs, render_letter, shared_mailbox_warning
from .skeleton import new_case
from .write import WrittenLetter, write_letters

__all__ = [
    "CASE_BLANKS",
    "Blank",
    "TemplateInput",
    "closed_days",
    "dated_inputs",
    "NEEDS",
    "ROAD_MAP",
    "PENALTY",
    "LetterError",
    "LetterTemplate",
    "RenderedLetter",
    "WrittenLetter",
    "get_template",
    "list_templates",
    "letter_context",
    "letter_docx",
    "letter_html",
    "letter_pdf",
    "new_case",
    "render_letter",
    "shared_mailbox_warning",
    "write_letters",
]
