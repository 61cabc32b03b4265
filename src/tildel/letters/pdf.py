"""Render letter HTML to PDF/A with WeasyPrint.

Variant: PDF/A-2b (ISO 19005-2, conformance level B: the visual appearance is preserved,
all fonts embedded, colours device-independent, XMP metadata). WeasyPrint 70 offers
PDF/A-1 to 4; we pick 2b because Riksarkivarens forskrift (§ 5-17, accepted document
formats for archival deposit) lists PDF/A-1 and PDF/A-2, not PDF/A-3, whose only addition
is embedding arbitrary files, which a letter does not need. Level "a" needs a tagged,
structured PDF, which WeasyPrint does not guarantee for free-form HTML.

Nothing is fetched while rendering: the letter may only use data: URLs (no CDN, no
network, no local files), and the fonts are the system's DejaVu Sans.
"""

from __future__ import annotations

import logging

from weasyprint import HTML, URLFetcher

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-2b"


class LetterRenderError(Exception):
    """The PDF could not be made; ``message_nb`` says so in Norwegian."""

    def __init__(self, message_nb: str):
        super().__init__(message_nb)
        self.message_nb = message_nb


def render_pdf(html: str) -> bytes:
    """The letter as PDF/A-2b bytes. The PDF title comes from the HTML ``<title>``."""
    try:
        # Only inline data: URLs; anything else is skipped with a warning, never fetched.
        fetcher = URLFetcher(allowed_protocols=["data"])
        document = HTML(string=html, base_url=None, url_fetcher=fetcher)
        return document.write_pdf(pdf_variant=PDF_VARIANT)
    except Exception as error:  # WeasyPrint raises many kinds; none may escape as a 500.
        log.exception("PDF rendering failed")
        raise LetterRenderError("PDF-en kunne ikke lages. Brevet er ikke sendt.") from error
