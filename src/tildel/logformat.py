"""JSON log lines for production (``TILDEL_LOG_FORMAT=json``, docs/operations.md).

One JSON object per line with a fixed set of keys: ``time`` (ISO 8601 with offset),
``level``, ``logger``, ``message`` and, when the record carries one, ``exception`` (the
traceback as text). Nothing else is copied from the record: ``extra`` attributes such as
the request object Django attaches to ``django.request`` records could hold a query string
or a form value, and logs must never hold personal data (ADR 0003). The message is the
same text the plain format writes, so the log scan's promise holds for both.
"""

from __future__ import annotations

import datetime as dt
import json
import logging


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON (newlines inside values are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
