"""A fake of the Google APIs the pipeline uses, served over real HTTP on 127.0.0.1 for tests and the bench."""

from .forms import file_question, form_response, grid_question, section, text_question
from .server import FakeGoogle, Fault, Recorded, classify, serve
from .sheets import Formula

__all__ = [
    "FakeGoogle",
    "Fault",
    "Formula",
    "Recorded",
    "classify",
    "file_question",
    "form_response",
    "grid_question",
    "section",
    "serve",
    "text_question",
]
