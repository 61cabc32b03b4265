#!/usr/bin/env python
"""Django's command-line utility; the same as ``tildel`` and ``python -m tildel``."""

from tildel.__main__ import main

if __name__ == "__main__":
    main()
