"""Letter templates: layout, default bodies, syntax errors, missing values, escaping."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.letters.defaults import LETTER_KINDS, default_template
from tildel.letters.rendering import (
    LetterTemplateError,
    norwegian_date,
    render_letter_html,
    validate_template_source,
)


def test_norwegian_date():
    assert norwegian_date(dt.date(2027, 3, 31)) == "31. mars 2027"
    assert norwegian_date(dt.datetime(2027, 12, 1, 9, 30)) == "1. desember 2027"


def test_letter_kinds_have_default_bodies():
    assert LETTER_KINDS == {
        "acknowledgement": "Forvaltningsmelding", "preliminary_reply": "Foreløpig svar",
        "decision": "Vedtak", "complaint_received": "Bekreftelse på klage",
        "complaint_forwarded": "Oversendelse av klage"}
    for kind in LETTER_KINDS:
        validate_template_source(default_template(kind))
    with pytest.raises(KeyError):
        default_template("../settings")


def test_layout(letter_context):
    html = render_letter_html("<h1>Hei</h1><p>{{ today|dato }}</p>", letter_context)

    for expected in ("Testkommune", "Tildelingskontoret Øst", "Rådhusgata 1", "51 00 00 00",
                     "Dato: 31. mars 2027", "2027/0042", "Kari Nordmann", "Testveien 1",
                     "4001 Stavanger", "size: A4", "counter(pages)", "DejaVu Sans",
                     "<title>Hei</title>", "offentleglova § 13"):
        assert expected in html


@pytest.mark.parametrize(("kind", "expected"), [
    ("acknowledgement", ["1. mars 2027", "29. mars 2027", "Ola Saksbehandler",
                         "forvaltningsloven § 18", "flere opplysninger"]),
    ("preliminary_reply", ["forvaltningsloven § 11 a", "29. mars 2027"]),
    ("decision", ["Hjemmesykepleie", "6 timer per uke", "30. juni 2027", "1. juni 2027",
                  "inntil videre", "Du skal klare deg hjemme.", "Praktisk bistand",
                  "Matombringing", "Delvis innvilget", "§ 7-2", "§ 7-5", "fire uker",
                  "Statsforvalteren", "forvaltningsloven § 18", "egenandel",
                  "Du bor alene.<br>Du trenger", "Per Leder"]),
    ("complaint_received", ["10. april 2027", "2027/0042-3", "Statsforvalteren"]),
    ("complaint_forwarded", ["10. april 2027", "Statsforvalteren"]),
])
def test_default_bodies_render(letter_context, kind, expected):
    html = render_letter_html(default_template(kind), letter_context)

    for text in expected:
        assert text in html


@pytest.mark.parametrize(("outcome", "sentence"), [
    ("grant", "Du får hjelpen du har søkt om."),
    ("refusal", "Du får ikke hjelpen du har søkt om."),
])
def test_decision_outcome_sentence(letter_context, outcome, sentence):
    letter_context["decision"]["outcome"] = outcome

    assert sentence in render_letter_html(default_template("decision"), letter_context)


def test_syntax_error_names_the_line():
    source = "<p>Hei</p>\n<p>Linje to</p>\n{% if case.received_on %}\n<p>ingen slutt</p>\n"

    with pytest.raises(LetterTemplateError, match="^Malen har en feil på linje 3: "):
        validate_template_source(source)


def test_unknown_filter_names_the_line(letter_context):
    with pytest.raises(LetterTemplateError, match="linje 2"):
        render_letter_html("<p>Hei</p>\n{{ today|finnesikke }}", letter_context)


def test_empty_template_is_refused():
    with pytest.raises(LetterTemplateError, match="tom"):
        validate_template_source("  \n")


def test_missing_value_is_an_error(letter_context):
    del letter_context["case"]

    with pytest.raises(LetterTemplateError) as caught:
        render_letter_html(default_template("acknowledgement"), letter_context)

    assert "«case.received_on»" in caught.value.message_nb


def test_misspelt_value_is_an_error(letter_context):
    with pytest.raises(LetterTemplateError, match="«decision.outcome_txt»"):
        render_letter_html("<p>{{ decision.outcome_txt|lower }}</p>", letter_context)


def test_printed_none_is_an_error_but_if_on_none_is_fine(letter_context):
    letter_context["case"]["expected_decision_by"] = None

    with pytest.raises(LetterTemplateError, match="«case.expected_decision_by»"):
        render_letter_html(default_template("acknowledgement"), letter_context)
    html = render_letter_html("{% if case.expected_decision_by %}x{% else %}y{% endif %}",
                              letter_context)
    assert "<body>" in html


def test_missing_layout_value_is_an_error(letter_context):
    del letter_context["municipality"]

    with pytest.raises(LetterTemplateError, match="«municipality»"):
        render_letter_html("<p>Hei</p>", letter_context)


def test_values_are_escaped(letter_context):
    letter_context["recipient"]["name"] = "<script>alert(1)</script>"
    letter_context["decision"]["facts"] = "Bor <b>alene</b> & trenger hjelp"

    html = render_letter_html(default_template("decision"), letter_context)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Bor &lt;b&gt;alene&lt;/b&gt; &amp; trenger hjelp" in html


def test_templates_cannot_reach_files_or_libraries(letter_context):
    with pytest.raises(LetterTemplateError):
        render_letter_html('{% include "/etc/passwd" %}', letter_context)
    with pytest.raises(LetterTemplateError, match="linje 1"):
        validate_template_source("{% load static %}")


def test_decision_without_outcome_is_not_sent_as_a_refusal(letter_context):
    letter_context["decision"]["outcome"] = None

    with pytest.raises(LetterTemplateError, match="«decision.outcome»"):
        render_letter_html(default_template("decision"), letter_context)
