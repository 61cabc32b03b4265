"""Garbage collection tuned for long batch work (imports, exports).

Python's cycle collector runs after every 700 new container objects and then walks
everything that is alive, including the whole of Django once it is loaded. A batch job
that makes millions of short-lived dicts and tuples (and almost no cycles) spent a sixth
of its time there: importing a million JSONL records took 49 s, 46 s with this; a KPR
export of a year 5.3-5.9 s, 4.6-4.8 s with this (docs/performance.md). ``batch_gc`` moves
what is alive at the start out of the collector's sight (``gc.freeze``) and collects less
often; both are undone at the end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Container objects made between two collections of the youngest generation (700 by
#: default); the older generations keep Python's own ratios.
YOUNG_THRESHOLD = 100_000


@contextmanager
def batch_gc() -> Iterator[None]:
    before = gc.get_threshold()
    # A process that froze its own start-up (a pre-forking server, say) is left as it is:
    # unfreeze would take back theirs with ours.
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if freezing:
            gc.unfreeze()
