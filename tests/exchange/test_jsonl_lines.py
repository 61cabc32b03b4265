"""The JSONL reader (``jsonl._lines``): the fast parser must accept and refuse exactly
what the standard library does, with the same reasons."""

from __future__ import annotations

import io
import json

import pytest

from tildel.exchange import jsonl

EDGE_LINES = [
    b'{"a": 1}\n', b'{"a": 1}\r\n', b'  {"a": 1}  \n', b'{"a": 1, "a": 2}\n',
    b'{"a": 123456789012345678901234}\n',  # beyond 64 bits: stays an integer
    b'{"a": -9223372036854775809}\n', b'{"a": 9223372036854775807}\n',
    b'{"a": NaN}\n', b'{"a": 1e400}\n', b'{"a": -0.0}\n', b'{"a": "\\ud800"}\n',
    b'{"a": "\\u0000"}\n', b'\xef\xbb\xbf{"a": 1}\n', b'{"a": 1} x\n', b'[1, 2]\n',
    b'"tekst"\n', b'{"a": "\xff"}\n', b'[' * 3000 + b']' * 3000 + b'\n',
    b'{"navn": "S\xc3\xb8rli", "id": "12345678901234567890123"}\n',
]


def standard(raw: bytes):
    """What the reader gave before the fast parser: the standard library's reading."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "not utf-8"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return f"not json {error.msg} {error.pos}"
    except (RecursionError, ValueError):
        return "too deep"
    return value if isinstance(value, dict) else "not an object"


def read(raw: bytes):
    (number, record, problem), = jsonl._lines(io.BytesIO(raw))
    assert number == 1
    return record, problem


@pytest.mark.parametrize("raw", EDGE_LINES, ids=lambda raw: repr(raw[:24]))
def test_each_line_is_read_as_the_standard_library_reads_it(raw):
    record, problem = read(raw)
    expected = standard(raw)
    if isinstance(expected, dict):
        assert problem == ""
        assert json.dumps(record) == json.dumps(expected)  # NaN compares equal as text
        assert [type(v) for v in record.values()] == [type(v) for v in expected.values()]
    else:
        assert record is None
        assert problem  # reported, with the reason the line had before


def test_an_integer_beyond_64_bits_is_not_made_a_float():
    record, _ = read(b'{"type": "assessment", "scores": {"ADL": 123456789012345678901}}\n')
    assert record["scores"]["ADL"] == 123456789012345678901


def test_the_reason_for_a_line_that_is_not_json_names_what_and_where():
    _, problem = read(b'{"a": 1} x\n')
    assert problem == "Linjen er ikke gyldig JSON (Extra data, tegn 9)."
