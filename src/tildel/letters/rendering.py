"""Render a letter body (brevmal, a Django template) inside the shared letter layout.

The body is an HTML fragment an administrator may edit; the layout around it (A4,
letterhead, date, reference, recipient block, page numbers) is fixed here.

Context contract (filled by ``tildel.casework.services.letters.build_context``). Every
letter needs the first group; the other keys only for the kinds that use them:

- all kinds: ``municipality`` (str), ``office`` (dict: ``name``, ``address``, ``phone``;
  address and phone may be empty), ``today`` (date), ``reference`` (str, case number),
  ``recipient`` (dict: ``name``, ``address``, ``postcode``, ``city``);
- ``acknowledgement``, ``preliminary_reply``, ``decision``: ``case`` (dict:
  ``received_on`` date, ``expected_decision_by`` date, ``caseworker_name`` str; optional
  ``delay_reason``, the reason given in a foreløpig svar);
- ``decision``: ``decision`` (dict: ``outcome`` ``"grant"``/``"partial"``/``"refusal"``,
  ``outcome_text``, ``decided_on`` date, ``legal_basis``, ``facts``, ``reasons``,
  ``granted_lines``: list of dicts (``service``, ``extent`` e.g. "6 timer per uke",
  ``start`` date, ``end`` date or None for "inntil videre", ``revision_due`` date or None,
  ``goal``, ``frame``), ``refused_lines``: list of dicts (``service``, ``alternative``),
  ``complaint_deadline_text`` (the sentence stating the complaint limit), ``signed_by``:
  list of names; optional ``chargeable`` (bool: a granted service has egenandel));
- ``complaint_received``, ``complaint_forwarded``: ``complaint`` (dict: ``received_on``
  date, ``decision_reference`` str).

Dates are formatted in the template with the ``dato`` filter: ``{{ today|dato }}`` gives
"31. mars 2027".

A value the template asks for but the context lacks is an error, never a blank: a letter
with a hole in it must not be sent. The same goes for a value that is ``None`` and is
printed; ``{% if %}`` on it is fine (it is false). Values are HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.safestring import mark_safe

MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember"]

# An invisible separator around the missing name: survives escaping and |lower/|upper.
MARK = "\u2063"
MISSING_PATTERN = re.compile(f"{MARK}([^{MARK}]*){MARK}")


class LetterTemplateError(Exception):
    """The template cannot be used; ``message_nb`` says why, in Norwegian."""

    def __init__(self, message_nb: str):
        super().__init__(message_nb)
        self.message_nb = message_nb


class Blank:
    """A ``None`` in the context: false in ``{% if %}``, an error when printed."""

    def __init__(self, path: str):
        self.path = path

    def __bool__(self) -> bool:
        return False

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __str__(self) -> str:
        return f"{MARK}{self.path}{MARK}"

    def __eq__(self, other) -> bool:
        return other is None or isinstance(other, Blank)

    __hash__ = None


def norwegian_date(value) -> str:
    """A date as Norwegian long form, ``31. mars 2027``; text is returned as it is."""
    if isinstance(value, Blank):
        return str(value)
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


@functools.cache
def _engine() -> Engine:
    # No loaders and no libraries: a template cannot include files or load tag libraries.
    return Engine(autoescape=True, string_if_invalid=f"{MARK}%s{MARK}",
                  builtins=["tildel.letters.templatetags_builtin"])


def _error_line(error: Exception) -> int | None:
    info = getattr(error, "template_debug", None)
    if info and info.get("line"):
        return int(info["line"])
    token = getattr(error, "token", None)
    return getattr(token, "lineno", None)


def _compile(source: str):
    try:
        return _engine().from_string(source)
    except TemplateSyntaxError as error:
        line = _error_line(error)
        where = f" på linje {line}" if line else ""
        raise LetterTemplateError(f"Malen har en feil{where}: {error}") from None


def validate_template_source(source: str) -> None:
    """Raise ``LetterTemplateError`` if the template is empty or does not compile."""
    if not source.strip():
        raise LetterTemplateError("Malen er tom.")
    _compile(source)


def _prepare(value, path: str):
    """Copy the context, replacing ``None`` with ``Blank`` so printing it is caught."""
    if value is None:
        return Blank(path)
    if isinstance(value, dict):
        return {key: _prepare(item, f"{path}.{key}" if path else str(key))
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_prepare(item, f"{path}.{index}") for index, item in enumerate(value)]
    return value


def _render(template, context: dict) -> str:
    try:
        return template.render(Context(context, autoescape=True))
    except Exception as error:  # a filter or tag failing on odd data: never a 500
        line = _error_line(error)
        where = f" på linje {line}" if line else ""
        raise LetterTemplateError(f"Malen kunne ikke fylles ut{where}: {error}") from error


def _check_complete(rendered: str) -> None:
    missing = list(dict.fromkeys(MISSING_PATTERN.findall(rendered)))
    if missing:
        names = ", ".join(f"«{name}»" for name in missing[:5])
        raise LetterTemplateError(
            f"Brevet mangler opplysninger: {names}. Brevet er ikke laget. Fyll inn det som "
            "mangler i saken, eller rett malen.")


LAYOUT = """<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
@page { size: A4; margin: 20mm 20mm 22mm 25mm;
  @bottom-left { content: "Saksnummer " string(reference); font-size: 8.5pt; color: #444; }
  @bottom-right { content: "Side " counter(page) " av " counter(pages); font-size: 8.5pt;
    color: #444; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.45; }
.letterhead { display: flex; justify-content: space-between; align-items: flex-start;
  border-bottom: 0.75pt solid #333; padding-bottom: 3mm; margin-bottom: 8mm; }
.municipality { font-size: 15pt; font-weight: bold; }
.office { font-size: 9pt; }
.meta { font-size: 9pt; text-align: right; }
.reference { string-set: reference content(); }
.exempt { font-size: 8.5pt; margin-bottom: 6mm; }
.recipient { min-height: 25mm; margin-bottom: 8mm; }
h1 { font-size: 14pt; margin: 0 0 4mm; } h2 { font-size: 11pt; margin: 6mm 0 2mm; }
h3 { font-size: 10pt; margin: 4mm 0 1mm; } ul { margin: 1mm 0; padding-left: 6mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
th, td { border-bottom: 0.5pt solid #999; padding: 1.5mm; text-align: left;
  vertical-align: top; }
p, li { orphans: 2; widows: 2; } h2, h3 { break-after: avoid; }
</style></head>
<body>
<div class="letterhead">
 <div><div class="municipality">{{ municipality }}</div>
  <div class="office">{{ office.name }}{% if office.address %}<br>{{ office.address }}{% endif %}
  {% if office.phone %}<br>Telefon {{ office.phone }}{% endif %}</div></div>
 <div class="meta">Dato: {{ today|dato }}<br>
  Saksnummer: <span class="reference">{{ reference }}</span></div>
</div>
<div class="exempt">Unntatt offentlighet, jf. offentleglova § 13 og forvaltningsloven § 13</div>
<div class="recipient">{{ recipient.name }}<br>{{ recipient.address }}<br>
{{ recipient.postcode }} {{ recipient.city }}</div>
{{ body }}
</body></html>"""

@functools.cache
def _layout():
    return _compile(LAYOUT)


HEADING = re.compile(r"<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)


def _title_from(body: str) -> str:
    match = HEADING.search(body)
    if not match:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def render_letter_html(source: str, context: dict, title: str | None = None) -> str:
    """The whole letter as an HTML document, ready for ``render_pdf``.

    ``title`` goes into the PDF metadata; by default the body's first ``<h1>``. Raises
    ``LetterTemplateError`` for a syntax error or a missing value.
    """
    prepared = _prepare(dict(context), "")
    body = _render(_compile(source), prepared)
    _check_complete(body)
    layout_context = {**prepared, "body": mark_safe(body),  # noqa: S308 - escaped above
                      "title": title or _title_from(body) or "Brev"}
    document = _render(_layout(), layout_context)
    _check_complete(document)
    return document
