"""Damaged files for the importers' fuzz run (issue 10, item 4): a good sample with a few
of the faults real files have (cut short, bytes changed, another encoding, a stray quote or
NUL, a very long field, deep nesting), or bytes and text with no shape at all."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: How many damaged files each importer is given; the test names carry the number too.
EXAMPLES = 150

FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                         database=None, suppress_health_check=list(HealthCheck))


def _at(data: bytes, where: float) -> int:
    return int(where * len(data))


def _line_at(data: bytes, where: float) -> tuple[int, int]:
    start = data.rfind(b"\n", 0, _at(data, where)) + 1
    end = data.find(b"\n", start)
    return start, (len(data) if end < 0 else end + 1)


def _reencoded(data: bytes, encoding: str) -> bytes:
    return data.decode("utf-8", errors="replace").encode(encoding, errors="replace")


EDITS = {
    "cut": lambda d, w, b: d[:_at(d, w)],
    "change": lambda d, w, b: d[:_at(d, w)] + b + d[_at(d, w) + len(b):],
    "insert": lambda d, w, b: d[:_at(d, w)] + b + d[_at(d, w):],
    "delete": lambda d, w, b: d[:_at(d, w)] + d[_at(d, w) + len(b):],
    "nul": lambda d, w, b: d[:_at(d, w)] + b"\x00" + d[_at(d, w):],
    "quote": lambda d, w, b: d[:_at(d, w)] + b'"' + d[_at(d, w):],
    "long field": lambda d, w, b: d[:_at(d, w)] + b * (20_000 // len(b)) + d[_at(d, w):],
    "deep": lambda d, w, b: d[:_at(d, w)] + b"[" * 5000 + b"{" * 5000 + d[_at(d, w):],
    "line twice": lambda d, w, b: d[:_line_at(d, w)[1]] + d[slice(*_line_at(d, w))]
    + d[_line_at(d, w)[1]:],
    "line gone": lambda d, w, b: d[:_line_at(d, w)[0]] + d[_line_at(d, w)[1]:],
    "latin-1": lambda d, w, b: _reencoded(d, "latin-1"),
    "utf-16": lambda d, w, b: _reencoded(d, "utf-16"),
    "bom": lambda d, w, b: b"\xef\xbb\xbf" + d,
    "crlf": lambda d, w, b: d.replace(b"\n", b"\r\n"),
    "bare cr": lambda d, w, b: d.replace(b"\n", b"\r"),
    "delimiter": lambda d, w, b: d.replace(b";", b"\t").replace(b",", b";"),
    "empty": lambda d, w, b: b"",
}


def damaged(sample: bytes) -> st.SearchStrategy[bytes]:
    """The sample with one to six damages, or unshaped bytes or text."""
    edit = st.tuples(st.sampled_from(sorted(EDITS)), st.floats(0, 1),
                     st.binary(min_size=1, max_size=24))

    def apply(edits) -> bytes:
        data = sample
        for name, where, noise in edits:
            data = EDITS[name](data, where, noise)
        return data

    return st.one_of(
        st.lists(edit, min_size=1, max_size=6).map(apply),
        st.binary(max_size=3000),
        st.text(max_size=1500).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    )
