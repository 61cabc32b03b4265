"""Helpers for reading uploaded files and building many rows, free of Django imports so the
spreadsheet reader runs without a database."""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager


def csv_rows(raw: bytes | str) -> Iterator[list[str]]:
    """Rows of a CSV in UTF-8 (with or without BOM), comma or semicolon separated (the
    header line decides). Raises ``UnicodeDecodeError`` for another encoding."""
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


@contextmanager
def gc_paused():
    """Building hundreds of thousands of small tuples triggers the cyclic garbage collector
    again and again (measured: 0.87 s instead of 0.27 s for 700,000 rows); nothing built
    here makes cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
