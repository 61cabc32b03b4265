"""gunicorn settings for every way Tildel is served: the systemd unit, the container and
the load test (``gunicorn -c python:tildel.gunicorn_conf tildel.wsgi:application``).

Command-line options still apply on top (bind address, number of workers, timeouts).
"""

from __future__ import annotations

import gc


def post_worker_init(worker) -> None:
    """Load the URL configuration and every view module, then set aside (``gc.freeze``)
    the objects a worker keeps for its whole life. Python's full garbage collection
    otherwise walks all of Django's modules, models and templates now and then, in the
    middle of a request: the order inbox took 60 ms as a rule and 170 ms when that
    happened (docs/performance.md)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views and what they import
    gc.collect()
    gc.freeze()
