"""Render letter HTML to PDF/A with WeasyPrint.

PDF/A-3b (archival, ISO 19005-3, level B: the visual appearance is preserved): WeasyPrint
70 writes it with embedded fonts and XMP metadata, and Noark 5 archives accept it.
"""

from __future__ import annotations

import logging

from weasyprint import HTML

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-3b"


class LetterRenderError(Exception):
    """The PDF could not be made; the message says so in Norwegian."""

    def __init__(self, message_nb: str):
        super().__init__(message_nb)
        self.message_nb = message_nb


def render_pdf(html: str) -> bytes:
    try:
        return HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)
    except Exception as error:  # WeasyPrint raises many kinds; none may escape as a 500.
        log.exception("PDF rendering failed")
        raise LetterRenderError("PDF-en kunne ikke lages. Brevet er ikke sendt.") from error
