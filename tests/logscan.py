"""The log scan (issue 10): every log record written during a test run is kept, one file
per test process, and read at the end for anything that looks like a fødselsnummer or
D-nummer. Logs must never hold personal data (Normen; ADR 0003)."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

from tildel.rules import identity

DIRECTORY = "TILDEL_TEST_LOG_DIR"
#: Written by every test process when it starts (``started`` counts them).
STARTED = "loggskanning: prosessen har startet"
#: 11 digits, or 6 and 5 with a space, dot or dash between, not part of a longer number.
_CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ .-]?(\d{5})(?!\d)")


def directory() -> Path:
    """The run's log folder: made by the first process, inherited by the test workers."""
    if not os.environ.get(DIRECTORY):
        os.environ[DIRECTORY] = tempfile.mkdtemp(prefix="tildel-test-logs-")
    return Path(os.environ[DIRECTORY])


_handlers: dict[str, logging.Handler] = {}


def keep_logs(worker: str) -> None:
    """Write every record that reaches the root logger to this process's file. Called
    before each test: a test that configures logging again drops the root's handlers."""
    handler = _handlers.get(worker)
    if handler is None:
        handler = logging.FileHandler(directory() / f"{worker}.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        _handlers[worker] = handler
    root = logging.getLogger()
    if handler not in root.handlers:
        root.addHandler(handler)


def started(folder: Path) -> int:
    """How many process logs begin with the start line."""
    return sum(1 for path in folder.glob("*.log")
               if STARTED in path.read_text(encoding="utf-8", errors="replace")[:500])


def flush() -> None:
    for handler in _handlers.values():
        handler.flush()


def identity_numbers(text: str) -> list[str]:
    """The valid fødselsnummer and D-nummer in ``text`` (synthetic ones too)."""
    return [a + b for a, b in _CANDIDATE.findall(text) if identity.is_valid(a + b)]


def scan(folder: Path) -> tuple[int, list[str]]:
    """Lines read, and where each line holding a number is (file and line number; never
    the line itself, which may be a traceback's, so the report cannot leak the number)."""
    lines, found = 0, []
    for path in sorted(folder.glob("*.log")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            lines += 1
            if identity_numbers(line):
                found.append(f"{path.name}, linje {number}")
    return lines, found
