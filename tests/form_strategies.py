"""Field-aware Hypothesis strategies for Django forms (issue "Trust", item 4): for each
field a well-formed value, a hostile one (empty, very long, control characters, HTML,
SQL, numbers and dates out of range or impossible, unknown keys, damaged files) or no key
at all, put together as the POST data and files a browser, or an attacker, would send."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import InlineForeignKeyField
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import strategies as st

#: A key left out of the submission.
MISSING = object()

HOSTILE_TEXT = [
    "", " ", "   \t\n", "\r\n", "\x00", "a\x00b", "\x01\x02\x1b[31m", "\u202eabc", "\ufeff",
    "\u200b", "ÆØÅ æøå", "Bjørn Ærlig-Åsen", "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', "'; DROP TABLE people_person; --", "' OR '1'='1",
    "%s %d %(x)s {0} {}", "{{ 7|add:7 }} {% now 'Y' %} {% load x %}", "../../etc/passwd",
    "😀" * 10, "x" * 10_000, "ø" * 10_000, "1" * 10_000, "\u0661\u0662", "None", "null",
    "[]", "{}", "a\nb\n\n c",
]
HOSTILE_NUMBERS = [
    "1,5", "1.5", "1 000", "1\xa0000", "NaN", "nan", "sNaN", "inf", "-inf", "Infinity", "-0",
    "0", "-1", "1e309", "1e-309", "1E+999999", "9" * 20, "-" + "9" * 20, "9" * 400, "0x10",
    "1_000", "\u0661\u0662", "²", "½", "+5", " 7 ", "12abc", "1e5", "-0,0", "1,2,3", "--1",
    "0,001", "99999,999",
]
HOSTILE_DATES = [
    "2026-02-30", "2026-13-01", "2026-00-10", "0001-01-01", "9999-12-31", "31.12.9999",
    "01.01.0001", "30.02.2026", "00.00.0000", "2026-1-1", "1.1.26", "29.02.2100",
    "2024-02-29", "10000-01-01", "2026-02-30T10:00", "9999-12-31T23:59", "0001-01-01T00:00",
    "31.12.9999 23:59", "9999-12-31 23:59:59", "24:00", "23:59:60", "25:61", "12", "00:00",
    "23:59", "-1", "i går", "today", "1e10", "2026-W05", "2026-06",
]
HOSTILE_PKS = ["0", "-1", "abc", "9" * 20, "1.5", "1e3", "", " 1", "999999", "\u0663", "[1]",
               "1 OR 1=1", "null"]
HOSTILE_FILE_NAMES = ["brev.pdf", "brev.PDF", "skann.png", "skann.jpg", "bilde.tiff",
                      "logg.csv", "logg.txt", "regnskap.CSV", "noext", ".csv", "a" * 300 + ".pdf",
                      "../../etc/passwd.csv", "ø æ å.csv", "x.pdf.exe", "x.xlsx"]
HOSTILE_FILE_HEADS = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0",
                      b"II*\x00", b"PK\x03\x04", b"\xff\xfeh\x00i\x00", b"\x00\x00\x00",
                      "enhet;person\nø;å\n".encode(), "enhet;person\nø;å\n".encode("latin-1"),
                      b"a;b\r1;2\r", b"\xe2\x82"]

WORDS = ["Kari", "Nordmann", "hjemmesykepleie", "Ærlig", "Østre", "gate", "Åse", "søknad",
         "trenger", "hjelp", "med", "medisiner", "og", "dusj", "morgen", "kveld", "Bjørn"]

_SAFE_CHARS = st.characters(exclude_categories=("Cs",))  # a request never decodes to these


def choice_values(choices) -> list[str]:
    """The submitted values of a (possibly grouped) choices list."""
    values = []
    for key, label in choices:
        if isinstance(label, (list, tuple)):
            values.extend(str(inner) for inner, _ in label)
        else:
            values.append("" if key is None else str(key))
    return values


def _fmt(value, formats) -> st.SearchStrategy[str]:
    formats = [f for f in formats if "%f" not in f] or ["%Y-%m-%d"]
    return st.sampled_from(formats).map(value.strftime)


def _dates(field) -> st.SearchStrategy[str]:
    today = timezone.localdate()
    return st.dates(today - dt.timedelta(days=1500), today).flatmap(
        lambda day: _fmt(day, list(field.input_formats)))


def _datetimes(field) -> st.SearchStrategy[str]:
    now = timezone.localtime().replace(tzinfo=None, second=0, microsecond=0)
    return st.datetimes(now - dt.timedelta(days=400), now - dt.timedelta(minutes=1)).flatmap(
        lambda moment: _fmt(moment, list(field.input_formats)))


def _times(field) -> st.SearchStrategy[str]:
    return st.times().flatmap(lambda moment: _fmt(moment, list(field.input_formats)))


def _text(field) -> st.SearchStrategy[str]:
    low = max(getattr(field, "min_length", None) or 0, 1 if field.required else 0)
    high = getattr(field, "max_length", None) or 200

    def fit(words):
        text = " ".join(words)
        while len(text) < low:
            text += " og mer"
        return text[:high].strip() if len(text[:high].strip()) >= low else "x" * low

    return st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(fit)


def _decimals(field) -> st.SearchStrategy[str]:
    places = field.decimal_places if field.decimal_places is not None else 2
    whole = (field.max_digits - places) if field.max_digits else 6
    low = Decimal(field.min_value) if field.min_value is not None else Decimal(0)
    high = min(Decimal(field.max_value) if field.max_value is not None else Decimal(1000),
               Decimal(10) ** whole - 1)
    text = st.decimals(min_value=low, max_value=high, places=places, allow_nan=False,
                       allow_infinity=False).map(lambda d: format(d, "f"))
    return text.map(lambda s: s.replace(".", ",")) if field.localize else text


def _integers(field) -> st.SearchStrategy[str]:
    low = field.min_value if field.min_value is not None else 0
    high = field.max_value if field.max_value is not None else 1000
    return st.integers(int(low), int(high)).map(str)


def good_file(name: str) -> SimpleUploadedFile:
    """A file the upload checks accept for a field of this name (a scan or a CSV)."""
    if "scan" in name:
        return SimpleUploadedFile("brev.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    return SimpleUploadedFile("fil.csv", "enhet;person;start\nØst;1;2026-01-05\n".encode())


def _files() -> st.SearchStrategy[SimpleUploadedFile]:
    return st.builds(lambda name, head, tail: SimpleUploadedFile(name, head + tail),
                     st.sampled_from(HOSTILE_FILE_NAMES), st.sampled_from(HOSTILE_FILE_HEADS),
                     st.binary(max_size=300))


def good_value(field, name: str = "") -> st.SearchStrategy:
    """A well-formed value for ``field`` (still possibly refused by the form's own rules)."""
    optional = not field.required
    if isinstance(field, InlineForeignKeyField):  # the parent's key, in an inline formset
        return st.sampled_from(["", str(field.parent_instance.pk)])
    if isinstance(field, forms.ModelMultipleChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
        return st.lists(st.sampled_from(pks), min_size=0 if optional else 1, max_size=3,
                        unique=True) if pks else st.just([])
    if isinstance(field, forms.ModelChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
        strategy = st.sampled_from(pks) if pks else st.just("")
        return st.one_of(st.just(""), strategy) if optional else strategy
    if isinstance(field, forms.MultipleChoiceField):
        values = [v for v in choice_values(field.choices) if v]
        return st.lists(st.sampled_from(values), min_size=0 if optional else 1, max_size=3,
                        unique=True)
    if isinstance(field, forms.ChoiceField):
        values = [v for v in choice_values(field.choices) if v or optional]
        return st.sampled_from(values) if values else st.just("")
    if isinstance(field, forms.NullBooleanField):
        return st.sampled_from(["true", "false", "unknown"])
    if isinstance(field, forms.BooleanField):
        return st.just("on") if field.required else st.sampled_from(["on", MISSING])
    if isinstance(field, forms.FileField):
        return st.just(None).map(lambda _: good_file(name))
    if isinstance(field, forms.JSONField):
        return st.dictionaries(st.text(max_size=5), st.integers()).map(json.dumps)
    if isinstance(field, forms.DateTimeField):
        strategy = _datetimes(field)
    elif isinstance(field, forms.DateField):
        strategy = _dates(field)
    elif isinstance(field, forms.TimeField):
        strategy = _times(field)
    elif isinstance(field, (forms.DecimalField, forms.FloatField)):
        strategy = _decimals(field)
    elif isinstance(field, forms.IntegerField):
        strategy = _integers(field)
    elif isinstance(field, forms.RegexField):
        strategy = st.from_regex(field.regex, fullmatch=True).filter(lambda s: s.isascii())
    elif isinstance(field.widget, forms.Select) and list(field.widget.choices):
        strategy = st.sampled_from(choice_values(field.widget.choices))
    else:
        strategy = _text(field)
    return st.one_of(st.just(""), strategy) if optional else strategy


def hostile_value(field) -> st.SearchStrategy:
    """A value no well-behaved browser sends for ``field``, or no key at all."""
    text = st.one_of(st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES),
                     st.text(_SAFE_CHARS, max_size=40))
    if isinstance(field, forms.FileField):
        return st.one_of(st.just(MISSING), _files(), text)
    if isinstance(field, forms.ModelChoiceField):
        text = st.one_of(st.sampled_from(HOSTILE_PKS), text)
    elif isinstance(field, (forms.DateField, forms.DateTimeField, forms.TimeField)):
        text = st.one_of(st.sampled_from(HOSTILE_DATES), text)
    elif isinstance(field, forms.IntegerField):  # also Decimal- and FloatField
        text = st.one_of(st.sampled_from(HOSTILE_NUMBERS), text)
    many = st.lists(text, max_size=4)
    if isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
        good = good_value(field)
        mixed = st.tuples(good, many).map(lambda pair: list(pair[0]) + pair[1])
        return st.one_of(st.just(MISSING), many, mixed, text)
    return st.one_of(st.just(MISSING), text, st.lists(text, min_size=2, max_size=3))


@st.composite
def field_values(draw, fields: dict, hints: dict | None = None) -> dict:
    """{name: value or MISSING} for the fields: all well-formed, mostly well-formed, or
    hostile."""
    hints = hints or {}
    mode = draw(st.sampled_from(["good", "mixed", "hostile"]))
    values = {}
    for name, field in fields.items():
        good = hints[name] if name in hints else good_value(field, name)
        if mode == "good" or (mode == "mixed" and draw(st.integers(0, 3))):
            values[name] = draw(good)
        else:
            values[name] = draw(hostile_value(field))
    if mode == "hostile" and draw(st.booleans()):
        values[draw(st.sampled_from(["csrfmiddlewaretoken", "id", "pk", "__all__", "x" * 300]))] \
            = draw(st.sampled_from(HOSTILE_TEXT))
    return values


def put(data: QueryDict, files: MultiValueDict, key: str, value) -> None:
    """Puts one value (string, list of strings or file) under ``key``."""
    if value is MISSING:
        return
    if isinstance(value, SimpleUploadedFile):
        files.setlist(key, [value])
    elif isinstance(value, list):
        data.setlist(key, [str(v) for v in value])
    else:
        data.setlist(key, [str(value)])


@st.composite
def form_submission(draw, form, hints: dict | None = None):
    """(data, files) for an unbound ``form``, keyed by its fields' HTML names."""
    values = draw(field_values(form.fields, hints))
    data, files = QueryDict(mutable=True), MultiValueDict()
    for name, value in values.items():
        key = form[name].html_name if name in form.fields else name
        put(data, files, key, value)
    return data, files


MANAGEMENT_HOSTILE = ["", "abc", "-1", "1001", "9" * 20, "1.5", " 2", "\x00", MISSING]


@st.composite
def formset_submission(draw, formset, hints: dict | None = None):
    """(data, files) for an unbound formset: management form, then 0-3 forms."""
    data, files = QueryDict(mutable=True), MultiValueDict()
    count = draw(st.integers(0, 3))
    prefix = formset.prefix
    management = {"TOTAL_FORMS": str(count), "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0",
                  "MAX_NUM_FORMS": "1000"}
    if draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from(sorted(management)))
        management[key] = draw(st.sampled_from(MANAGEMENT_HOSTILE))
    for key, value in management.items():
        put(data, files, f"{prefix}-{key}", value)
    fields = formset.empty_form.fields
    for index in range(count):
        for name, value in draw(field_values(fields, hints)).items():
            put(data, files, f"{prefix}-{index}-{name}", value)
    return data, files
