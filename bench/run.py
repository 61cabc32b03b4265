"""Benchmark runner. The benchmark suite (city-size data, load test, budgets) is built in
its own issue; until then this prints what is measured so far: the medium demo build."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        os.environ.setdefault("TILDEL_VAR_DIR", tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tildel.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from tildel.demo.generator import generate

        start = time.perf_counter()
        result = generate(size="medium", seed=2022)
        seconds = time.perf_counter() - start
    print(f"{'benchmark':<28}{'measured':<40}{'value':>12}")
    print(f"{'demo_medium_build':<28}{f'{result.persons} persons, one run':<40}"
          f"{seconds:>10.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
