"""Render a letter body (a Django template) inside the shared letter layout.

Context contract (filled by ``tildel.casework.services.letters.build_context``):

- ``municipality`` (str), ``office`` (name, address, phone), ``today`` (date),
  ``reference`` (case number), ``recipient`` (name, address, postcode, city),
- ``case``: received_on, expected_decision_by, caseworker_name,
- ``decision``: outcome, outcome_text, decided_on, legal_basis, facts, reasons,
  alternative_offered, granted_lines (service, extent, start, end, revision_due, goal,
  frame), refused_lines (service, alternative), complaint_deadline_text, signed_by,
  chargeable,
- ``complaint``: received_on, decision_reference.

A value the template asks for but the context lacks is an error, never a blank: a letter
with a hole in it must not be sent.
"""

from __future__ import annotations

import datetime as dt

from django.template import Context, Engine, TemplateSyntaxError

MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember"]
MISSING = "\u2063MANGLER\u2063"


class LetterTemplateError(Exception):
    """The template cannot be used; the message says why, in Norwegian."""

    def __init__(self, message_nb: str):
        super().__init__(message_nb)
        self.message_nb = message_nb


def norwegian_date(value) -> str:
    """``31. mars 2027``."""
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def _engine() -> Engine:
    return Engine(autoescape=True, string_if_invalid=MISSING,
                  builtins=["tildel.letters.template_filters"])


def _compile(source: str):
    try:
        return _engine().from_string(source)
    except TemplateSyntaxError as error:
        line = _error_line(error)
        where = f" på linje {line}" if line else ""
        raise LetterTemplateError(f"Malen har en feil{where}: {error}") from None


def _error_line(error: TemplateSyntaxError) -> int | None:
    info = getattr(error, "template_debug", None)
    if info and info.get("line"):
        return int(info["line"])
    token = getattr(error, "token", None)
    return getattr(token, "lineno", None)


def validate_template_source(source: str) -> None:
    """Raise ``LetterTemplateError`` if the template does not compile."""
    if not source.strip():
        raise LetterTemplateError("Malen er tom.")
    _compile(source)


LAYOUT = """<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: A4; margin: 22mm 20mm 22mm 25mm;
  @bottom-right {{ content: "Side " counter(page) " av " counter(pages); font-size: 9pt; }}
  @bottom-left {{ content: "{reference}"; font-size: 9pt; }} }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.45; }}
header {{ display: flex; justify-content: space-between; margin-bottom: 14mm; }}
.sender {{ font-size: 9pt; text-align: right; }}
.recipient {{ margin-bottom: 10mm; }}
h1 {{ font-size: 15pt; margin: 0 0 4mm; }} h2 {{ font-size: 11.5pt; margin: 6mm 0 2mm; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 0.5pt solid #999; padding: 1.5mm; text-align: left;
  vertical-align: top; }}
</style></head>
<body>
<header><div><strong>{municipality}</strong><br>{office}</div>
<div class="sender">Dato: {today}<br>Saksnummer: {reference}</div></header>
<div class="recipient">{recipient}</div>
{body}
</body></html>"""


def render_letter_html(source: str, context: dict, title: str = "Brev") -> str:
    """The whole letter as HTML. Raises ``LetterTemplateError`` for a missing value."""
    template = _compile(source)
    body = template.render(Context(context, autoescape=True))
    if MISSING in body:
        raise LetterTemplateError("Malen bruker en verdi som mangler for denne saken. "
                                  "Brevet er ikke laget.")
    from django.utils.html import escape

    recipient = context.get("recipient") or {}
    office = context.get("office") or {}
    recipient_html = "<br>".join(escape(part) for part in (
        recipient.get("name", ""), recipient.get("address", ""),
        f"{recipient.get('postcode', '')} {recipient.get('city', '')}".strip()) if part)
    return LAYOUT.format(
        title=escape(title), reference=escape(context.get("reference", "")),
        municipality=escape(context.get("municipality", "")),
        office=escape(office.get("name", "")), today=norwegian_date(context.get("today")),
        recipient=recipient_html, body=body)
