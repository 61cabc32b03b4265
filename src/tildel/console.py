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


def chosen_municipality(number: str | None):
    """The municipality a command works on: the one named by ``--municipality NUMMER``, or
    the only one there is. CommandError (Norwegian) otherwise."""
    from django.core.management.base import CommandError

    from tildel.organisation.models import Municipality

    if number:
        found = Municipality.objects.filter(number=number.strip()).first()
        if found is None:
            raise CommandError(f"Fant ingen kommune med kommunenummer «{number}».")
        return found
    municipalities = list(Municipality.objects.all()[:20])
    if not municipalities:
        raise CommandError("Fant ingen kommune. Opprett en, eller kjør «tildel demo».")
    if len(municipalities) > 1:
        numbers = ", ".join(m.number for m in municipalities)
        raise CommandError(f"Det finnes flere kommuner ({numbers}). Velg én med "
                           f"--municipality NUMMER.")
    return municipalities[0]
