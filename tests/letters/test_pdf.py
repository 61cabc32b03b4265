"""Letters as PDF/A: the text a citizen reads, archival metadata, no network."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf
import pytest

from tildel.letters import pdf as pdf_module
from tildel.letters.defaults import default_template
from tildel.letters.pdf import LetterRenderError, render_pdf
from tildel.letters.rendering import render_letter_html


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize(("kind", "expected"), [
    ("acknowledgement", ["Vi har mottatt søknaden din", "1. mars 2027", "Ola Saksbehandler",
                         "innsyn"]),
    ("preliminary_reply", ["Foreløpig svar", "§ 11 a", "29. mars 2027"]),
    ("decision", ["Hjemmesykepleie", "Omfang: 6 timer per uke", "til og med 30. juni 2027",
                  "senest 1. juni 2027", "Praktisk bistand", "Matombringing",
                  "Resultat: Delvis innvilget", "pasient- og brukerrettighetsloven § 7-2",
                  "fire uker", "§ 7-5", "Statsforvalteren", "forvaltningsloven § 18",
                  "Side 1 av 2"]),
    ("complaint_received", ["Vi har mottatt klagen din", "2027/0042-3"]),
    ("complaint_forwarded", ["Klagen din er sendt til Statsforvalteren", "10. april 2027"]),
])
def test_default_letters_as_pdf(letter_context, kind, expected):
    data = render_pdf(render_letter_html(default_template(kind), letter_context))

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for phrase in ["Testkommune", "Kari Nordmann", "31. mars 2027", "2027/0042", *expected]:
        assert phrase in text


def test_pdf_declares_pdf_a_and_title(letter_context):
    data = render_pdf(render_letter_html(default_template("decision"), letter_context))

    reader = pypdf.PdfReader(io.BytesIO(data))
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="2"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    assert reader.metadata.title == "Vedtak om helse- og omsorgstjenester"


def test_rendering_never_fetches_from_the_network(letter_context):
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_error(404)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        port = server.server_address[1]
        body = (f'<h1>Bilde</h1><img src="http://127.0.0.1:{port}/logo.png">'
                f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">')
        render_pdf(render_letter_html(body, letter_context))
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []


def test_weasyprint_failure_becomes_letter_render_error(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pdf_module.HTML, "write_pdf", broken)

    with pytest.raises(LetterRenderError, match="PDF-en kunne ikke lages"):
        render_pdf("<p>x</p>")
