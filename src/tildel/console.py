"""Progress bars for long commands (demo generation, imports): one bar per step.

``progress_bar`` yields the ``progress(step, advance, total)`` callback that the demo
generator and the visit importer report to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Report = Callable[[str, int, int | None], None]


@contextmanager
def progress_bar(console: Console, *, quiet: bool = False) -> Iterator[Report]:
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=quiet) as progress:
        tasks: dict[str, int] = {}

        def report(step: str, advance: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.advance(tasks[step], advance)

        yield report
