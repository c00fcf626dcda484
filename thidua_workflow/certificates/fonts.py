"""The bundled Vietnamese-complete fonts (Liberation Serif, SIL OFL 1.1; licence in typefaces/OFL.txt).

ReportLab's own fonts lack Vietnamese; these are registered once per process (and in each worker of a
rendering pool) and embedded, subset, in every PDF.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from threading import Lock, RLock
from typing import ParamSpec, TypeVar

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SERIF = "TdSerif"
SERIF_BOLD = "TdSerif-Bold"
SERIF_ITALIC = "TdSerif-Italic"
SERIF_BOLD_ITALIC = "TdSerif-BoldItalic"
FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
_lock = Lock()
_registered = False
_drawing = RLock()
P = ParamSpec("P")
R = TypeVar("R")


def one_at_a_time(render: Callable[P, R]) -> Callable[P, R]:
    """ReportLab keeps each document's font subsets on the shared font objects: two PDFs drawn at once in one
    process (two threads of the web app, two registrars at once) corrupt each other. The workers of a
    rendering pool are processes, each with its own fonts, and draw in parallel."""

    @functools.wraps(render)
    def serialized(*args: P.args, **kwargs: P.kwargs) -> R:
        with _drawing:
            return render(*args, **kwargs)

    return serialized


def register_fonts() -> None:
    """Register the family once; safe to call from anywhere, any number of times."""
    global _registered
    with _lock:
        if _registered:
            return
        folder = resources.files("thidua_workflow.certificates") / "typefaces"
        for name, filename in FILES.items():
            with resources.as_file(folder / filename) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        addMapping(SERIF, 0, 0, SERIF)
        addMapping(SERIF, 1, 0, SERIF_BOLD)
        addMapping(SERIF, 0, 1, SERIF_ITALIC)
        addMapping(SERIF, 1, 1, SERIF_BOLD_ITALIC)
        _registered = True
